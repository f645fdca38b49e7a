"""database_optimization: the spec's PHASE 4 extras (partial indexes, full-text search)

Revision ID: 0002_database_optimization
Revises: 0001_init
Create Date: 2026-11-25

The spec writes these with unquoted camelCase columns, which PostgreSQL would fold to lower
case and then not find; here every camelCase column is quoted.
"""
from alembic import op

revision = "0002_database_optimization"
down_revision = "0001_init"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        """
        CREATE INDEX courses_published_catalog_idx
            ON courses (featured DESC, difficulty, "createdAt" DESC)
            WHERE published = true
        """
    )
    op.execute(
        """
        CREATE INDEX course_progress_incomplete_idx
            ON course_progress ("progressPercent", "lastAccessedAt" DESC)
            WHERE "progressPercent" < 100
        """
    )
    op.execute(
        """
        CREATE INDEX lesson_progress_incomplete_idx
            ON lesson_progress ("progressId", "lastWatchedAt" DESC)
            WHERE completed = false
        """
    )
    op.execute(
        """
        ALTER TABLE courses
        ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
            setweight(to_tsvector('english', coalesce(description, '')), 'B')
        ) STORED
        """
    )
    op.execute("CREATE INDEX courses_search_vector_idx ON courses USING GIN (search_vector)")


def downgrade():
    op.execute("DROP INDEX IF EXISTS courses_search_vector_idx")
    op.execute("ALTER TABLE courses DROP COLUMN IF EXISTS search_vector")
    op.execute("DROP INDEX IF EXISTS lesson_progress_incomplete_idx")
    op.execute("DROP INDEX IF EXISTS course_progress_incomplete_idx")
    op.execute("DROP INDEX IF EXISTS courses_published_catalog_idx")

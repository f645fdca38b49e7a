"""analytics_rollups: pre-computed daily and monthly figures for the all-courses dashboards

Revision ID: 0005_analytics_rollups
Revises: 0004_audit_log
Create Date: 2026-11-25

App-owned tables, rebuilt by `flask analytics refresh` (lms/analytics/rollups.py); no platform
table changes. UNLOGGED: they are derived data written in bulk; after a crash PostgreSQL
empties them (the refresh time included) and the dashboards compute live until the next refresh.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TIMESTAMP

revision = "0005_analytics_rollups"
down_revision = "0004_audit_log"
branch_labels = None
depends_on = None

COUNT, SUM = sa.BigInteger, sa.Numeric
# table -> (id column, measures), per course or quiz, per day and per month
FAMILIES = {
    "analytics_course_sales": ("courseId", {"sales": COUNT, "revenue": SUM, "refunds": COUNT,
                                            "refunded": SUM}),
    "analytics_course_enrollments": ("courseId", {"enrollments": COUNT, "completed": COUNT,
                                                  "progressCount": COUNT,
                                                  "progressSum": COUNT}),
    "analytics_course_activity": ("courseId", {"students": COUNT, "progressSum": COUNT,
                                               "finished": COUNT}),
    "analytics_quiz_attempts": ("quizId", {"attempts": COUNT, "passed": COUNT,
                                           "scoreSum": SUM}),
}


def upgrade():
    op.create_table(
        "analytics_daily",
        sa.Column("metric", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("m", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.PrimaryKeyConstraint("metric", "day", "key", name="analytics_daily_pkey"),
        prefixes=["UNLOGGED"],
    )
    for table, (entity, measures) in FAMILIES.items():
        op.create_table(
            table,
            sa.Column("grain", sa.Text(), nullable=False),
            sa.Column("period", sa.Date(), nullable=False),
            sa.Column(entity, sa.Text(), nullable=False),
            *(sa.Column(name, kind(), nullable=False) for name, kind in measures.items()),
            sa.PrimaryKeyConstraint("grain", "period", entity, name=f"{table}_pkey"),
            prefixes=["UNLOGGED"],
        )
    op.create_table(
        "analytics_refreshes",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("refreshedAt", TIMESTAMP(precision=3), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="analytics_refreshes_pkey"),
        prefixes=["UNLOGGED"],
    )


def downgrade():
    op.drop_table("analytics_refreshes")
    for table in reversed(FAMILIES):
        op.drop_table(table)
    op.drop_table("analytics_daily")

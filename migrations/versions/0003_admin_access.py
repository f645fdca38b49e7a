"""admin_access: the app's own sign-in tables (credentials, failed-login throttle)

Revision ID: 0003_admin_access
Revises: 0002_database_optimization
Create Date: 2026-11-25

Platform tables are untouched: credentials live beside users, keyed by its id.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TIMESTAMP

revision = "0003_admin_access"
down_revision = "0002_database_optimization"
branch_labels = None
depends_on = None

Timestamp = TIMESTAMP(precision=3)


def upgrade():
    op.create_table(
        "admin_credentials",
        sa.Column("userId", sa.Text(), nullable=False),
        sa.Column("passwordHash", sa.Text(), nullable=False),
        sa.Column("passwordChangedAt", Timestamp, nullable=False),
        sa.Column("createdAt", Timestamp, nullable=False),
        sa.ForeignKeyConstraint(["userId"], ["users.id"], name="admin_credentials_userId_fkey",
                                ondelete="CASCADE", onupdate="CASCADE"),
        sa.PrimaryKeyConstraint("userId", name="admin_credentials_pkey"),
    )
    op.create_table(
        "admin_login_throttle",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("firstFailureAt", Timestamp, nullable=False),
        sa.Column("lastFailureAt", Timestamp, nullable=False),
        sa.Column("lockedUntil", Timestamp, nullable=True),
        sa.PrimaryKeyConstraint("key", name="admin_login_throttle_pkey"),
    )


def downgrade():
    op.drop_table("admin_login_throttle")
    op.drop_table("admin_credentials")

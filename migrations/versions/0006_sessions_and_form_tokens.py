"""sessions_and_form_tokens: signed-in sessions the server can end, one-time form tokens

Revision ID: 0006_sessions_and_form_tokens
Revises: 0005_analytics_rollups
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TIMESTAMP

revision = "0006_sessions_and_form_tokens"
down_revision = "0005_analytics_rollups"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "admin_sessions",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("userId", sa.Text(), nullable=False),
        sa.Column("createdAt", TIMESTAMP(precision=3), nullable=False),
        sa.Column("lastSeenAt", TIMESTAMP(precision=3), nullable=False),
        sa.Column("revokedAt", TIMESTAMP(precision=3), nullable=True),
        sa.Column("userAgent", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="admin_sessions_pkey"),
        sa.ForeignKeyConstraint(["userId"], ["users.id"], name="admin_sessions_userId_fkey",
                                ondelete="CASCADE", onupdate="CASCADE"),
    )
    op.create_index("admin_sessions_userId_idx", "admin_sessions", ["userId"])
    op.create_table(
        "admin_form_submissions",
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("userId", sa.Text(), nullable=True),
        sa.Column("submittedAt", TIMESTAMP(precision=3), nullable=False),
        sa.PrimaryKeyConstraint("token", name="admin_form_submissions_pkey"),
    )
    op.create_index("admin_form_submissions_submittedAt_idx", "admin_form_submissions",
                    ["submittedAt"])


def downgrade():
    op.drop_table("admin_form_submissions")
    op.drop_table("admin_sessions")

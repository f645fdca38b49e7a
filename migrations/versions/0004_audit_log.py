"""audit_log: the app's record of every write and export (who, when, which row, before/after)

Revision ID: 0004_audit_log
Revises: 0003_admin_access
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, TIMESTAMP

revision = "0004_audit_log"
down_revision = "0003_admin_access"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("at", TIMESTAMP(precision=3), nullable=False),
        sa.Column("userId", sa.Text(), nullable=True),
        sa.Column("userEmail", sa.Text(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("tableName", sa.Text(), nullable=False),
        sa.Column("rowId", sa.Text(), nullable=True),
        sa.Column("before", JSONB(), nullable=True),
        sa.Column("after", JSONB(), nullable=True),
        sa.Column("details", JSONB(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="audit_log_pkey"),
    )
    op.create_index("audit_log_table_rowId_idx", "audit_log", ["tableName", "rowId"])
    op.create_index("audit_log_userId_idx", "audit_log", ["userId"])
    op.create_index("audit_log_at_idx", "audit_log", [sa.text("at DESC")])


def downgrade():
    op.drop_table("audit_log")

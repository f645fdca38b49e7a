"""sales_per_currency: the course sales rollup keeps each currency apart, refunds by refund date

Revision ID: 0007_sales_per_currency
Revises: 0006_sessions_and_form_tokens
Create Date: 2026-12-02

analytics_course_sales gains "currency" in its key (it held USD only) and "revenue" becomes
"gross" (sales that completed, refunded since or not). The table is derived data: it is created
empty and the rollups are marked as never built, so the dashboards compute live until the next
`flask analytics refresh`.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_sales_per_currency"
down_revision = "0006_sessions_and_form_tokens"
branch_labels = None
depends_on = None

TABLE = "analytics_course_sales"
COUNT, SUM = sa.BigInteger, sa.Numeric


def create(keys, measures):
    op.create_table(
        TABLE,
        sa.Column("grain", sa.Text(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        *(sa.Column(key, sa.Text(), nullable=False) for key in keys),
        *(sa.Column(name, kind(), nullable=False) for name, kind in measures.items()),
        sa.PrimaryKeyConstraint("grain", "period", *keys, name=f"{TABLE}_pkey"),
        prefixes=["UNLOGGED"],
    )


def rebuild(keys, measures):
    op.execute("DELETE FROM analytics_refreshes WHERE name = 'rollups'")
    op.drop_table(TABLE)
    create(keys, measures)


def upgrade():
    rebuild(("courseId", "currency"),
            {"sales": COUNT, "gross": SUM, "refunds": COUNT, "refunded": SUM})


def downgrade():
    rebuild(("courseId",), {"sales": COUNT, "revenue": SUM, "refunds": COUNT, "refunded": SUM})

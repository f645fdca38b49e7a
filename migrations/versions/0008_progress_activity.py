"""progress_activity: students active in a range by lesson activity; progress of every enrollment

Revision ID: 0008_progress_activity
Revises: 0007_sales_per_currency
Create Date: 2026-12-02

"Students active in the range" now means lesson activity in it (a lesson watched or completed),
which a sum of days cannot count once per student: analytics_progress_activity keeps one row
per course progress record with the days it had some, and replaces analytics_course_activity
(by last access). The average progress of enrollments now counts an enrollment without a
progress record as 0%, so it divides by the enrollments and analytics_course_enrollments no
longer needs "progressCount". Derived data: the rollups are marked as never built, so the
dashboards compute live until the next `flask analytics refresh`.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import DATEMULTIRANGE

revision = "0008_progress_activity"
down_revision = "0007_sales_per_currency"
branch_labels = None
depends_on = None

COUNT = sa.BigInteger


def upgrade():
    op.execute("DELETE FROM analytics_refreshes WHERE name = 'rollups'")
    op.drop_table("analytics_course_activity")
    op.drop_column("analytics_course_enrollments", "progressCount")
    op.create_table(
        "analytics_progress_activity",
        sa.Column("progressId", sa.Text(), nullable=False),
        sa.Column("courseId", sa.Text(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("days", DATEMULTIRANGE(), nullable=False),
        sa.PrimaryKeyConstraint("progressId", name="analytics_progress_activity_pkey"),
        prefixes=["UNLOGGED"],
    )


def downgrade():
    op.execute("DELETE FROM analytics_refreshes WHERE name = 'rollups'")
    op.drop_table("analytics_progress_activity")
    op.add_column(
        "analytics_course_enrollments",
        sa.Column("progressCount", COUNT(), nullable=False, server_default="0"),
    )
    op.alter_column("analytics_course_enrollments", "progressCount", server_default=None)
    op.create_table(
        "analytics_course_activity",
        sa.Column("grain", sa.Text(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("courseId", sa.Text(), nullable=False),
        sa.Column("students", COUNT(), nullable=False),
        sa.Column("progressSum", COUNT(), nullable=False),
        sa.Column("finished", COUNT(), nullable=False),
        sa.PrimaryKeyConstraint("grain", "period", "courseId", name="analytics_course_activity_pkey"),
        prefixes=["UNLOGGED"],
    )

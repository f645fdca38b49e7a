"""`flask analytics refresh`: course_analytics in one set-based statement, then the rollups."""

import time

import click
from flask.cli import with_appcontext
from sqlalchemy import text

from lms.analytics.rollups import refresh_rollups
from lms.analytics.sql import REVENUE_CURRENCY
from lms.db import lift_statement_time
from lms.models import utcnow

# One row per course, from two per-course aggregates joined on the course id. averageProgress
# is the mean over the course's enrollments, 0% for one without a course_progress row (enrolled,
# never started); a progress row without an enrollment is nobody's progress in it. Revenue is
# completed sales in the course's own currency (a sum across currencies means nothing).
# A new row gets a cuid-shaped id derived from its course (Prisma's ids are made by the
# client, so the database has no default). averageRating has no source in the schema: kept.
REFRESH_SQL = text("""
    WITH enrolled AS (
        SELECT e."courseId", count(*) AS total,
               count(*) FILTER (WHERE e.status = 'ACTIVE') AS active,
               count(*) FILTER (WHERE e.status = 'COMPLETED') AS completed,
               avg(coalesce(cp."progressPercent", 0)) AS average_progress
        FROM enrollments e LEFT JOIN course_progress cp
             ON cp."userId" = e."userId" AND cp."courseId" = e."courseId"
        GROUP BY e."courseId"),
    revenue AS (
        SELECT t."courseId", sum(t.amount) AS total
        FROM transactions t JOIN courses c ON c.id = t."courseId" AND c.currency = t.currency
        WHERE t.status = 'COMPLETED' GROUP BY t."courseId")
    INSERT INTO course_analytics AS ca
        (id, "courseId", "totalEnrollments", "activeEnrollments", "completionRate",
         "averageProgress", "totalRevenue", "lastCalculatedAt")
    SELECT 'c' || substr(md5('course_analytics:' || c.id), 1, 24), c.id,
           coalesce(e.total, 0), coalesce(e.active, 0),
           coalesce(100.0 * e.completed / nullif(e.total, 0), 0),
           coalesce(e.average_progress, 0), coalesce(r.total, 0),
           CAST(:now AS timestamp(3))
    FROM courses c
         LEFT JOIN enrolled e ON e."courseId" = c.id
         LEFT JOIN revenue r ON r."courseId" = c.id
    ON CONFLICT ("courseId") DO UPDATE SET
        "totalEnrollments" = EXCLUDED."totalEnrollments",
        "activeEnrollments" = EXCLUDED."activeEnrollments",
        "completionRate" = EXCLUDED."completionRate",
        "averageProgress" = EXCLUDED."averageProgress",
        "totalRevenue" = EXCLUDED."totalRevenue",
        "lastCalculatedAt" = EXCLUDED."lastCalculatedAt"
""")


def refresh_course_analytics(session, now=None) -> int:
    """Upsert every course's row (caller commits); returns how many courses were written."""
    result = session.execute(REFRESH_SQL, {"now": now or utcnow()})
    return result.rowcount


def refresh_everything(session, now=None, echo=None) -> int:
    """course_analytics, then the dashboards' rollups, in the caller's transaction."""
    now = now or utcnow()
    started = time.perf_counter()
    lift_statement_time(session.connection())  # the refresh button may run past a page's bound
    count = refresh_course_analytics(session, now)
    if echo is not None:
        echo("course_analytics", time.perf_counter() - started)
    refresh_rollups(session, now, REVENUE_CURRENCY, echo)
    return count


class StepClock:
    """Adds up the seconds of each step's statements and prints a step when the next begins."""

    def __init__(self):
        self.totals: dict[str, float] = {}

    def __call__(self, step: str, seconds: float) -> None:
        if self.totals and step not in self.totals:
            self.show(next(reversed(self.totals)))
        self.totals[step] = self.totals.get(step, 0.0) + seconds

    def show(self, step: str) -> None:
        click.echo(f"  {step:<20}{self.totals[step]:7.2f} s")


@click.group("analytics", help="Pre-computed analytics (course_analytics and rollups).")
def analytics_group() -> None:
    pass


@analytics_group.command("refresh")
@with_appcontext
def refresh_command() -> None:
    """Recompute course_analytics for every course in one SQL statement, then rebuild the
    all-courses dashboards' rollup tables (set-based statements), in one transaction."""
    from lms.db import db

    click.echo("Recomputing course_analytics and the dashboards' rollups…")
    clock, started = StepClock(), time.perf_counter()
    try:
        count = refresh_everything(db.session, echo=clock)
        db.session.commit()
    except Exception as error:  # the message, not a traceback, and a non-zero exit
        db.session.rollback()
        raise click.ClickException(f"refresh failed: {error}") from error
    clock.show(next(reversed(clock.totals)))
    total = time.perf_counter() - started
    courses = clock.totals["course_analytics"]
    click.echo(
        f"Updated {count} courses in {courses:.2f} s; rebuilt the dashboards' rollups "
        f"in {total - courses:.2f} s ({total:.2f} s in all)."
    )

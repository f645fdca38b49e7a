"""Running the dashboards' SQL text: bound parameters, the range and scope clauses, shared CTEs.

Each statement is text() with bound parameters; the only SQL assembled in Python is fixed
fragments such as the scope clause below. Timestamps are stored in UTC and bucketed as they are.
Money is summed as NUMERIC and arrives as Decimal. Both figure sources (live/ and precomputed.py)
run their statements through `fetch`.
"""

from sqlalchemy import text

from lms.analytics.filters import Filters
from lms.db import db
from lms.scoping import taught_course_sql

# Revenue is summed in one currency; other currencies still show in the status breakdown.
REVENUE_CURRENCY = "USD"
TOP = 20

# The time series' buckets: every day or month of the range, so empty ones show as zero.
BUCKETS = """buckets AS (
    SELECT generate_series(date_trunc(:bucket, CAST(:start AS timestamp)),
                           CAST(:end AS timestamp) - interval '1 day',
                           CAST(:step AS interval)) AS bucket)"""
# The months of the range: each the cohort of the students who enrolled in it.
COHORTS = """cohorts AS (
    SELECT generate_series(date_trunc('month', CAST(:start AS timestamp)),
                           CAST(:end AS timestamp) - interval '1 day',
                           interval '1 month') AS cohort)"""
# This month and last; last month "to date" runs to the end of the same day of the month.
MONTHS = """m AS (
    SELECT this_start, this_start - interval '1 month' AS last_start,
           least(this_start, this_start - interval '1 month'
                 + (date_trunc('day', CAST(:now AS timestamp)) - this_start) + interval '1 day')
               AS same_day_end
    FROM (SELECT date_trunc('month', CAST(:now AS timestamp)) AS this_start) t)"""
# Lessons of one course in the order students meet them.
COURSE_LESSONS = """steps AS (
    SELECT l.id, l.title, l.duration,
           row_number() OVER (ORDER BY m."order", l."order", l.id) AS pos
    FROM lessons l JOIN course_modules m ON m.id = l."moduleId"
    WHERE m."courseId" = :course_id AND {scope})"""


def course_scope(column: str, f: Filters) -> str:
    """A condition keeping `column` (a course id) to the chosen course and instructor's courses."""
    clauses = []
    if f.course_id is not None:
        clauses.append(f"{column} = :course_id")
    if f.instructor_id is not None:
        clauses.append(taught_course_sql(column))
    return " AND ".join(clauses) or "TRUE"


def in_range(column: str) -> str:
    return f"{column} >= :start AND {column} < :end"


def fetch(sql: str, f: Filters, **extra: object) -> list[dict]:
    params = {**f.params(), "currency": REVENUE_CURRENCY, "top": TOP, **extra}
    return [dict(row) for row in db.session.execute(text(sql), params).mappings()]


def fetch_one(sql: str, f: Filters, **extra: object) -> dict:
    rows = fetch(sql, f, **extra)
    return rows[0] if rows else {}

"""Running the dashboards' SQL text: bound parameters, the range and scope clauses, shared CTEs.

Each statement is text() with bound parameters; the only SQL assembled in Python is fixed
fragments such as the scope clause below. Timestamps are stored in UTC and bucketed as they are.
Money is summed as NUMERIC and arrives as Decimal. Both figure sources (live/ and precomputed.py)
run their statements through `fetch`.
"""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import text

from lms.analytics.filters import Filters
from lms.db import db
from lms.scoping import taught_course_sql

# The one currency of figures not yet split by currency (refunds by progress, on the
# enrollments dashboard); every revenue figure is per currency (analytics/live/revenue.py).
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


@dataclass(frozen=True)
class MonthSpans:
    """This month so far, [this_start, cut), and the same span of last month, [last_start,
    last_cut): equal to the minute, unless last month ends first (`clipped`: 31 March against
    a February of 28 days), when last_cut is the end of last month."""

    this_start: datetime
    cut: datetime
    last_start: datetime
    last_cut: datetime
    clipped: bool

    def params(self) -> dict:
        """Bound parameters, with the first moment of the day of each cut."""
        days = {"cut_day": day_start(self.cut), "last_cut_day": day_start(self.last_cut)}
        return {**asdict(self), **days}


def day_start(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def month_spans(now: datetime) -> MonthSpans:
    """The month cards' spans: now to the minute, and the same offset into last month."""
    cut = now.replace(second=0, microsecond=0)
    this_start = day_start(cut).replace(day=1)
    last_start = (this_start - timedelta(days=1)).replace(day=1)
    same = last_start + (cut - this_start)
    return MonthSpans(this_start, cut, last_start, min(same, this_start), same > this_start)


# The revenue series of both sources, from their `sums` CTE (bucket, currency, gross, sales,
# refunded, refunds): every bucket of every currency that sold, zeros included.
CURRENCY_SERIES = """SELECT b.bucket, c.currency, coalesce(s.gross, 0) AS gross,
               coalesce(s.sales, 0) AS sales, coalesce(s.refunded, 0) AS refunded,
               coalesce(s.refunds, 0) AS refunds,
               coalesce(s.gross, 0) - coalesce(s.refunded, 0) AS net
        FROM (SELECT DISTINCT currency FROM sums) c CROSS JOIN buckets b
        LEFT JOIN sums s ON s.bucket = b.bucket AND s.currency = c.currency
        ORDER BY c.currency, b.bucket"""

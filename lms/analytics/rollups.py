"""App-owned rollup tables (UNLOGGED; migrations 0005, 0007, 0008) and the SQL rebuilding them.

The all-courses dashboards of a large platform read these instead of scanning millions of
rows per request. Every figure they hold is additive (counts and sums), so any range of days
or months adds up exactly; non-additive figures (distinct students, percentiles) are stored as
distributions, and students active in a range as one row per course progress record with the
days it had lesson activity (a range test counts each once, which no sum of days can).
`flask analytics refresh` and the admin button rebuild every table beside the old one and
swap them in at the end, in one transaction: readers see the previous figures until it
commits, and no replaced rows are left behind to vacuum.
"""

import time
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import BigInteger, Column, Date, Double, Integer, Numeric, Table, Text, text
from sqlalchemy.dialects.postgresql import DATEMULTIRANGE, TIMESTAMP
from sqlalchemy.types import TypeEngine

from lms.analytics.bins import completed_within_window, duration_ms, refund_bin, score_bin
from lms.db import db

# Per course (or quiz), day and month: one table per family of facts, each dated by its own
# column. (table, key columns, {measure: type}, the day rows from a staged aggregate.)
FAMILIES: list[tuple[str, tuple[str, ...], dict[str, type[TypeEngine[Any]]], str]] = [
    (
        # Per currency (never added together): sales (COMPLETED, or REFUNDED since) on the day
        # paid, refunds on the day refunded ("updatedAt": the platform keeps no refund time).
        "analytics_course_sales",
        ("courseId", "currency"),
        {"sales": BigInteger, "gross": Numeric, "refunds": BigInteger, "refunded": Numeric},
        """SELECT day, "courseId", currency, sum(sales), sum(gross), sum(refunds), sum(refunded)
        FROM (SELECT day, "courseId", currency, n AS sales, amount AS gross, 0 AS refunds,
                     0 AS refunded
              FROM staged_sales WHERE status IN ('COMPLETED', 'REFUNDED')
              UNION ALL
              SELECT CAST("updatedAt" AS date), "courseId", currency, 0, 0, count(*), sum(amount)
              FROM transactions WHERE status = 'REFUNDED' GROUP BY 1, 2, 3) sales
        GROUP BY 1, 2, 3""",
    ),
    (
        "analytics_course_enrollments",
        ("courseId",),
        # progressSum: every enrollment's progress, 0 without a course_progress row.
        {"enrollments": BigInteger, "completed": BigInteger, "progressSum": BigInteger},
        """SELECT day, "courseId", sum(n), coalesce(sum(n) FILTER (WHERE status = 'COMPLETED'), 0),
               sum(progress_sum)
        FROM staged_enrolled GROUP BY 1, 2""",
    ),
    (
        "analytics_quiz_attempts",
        ("quizId",),
        {"attempts": BigInteger, "passed": BigInteger, "scoreSum": Numeric},
        """SELECT day, "quizId", sum(n), coalesce(sum(n) FILTER (WHERE passed), 0), sum(score_sum)
        FROM staged_attempts GROUP BY 1, 2""",
    ),
]

# Declared on the app's metadata so the models-versus-migrations check sees them.
DAILY = Table(
    "analytics_daily",
    db.metadata,
    Column("metric", Text, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("n", BigInteger, nullable=False),
    Column("m", BigInteger, nullable=False),
    Column("amount", Numeric, nullable=False),
    prefixes=["UNLOGGED"],
)
FAMILY_TABLES = [
    Table(
        name,
        db.metadata,
        Column("grain", Text, primary_key=True),
        Column("period", Date, primary_key=True),
        *(Column(key, Text, primary_key=True) for key in keys),
        *(Column(column, kind, nullable=False) for column, kind in measures.items()),
        prefixes=["UNLOGGED"],
    )
    for name, keys, measures, _sql in FAMILIES
]
# Per course progress record with lesson activity: its course, its progress now, and the UTC
# days on which a lesson was watched (lastWatchedAt) or completed (completedAt).
ACTIVITY = Table(
    "analytics_progress_activity",
    db.metadata,
    Column("progressId", Text, primary_key=True),
    Column("courseId", Text, nullable=False),
    Column("progress", Integer, nullable=False),
    Column("days", DATEMULTIRANGE, nullable=False),
    prefixes=["UNLOGGED"],
)
REFRESHES = Table(
    "analytics_refreshes",
    db.metadata,
    Column("name", Text, primary_key=True),
    Column("refreshedAt", TIMESTAMP(precision=3), nullable=False),
    Column("seconds", Double, nullable=False),
    prefixes=["UNLOGGED"],
)

# First one pass over each large table into a temporary aggregate; the rollups are then summed
# from these small ones (and CREATE TABLE AS may run in parallel where INSERT … SELECT may not).
STAGING = [
    """CREATE TEMP TABLE staged_sales ON COMMIT DROP AS
        SELECT CAST("createdAt" AS date) AS day, "courseId", CAST(status AS text) AS status,
               currency, count(*) AS n, sum(amount) AS amount
        FROM transactions GROUP BY 1, 2, 3, 4""",
    """CREATE TEMP TABLE staged_enrolled ON COMMIT DROP AS
        SELECT CAST(e."enrolledAt" AS date) AS day, e."courseId", CAST(e.status AS text) AS status,
               count(*) AS n, coalesce(sum(cp."progressPercent"), 0) AS progress_sum
        FROM enrollments e LEFT JOIN course_progress cp
             ON cp."userId" = e."userId" AND cp."courseId" = e."courseId"
        GROUP BY 1, 2, 3""",
    f"""CREATE TEMP TABLE staged_attempts ON COMMIT DROP AS
        SELECT CAST("startedAt" AS date) AS day, "quizId", {score_bin("score")} AS bin, passed,
               count(*) AS n, sum(CAST(score AS numeric)) AS score_sum
        FROM quiz_attempts GROUP BY 1, 2, 3, 4""",
]
STAGED = ["staged_sales", "staged_enrolled", "staged_attempts"]

# analytics_daily: one row per (metric, day, key); what n, m and amount hold per metric.
DAILY_METRICS = f"""
    SELECT 'sales', day, status || '/' || currency, sum(n), 0, sum(amount)
    FROM staged_sales GROUP BY 2, 3
    UNION ALL
    SELECT 'refunds_issued', CAST("updatedAt" AS date), currency, count(*), 0, sum(amount)
    FROM transactions WHERE status = 'REFUNDED' GROUP BY 2, 3
    UNION ALL
    SELECT 'enrollments', day, status, sum(n), 0, sum(progress_sum)
    FROM staged_enrolled GROUP BY 2, 3
    UNION ALL
    SELECT 'completions', CAST("completedAt" AS date),
           CAST({duration_ms('"enrolledAt"', '"completedAt"')} AS text), count(*), 0, 0
    FROM enrollments WHERE "completedAt" IS NOT NULL GROUP BY 2, 3
    UNION ALL
    SELECT 'cohort_completions', CAST("enrolledAt" AS date), '', count(*), 0, 0
    FROM enrollments WHERE {completed_within_window('"enrolledAt"', '"completedAt"')}
    GROUP BY 2
    UNION ALL
    SELECT 'refunds', CAST(t."createdAt" AS date),
           CAST({refund_bin('cp."progressPercent"')} AS text), count(*), 0, sum(t.amount)
    FROM transactions t LEFT JOIN course_progress cp
         ON cp."userId" = t."userId" AND cp."courseId" = t."courseId"
    WHERE t.status = 'REFUNDED' AND t.currency = :currency GROUP BY 2, 3
    UNION ALL
    SELECT 'attempts', day, bin || '/' || CASE WHEN passed THEN 't' ELSE 'f' END, sum(n), 0,
           sum(score_sum)
    FROM staged_attempts GROUP BY 2, 3
    UNION ALL
    SELECT 'attempt_pairs', CAST(first AS date), CAST(least(4, tries) AS text), count(*), 0, 0
    FROM (SELECT min("startedAt") AS first, count(*) AS tries FROM quiz_attempts
          GROUP BY "userId", "quizId") pairs
    GROUP BY 2, 3
"""


def family_fill(table: str, keys: tuple[str, ...], measures: dict, day_rows: str) -> list[str]:
    """Fill a family's new table: its day rows, then months summed from them.

    Rows go in (period, id) order, so a range of days or months sits on few pages.
    """
    key_list = ", ".join(f'"{k}"' for k in keys)
    by_keys = ", ".join(str(2 + i) for i in range(1 + len(keys)))  # period and the keys
    columns = ", ".join(f'"{m}"' for m in measures)
    sums = ", ".join(f'sum("{m}")' for m in measures)
    return [
        f"""INSERT INTO {table} (grain, period, {key_list}, {columns})
            SELECT 'day', * FROM ({day_rows}) rows ORDER BY {by_keys}""",
        f"""INSERT INTO {table} (grain, period, {key_list}, {columns})
            SELECT 'month', CAST(date_trunc('month', period) AS date), {key_list}, {sums}
            FROM {table} WHERE grain = 'day' GROUP BY {by_keys} ORDER BY {by_keys}""",
    ]


# Days with lesson activity per course progress record, merged into ranges (range_agg drops
# duplicate days; a completion on the day of the last watch adds nothing, so it is skipped).
ACTIVITY_ROWS = """
    SELECT cp.id, cp."courseId", cp."progressPercent", a.days
    FROM course_progress cp JOIN (
        SELECT "progressId", range_agg(daterange(day, day, '[]')) AS days
        FROM (SELECT "progressId", CAST("lastWatchedAt" AS date) AS day FROM lesson_progress
              UNION ALL
              SELECT "progressId", CAST("completedAt" AS date) FROM lesson_progress
              WHERE CAST("completedAt" AS date) <> CAST("lastWatchedAt" AS date)) events
        GROUP BY "progressId") a ON a."progressId" = cp.id"""


def activity_fill(table: str) -> list[str]:
    return [
        f'INSERT INTO {table} ("progressId", "courseId", progress, days) '
        f"SELECT * FROM ({ACTIVITY_ROWS}) rows ORDER BY 2, 1"
    ]


def daily_fill(table: str) -> list[str]:
    return [
        f"INSERT INTO {table} (metric, day, key, n, m, amount) "
        f"SELECT * FROM ({DAILY_METRICS}) metrics ORDER BY 1, 2, 3"
    ]


# Statements filling the table named by their argument.
Fill = Callable[[str], list[str]]
# table -> (primary key columns, its fill)
REBUILT: dict[str, tuple[str, Fill]] = {
    "analytics_daily": ("metric, day, key", daily_fill),
    "analytics_progress_activity": ('"progressId"', activity_fill),
    **{
        name: (
            "grain, period, " + ", ".join(f'"{k}"' for k in keys),
            partial(family_fill, keys=keys, measures=measures, day_rows=rows),
        )
        for name, keys, measures, rows in FAMILIES
    },
}


def rebuild(table: str, key: str, fill: Fill) -> list[tuple[str, str]]:
    """Build the next version of a table beside it, without an index while it fills (bulk
    loading then indexing is several times faster than updating the index row by row)."""
    step, new = table.removeprefix("analytics_"), f"{table}_next"
    return [
        (step, f"DROP TABLE IF EXISTS {new}"),
        (step, f"CREATE UNLOGGED TABLE {new} (LIKE {table} INCLUDING DEFAULTS)"),
        *((step, sql) for sql in fill(new)),
        (step, f"ALTER TABLE {new} ADD CONSTRAINT {new}_pkey PRIMARY KEY ({key})"),
        (step, f"ANALYZE {new}"),
    ]


def swap(table: str) -> list[tuple[str, str]]:
    """Put the new version in place. Its lock is held from here to the commit only, so readers
    wait milliseconds, not the whole refresh (a TRUNCATE or DELETE would hold them longer)."""
    return [
        ("swap", f"DROP TABLE {table}"),
        ("swap", f"ALTER TABLE {table}_next RENAME TO {table}"),
        ("swap", f"ALTER TABLE {table} RENAME CONSTRAINT {table}_next_pkey TO {table}_pkey"),
    ]


STATEMENTS = [
    # One refresh at a time (a second one waits here, then rebuilds from fresh data).
    ("staging", "SELECT pg_advisory_xact_lock(hashtext('lms-analytics-rollups'))"),
    # Room for the hash aggregates over ~10^6 groups, for this transaction only.
    ("staging", "SET LOCAL work_mem = '256MB'"),
    ("staging", "DROP TABLE IF EXISTS " + ", ".join(STAGED)),  # a second run, same transaction
    *(("staging", sql) for sql in STAGING),
    # Temporary tables get no statistics of their own; without them the plans go wrong.
    ("staging", "ANALYZE " + ", ".join(STAGED)),
    *(
        statement
        for table, (key, fill) in REBUILT.items()
        for statement in rebuild(table, key, fill)
    ),
    *(statement for table in REBUILT for statement in swap(table)),
]


def refresh_rollups(session, now, currency: str, echo=None) -> None:
    """Rebuild every rollup table (caller commits); `echo(step, seconds)` reports progress."""
    began = time.perf_counter()
    for step, sql in STATEMENTS:
        started = time.perf_counter()
        session.execute(text(sql), {"currency": currency})
        if echo is not None:
            echo(step, time.perf_counter() - started)
    session.execute(
        text("""
        INSERT INTO analytics_refreshes (name, "refreshedAt", seconds)
        VALUES ('rollups', CAST(:now AS timestamp(3)), :seconds)
        ON CONFLICT (name) DO UPDATE
        SET "refreshedAt" = EXCLUDED."refreshedAt", seconds = EXCLUDED.seconds
    """),
        {"now": now, "seconds": time.perf_counter() - began},
    )


# Below this many enrollments every all-courses figure is fast live, and live is never stale.
USE_FROM_ENROLLMENTS = 50_000


def worth_reading(session, threshold: int = USE_FROM_ENROLLMENTS) -> bool:
    """Whether the platform is large enough for the rollups (the planner's row estimate)."""
    estimate = session.execute(
        text("SELECT reltuples FROM pg_class WHERE oid = CAST('enrollments' AS regclass)")
    ).scalar()
    return max(estimate or 0, 0) >= threshold  # -1: never analyzed


def refreshed_at(session):
    """When the rollups were last rebuilt, or None if never (then the dashboards stay live)."""
    return session.execute(
        text("SELECT \"refreshedAt\" FROM analytics_refreshes WHERE name = 'rollups'")
    ).scalar()

"""The all-courses figures of contract.FigureSource, read from the rollups (rollups.py).

Rows have the names and shapes of the live figures (analytics/live/). sources.figures_source
picks these for an admin looking at every course once the rollups exist; with a course or an
instructor scope the live queries are fast and exact, so they are used.
"""

from datetime import date, timedelta

from lms.analytics.bins import (
    ATTEMPT_LABELS,
    DURATION_BINS,
    PROGRESS_LABELS,
    REFUND_LABELS,
    SCORE_LABELS,
)
from lms.analytics.filters import Filters
from lms.analytics.sql import BUCKETS, COHORTS, MONTHS, fetch, fetch_one

DAYS = "day >= CAST(:start AS date) AND day < CAST(:end AS date)"
D_DAYS = "d.day >= CAST(:start AS date) AND d.day < CAST(:end AS date)"
# Whole months from the month rows, the days before and after them from the day rows.
PERIODS = """((x.grain = 'month' AND x.period >= :month_start AND x.period < :month_end)
    OR (x.grain = 'day' AND ((x.period >= :head_start AND x.period < :head_end)
                          OR (x.period >= :tail_start AND x.period < :tail_end))))"""


def first_of_next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def periods(f: Filters) -> dict:
    """The range [start, end) as whole months plus the partial months' days at either end."""
    start, end = f.start, f.end + timedelta(days=1)
    months_from = start if start.day == 1 else first_of_next_month(start)
    months_to = end.replace(day=1)
    if months_from >= months_to:  # no whole month inside: all days
        return {
            "month_start": start,
            "month_end": start,
            "head_start": start,
            "head_end": end,
            "tail_start": end,
            "tail_end": end,
        }
    return {
        "month_start": months_from,
        "month_end": months_to,
        "head_start": start,
        "head_end": months_from,
        "tail_start": months_to,
        "tail_end": end,
    }


# --- revenue -------------------------------------------------------------------------------


def revenue_series(f: Filters) -> list[dict]:
    return fetch(
        f"""
        WITH {BUCKETS}, sales AS (
            SELECT date_trunc(:bucket, CAST(day AS timestamp)) AS bucket,
                   sum(amount) FILTER (WHERE key = 'COMPLETED/' || :currency) AS revenue,
                   sum(n) FILTER (WHERE key = 'COMPLETED/' || :currency) AS sales,
                   sum(amount) FILTER (WHERE key = 'REFUNDED/' || :currency) AS refunded,
                   sum(n) FILTER (WHERE key = 'REFUNDED/' || :currency) AS refunds
            FROM analytics_daily WHERE metric = 'sales' AND {DAYS} GROUP BY 1)
        SELECT b.bucket, coalesce(s.revenue, 0) AS revenue,
               CAST(coalesce(s.sales, 0) AS bigint) AS sales,
               coalesce(s.refunded, 0) AS refunded,
               CAST(coalesce(s.refunds, 0) AS bigint) AS refunds
        FROM buckets b LEFT JOIN sales s USING (bucket) ORDER BY b.bucket""",
        f,
    )


def revenue_by_course(f: Filters) -> list[dict]:
    return fetch(
        f"""
        SELECT x.course_id, c.title, x.revenue, x.sales, x.average_order, x.refunded, x.refunds
        FROM (
            SELECT x."courseId" AS course_id, sum(x.revenue) AS revenue,
                   CAST(sum(x.sales) AS bigint) AS sales,
                   round(sum(x.revenue) / nullif(sum(x.sales), 0), 2) AS average_order,
                   sum(x.refunded) AS refunded, CAST(sum(x.refunds) AS bigint) AS refunds
            FROM analytics_course_sales x WHERE {PERIODS}
            GROUP BY x."courseId" HAVING sum(x.sales) + sum(x.refunds) > 0
            ORDER BY revenue DESC, sales DESC, x."courseId" LIMIT :top) x
        LEFT JOIN courses c ON c.id = x.course_id
        ORDER BY x.revenue DESC, x.sales DESC, x.course_id""",
        f,
        **periods(f),
    )


def transactions_by_status(f: Filters) -> list[dict]:
    return fetch(
        f"""
        WITH sales AS (
            SELECT split_part(key, '/', 1) AS status, split_part(key, '/', 2) AS currency,
                   CAST(sum(n) AS bigint) AS n, sum(amount) AS amount
            FROM analytics_daily WHERE metric = 'sales' AND {DAYS} GROUP BY 1, 2)
        SELECT CAST(s.status AS text) AS status, coalesce(x.currency, :currency) AS currency,
               coalesce(x.n, 0) AS transactions, coalesce(x.amount, 0) AS amount,
               round(x.amount / nullif(x.n, 0), 2) AS average
        FROM unnest(enum_range(CAST(NULL AS "PaymentStatus"))) AS s(status)
        LEFT JOIN sales x ON x.status = CAST(s.status AS text)
        ORDER BY coalesce(x.currency, :currency) <> :currency, x.currency, s.status""",
        f,
    )


def revenue_months(f: Filters) -> dict:
    return fetch_one(
        f"""
        WITH {MONTHS}
        SELECT m.this_start, m.last_start,
               coalesce(sum(d.amount) FILTER (WHERE d.day >= m.this_start), 0) AS this_month,
               coalesce(sum(d.amount) FILTER (WHERE d.day < m.this_start), 0) AS last_month,
               coalesce(sum(d.amount) FILTER (WHERE d.day < m.same_day_end), 0)
                   AS last_month_to_date
        FROM m LEFT JOIN analytics_daily d
             ON d.metric = 'sales' AND d.key = 'COMPLETED/' || :currency
            AND d.day >= m.last_start AND d.day < CAST(:now AS timestamp)
        GROUP BY m.this_start, m.last_start, m.same_day_end""",
        f,
    )


# --- enrollments and completion --------------------------------------------------------


def enrollment_series(f: Filters) -> list[dict]:
    return fetch(
        f"""
        WITH {BUCKETS}, counts AS (
            SELECT date_trunc(:bucket, CAST(day AS timestamp)) AS bucket, key AS status,
                   sum(n) AS n
            FROM analytics_daily WHERE metric = 'enrollments' AND {DAYS} GROUP BY 1, 2)
        SELECT b.bucket, CAST(s.status AS text) AS status,
               CAST(coalesce(c.n, 0) AS bigint) AS enrollments
        FROM buckets b CROSS JOIN unnest(enum_range(CAST(NULL AS "EnrollmentStatus"))) AS s(status)
        LEFT JOIN counts c ON c.bucket = b.bucket AND c.status = CAST(s.status AS text)
        ORDER BY b.bucket, s.status""",
        f,
    )


def enrollment_overview(f: Filters) -> tuple[dict, list[dict]]:
    return enrollment_totals(f), completion_by_course(f)


# enrollment_overview's two halves (the live figure gets both from one statement).
def enrollment_totals(f: Filters) -> dict:
    return fetch_one(
        f"""
        SELECT CAST(coalesce(sum(n), 0) AS bigint) AS enrollments,
               CAST(coalesce(sum(n) FILTER (WHERE key = 'COMPLETED'), 0) AS bigint) AS completed,
               round(100.0 * coalesce(sum(n) FILTER (WHERE key = 'COMPLETED'), 0)
                     / nullif(sum(n), 0), 1) AS completion_rate,
               round(sum(amount) / nullif(sum(m), 0), 1) AS average_progress
        FROM analytics_daily WHERE metric = 'enrollments' AND {DAYS}""",
        f,
    )


def completion_by_course(f: Filters) -> list[dict]:
    return fetch(
        f"""
        SELECT c.id AS course_id, c.title, CAST(sum(x.enrollments) AS bigint) AS enrollments,
               CAST(sum(x.completed) AS bigint) AS completed,
               round(100.0 * sum(x.completed) / sum(x.enrollments), 1) AS completion_rate,
               round(sum(x."progressSum") / nullif(sum(x."progressCount"), 0), 1)
                   AS average_progress
        FROM analytics_course_enrollments x JOIN courses c ON c.id = x."courseId"
        WHERE {PERIODS}
        GROUP BY c.id, c.title HAVING sum(x.enrollments) > 0
        ORDER BY enrollments DESC, c.title, c.id LIMIT :top""",
        f,
        **periods(f),
    )


def time_to_completion(f: Filters) -> list[dict]:
    """The histogram and percentile_cont's median and 90th percentile, from day counts."""
    return fetch(
        f"""
        WITH done AS (
            SELECT CAST(key AS int) AS days, sum(n) AS n FROM analytics_daily
            WHERE metric = 'completions' AND {DAYS} GROUP BY 1),
        {DURATION_BINS},
        total AS (SELECT coalesce(sum(n), 0) AS total FROM done),
        ranked AS (SELECT days, sum(n) OVER (ORDER BY days) AS upto FROM done),
        pct AS (
            SELECT v.p, (SELECT min(days) FROM ranked WHERE upto > floor(v.p * (t.total - 1)))
                       AS lo,
                   (SELECT min(days) FROM ranked WHERE upto > ceil(v.p * (t.total - 1))) AS hi,
                   v.p * (t.total - 1) - floor(v.p * (t.total - 1)) AS frac
            FROM (VALUES (0.5), (0.9)) AS v(p), total t WHERE t.total > 0),
        summary AS (
            SELECT CAST(t.total AS bigint) AS total,
                   (SELECT round(lo + frac * (hi - lo), 1) FROM pct WHERE p = 0.5)
                       AS median_days,
                   (SELECT round(lo + frac * (hi - lo), 1) FROM pct WHERE p = 0.9) AS p90_days
            FROM total t)
        SELECT b.pos, b.label, CAST(coalesce(sum(d.n), 0) AS bigint) AS completions, s.total,
               s.median_days, s.p90_days
        FROM bins b LEFT JOIN done d ON d.days >= b.lo AND d.days < b.hi CROSS JOIN summary s
        GROUP BY b.pos, b.label, s.total, s.median_days, s.p90_days ORDER BY b.pos""",
        f,
    )


def completion_by_cohort(f: Filters) -> list[dict]:
    return fetch(
        f"""
        WITH {COHORTS}, counts AS (
            SELECT date_trunc('month', CAST(day AS timestamp)) AS cohort, sum(n) AS enrolled,
                   coalesce(sum(n) FILTER (WHERE key = 'COMPLETED'), 0) AS completed
            FROM analytics_daily WHERE metric = 'enrollments' AND {DAYS} GROUP BY 1)
        SELECT c.cohort, CAST(coalesce(n.enrolled, 0) AS bigint) AS enrolled,
               CAST(coalesce(n.completed, 0) AS bigint) AS completed,
               round(100.0 * n.completed / nullif(n.enrolled, 0), 1) AS completion_rate
        FROM cohorts c LEFT JOIN counts n USING (cohort) ORDER BY c.cohort""",
        f,
    )


def binned(metric: str, labels: str, f: Filters, count: str, amount: bool = False) -> list[dict]:
    """A histogram metric of analytics_daily over the range, every bin present."""
    money = ", coalesce(sum(d.amount), 0) AS amount" if amount else ""
    return fetch(
        f"""
        WITH {labels}
        SELECT b.pos, b.label, CAST(coalesce(sum(d.n), 0) AS bigint) AS {count}{money}
        FROM bins b LEFT JOIN analytics_daily d
             ON d.metric = :metric AND d.key = CAST(b.pos AS text) AND {D_DAYS}
        GROUP BY b.pos, b.label ORDER BY b.pos""",
        f,
        metric=metric,
    )


def refunds_by_progress(f: Filters) -> list[dict]:
    return binned("refunds", REFUND_LABELS, f, "refunds", amount=True)


# --- progress ------------------------------------------------------------------------------


def progress_distribution(f: Filters) -> list[dict]:
    return binned("activity", PROGRESS_LABELS, f, "students")


def progress_by_course(f: Filters) -> list[dict]:
    return fetch(
        f"""
        SELECT c.id AS course_id, c.title, CAST(sum(x.students) AS bigint) AS students,
               round(sum(x."progressSum") / sum(x.students), 1) AS average_progress,
               CAST(sum(x.finished) AS bigint) AS finished
        FROM analytics_course_activity x JOIN courses c ON c.id = x."courseId"
        WHERE {PERIODS}
        GROUP BY c.id, c.title HAVING sum(x.students) > 0
        ORDER BY students DESC, c.title, c.id LIMIT :top""",
        f,
        **periods(f),
    )


def progress_totals(f: Filters) -> dict:
    return fetch_one(
        f"""
        SELECT CAST(coalesce(sum(n), 0) AS bigint) AS students,
               round(sum(amount) / nullif(sum(n), 0), 1) AS average_progress,
               CAST(coalesce(sum(n) FILTER (WHERE key = '11'), 0) AS bigint) AS finished
        FROM analytics_daily WHERE metric = 'activity' AND {DAYS}""",
        f,
    )


# --- assessments ---------------------------------------------------------------------------


def quiz_pass_rates(f: Filters) -> list[dict]:
    return fetch(
        f"""
        SELECT q.id AS quiz_id, q.title, c.title AS course, q."passingScore" AS passing_score,
               x.attempts, x.passed, round(100.0 * x.passed / x.attempts, 1) AS pass_rate,
               round(x.score_sum / x.attempts, 1) AS average_score
        FROM (
            SELECT x."quizId", CAST(sum(x.attempts) AS bigint) AS attempts,
                   CAST(sum(x.passed) AS bigint) AS passed, sum(x."scoreSum") AS score_sum
            FROM analytics_quiz_attempts x WHERE {PERIODS}
            GROUP BY x."quizId" ORDER BY attempts DESC, x."quizId" LIMIT :top) x
        JOIN quizzes q ON q.id = x."quizId" LEFT JOIN courses c ON c.id = q."courseId"
        ORDER BY x.attempts DESC, q.id""",
        f,
        **periods(f),
    )


def assessment_totals(f: Filters) -> dict:
    return fetch_one(
        f"""
        SELECT CAST(coalesce(sum(n), 0) AS bigint) AS attempts,
               round(100.0 * coalesce(sum(n) FILTER (WHERE key LIKE '%/t'), 0)
                     / nullif(sum(n), 0), 1) AS pass_rate,
               round(sum(amount) / nullif(sum(n), 0), 1) AS average_score,
               (SELECT CAST(coalesce(sum(n), 0) AS bigint) FROM analytics_daily
                WHERE metric = 'attempt_pairs' AND {DAYS}) AS starts
        FROM analytics_daily WHERE metric = 'attempts' AND {DAYS}""",
        f,
    )


def score_distribution(f: Filters) -> list[dict]:
    return fetch(
        f"""
        WITH {SCORE_LABELS}
        SELECT b.pos, b.label,
               CAST(coalesce(sum(d.n) FILTER (WHERE d.key = b.pos || '/t'), 0) AS bigint)
                   AS passed,
               CAST(coalesce(sum(d.n) FILTER (WHERE d.key = b.pos || '/f'), 0) AS bigint)
                   AS failed
        FROM bins b LEFT JOIN analytics_daily d
             ON d.metric = 'attempts' AND split_part(d.key, '/', 1) = CAST(b.pos AS text)
            AND {D_DAYS}
        GROUP BY b.pos, b.label ORDER BY b.pos""",
        f,
    )


def attempts_per_student(f: Filters) -> list[dict]:
    rows = binned("attempt_pairs", ATTEMPT_LABELS, f, "students")
    return [{"attempts": r["pos"], "label": r["label"], "students": r["students"]} for r in rows]

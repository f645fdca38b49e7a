"""The all-courses figures of contract.FigureSource, read from the rollups (rollups.py).

Rows have the names and shapes of the live figures (analytics/live/). sources.figures_source
picks these for an admin looking at every course once the rollups exist; with a course or an
instructor scope the live queries are fast and exact, so they are used.
"""

from datetime import date, timedelta

from lms.analytics.bins import (
    ATTEMPT_LABELS,
    PROGRESS_LABELS,
    REFUND_LABELS,
    SCORE_LABELS,
    cohort_comparable,
    durations_figure,
    progress_bin,
)
from lms.analytics.filters import Filters
from lms.analytics.sql import BUCKETS, COHORTS, CURRENCY_SERIES, fetch, fetch_one, month_spans

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

# Sales by day paid ('sales', keyed status/currency) and refunds by day refunded
# ('refunds_issued', keyed by currency), as the money events of the live figures.
DAY_EVENTS = f"""days AS (
    SELECT day, split_part(key, '/', 2) AS currency, n AS sales, amount AS gross,
           0 AS refunds, 0 AS refunded
    FROM analytics_daily
    WHERE metric = 'sales' AND split_part(key, '/', 1) IN ('COMPLETED', 'REFUNDED') AND {DAYS}
    UNION ALL
    SELECT day, key, 0, 0, n, amount
    FROM analytics_daily WHERE metric = 'refunds_issued' AND {DAYS})"""


def revenue_series(f: Filters) -> list[dict]:
    return fetch(
        f"""
        WITH {BUCKETS}, {DAY_EVENTS}, sums AS (
            SELECT date_trunc(:bucket, CAST(day AS timestamp)) AS bucket, currency,
                   sum(gross) AS gross, CAST(sum(sales) AS bigint) AS sales,
                   sum(refunded) AS refunded, CAST(sum(refunds) AS bigint) AS refunds
            FROM days GROUP BY 1, 2)
        {CURRENCY_SERIES}""",
        f,
    )


def revenue_by_course(f: Filters) -> list[dict]:
    return fetch(
        f"""
        SELECT x.course_id, c.title, x.currency, x.gross, x.sales, x.average_order,
               x.refunded, x.refunds, x.net
        FROM (
            SELECT x."courseId" AS course_id, x.currency, sum(x.gross) AS gross,
                   CAST(sum(x.sales) AS bigint) AS sales,
                   round(sum(x.gross) / nullif(sum(x.sales), 0), 2) AS average_order,
                   sum(x.refunded) AS refunded, CAST(sum(x.refunds) AS bigint) AS refunds,
                   sum(x.gross) - sum(x.refunded) AS net,
                   row_number() OVER (PARTITION BY x.currency
                                      ORDER BY sum(x.gross) DESC, sum(x.sales) DESC, x."courseId")
                       AS rank
            FROM analytics_course_sales x WHERE {PERIODS}
            GROUP BY x."courseId", x.currency HAVING sum(x.sales) + sum(x.refunds) > 0) x
        LEFT JOIN courses c ON c.id = x.course_id
        WHERE x.rank <= :top
        ORDER BY x.currency, x.gross DESC, x.sales DESC, x.course_id""",
        f,
        **periods(f),
    )


def transactions_by_status(f: Filters) -> list[dict]:
    return fetch(
        f"""
        WITH paid AS (
            SELECT split_part(key, '/', 1) AS status, split_part(key, '/', 2) AS currency,
                   CAST(sum(n) AS bigint) AS n, sum(amount) AS amount
            FROM analytics_daily WHERE metric = 'sales' AND {DAYS} GROUP BY 1, 2)
        SELECT CAST(s.status AS text) AS status, c.currency, coalesce(p.n, 0) AS transactions,
               coalesce(p.amount, 0) AS amount, round(p.amount / nullif(p.n, 0), 2) AS average
        FROM (SELECT DISTINCT currency FROM paid) c
        CROSS JOIN unnest(enum_range(CAST(NULL AS "PaymentStatus"))) AS s(status)
        LEFT JOIN paid p ON p.status = CAST(s.status AS text) AND p.currency = c.currency
        ORDER BY c.currency, s.status""",
        f,
    )


def revenue_months(f: Filters) -> list[dict]:
    """Whole days from the day rows; the two days a span ends inside of (today up to now, and
    the same day of last month) are read live, since day rows cannot be cut at a minute."""
    return fetch(
        """
        WITH rolled AS (
            SELECT split_part(key, '/', 2) AS currency, CAST(day AS timestamp) AS at, amount
            FROM analytics_daily
            WHERE metric = 'sales' AND split_part(key, '/', 1) IN ('COMPLETED', 'REFUNDED')
              AND day >= CAST(:last_start AS date) AND day < CAST(:cut_day AS date)),
        edges AS (
            SELECT t.currency, t."createdAt" AS at, t.amount FROM transactions t
            WHERE t.status IN ('COMPLETED', 'REFUNDED')
              AND ((t."createdAt" >= :last_cut_day AND t."createdAt" < :last_cut)
                OR (t."createdAt" >= :cut_day AND t."createdAt" < :cut))),
        parts AS (
            SELECT currency, sum(amount) FILTER (WHERE at >= :this_start) AS this_month,
                   sum(amount) FILTER (WHERE at < :last_cut_day) AS last_month_to_date,
                   sum(amount) FILTER (WHERE at < :this_start) AS last_month
            FROM rolled GROUP BY currency
            UNION ALL
            SELECT currency, sum(amount) FILTER (WHERE at >= :cut_day),
                   sum(amount) FILTER (WHERE at < :last_cut), NULL
            FROM edges GROUP BY currency)
        SELECT currency, coalesce(sum(this_month), 0) AS this_month,
               coalesce(sum(last_month_to_date), 0) AS last_month_to_date,
               coalesce(sum(last_month), 0) AS last_month
        FROM parts GROUP BY currency ORDER BY currency""",
        f,
        **month_spans(f.now).params(),
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
               round(sum(amount) / nullif(sum(n), 0), 1) AS average_progress
        FROM analytics_daily WHERE metric = 'enrollments' AND {DAYS}""",
        f,
    )


def completion_by_course(f: Filters) -> list[dict]:
    return fetch(
        f"""
        SELECT c.id AS course_id, c.title, CAST(sum(x.enrollments) AS bigint) AS enrollments,
               CAST(sum(x.completed) AS bigint) AS completed,
               round(100.0 * sum(x.completed) / sum(x.enrollments), 1) AS completion_rate,
               round(sum(x."progressSum") / sum(x.enrollments), 1) AS average_progress
        FROM analytics_course_enrollments x JOIN courses c ON c.id = x."courseId"
        WHERE {PERIODS}
        GROUP BY c.id, c.title HAVING sum(x.enrollments) > 0
        ORDER BY enrollments DESC, c.title, c.id LIMIT :top""",
        f,
        **periods(f),
    )


def time_to_completion(f: Filters) -> list[dict]:
    """The live figure's own SQL over the stored durations (one key per exact duration)."""
    return fetch(
        durations_figure(f"""
            SELECT CAST(d.key AS bigint) AS ms
            FROM analytics_daily d CROSS JOIN generate_series(1, d.n)
            WHERE d.metric = 'completions' AND {D_DAYS}"""),
        f,
    )


def completion_by_cohort(f: Filters) -> list[dict]:
    return fetch(
        f"""
        WITH {COHORTS}, counts AS (
            SELECT date_trunc('month', CAST(day AS timestamp)) AS cohort,
                   sum(n) FILTER (WHERE metric = 'enrollments') AS enrolled,
                   coalesce(sum(n) FILTER (WHERE metric = 'cohort_completions'), 0) AS completed
            FROM analytics_daily
            WHERE metric IN ('enrollments', 'cohort_completions') AND {DAYS} GROUP BY 1)
        SELECT c.cohort, CAST(coalesce(n.enrolled, 0) AS bigint) AS enrolled,
               CAST(coalesce(n.completed, 0) AS bigint) AS completed,
               {cohort_comparable("c.cohort")} AS comparable,
               CASE WHEN {cohort_comparable("c.cohort")}
                    THEN round(100.0 * n.completed / nullif(n.enrolled, 0), 1) END
                   AS completion_rate
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


# Course progress records with lesson activity on a day of the range.
ACTIVE = """analytics_progress_activity
    WHERE days && daterange(CAST(:start AS date), CAST(:end AS date))"""


def progress_distribution(f: Filters) -> list[dict]:
    return fetch(
        f"""
        WITH active AS (SELECT {progress_bin("progress")} AS bin FROM {ACTIVE}),
        {PROGRESS_LABELS}
        SELECT b.pos, b.label, count(a.bin) AS students
        FROM bins b LEFT JOIN active a ON a.bin = b.pos
        GROUP BY b.pos, b.label ORDER BY b.pos""",
        f,
    )


def progress_by_course(f: Filters) -> list[dict]:
    return fetch(
        f"""
        SELECT c.id AS course_id, c.title, count(*) AS students,
               round(avg(a.progress), 1) AS average_progress,
               count(*) FILTER (WHERE a.progress >= 100) AS finished
        FROM (SELECT "courseId", progress FROM {ACTIVE}) a JOIN courses c ON c.id = a."courseId"
        GROUP BY c.id, c.title ORDER BY students DESC, c.title, c.id LIMIT :top""",
        f,
    )


def progress_totals(f: Filters) -> dict:
    return fetch_one(
        f"""
        SELECT count(*) AS students, round(avg(progress), 1) AS average_progress,
               count(*) FILTER (WHERE progress >= 100) AS finished
        FROM {ACTIVE}""",
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

"""Revenue dashboard, live: sales and refunds per currency, payment statuses, pending payments.

Every amount stays in its own currency; no statement adds two currencies together. The
definitions, also written on the page (templates/analytics/revenue.html):
- a sale is a payment that completed: status COMPLETED, or REFUNDED since (only a completed
  payment can be refunded); gross sales are dated by payment time, "createdAt";
- a refund is a REFUNDED payment dated by its "updatedAt": the platform records no refund time,
  and COMPLETED → REFUNDED is the last change a payment may go through (lms/operations/
  transitions.py), which stamps "updatedAt" (so does the seed data);
- net revenue is gross sales minus refunds, both of the same range.
"""

from lms.analytics.filters import Filters
from lms.analytics.sql import (
    BUCKETS,
    CURRENCY_SERIES,
    course_scope,
    fetch,
    fetch_one,
    in_range,
    month_spans,
)

SALE = "t.status IN ('COMPLETED', 'REFUNDED')"


def money_events(f: Filters) -> str:
    """A CTE: each sale at its payment time and each refund at its refund time, in range."""
    scope = course_scope('t."courseId"', f)
    return f"""events AS (
        SELECT t."createdAt" AS at, t."courseId", t.currency, t.amount AS gross, 1 AS sales,
               0 AS refunded, 0 AS refunds
        FROM transactions t
        WHERE {SALE} AND {in_range('t."createdAt"')} AND {scope}
        UNION ALL
        SELECT t."updatedAt", t."courseId", t.currency, 0, 0, t.amount, 1
        FROM transactions t
        WHERE t.status = 'REFUNDED' AND {in_range('t."updatedAt"')} AND {scope})"""


def revenue_series(f: Filters) -> list[dict]:
    """Per currency with money in the range, per day or month: gross, sales, refunds, net."""
    return fetch(
        f"""
        WITH {BUCKETS}, {money_events(f)}, sums AS (
            SELECT date_trunc(:bucket, at) AS bucket, currency, sum(gross) AS gross,
                   sum(sales) AS sales, sum(refunded) AS refunded, sum(refunds) AS refunds
            FROM events GROUP BY 1, 2)
        {CURRENCY_SERIES}""",
        f,
    )


def revenue_by_course(f: Filters) -> list[dict]:
    """Per currency, the top courses by gross sales (a deleted course has no title)."""
    return fetch(
        f"""
        WITH {money_events(f)}, per AS (
            SELECT "courseId" AS course_id, currency, sum(gross) AS gross, sum(sales) AS sales,
                   round(sum(gross) / nullif(sum(sales), 0), 2) AS average_order,
                   sum(refunded) AS refunded, sum(refunds) AS refunds,
                   sum(gross) - sum(refunded) AS net,
                   row_number() OVER (PARTITION BY currency
                                      ORDER BY sum(gross) DESC, sum(sales) DESC, "courseId")
                       AS rank
            FROM events GROUP BY "courseId", currency)
        SELECT p.course_id, c.title, p.currency, p.gross, p.sales, p.average_order,
               p.refunded, p.refunds, p.net
        FROM per p LEFT JOIN courses c ON c.id = p.course_id
        WHERE p.rank <= :top
        ORDER BY p.currency, p.gross DESC, p.sales DESC, p.course_id""",
        f,
    )


def transactions_by_status(f: Filters) -> list[dict]:
    """Payments made in the range: count, value and average per currency and status (every
    status of each currency present; none at all when there is no payment)."""
    return fetch(
        f"""
        WITH paid AS (
            SELECT t.status, t.currency, t.amount FROM transactions t
            WHERE {in_range('t."createdAt"')} AND {course_scope('t."courseId"', f)})
        SELECT CAST(s.status AS text) AS status, c.currency, count(p.amount) AS transactions,
               coalesce(sum(p.amount), 0) AS amount, round(avg(p.amount), 2) AS average
        FROM (SELECT DISTINCT currency FROM paid) c
        CROSS JOIN unnest(enum_range(CAST(NULL AS "PaymentStatus"))) AS s(status)
        LEFT JOIN paid p ON p.status = s.status AND p.currency = c.currency
        GROUP BY c.currency, s.status ORDER BY c.currency, s.status""",
        f,
    )


def revenue_months(f: Filters) -> list[dict]:
    """Per currency, gross sales this month so far, in the same span of last month and in all
    of last month (spans from sql.month_spans(f.now), whatever the range)."""
    return fetch(
        f"""
        SELECT t.currency,
               coalesce(sum(t.amount) FILTER (WHERE t."createdAt" >= :this_start), 0)
                   AS this_month,
               coalesce(sum(t.amount) FILTER (WHERE t."createdAt" < :last_cut), 0)
                   AS last_month_to_date,
               coalesce(sum(t.amount) FILTER (WHERE t."createdAt" < :this_start), 0)
                   AS last_month
        FROM transactions t
        WHERE {SALE} AND t."createdAt" >= :last_start AND t."createdAt" < :cut
          AND {course_scope('t."courseId"', f)}
        GROUP BY t.currency ORDER BY t.currency""",
        f,
        **month_spans(f.now).params(),
    )


def pending_payments(f: Filters, limit: int = 50) -> list[dict]:
    """Payments still PENDING 15 minutes after they started (the spec's retry query).

    Oldest first.
    """
    return fetch(
        f"""
        SELECT t.id, t."userId" AS user_id, u.email, t."courseId" AS course_id, c.title,
               t.amount, t.currency, t.provider, t."createdAt" AS created_at
        FROM transactions t LEFT JOIN users u ON u.id = t."userId"
             LEFT JOIN courses c ON c.id = t."courseId"
        WHERE t.status = 'PENDING'
          AND t."createdAt" < CAST(:now AS timestamp) - interval '15 minutes'
          AND {course_scope('t."courseId"', f)}
        ORDER BY t."createdAt", t.id LIMIT :limit""",
        f,
        limit=limit,
    )


def pending_payments_count(f: Filters) -> int:
    return fetch_one(
        f"""
        SELECT count(*) AS n FROM transactions t
        WHERE t.status = 'PENDING'
          AND t."createdAt" < CAST(:now AS timestamp) - interval '15 minutes'
          AND {course_scope('t."courseId"', f)}""",
        f,
    )["n"]

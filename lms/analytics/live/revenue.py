"""Revenue dashboard, live: completed and refunded sales, payment statuses, pending payments."""

from lms.analytics.filters import Filters
from lms.analytics.sql import BUCKETS, MONTHS, course_scope, fetch, fetch_one, in_range


def revenue_series(f: Filters) -> list[dict]:
    """Per day or month: completed revenue and, apart, refunded sales (dated by purchase)."""
    return fetch(
        f"""
        WITH {BUCKETS}, sales AS (
            SELECT date_trunc(:bucket, t."createdAt") AS bucket,
                   sum(t.amount) FILTER (WHERE t.status = 'COMPLETED') AS revenue,
                   count(*) FILTER (WHERE t.status = 'COMPLETED') AS sales,
                   sum(t.amount) FILTER (WHERE t.status = 'REFUNDED') AS refunded,
                   count(*) FILTER (WHERE t.status = 'REFUNDED') AS refunds
            FROM transactions t
            WHERE {in_range('t."createdAt"')} AND t.currency = :currency
              AND t.status IN ('COMPLETED', 'REFUNDED') AND {course_scope('t."courseId"', f)}
            GROUP BY 1)
        SELECT b.bucket, coalesce(s.revenue, 0) AS revenue, coalesce(s.sales, 0) AS sales,
               coalesce(s.refunded, 0) AS refunded, coalesce(s.refunds, 0) AS refunds
        FROM buckets b LEFT JOIN sales s USING (bucket) ORDER BY b.bucket""",
        f,
    )


def revenue_by_course(f: Filters) -> list[dict]:
    """The top courses by completed revenue in the range (a deleted course has no title)."""
    return fetch(
        f"""
        SELECT t."courseId" AS course_id, c.title,
               coalesce(sum(t.amount) FILTER (WHERE t.status = 'COMPLETED'), 0) AS revenue,
               count(*) FILTER (WHERE t.status = 'COMPLETED') AS sales,
               round(avg(t.amount) FILTER (WHERE t.status = 'COMPLETED'), 2) AS average_order,
               coalesce(sum(t.amount) FILTER (WHERE t.status = 'REFUNDED'), 0) AS refunded,
               count(*) FILTER (WHERE t.status = 'REFUNDED') AS refunds
        FROM transactions t LEFT JOIN courses c ON c.id = t."courseId"
        WHERE {in_range('t."createdAt"')} AND t.currency = :currency
          AND t.status IN ('COMPLETED', 'REFUNDED') AND {course_scope('t."courseId"', f)}
        GROUP BY t."courseId", c.title
        ORDER BY revenue DESC, sales DESC, t."courseId" LIMIT :top""",
        f,
    )


def transactions_by_status(f: Filters) -> list[dict]:
    """Count, value and average of the range's transactions per status (and currency)."""
    return fetch(
        f"""
        SELECT CAST(s.status AS text) AS status, coalesce(t.currency, :currency) AS currency,
               count(t.id) AS transactions, coalesce(sum(t.amount), 0) AS amount,
               round(avg(t.amount), 2) AS average
        FROM unnest(enum_range(CAST(NULL AS "PaymentStatus"))) AS s(status)
        LEFT JOIN transactions t ON t.status = s.status AND {in_range('t."createdAt"')}
              AND {course_scope('t."courseId"', f)}
        GROUP BY s.status, t.currency
        ORDER BY coalesce(t.currency, :currency) <> :currency, t.currency, s.status""",
        f,
    )


def revenue_months(f: Filters) -> dict:
    """Completed revenue this month so far, the same days of last month, and all of last month."""
    return fetch_one(
        f"""
        WITH {MONTHS}
        SELECT m.this_start, m.last_start,
               coalesce(sum(t.amount) FILTER (WHERE t."createdAt" >= m.this_start), 0)
                   AS this_month,
               coalesce(sum(t.amount) FILTER (WHERE t."createdAt" < m.this_start), 0)
                   AS last_month,
               coalesce(sum(t.amount) FILTER (WHERE t."createdAt" < m.same_day_end), 0)
                   AS last_month_to_date
        FROM m LEFT JOIN transactions t
             ON t.status = 'COMPLETED' AND t.currency = :currency
            AND t."createdAt" >= m.last_start AND t."createdAt" < CAST(:now AS timestamp)
            AND {course_scope('t."courseId"', f)}
        GROUP BY m.this_start, m.last_start, m.same_day_end""",
        f,
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

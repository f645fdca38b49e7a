"""Money reports (lms/reports/payments.py): transactions, pending, revenue, row for row with SQL."""

from datetime import datetime, timedelta
from decimal import Decimal

from report_support import (
    download,
    expected_rows,
    iso,
    parse_json_columns,
    sql_rows,
)
from sqlalchemy import select

from lms.db import db
from lms.models import AuditEntry

TRANSACTIONS_SQL = """
    SELECT t.id, t."createdAt", t."userId", COALESCE(u.email, '(deleted user)'), t."courseId",
           COALESCE(c.title, '(deleted course)'), t.amount, t.currency, t.status::text,
           t.provider, t."providerTxnId", t.metadata, t."updatedAt"
    FROM transactions t
    LEFT JOIN users u ON u.id = t."userId"
    LEFT JOIN courses c ON c.id = t."courseId"
    WHERE {where}
    ORDER BY t."createdAt" DESC, t.id
"""
METADATA = 11


def test_transactions_match_sql_row_for_row(app, admin_client, world):
    _response, header, rows = download(admin_client, "transactions")
    assert header == [
        "transaction_id",
        "created_at",
        "user_id",
        "user_email",
        "course_id",
        "course_title",
        "amount",
        "currency",
        "status",
        "provider",
        "provider_txn_id",
        "metadata",
        "updated_at",
    ]
    expected = expected_rows(sql_rows(app, TRANSACTIONS_SQL.format(where="true")))
    assert parse_json_columns(rows, [METADATA]) == expected
    assert len(rows) == 10


def test_amounts_sum_to_the_database_sum_to_the_cent(app, admin_client, world):
    _response, header, rows = download(admin_client, "transactions")
    amounts = [row[header.index("amount")] for row in rows]
    assert all(len(a.split(".")[1]) == 2 for a in amounts)  # exactly two decimals
    [(total,)] = sql_rows(app, "SELECT sum(amount) FROM transactions")
    assert sum(Decimal(a) for a in amounts) == total


def test_a_negative_amount_is_a_number_not_a_neutralised_formula(admin_client, world):
    _response, header, rows = download(admin_client, "transactions")
    assert "-5.00" in [row[header.index("amount")] for row in rows]


def test_text_formulas_and_json_come_out_readable_and_safe(admin_client, world):
    _response, header, rows = download(admin_client, "transactions")
    providers = {row[header.index("provider")] for row in rows}
    assert "'=evil" in providers and "=evil" not in providers
    titles = {row[header.index("course_title")] for row in rows}
    assert '\'=HYPERLINK("http://evil.example","click")' in titles
    metadata = [row[header.index("metadata")] for row in rows if row[header.index("metadata")]]
    assert metadata == ['{"note": "a, \\"b\\"", "items": [1, 2], "coupon": "=1+1"}']


def test_deleted_user_and_course_are_named_as_such(admin_client, world):
    _response, header, rows = download(admin_client, "transactions")
    gone = [row for row in rows if row[header.index("user_id")] == "deleted-user-id"]
    assert [(r[header.index("user_email")], r[header.index("course_title")]) for r in gone] == [
        ("(deleted user)", "(deleted course)")
    ]


def test_instructor_gets_only_their_courses_payments(app, instructor_client, world):
    _response, header, rows = download(instructor_client, "transactions")
    where = f"c.\"instructorId\" = '{world['me']}'"
    assert parse_json_columns(rows, [METADATA]) == expected_rows(
        sql_rows(app, TRANSACTIONS_SQL.format(where=where))
    )
    assert {row[header.index("course_id")] for row in rows} == {world["mine"]}


def test_date_filter_keeps_whole_days_inclusive(app, admin_client, world):
    start = (world["now"] - timedelta(days=10)).date()
    end = (world["now"] - timedelta(days=2)).date()
    _response, _header, rows = download(
        admin_client, "transactions", **{"from": start.isoformat(), "to": end.isoformat()}
    )
    where = f"t.\"createdAt\" >= '{start}' AND t.\"createdAt\" < '{end + timedelta(days=1)}'"
    expected = expected_rows(sql_rows(app, TRANSACTIONS_SQL.format(where=where)))
    assert parse_json_columns(rows, [METADATA]) == expected
    assert len(rows) == 4


def test_course_filter_by_slug(app, admin_client, world):
    _response, _header, rows = download(admin_client, "transactions", course="theirs-201")
    where = f"t.\"courseId\" = '{world['theirs']}'"
    assert parse_json_columns(rows, [METADATA]) == expected_rows(
        sql_rows(app, TRANSACTIONS_SQL.format(where=where))
    )
    assert len(rows) == 2


def test_pending_payments_are_those_older_than_15_minutes(app, admin_client, world):
    _response, header, rows = download(admin_client, "pending-payments")
    assert header == [
        "transaction_id",
        "created_at",
        "minutes_pending",
        "user_email",
        "course_title",
        "amount",
        "currency",
        "provider",
        "provider_txn_id",
    ]
    with app.app_context():
        as_of = datetime.fromisoformat(
            db.session.scalars(select(AuditEntry)).one().details["filters"]["as_of"]
        )
    expected = sql_rows(
        app,
        """
        SELECT t.id, t."createdAt" FROM transactions t
        WHERE t.status = 'PENDING' AND t."createdAt" < :as_of - interval '15 minutes'
        ORDER BY t."createdAt", t.id""",
        as_of=as_of,
    )
    assert [(r[0], r[1], int(r[2])) for r in rows] == [
        (i, iso(at), int((as_of - at).total_seconds() // 60)) for i, at in expected
    ]
    assert len(rows) == 2


def test_instructor_pending_payments_hold_only_their_courses(instructor_client, world):
    _response, header, rows = download(instructor_client, "pending-payments")
    assert [r[header.index("amount")] for r in rows] == ["49.00"]


REVENUE_BY_MONTH_SQL = """
    SELECT to_char(date_trunc('month', t."createdAt"), 'YYYY-MM'), t.currency, count(*),
           sum(t.amount)
    FROM transactions t LEFT JOIN courses c ON c.id = t."courseId"
    WHERE t.status = 'COMPLETED' AND {where}
    GROUP BY 1, 2 ORDER BY 1 DESC, 2
"""


def test_revenue_by_month_matches_sql_and_the_cent(app, admin_client, world):
    _response, header, rows = download(admin_client, "revenue-by-month")
    assert header == ["month", "currency", "payments", "revenue"]
    assert rows == expected_rows(sql_rows(app, REVENUE_BY_MONTH_SQL.format(where="true")))
    [(total,)] = sql_rows(app, "SELECT sum(amount) FROM transactions WHERE status = 'COMPLETED'")
    assert sum(Decimal(row[3]) for row in rows) == total == Decimal("127.63")


def test_instructor_revenue_by_month_counts_only_their_courses(app, instructor_client, world):
    _response, _header, rows = download(instructor_client, "revenue-by-month")
    where = f"c.\"instructorId\" = '{world['me']}'"
    assert rows == expected_rows(sql_rows(app, REVENUE_BY_MONTH_SQL.format(where=where)))
    assert sum(Decimal(row[3]) for row in rows) == Decimal("15.29")


def test_revenue_by_course_matches_sql(app, admin_client, world):
    _response, header, rows = download(admin_client, "revenue-by-course")
    assert header == ["course_title", "course_slug", "course_id", "currency", "payments", "revenue"]
    expected = expected_rows(
        sql_rows(
            app,
            """
        SELECT COALESCE(c.title, '(deleted course)'), c.slug, t."courseId", t.currency,
               count(*), sum(t.amount)
        FROM transactions t LEFT JOIN courses c ON c.id = t."courseId"
        WHERE t.status = 'COMPLETED'
        GROUP BY t."courseId", c.title, c.slug, t.currency
        ORDER BY sum(t.amount) DESC, c.title, t."courseId" """,
        )
    )
    assert rows == expected
    assert [row[5] for row in rows] == ["100.00", "15.29", "12.34"]

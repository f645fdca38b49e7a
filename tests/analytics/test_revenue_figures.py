"""Revenue figures over the hand-made data set: worked out by hand, cents exact, per currency,
sales by payment date and refunds by refund date (s3's Course A payment: bought 6 Feb, refunded
9 Feb)."""

from datetime import datetime
from decimal import Decimal

import factories as fx
from conftest import Q1, WINTER
from sqlalchemy import func, select

from lms.analytics.live import revenue as q
from lms.db import db
from lms.models import PaymentStatus, Transaction


def money(text: str) -> Decimal:
    return Decimal(text)


def in_currency(rows: list[dict], currency: str) -> list[dict]:
    return [r for r in rows if r["currency"] == currency]


def test_revenue_per_month_counts_sales_by_payment_and_refunds_by_refund(app, dataset):
    with app.app_context():
        rows = q.revenue_series(dataset.filters(WINTER))
    usd = in_currency(rows, "USD")
    assert [r["bucket"] for r in usd] == [
        datetime(2025, 11, 1),
        datetime(2025, 12, 1),
        datetime(2026, 1, 1),
        datetime(2026, 2, 1),
        datetime(2026, 3, 1),
    ]
    # February: 49.99 + 49.99 (refunded since, still a sale) + 19.99.
    assert [r["gross"] for r in usd] == [0, money("0.10"), money("50.19"), money("119.97"), 100]
    assert [r["sales"] for r in usd] == [0, 1, 2, 3, 1]
    assert [r["refunded"] for r in usd] == [0, 0, 0, money("49.99"), 0]
    assert [r["net"] for r in usd] == [0, money("0.10"), money("50.19"), money("69.98"), 100]
    assert [r["gross"] for r in in_currency(rows, "EUR")] == [0, 0, money("12.34"), 0, 0]
    assert {r["currency"] for r in rows} == {"EUR", "USD"}
    assert all(isinstance(r["gross"], Decimal) for r in rows)


def test_revenue_total_matches_independent_sql(app, dataset):
    with app.app_context():
        rows = q.revenue_series(dataset.filters(WINTER))
        independent = db.session.scalar(
            select(func.sum(Transaction.amount)).where(
                Transaction.status.in_([PaymentStatus.COMPLETED, PaymentStatus.REFUNDED]),
                Transaction.currency == "USD",
                Transaction.created_at >= datetime(2025, 11, 1),
                Transaction.created_at < datetime(2026, 4, 1),
            )
        )
    assert sum(r["gross"] for r in in_currency(rows, "USD")) == independent == money("270.26")
    assert sum(r["net"] for r in in_currency(rows, "USD")) == money("220.27")


def test_range_edges_are_whole_utc_days(app, dataset):
    """A sale at 23:59:59 on 31 Dec is outside a range starting 1 Jan; one at 00:00 is inside."""
    with app.app_context():
        rows = in_currency(q.revenue_series(dataset.filters(Q1)), "USD")
    assert len(rows) == 90  # charted per day
    assert rows[0]["bucket"] == datetime(2026, 1, 1) and rows[0]["gross"] == money("0.20")
    assert sum(r["gross"] for r in rows) == money("270.16")
    refund_day = next(r for r in rows if r["refunds"])
    assert refund_day["bucket"] == datetime(2026, 2, 9)  # the refund's day, not the purchase's


def test_revenue_by_course_ranks_courses_per_currency_with_average_order(app, dataset):
    with app.app_context():
        rows = q.revenue_by_course(dataset.filters(WINTER))
    assert [(r["title"], r["currency"], r["gross"], r["sales"]) for r in rows] == [
        ("Course C", "EUR", money("12.34"), 1),
        ("Course A", "USD", money("150.27"), 5),
        ("Course C", "USD", money("100.00"), 1),
        ("Course B", "USD", money("19.99"), 1),
    ]
    a = rows[1]
    assert a["average_order"] == money("30.05")  # 150.27 / 5 = 30.054
    assert (a["refunded"], a["refunds"], a["net"]) == (money("49.99"), 1, money("100.28"))


def test_transactions_by_status_keep_other_currencies_apart(app, dataset):
    with app.app_context():
        rows = q.transactions_by_status(dataset.filters(WINTER))
    found = {
        (r["status"], r["currency"]): (r["transactions"], r["amount"], r["average"]) for r in rows
    }
    assert found == {
        ("PENDING", "USD"): (2, money("39.98"), money("19.99")),
        ("COMPLETED", "USD"): (6, money("220.27"), money("36.71")),
        ("FAILED", "USD"): (1, money("100.00"), money("100.00")),
        ("REFUNDED", "USD"): (1, money("49.99"), money("49.99")),
        ("PENDING", "EUR"): (0, 0, None),
        ("COMPLETED", "EUR"): (1, money("12.34"), money("12.34")),
        ("FAILED", "EUR"): (0, 0, None),
        ("REFUNDED", "EUR"): (0, 0, None),
    }


def test_month_cards_compare_with_the_same_span_of_last_month(app, dataset):
    with app.app_context():
        months = q.revenue_months(dataset.filters(WINTER))
    assert months == [
        {
            "currency": "USD",
            "this_month": money("100.00"),
            "last_month_to_date": money("99.98"),  # 1 Feb 00:00 – 15 Feb 12:00
            "last_month": money("119.97"),
        }
    ]


def test_pending_payments_older_than_15_minutes(app, dataset):
    with app.app_context():
        rows = q.pending_payments(dataset.filters(WINTER))
        count = q.pending_payments_count(dataset.filters(WINTER))
    assert count == 1
    assert [(r["email"], r["title"], r["amount"]) for r in rows] == [
        ("s4@example.com", "Course B", money("19.99"))
    ]


def test_instructor_sees_only_their_courses_revenue(app, dataset):
    with app.app_context():
        rows = q.revenue_by_course(dataset.mine(WINTER))
        series = q.revenue_series(dataset.mine(WINTER))
        statuses = q.transactions_by_status(dataset.mine(WINTER))
        months = q.revenue_months(dataset.mine(WINTER))
    assert [r["title"] for r in rows] == ["Course A", "Course B"]
    assert sum(r["net"] for r in series) == money("120.27")
    assert not any(r["currency"] == "EUR" for r in statuses + series)  # Course C's sale
    assert [(m["this_month"], m["last_month_to_date"]) for m in months] == [(0, money("99.98"))]


def test_instructor_asking_for_another_instructors_course_gets_nothing(app, dataset):
    with app.app_context():
        f = dataset.mine(WINTER, course_id=dataset.ids["C"])
        assert q.revenue_by_course(f) == []
        assert q.revenue_series(f) == []
        assert q.revenue_months(f) == []
        assert q.pending_payments_count(f) == 0


def test_a_sale_of_a_deleted_course_and_user_still_counts(app, dataset):
    with app.app_context():
        fx.make_transaction(
            status=PaymentStatus.COMPLETED, amount=money("5.00"), created_at=datetime(2026, 2, 14)
        )
        db.session.execute(
            Transaction.__table__.update()
            .where(Transaction.amount == money("5.00"))
            .values(courseId="gone-course", userId="gone-user")
        )
        db.session.commit()
        rows = q.revenue_by_course(dataset.filters(WINTER))
    assert ("gone-course", None, "USD", money("5.00")) in [
        (r["course_id"], r["title"], r["currency"], r["gross"]) for r in rows
    ]


def test_an_empty_range_gives_no_rows_not_errors(app, dataset):
    with app.app_context():
        f = dataset.filters((datetime(2020, 1, 1).date(), datetime(2020, 1, 31).date()))
        assert q.revenue_series(f) == []
        assert q.revenue_by_course(f) == []
        assert q.transactions_by_status(f) == []

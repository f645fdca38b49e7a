"""Revenue figures over the hand-made data set: worked out by hand, cents exact, refunds apart."""

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


def test_revenue_per_month_counts_completed_sales_and_shows_refunds_apart(app, dataset):
    with app.app_context():
        rows = q.revenue_series(dataset.filters(WINTER))
    assert [r["bucket"] for r in rows] == [
        datetime(2025, 11, 1),
        datetime(2025, 12, 1),
        datetime(2026, 1, 1),
        datetime(2026, 2, 1),
        datetime(2026, 3, 1),
    ]
    assert [r["revenue"] for r in rows] == [
        0,
        money("0.10"),
        money("50.19"),
        money("69.98"),
        money("100.00"),
    ]
    assert [r["sales"] for r in rows] == [0, 1, 2, 2, 1]
    assert [r["refunded"] for r in rows] == [0, 0, 0, money("49.99"), 0]
    assert all(isinstance(r["revenue"], Decimal) for r in rows)


def test_revenue_total_matches_independent_sql_and_excludes_refunds(app, dataset):
    with app.app_context():
        total = sum(r["revenue"] for r in q.revenue_series(dataset.filters(WINTER)))
        independent = db.session.scalar(
            select(func.sum(Transaction.amount)).where(
                Transaction.status == PaymentStatus.COMPLETED,
                Transaction.currency == "USD",
                Transaction.created_at >= datetime(2025, 11, 1),
                Transaction.created_at < datetime(2026, 4, 1),
            )
        )
    assert total == independent == money("220.27")


def test_range_edges_are_whole_utc_days(app, dataset):
    """A sale at 23:59:59 on 31 Dec is outside a range starting 1 Jan; one at 00:00 is inside."""
    with app.app_context():
        rows = q.revenue_series(dataset.filters(Q1))
    assert len(rows) == 90  # charted per day
    assert rows[0]["bucket"] == datetime(2026, 1, 1) and rows[0]["revenue"] == money("0.20")
    assert sum(r["revenue"] for r in rows) == money("220.17")


def test_revenue_by_course_ranks_courses_and_computes_average_order(app, dataset):
    with app.app_context():
        rows = q.revenue_by_course(dataset.filters(WINTER))
    assert [(r["title"], r["revenue"], r["sales"]) for r in rows] == [
        ("Course A", money("100.28"), 4),
        ("Course C", money("100.00"), 1),
        ("Course B", money("19.99"), 1),
    ]
    assert rows[0]["average_order"] == money("25.07")  # 100.28 / 4 = 25.07
    assert rows[0]["refunded"] == money("49.99") and rows[0]["refunds"] == 1


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
        ("COMPLETED", "EUR"): (1, money("12.34"), money("12.34")),
    }


def test_month_cards_compare_with_the_same_days_of_last_month(app, dataset):
    with app.app_context():
        months = q.revenue_months(dataset.filters(WINTER))
    assert months["this_month"] == money("100.00")
    assert months["last_month"] == money("69.98")
    assert months["last_month_to_date"] == money("49.99")  # 1–15 Feb, before 12:00


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
        total = sum(r["revenue"] for r in q.revenue_series(dataset.mine(WINTER)))
        statuses = q.transactions_by_status(dataset.mine(WINTER))
    assert [r["title"] for r in rows] == ["Course A", "Course B"]
    assert total == money("120.27")
    assert not any(r["currency"] == "EUR" for r in statuses)  # the EUR sale is Course C's


def test_instructor_asking_for_another_instructors_course_gets_nothing(app, dataset):
    with app.app_context():
        f = dataset.mine(WINTER, course_id=dataset.ids["C"])
        assert q.revenue_by_course(f) == []
        assert sum(r["revenue"] for r in q.revenue_series(f)) == 0
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
    assert ("gone-course", None, money("5.00")) in [
        (r["course_id"], r["title"], r["revenue"]) for r in rows
    ]


def test_an_empty_range_gives_zeros_not_errors(app, dataset):
    with app.app_context():
        f = dataset.filters((datetime(2020, 1, 1).date(), datetime(2020, 1, 31).date()))
        assert sum(r["revenue"] for r in q.revenue_series(f)) == 0
        assert q.revenue_by_course(f) == []
        assert all(r["transactions"] == 0 for r in q.transactions_by_status(f))

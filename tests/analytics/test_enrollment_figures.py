"""Enrollment and completion figures over the hand-made data set, worked out by hand."""

from datetime import date, datetime
from decimal import Decimal

from conftest import Q1
from sqlalchemy import func, select

from lms.analytics import charts
from lms.analytics.live import enrollments as q
from lms.db import db
from lms.models import Enrollment


def test_totals_count_enrollments_made_in_the_range(app, dataset):
    with app.app_context():
        totals, _by_course = q.enrollment_overview(dataset.filters(Q1))
        independent = db.session.scalar(
            select(func.count())
            .select_from(Enrollment)
            .where(
                Enrollment.enrolled_at >= datetime(2026, 1, 1),
                Enrollment.enrolled_at < datetime(2026, 4, 1),
            )
        )
    assert totals["enrollments"] == independent == 8  # s4's enrollment on 31 Dec is outside
    assert totals["completed"] == 2
    assert totals["completion_rate"] == Decimal("25.0")
    assert totals["average_progress"] == Decimal("46.9")  # 375 / 8 = 46.875


def test_series_has_every_day_and_status(app, dataset):
    with app.app_context():
        rows = q.enrollment_series(dataset.filters(Q1))
    assert len(rows) == 90 * 4
    assert sum(r["enrollments"] for r in rows) == 8
    by_key = {(r["bucket"], r["status"]): r["enrollments"] for r in rows}
    assert by_key[(datetime(2026, 2, 6), "CANCELLED")] == 1
    assert by_key[(datetime(2026, 1, 10), "COMPLETED")] == 1


def test_completion_rate_beside_average_progress_by_course(app, dataset):
    with app.app_context():
        _totals, rows = q.enrollment_overview(dataset.filters(Q1))
    assert [
        (r["title"], r["enrollments"], r["completion_rate"], r["average_progress"]) for r in rows
    ] == [
        ("Course A", 5, Decimal("20.0"), Decimal("45.0")),
        ("Course C", 2, Decimal("0.0"), Decimal("25.0")),
        ("Course B", 1, Decimal("100.0"), Decimal("100.0")),
    ]


def test_time_to_completion_histogram_and_percentiles(app, dataset):
    with app.app_context():
        rows = q.time_to_completion(dataset.filters(Q1))
    counts = {r["label"]: r["completions"] for r in rows}
    assert counts["1–2 weeks"] == 1  # s1, Course A: 10 days
    assert counts["2–4 weeks"] == 1  # s1, Course B: 20 days
    assert sum(counts.values()) == rows[0]["total"] == 2
    assert (rows[0]["median_days"], rows[0]["p90_days"]) == (Decimal("15.0"), Decimal("19.0"))


def test_drop_off_funnel_only_descends_and_names_the_biggest_drop(app, dataset):
    with app.app_context():
        rows = q.drop_off_funnel(dataset.filters(Q1, course_id=dataset.ids["A"]))
    # Furthest lesson reached: s1 4, s2 1, s3 1, s5 3 (skipped A2), s6 none; s4 enrolled 31 Dec.
    assert [(r["title"], r["students"]) for r in rows] == [
        ("Enrolled", 5),
        ("A1", 4),
        ("A2", 2),
        ("A3", 2),
        ("A4", 1),
    ]
    students = [r["students"] for r in rows]
    assert students == sorted(students, reverse=True)
    drop = charts.biggest_drop(rows)
    assert (drop["title"], drop["dropped"]) == ("A2", 2)


def test_funnel_of_another_instructors_course_is_empty_for_an_instructor(app, dataset):
    with app.app_context():
        rows = q.drop_off_funnel(dataset.mine(Q1, course_id=dataset.ids["C"]))
    assert rows == [{"pos": 0, "title": "Enrolled", "students": 0, "dropped": None}]


def test_completion_by_monthly_cohort(app, dataset):
    with app.app_context():
        rows = q.completion_by_cohort(dataset.filters(Q1))
    assert [
        (r["cohort"].month, r["enrolled"], r["completed"], r["completion_rate"]) for r in rows
    ] == [(1, 3, 1, Decimal("33.3")), (2, 3, 1, Decimal("33.3")), (3, 2, 0, Decimal("0.0"))]


def test_refunds_against_the_progress_of_refunded_students(app, dataset):
    with app.app_context():
        rows = q.refunds_by_progress(dataset.filters(Q1))
    assert {r["label"]: (r["refunds"], r["amount"]) for r in rows if r["refunds"]} == {
        "25–49%": (1, Decimal("49.99"))
    }


def test_instructor_scope_and_empty_range(app, dataset):
    with app.app_context():
        _totals, mine = q.enrollment_overview(dataset.mine(Q1))
        empty = dataset.filters((date(2020, 1, 1), date(2020, 2, 1)))
        totals, by_course = q.enrollment_overview(empty)
        assert (totals["enrollments"], totals["completion_rate"], by_course) == (0, None, [])
        assert q.time_to_completion(empty)[0]["total"] == 0
        assert all(r["enrolled"] == 0 for r in q.completion_by_cohort(empty))
    assert [r["title"] for r in mine] == ["Course A", "Course B"]

"""Enrollment and completion figures over the hand-made data set, worked out by hand."""

from datetime import date, datetime
from decimal import Decimal

import factories as fx
from conftest import Q1, d
from sqlalchemy import func, select, text

from lms.analytics import charts
from lms.analytics.live import enrollments as q
from lms.db import db
from lms.models import Course, Enrollment, User
from lms.models import EnrollmentStatus as ES  # noqa: N817


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
    # Completed within 30 days: s1 in A (10 days) and s1 in B (20 days). Only January is 30
    # days old on 15 March; February's and March's rates are not comparable yet.
    assert [
        (r["cohort"].month, r["enrolled"], r["completed"], r["completion_rate"]) for r in rows
    ] == [(1, 3, 1, Decimal("33.3")), (2, 3, 1, None), (3, 2, 0, None)]


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


# --- an enrollment without progress, exact durations, cohorts at equal age -----------------


def add_rows(app, build) -> None:
    """Hand-made rows on top of the data set: build(users, courses) inside an app context."""
    with app.app_context():
        users = {key: db.session.get(User, ident) for key, ident in ids_of(User).items()}
        courses = {c.title[-1]: c for c in db.session.scalars(select(Course))}
        build(users, courses)
        db.session.commit()


def ids_of(model) -> dict:
    return {u.email.split("@")[0]: u.id for u in db.session.scalars(select(model))}


def independent(sql: str, **params):
    return db.session.execute(text(sql), params).one()


def test_an_enrollment_without_progress_counts_as_zero_in_average_progress(app, dataset):
    # s7 enrolls in Course B and has never opened it: no course_progress row at all.
    add_rows(
        app,
        lambda u, c: fx.make_enrollment(u["s7"], c["B"], enrolled_at=d("2026-03-06 09:00")),
    )
    with app.app_context():
        totals, by_course = q.enrollment_overview(dataset.filters(Q1))
        # The mean over enrollments, a missing progress record read as 0 (a subquery per row).
        (expected,) = independent("""
            SELECT round(sum(coalesce((SELECT cp."progressPercent" FROM course_progress cp
                                       WHERE cp."userId" = e."userId"
                                         AND cp."courseId" = e."courseId"), 0))
                         / CAST(count(*) AS numeric), 1)
            FROM enrollments e
            WHERE e."enrolledAt" >= '2026-01-01' AND e."enrolledAt" < '2026-04-01'""")
    assert totals["average_progress"] == expected == Decimal("41.7")  # 375 / 9, not 375 / 8
    course_b = next(r for r in by_course if r["title"] == "Course B")
    assert (course_b["enrollments"], course_b["average_progress"]) == (2, Decimal("50.0"))


def test_the_funnel_starts_with_every_enrollment_started_or_not(app, dataset):
    add_rows(
        app,
        lambda u, c: fx.make_enrollment(u["s7"], c["A"], enrolled_at=d("2026-02-15")),
    )
    with app.app_context():
        rows = q.drop_off_funnel(dataset.filters(Q1, course_id=dataset.ids["A"]))
        (enrolled,) = independent(
            """SELECT count(*) FROM enrollments WHERE "courseId" = :c
               AND "enrolledAt" >= '2026-01-01' AND "enrolledAt" < '2026-04-01'""",
            c=dataset.ids["A"],
        )
    assert [(r["title"], r["students"]) for r in rows] == [
        ("Enrolled", 6),
        ("A1", 4),
        ("A2", 2),
        ("A3", 2),
        ("A4", 1),
    ]
    assert rows[0]["students"] == enrolled
    # Enrolled but never started (s6 with an empty record, s7 with none) is the first drop.
    drop = charts.biggest_drop(rows)
    assert (drop["title"], drop["dropped"]) == ("A1", 2)


def test_the_funnel_of_an_empty_course_is_one_empty_step(app, dataset):
    with app.app_context():
        rows = q.drop_off_funnel(dataset.filters(Q1, course_id=dataset.ids["D"]))
    assert rows == [{"pos": 0, "title": "Enrolled", "students": 0, "dropped": None}]


def percentile(values: list[float], p: float) -> float:
    """PostgreSQL's percentile_cont: linear between the two nearest ranks."""
    values = sorted(values)
    rank = p * (len(values) - 1)
    low = int(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (rank - low) * (values[high] - values[low])


MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def test_time_to_completion_is_measured_exactly_not_in_whole_days(app, dataset):
    def build(u, c):
        for student, enrolled, completed in [
            ("s7", "2026-03-01 00:00", "2026-03-01 18:00"),  # 0.75 days
            ("s2", "2026-03-02 00:00", "2026-03-03 12:00"),  # 1.5 days
            ("s3", "2026-03-20 00:00", "2026-03-31 23:59:59.999"),  # last millisecond: in
            ("s4", "2026-03-20 00:00", "2026-04-01 00:00:00"),  # first of April: out
        ]:
            fx.make_enrollment(
                u[student],
                c["B"],
                status=ES.COMPLETED,
                enrolled_at=d(enrolled),
                completed_at=d(completed),
            )

    add_rows(app, build)
    with app.app_context():
        rows = q.time_to_completion(dataset.filters(MARCH))
    # In March: s1 in B (20 days), s7 0.75, s2 1.5, s3 11.99999998843 days.
    days = [20, 0.75, 1.5, (11 * 86400 + 86399.999) / 86400]
    first = rows[0]
    assert first["total"] == 4
    assert first["median_days"] == Decimal(f"{percentile(days, 0.5):.1f}") == Decimal("6.7")
    assert first["p90_days"] == Decimal(f"{percentile(days, 0.9):.1f}") == Decimal("17.6")
    counts = {r["label"]: r["completions"] for r in rows if r["completions"]}
    assert counts == {"under 1 week": 2, "1–2 weeks": 1, "2–4 weeks": 1}
    fig = charts.time_to_completion(rows)
    assert "median 6.7 days · 90% within 17.6 days" in fig.layout.annotations[0].text


def test_cohorts_are_compared_at_the_same_age(app, dataset):
    def build(u, c):
        # Completed 30 days to the millisecond after enrolling: within the window.
        fx.make_enrollment(
            u["s7"],
            c["B"],
            status=ES.COMPLETED,
            enrolled_at=d("2026-01-05 08:00"),
            completed_at=d("2026-02-04 08:00"),
        )
        # One millisecond later: not within 30 days.
        fx.make_enrollment(
            u["s2"],
            c["B"],
            status=ES.COMPLETED,
            enrolled_at=d("2026-01-05 08:00"),
            completed_at=d("2026-02-04 08:00:00.001"),
        )

    add_rows(app, build)
    with app.app_context():
        rows = q.completion_by_cohort(dataset.filters(Q1))
        # Per month of enrolledAt: completed within 30 days of enrolling, written apart.
        expected = db.session.execute(
            text("""
            SELECT date_trunc('month', "enrolledAt") AS month, count(*) AS enrolled,
                   sum(CASE WHEN "completedAt" - "enrolledAt" <= interval '30 days'
                            THEN 1 ELSE 0 END) AS completed
            FROM enrollments WHERE "enrolledAt" >= '2026-01-01' AND "enrolledAt" < '2026-04-01'
            GROUP BY 1 ORDER BY 1""")
        ).all()
    assert [(r["cohort"], r["enrolled"], r["completed"]) for r in rows] == [
        tuple(row) for row in expected
    ]
    # January: s1 in A (10 days) and s7 in B; s2's came a millisecond too late, s5 and s1 in C
    # have not finished. Its last enrollee (31 Jan) is 30 days old by 2 March: comparable.
    # February's youngest could have enrolled on 28 Feb, 15 days before "now": not yet.
    assert [(r["cohort"].month, r["enrolled"], r["completed"], r["comparable"]) for r in rows] == [
        (1, 5, 2, True),
        (2, 3, 1, False),
        (3, 2, 0, False),
    ]
    assert [r["completion_rate"] for r in rows] == [Decimal("40.0"), None, None]

"""Progress and engagement figures over the hand-made data set, worked out by hand."""

from datetime import date
from decimal import Decimal

import factories as fx
import pytest
from conftest import Q1, d
from sqlalchemy import select, text

from lms.analytics import charts
from lms.analytics.live import progress as q
from lms.db import db
from lms.models import Course, CourseProgress, Lesson, User
from lms.models import PaymentStatus as PS  # noqa: N817


def independent(sql: str, **params):
    return db.session.execute(text(sql), params).one()


def test_progress_distribution_of_students_active_in_the_range(app, dataset):
    with app.app_context():
        rows = q.progress_distribution(dataset.filters(Q1))
    # Lesson activity in Q1: s1 (100%), s2 and s3 (25%), s5 (75%), all in Course A.
    assert {r["label"]: r["students"] for r in rows if r["students"]} == {
        "20–29%": 2,
        "70–79%": 1,
        "100%": 1,
    }
    assert len(rows) == 12


def test_average_progress_by_course_and_totals(app, dataset):
    with app.app_context():
        rows = q.progress_by_course(dataset.filters(Q1))
        totals = q.progress_totals(dataset.filters(Q1))
    assert [(r["title"], r["students"], r["average_progress"]) for r in rows] == [
        ("Course A", 4, Decimal("56.3")),
    ]
    assert (totals["students"], totals["average_progress"], totals["finished"]) == (
        4,
        Decimal("56.3"),
        1,
    )  # 225 / 4


def test_at_risk_is_the_specs_inactive_students_query_for_running_enrollments(app, dataset):
    with app.app_context():
        rows = q.at_risk_students(dataset.filters(Q1))
        count = q.at_risk_count(dataset.filters(Q1))
        # The spec's query, written independently: 30 days before "now", under 100%; and the
        # enrollment still running (s3's was cancelled, s1's in Course C expired).
        independent = db.session.execute(
            text("""
            SELECT u.email, c.title FROM course_progress cp JOIN users u ON u.id = cp."userId"
            JOIN courses c ON c.id = cp."courseId"
            WHERE cp."lastAccessedAt" < TIMESTAMP '2026-02-13 12:00' AND cp."progressPercent" < 100
              AND EXISTS (SELECT 1 FROM enrollments e WHERE e."userId" = cp."userId"
                          AND e."courseId" = cp."courseId" AND e.status = 'ACTIVE')
            ORDER BY cp."lastAccessedAt" DESC""")
        ).all()
    assert (
        [(r["email"], r["title"]) for r in rows]
        == [tuple(r) for r in independent]
        == [("s2@example.com", "Course A")]
    )
    assert count == 1
    assert rows[0]["status"] == "ACTIVE" and rows[0]["enrollment_id"]


def test_at_risk_for_an_instructor_is_their_students_only(app, dataset):
    with app.app_context():
        add_at_risk_candidates()  # late1 in Course B: the instructor's too
        fx.make_enrollment(student("s4"), db.session.get(Course, dataset.ids["C"]))
        fx.make_progress(
            student("s4"),
            db.session.get(Course, dataset.ids["C"]),
            last_accessed_at=d("2026-01-01"),
        )
        db.session.commit()
        rows = q.at_risk_students(dataset.mine(Q1))
        assert q.at_risk_count(dataset.mine(Q1)) == 2
        assert q.at_risk_count(dataset.filters(Q1)) == 3  # s4 in the other instructor's C
    assert {r["title"] for r in rows} == {"Course A", "Course B"}


def test_lesson_completion_rate_and_watch_time(app, dataset):
    with app.app_context():
        rows = q.lesson_engagement(dataset.filters(Q1, course_id=dataset.ids["A"]))
    assert [
        (r["title"], r["started"], r["completed"], r["completion_rate"], r["average_watch_seconds"])
        for r in rows
    ] == [
        ("A1", 4, 4, Decimal("100.0"), Decimal("450.0")),
        ("A2", 1, 1, Decimal("100.0"), Decimal("600.0")),
        ("A3", 2, 1, Decimal("50.0"), Decimal("350.0")),
        ("A4", 1, 1, Decimal("100.0"), Decimal("600.0")),
    ]


def test_lesson_engagement_outside_scope_and_empty_range(app, dataset):
    with app.app_context():
        assert q.lesson_engagement(dataset.mine(Q1, course_id=dataset.ids["C"])) == []
        empty = dataset.filters((date(2020, 1, 1), date(2020, 1, 2)), course_id=dataset.ids["A"])
        rows = q.lesson_engagement(empty)
        assert q.progress_totals(empty)["students"] == 0
    assert [r["started"] for r in rows] == [0, 0, 0, 0]
    assert all(r["completion_rate"] is None for r in rows)


# --- active = lesson activity in the range; at risk = an enrollment still running ----------

JANUARY = (date(2026, 1, 1), date(2026, 1, 31))


def student(key: str):
    return db.session.scalars(select(User).where(User.email == f"{key}@example.com")).one()


def test_students_active_are_those_with_lesson_activity_in_the_range(app, dataset):
    with app.app_context():
        c = db.session.get(Course, dataset.ids["C"])
        lesson = fx.make_lesson(fx.make_module(c, order=1), order=1, title="C1")
        s6 = db.session.scalars(
            select(CourseProgress).where(
                CourseProgress.course_id == c.id, CourseProgress.user_id == student("s6").id
            )
        ).one()
        # Completed on the last millisecond of January, rewatched in February: active in January.
        fx.make_lesson_progress(
            s6,
            lesson,
            completed=True,
            completed_at=d("2026-01-31 23:59:59.999"),
            last_watched_at=d("2026-02-10"),
        )
        # Watched first on the first millisecond of February: not active in January, although
        # (like s1 in C) its last access was in January.
        s7 = fx.make_progress(
            student("s7"), c, progress_percent=5, last_accessed_at=d("2026-01-20")
        )
        fx.make_lesson_progress(s7, lesson, last_watched_at=d("2026-02-01 00:00:00"))
        db.session.commit()
        f = dataset.filters(JANUARY)
        totals, by_course = q.progress_totals(f), q.progress_by_course(f)
        distribution = {r["label"]: r["students"] for r in q.progress_distribution(f)}
        # Any lesson watched or completed in January, written as two separate look-ups.
        expected = independent("""
            SELECT count(*), round(avg("progressPercent"), 1),
                   count(*) FILTER (WHERE "progressPercent" = 100)
            FROM course_progress WHERE id IN (
                SELECT "progressId" FROM lesson_progress
                WHERE "lastWatchedAt" BETWEEN '2026-01-01' AND '2026-01-31 23:59:59.999'
                UNION
                SELECT "progressId" FROM lesson_progress
                WHERE "completedAt" BETWEEN '2026-01-01' AND '2026-01-31 23:59:59.999')""")
    # s1 in A (watched 11–14 Jan), s5 in A (2 Jan; last access in March), s6 in C.
    assert (totals["students"], totals["average_progress"], totals["finished"]) == tuple(expected)
    assert tuple(expected) == (3, Decimal("61.7"), 1)
    assert [(r["title"], r["students"], r["average_progress"]) for r in by_course] == [
        ("Course A", 2, Decimal("87.5")),
        ("Course C", 1, Decimal("10.0")),
    ]
    assert {k: v for k, v in distribution.items() if v} == {"10–19%": 1, "70–79%": 1, "100%": 1}


def test_a_last_access_without_lesson_activity_is_not_activity(app, dataset):
    with app.app_context():
        totals = q.progress_totals(dataset.filters(Q1))
    # s4 and s6 in A, s1 in B, s6 and s1 in C opened their course in Q1 but watched nothing.
    assert (totals["students"], totals["average_progress"], totals["finished"]) == (
        4,
        Decimal("56.3"),  # (100 + 25 + 25 + 75) / 4
        1,
    )


def add_at_risk_candidates() -> None:
    """Three more ACTIVE students under 100% in Course B, around the 30-day line, one refunded."""
    b = db.session.scalars(select(Course).where(Course.title == "Course B")).one()
    cases = [
        ("late1", "2026-02-13 11:59:59.999", PS.COMPLETED),  # 30 days and a millisecond: at risk
        ("late2", "2026-02-13 12:00:00", PS.COMPLETED),  # exactly 30 days: not yet
        ("refunded", "2026-01-05", PS.REFUNDED),  # refunded (status not yet updated): left out
    ]
    for key, last, payment in cases:
        user = fx.make_user(email=f"{key}@example.com", name=key)
        fx.make_enrollment(user, b, enrolled_at=d("2026-01-02"), payment_status=payment)
        fx.make_progress(user, b, progress_percent=50, last_accessed_at=d(last))
    db.session.commit()


def test_at_risk_leaves_out_cancelled_expired_and_refunded_enrollments(app, dataset):
    with app.app_context():
        add_at_risk_candidates()
        rows = q.at_risk_students(dataset.filters(Q1))
        count = q.at_risk_count(dataset.filters(Q1))
        mine = q.at_risk_count(dataset.mine(Q1))
        # Written apart: no access for 30 days before 15 Mar 12:00, under 100%, and an
        # enrollment that is still running and was not refunded.
        expected = db.session.execute(
            text("""
            SELECT u.email FROM course_progress cp JOIN users u ON u.id = cp."userId"
            WHERE cp."lastAccessedAt" < TIMESTAMP '2026-02-13 12:00'
              AND cp."progressPercent" < 100
              AND (cp."userId", cp."courseId") IN (
                  SELECT "userId", "courseId" FROM enrollments
                  WHERE status = 'ACTIVE' AND "paymentStatus" <> 'REFUNDED')
            ORDER BY cp."lastAccessedAt" DESC""")
        ).all()
    assert [r["email"] for r in rows] == [e for (e,) in expected]
    assert [r["email"] for r in rows] == ["late1@example.com", "s2@example.com"]
    assert count == 2 and mine == 2  # both in the instructor's courses (A and B)
    assert {r["status"] for r in rows} == {"ACTIVE"}


def test_watch_time_in_minutes_is_not_rounded_before_display(app, dataset):
    with app.app_context():
        b = db.session.get(Course, dataset.ids["B"])
        lesson = db.session.scalars(select(Lesson).where(Lesson.title == "B1")).one()
        for key, seconds in [("w1", 100), ("w2", 101), ("w3", 101)]:
            progress = fx.make_progress(fx.make_user(email=f"{key}@example.com"), b)
            fx.make_lesson_progress(
                progress, lesson, watch_time_seconds=seconds, last_watched_at=d("2026-02-01")
            )
        db.session.commit()
        (row,) = q.lesson_engagement(dataset.filters(Q1, course_id=b.id))
    assert float(row["average_watch_seconds"]) == pytest.approx(302 / 3, rel=1e-12)
    minutes = charts.lesson_engagement([row], "Course B").data[1].y[0]
    # Rounded to 0.1 s in SQL and then to 0.01 min, it read 1.68: 302/3 s is 1.6778 min.
    assert minutes == pytest.approx(302 / 3 / 60, rel=1e-12)

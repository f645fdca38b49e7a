"""Report tests' world: two instructors' courses, hostile names, money floats get wrong.

`unstarted_and_stuck` adds, on request only, the students of the never-started and
stuck-students reports (their own course, so the other reports' counts stay as they are).
"""

from datetime import timedelta
from decimal import Decimal

import factories as f
import pytest
from report_support import HOSTILE_COURSE_TITLE, HOSTILE_NAMES

from lms.db import db
from lms.models import (
    Certificate,
    Course,
    EnrollmentStatus,
    PaymentStatus,
    Transaction,
    User,
    UserRole,
    utcnow,
)


def transaction(user_id, course_id, amount, status, created_at, **fields):
    fields.setdefault("provider", "stripe")
    return f._save(
        Transaction(
            user_id=user_id,
            course_id=course_id,
            amount=Decimal(amount),
            status=status,
            created_at=created_at,
            updated_at=created_at,
            **fields,
        )
    )


def build_people(now):
    other = f.make_user(role=UserRole.INSTRUCTOR, email="other.teacher@example.com")
    ann = f.make_user(email="ann@example.com", name=HOSTILE_NAMES[0])
    bob = f.make_user(email="-bob@example.com", name=HOSTILE_NAMES[1])
    cy = f.make_user(email="cy@example.com", name=HOSTILE_NAMES[2])
    f.make_account(user=ann, access_token="SECRET-ACCESS", refresh_token="SECRET-REFRESH")
    f.make_session(user=ann, session_token="SECRET-SESSION")
    return other, ann, bob, cy


def build_payments(now, mine, theirs, ann, bob, cy):
    day = timedelta(days=1)
    completed, pending = PaymentStatus.COMPLETED, PaymentStatus.PENDING
    # 0.10 + 0.20 is where float sums go wrong; -5.00 is a refund adjustment, a number.
    transaction(
        ann.id,
        mine.id,
        "0.10",
        completed,
        now - 40 * day,
        details={"coupon": "=1+1", "items": [1, 2], "note": 'a, "b"'},
    )
    transaction(bob.id, mine.id, "0.20", completed, now - 39 * day)
    transaction(ann.id, mine.id, "19.99", completed, now - 3 * day, provider="=evil")
    transaction(bob.id, mine.id, "49.00", PaymentStatus.REFUNDED, now - 2 * day)
    transaction(ann.id, mine.id, "-5.00", completed, now - 1 * day)
    transaction(bob.id, mine.id, "49.00", pending, now - timedelta(minutes=20))
    transaction(ann.id, mine.id, "49.00", pending, now - timedelta(minutes=5))
    transaction(cy.id, theirs.id, "100.00", completed, now - 10 * day)
    transaction(cy.id, theirs.id, "100.00", pending, now - timedelta(hours=2))
    # The user and course were deleted; the payment stays (no foreign key).
    transaction("deleted-user-id", "deleted-course-id", "12.34", completed, now - 5 * day)


def build_learning(now, mine, theirs, ann, bob, cy):
    day = timedelta(days=1)
    f.make_enrollment(
        user=ann,
        course=mine,
        status=EnrollmentStatus.COMPLETED,
        payment_status=PaymentStatus.COMPLETED,
        enrolled_at=now - 50 * day,
        completed_at=now - 40 * day,
    )
    f.make_enrollment(
        user=bob, course=mine, enrolled_at=now - 45 * day, payment_amount=Decimal("0.20")
    )
    f.make_enrollment(
        user=cy,
        course=theirs,
        payment_amount=Decimal("100.00"),
        enrolled_at=now - 60 * day,
        expires_at=now + 300 * day,
    )
    done = f.make_progress(
        user=ann,
        course=mine,
        completed_lessons=2,
        total_lessons=2,
        progress_percent=100,
        last_accessed_at=now - 40 * day,
        completed_at=now - 40 * day,
    )
    idle = f.make_progress(
        user=bob,
        course=mine,
        completed_lessons=1,
        total_lessons=2,
        progress_percent=50,
        last_accessed_at=now - 45 * day,
    )
    f.make_progress(
        user=cy, course=mine, total_lessons=2, progress_percent=0, last_accessed_at=now - 2 * day
    )
    far = f.make_progress(
        user=cy,
        course=theirs,
        total_lessons=1,
        progress_percent=10,
        last_accessed_at=now - 60 * day,
    )
    module = f.make_module(course=mine, title="-Intro", order=1)
    first = f.make_lesson(module=module, title="=Lesson one", order=1)
    second = f.make_lesson(module=module, title="Lesson two", order=2)
    f.make_lesson_progress(
        progress=done,
        lesson=first,
        completed=True,
        completed_at=now - 45 * day,
        watch_time_seconds=600,
        last_watched_at=now - 45 * day,
    )
    f.make_lesson_progress(
        progress=done,
        lesson=second,
        completed=True,
        watch_time_seconds=300,
        completed_at=now - 40 * day,
        last_watched_at=now - 40 * day,
    )
    f.make_lesson_progress(
        progress=idle,
        lesson=first,
        completed=True,
        watch_time_seconds=420,
        completed_at=now - 46 * day,
        last_watched_at=now - 45 * day,
    )
    f.make_lesson_progress(
        progress=idle, lesson=second, watch_time_seconds=30, last_watched_at=now - 45 * day
    )
    f.make_lesson_progress(progress=far, last_watched_at=now - 60 * day)


def build_assessments(now, mine, theirs, ann, bob, cy):
    quiz = f.make_quiz(course=mine, title="+Quiz one")
    f.make_question(quiz=quiz, correct_answer="SECRET-ANSWER")
    f.make_attempt(
        quiz=quiz,
        user=ann,
        score=90.5,
        passed=True,
        answers={"q1": "yes"},
        started_at=now - timedelta(days=41),
        completed_at=now - timedelta(days=41),
    )
    f.make_attempt(
        quiz=quiz,
        user=bob,
        score=40.0,
        passed=False,
        answers={"q1": "no"},
        started_at=now - timedelta(days=44),
    )
    f.make_attempt(
        quiz=f.make_quiz(course=theirs), user=cy, score=75.0, started_at=now - timedelta(days=59)
    )
    f.make_certificate(
        user=ann,
        course=mine,
        certificate_no="=CERT-1",
        issued_at=now - timedelta(days=40),
        pdf_url="https://cdn.example/1.pdf",
    )
    f.make_certificate(user=cy, course=theirs, issued_at=now - timedelta(days=20))
    f._save(
        Certificate(
            user_id="deleted-user-id",
            course_id="deleted-course-id",
            certificate_no="CERT-GONE",
            issued_at=now - timedelta(days=400),
        )
    )


@pytest.fixture
def world(app, instructor_client):
    """The signed-in instructor's course ("mine", with a formula title) and another's ("theirs")."""
    now = utcnow()
    with app.app_context():
        me = db.session.get(User, instructor_client.user_id)
        other, ann, bob, cy = build_people(now)
        mine = f.make_course(instructor=me, title=HOSTILE_COURSE_TITLE, slug="mine-101")
        theirs = f.make_course(
            instructor=other, title="Their course, with a comma", slug="theirs-201"
        )
        build_payments(now, mine, theirs, ann, bob, cy)
        build_learning(now, mine, theirs, ann, bob, cy)
        build_assessments(now, mine, theirs, ann, bob, cy)
        db.session.commit()
        return {"me": me.id, "other": other.id, "mine": mine.id, "theirs": theirs.id, "now": now}


def student_in(course, name, status, enrolled_at, progress=None):
    """A student (`name`@example.com) enrolled in `course` unless `status` is None, with a
    course_progress row if `progress` gives its fields; returns (student, progress or None)."""
    student = f.make_user(email=f"{name}@example.com", name=name.capitalize())
    if status is not None:
        f.make_enrollment(user=student, course=course, status=status, enrolled_at=enrolled_at)
    if progress is None:
        return student, None
    return student, f.make_progress(user=student, course=course, total_lessons=3, **progress)


def build_unstarted(now, habits, theirs):
    """Enrolled, and not one lesson opened (or only in another course, or no longer enrolled)."""
    day = timedelta(days=1)
    active = EnrollmentStatus.ACTIVE
    student_in(habits, "dee", active, now - 20 * day)  # no progress row at all
    opened_nothing = {"started_at": now - 9 * day, "last_accessed_at": now - 9 * day}
    student_in(habits, "eve", active, now - 10 * day, opened_nothing)
    student_in(habits, "fay", EnrollmentStatus.CANCELLED, now - 15 * day)
    student_in(habits, "gus", EnrollmentStatus.EXPIRED, now - 25 * day, opened_nothing)
    student_in(theirs, "hal", active, now - 5 * day)
    # Ivy opened a lesson of their course, none of habits: she never started habits only.
    ivy, _ = student_in(habits, "ivy", active, now - 7 * day)
    f.make_enrollment(user=ivy, course=theirs, enrolled_at=now - 30 * day)
    elsewhere = f.make_progress(user=ivy, course=theirs, total_lessons=1, last_accessed_at=now)
    f.make_lesson_progress(progress=elsewhere, last_watched_at=now - day)


def build_stuck(now, habits, theirs):
    """Students who come back without advancing, and their near misses on each side."""
    day, ms = timedelta(days=1), timedelta(milliseconds=1)
    module = f.make_module(course=habits, title="Basics", order=1)
    warmup = f.make_lesson(module=module, title="Warm-up", order=1)
    hard = f.make_lesson(module=module, title="=Hard part", order=2)
    finale = f.make_lesson(module=module, title="Finale", order=3)
    enrolled = now - 60 * day

    def learner(name, course=habits, status=EnrollmentStatus.ACTIVE, lessons=(), **progress):
        """`lessons`: (lesson, completed_at or None, last_watched_at) per lesson opened."""
        progress.setdefault("progress_percent", 33)
        progress.setdefault("started_at", now - 40 * day)
        progress.setdefault("last_accessed_at", now - 2 * day)
        _student, row = student_in(course, name, status, enrolled, progress)
        for lesson, completed_at, watched_at in lessons:
            f.make_lesson_progress(
                progress=row,
                lesson=lesson,
                completed=completed_at is not None,
                completed_at=completed_at,
                last_watched_at=watched_at,
            )

    def stuck_on_hard(last_completed):
        return (
            (warmup, last_completed, last_completed),
            (hard, None, now - 3 * day),
            (finale, None, now - 20 * day),
        )

    learner("jo", lessons=stuck_on_hard(now - 14 * day - ms))  # stuck
    learner("kim", lessons=stuck_on_hard(now - 14 * day + ms))  # completed within 14 days
    learner(  # progressing
        "lee",
        progress_percent=66,
        last_accessed_at=now - day,
        lessons=((warmup, now - 30 * day, now - 30 * day), (hard, now - day, now - day)),
    )
    # Back 30 days ago to the millisecond, on each side: the later one is stuck, the earlier
    # one is an inactive student.
    done_long_ago = ((warmup, now - 45 * day, now - 45 * day),)
    learner(
        "mo", started_at=now - 50 * day, last_accessed_at=now - 30 * day + ms, lessons=done_long_ago
    )
    learner(
        "ned",
        started_at=now - 50 * day,
        last_accessed_at=now - 30 * day - ms,
        lessons=done_long_ago,
    )
    watching_hard = ((hard, None, now - day),)
    learner("pat", progress_percent=10, started_at=now - 10 * day, lessons=watching_hard)  # new
    learner("qin", progress_percent=10, started_at=now - 21 * day, lessons=watching_hard)  # stuck
    learner("rae", progress_percent=0, started_at=now - 21 * day, lessons=watching_hard)
    learner(
        "sam",
        progress_percent=100,
        lessons=[(lesson, now - 20 * day, now - 20 * day) for lesson in (warmup, hard, finale)],
    )
    learner("tia", status=EnrollmentStatus.CANCELLED, lessons=stuck_on_hard(now - 20 * day))
    learner("uma", status=None, lessons=stuck_on_hard(now - 20 * day))  # not enrolled
    theirs_lesson = f.make_lesson(f.make_module(course=theirs), title="Their lesson")
    learner(
        "vic",
        course=theirs,
        progress_percent=50,
        lessons=((theirs_lesson, now - 20 * day, now - 20 * day),),
    )


@pytest.fixture
def unstarted_and_stuck(app, world):
    """The world, plus the signed-in instructor's course "habits-301" whose students never
    started or are stuck, and a few in "theirs-201" (see build_unstarted and build_stuck)."""
    now = world["now"]
    with app.app_context():
        me = db.session.get(User, world["me"])
        theirs = db.session.get(Course, world["theirs"])
        habits = f.make_course(instructor=me, title="Habits, slowly", slug="habits-301")
        build_unstarted(now, habits, theirs)
        build_stuck(now, habits, theirs)
        db.session.commit()
        return {**world, "habits": habits.id}

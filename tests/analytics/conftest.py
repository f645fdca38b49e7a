"""A small hand-made data set whose every dashboard figure was worked out by hand (see the tests).

Two instructors: "mine" (the signed-in instructor_client) teaches Course A (4 lessons in 2
modules) and Course B (1 lesson); "other" teaches Course C and Course D (no activity).
"Now" is 15 March 2026, 12:00 UTC.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import factories as fx
import pytest

from lms.analytics.filters import Filters
from lms.db import db
from lms.models import EnrollmentStatus as ES  # noqa: N817 (short in row tables)
from lms.models import PaymentStatus as PS  # noqa: N817
from lms.models import User, UserRole

NOW = datetime(2026, 3, 15, 12, 0)
Q1 = (date(2026, 1, 1), date(2026, 3, 31))  # 90 days: charted per day
WINTER = (date(2025, 11, 1), date(2026, 3, 31))  # five months: charted per month


def d(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass
class Dataset:
    ids: dict = field(default_factory=dict)
    instructor_id: str = ""
    other_instructor_id: str = ""

    def filters(self, span=Q1, **kw) -> Filters:
        return Filters(start=span[0], end=span[1], preset="custom", now=NOW, **kw)

    def mine(self, span=Q1, **kw) -> Filters:
        return self.filters(span, instructor_id=self.instructor_id, **kw)


def build_catalog(data: Dataset, me: User, other: User) -> dict:
    a = fx.make_course(instructor=me, title="Course A", slug="course-a", price=Decimal("49.99"))
    b = fx.make_course(instructor=me, title="Course B", slug="course-b", price=Decimal("19.99"))
    c = fx.make_course(instructor=other, title="Course C", slug="course-c", price=Decimal("100.00"))
    dd = fx.make_course(instructor=other, title="Course D", slug="course-d")
    m1, m2 = fx.make_module(a, order=1), fx.make_module(a, order=2)
    # Created out of order on purpose: the funnel must follow module, then lesson order.
    l4 = fx.make_lesson(m2, order=2, title="A4")
    l1 = fx.make_lesson(m1, order=1, title="A1")
    l3 = fx.make_lesson(m2, order=1, title="A3")
    l2 = fx.make_lesson(m1, order=2, title="A2")
    l5 = fx.make_lesson(fx.make_module(b, order=1), order=1, title="B1")
    data.ids.update(A=a.id, B=b.id, C=c.id, D=dd.id, M1=m1.id)
    return {"A": a, "B": b, "C": c, "D": dd, "lessons": [l1, l2, l3, l4], "l5": l5, "m1": m1}


def build_students() -> dict:
    created = {
        "s1": "2025-12-15",
        "s2": "2026-01-05",
        "s3": "2026-01-20",
        "s4": "2026-02-01",
        "s5": "2026-02-02",
        "s6": "2026-03-03",
        "s7": "2026-03-04",
    }
    return {
        key: fx.make_user(email=f"{key}@example.com", name=key.upper(), created_at=d(day))
        for key, day in created.items()
    }


# (student, course, enrolled, status, completed, progress %, last accessed, lessons watched)
# where lessons watched is [(lesson index 0-3, completed, seconds, last watched)].
ENROLLMENTS = [
    (
        "s1",
        "A",
        "2026-01-10",
        ES.COMPLETED,
        "2026-01-20",
        100,
        "2026-01-20",
        [
            (0, True, 600, "2026-01-11"),
            (1, True, 600, "2026-01-12"),
            (2, True, 600, "2026-01-13"),
            (3, True, 600, "2026-01-14"),
        ],
    ),
    ("s2", "A", "2026-02-05", ES.ACTIVE, None, 25, "2026-02-10", [(0, True, 300, "2026-02-06")]),
    ("s3", "A", "2026-02-06", ES.CANCELLED, None, 25, "2026-02-07", [(0, True, 500, "2026-02-07")]),
    ("s4", "A", "2025-12-31 23:59:59", ES.ACTIVE, None, 0, "2026-03-10", []),
    (
        "s5",
        "A",
        "2026-01-01",
        ES.ACTIVE,
        None,
        75,
        "2026-03-14",
        [(0, True, 400, "2026-01-02"), (2, False, 100, "2026-03-14")],
    ),
    ("s6", "A", "2026-03-05", ES.ACTIVE, None, 0, "2026-03-05", []),
    ("s1", "B", "2026-02-20", ES.COMPLETED, "2026-03-12", 100, "2026-03-12", []),
    ("s6", "C", "2026-03-01", ES.ACTIVE, None, 10, "2026-03-01", []),
    ("s1", "C", "2026-01-15", ES.EXPIRED, None, 40, "2026-01-20", []),
]

# (student, course, status, amount, currency, created)
TRANSACTIONS = [
    ("s1", "A", PS.COMPLETED, "49.99", "USD", "2026-01-10"),
    ("s2", "A", PS.COMPLETED, "49.99", "USD", "2026-02-05"),
    ("s3", "A", PS.REFUNDED, "49.99", "USD", "2026-02-06"),
    ("s1", "B", PS.COMPLETED, "19.99", "USD", "2026-02-20"),
    ("s4", "B", PS.PENDING, "19.99", "USD", "2026-03-15 11:00"),  # 1 h old: to retry
    ("s5", "B", PS.PENDING, "19.99", "USD", "2026-03-15 11:50"),  # 10 min old: not yet
    ("s6", "C", PS.COMPLETED, "100.00", "USD", "2026-03-01"),
    ("s2", "C", PS.FAILED, "100.00", "USD", "2026-03-02"),
    ("s4", "A", PS.COMPLETED, "0.10", "USD", "2025-12-31 23:59:59"),
    ("s5", "A", PS.COMPLETED, "0.20", "USD", "2026-01-01 00:00:00"),
    ("s1", "C", PS.COMPLETED, "12.34", "EUR", "2026-01-15"),
]
# When a refund happened (the platform keeps it only as the transaction's updatedAt); every
# other payment was last changed when it was made.
REFUNDED_AT = {("s3", "A"): "2026-02-09 10:00"}


def build_learning(catalog: dict, students: dict) -> None:
    for key, course, enrolled, status, completed, percent, last, watched in ENROLLMENTS:
        student, row = students[key], catalog[course]
        fx.make_enrollment(
            student,
            row,
            status=status,
            enrolled_at=d(enrolled),
            completed_at=completed and d(completed),
        )
        progress = fx.make_progress(
            student,
            row,
            progress_percent=percent,
            total_lessons=4,
            last_accessed_at=d(last),
            started_at=d(enrolled),
            completed_at=completed and d(completed),
        )
        for index, done, seconds, when in watched:
            fx.make_lesson_progress(
                progress,
                catalog["lessons"][index],
                completed=done,
                completed_at=d(when) if done else None,
                watch_time_seconds=seconds,
                last_watched_at=d(when),
            )
    for key, course, status, amount, currency, created in TRANSACTIONS:
        fx.make_transaction(
            students[key],
            catalog[course],
            status=status,
            amount=Decimal(amount),
            currency=currency,
            created_at=d(created),
            updated_at=d(REFUNDED_AT.get((key, course), created)),
        )


ALL_RIGHT = {"q1": "Paris", "q2": "true", "q3": "4", "q4": "An essay."}


def build_quizzes(data: Dataset, catalog: dict, students: dict) -> None:
    quiz = fx.make_quiz(catalog["A"], catalog["m1"], title="Quiz A", passing_score=70)
    questions = {
        "q1": fx.make_question(quiz, type="multiple_choice", correct_answer="Paris", order=1),
        "q2": fx.make_question(quiz, type="true_false", correct_answer="true", order=2),
        "q3": fx.make_question(quiz, type="multiple_choice", correct_answer="4", points=2, order=3),
        "q4": fx.make_question(quiz, type="essay", correct_answer=None, points=3, order=4),
    }
    attempts = [  # (student, started, score, passed, answers)
        ("s1", "2026-01-12", 100, True, ALL_RIGHT),
        ("s2", "2026-02-07", 75, True, {"q1": " paris ", "q2": "false", "q3": "4"}),
        ("s3", "2026-02-07", 25, False, {"q1": "London", "q2": "TRUE", "q3": "5"}),
        ("s5", "2026-01-03", 25, False, {"q1": "Paris", "q2": "false"}),
        ("s5", "2026-01-04", 100, True, ALL_RIGHT),
        ("s2", "2026-02-08", 100, True, ALL_RIGHT),
    ]
    for key, started, score, passed, answers in attempts:
        fx.make_attempt(
            quiz,
            students[key],
            score=score,
            passed=passed,
            started_at=d(started),
            answers={questions[q].id: a for q, a in answers.items()},
        )
    other = fx.make_quiz(catalog["C"], title="Quiz C", passing_score=60)
    fx.make_question(other, correct_answer="yes", order=1)
    fx.make_attempt(
        other, students["s6"], score=50, passed=False, started_at=d("2026-03-02"), answers={}
    )
    fx.make_attempt(
        other, students["s1"], score=90, passed=True, started_at=d("2025-12-20"), answers={}
    )
    data.ids.update(quiz=quiz.id, quiz_c=other.id, **{key: q.id for key, q in questions.items()})


@pytest.fixture
def dataset(app, instructor_client) -> Dataset:
    data = Dataset(instructor_id=instructor_client.user_id)
    with app.app_context():
        me = db.session.get(User, instructor_client.user_id)
        other = fx.make_user(UserRole.INSTRUCTOR, email="other.teacher@example.com")
        data.other_instructor_id = other.id
        catalog = build_catalog(data, me, other)
        students = build_students()
        data.ids.update({key: s.id for key, s in students.items()})
        build_learning(catalog, students)
        build_quizzes(data, catalog, students)
        db.session.commit()
    return data


@pytest.fixture
def frozen_now(monkeypatch):
    """Pages see NOW as the current time (the range presets, pending and at-risk cut-offs)."""
    from lms.analytics import views

    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    return NOW

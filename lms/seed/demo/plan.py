"""The demo's year of activity, planned in Python from a fixed random seed.

Every draw is an offset in days before the anchor, never a date, so the plan (who enrolled
where, what they paid, how far they got) is the same whatever day it is generated; only the
dates move with the anchor.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from lms.seed.demo.content import COURSES, CourseSpec
from lms.seed.sqlgen import FIRST_NAMES, LAST_NAMES

SEED = 2026
STUDENTS = 50
PENDING, FAILED, REFUNDED, EXPIRED, INACTIVE = 4, 5, 8, 3, 6


@dataclass
class Student:
    email: str
    name: str
    days_ago: float  # signed up


@dataclass
class Enrollment:
    student: Student
    course: CourseSpec
    days_ago: float  # enrolled
    payment: str = "COMPLETED"
    status: str = "ACTIVE"
    number: int = 0
    started: int = 0  # lessons with a lesson_progress row, in course order
    completed: int = 0  # the first `completed` of them are completed
    last_days_ago: float = 0.0
    expires_days_ago: float | None = None  # negative: in the future
    refunded_days_ago: float | None = None
    coupon: bool = False
    provider: str = "stripe"
    skill: float = 0.7

    @property
    def finished(self) -> bool:
        return self.completed == self.course.lesson_count

    @property
    def amount(self) -> Decimal:
        price = self.course.price
        return (price * Decimal("0.8")).quantize(Decimal("0.01")) if self.coupon else price


def at(anchor: datetime, days_ago: float) -> datetime:
    """The moment days_ago before anchor, to the second."""
    return (anchor - timedelta(days=days_ago)).replace(microsecond=0)


def plan_students(rng: random.Random, staff_student: tuple[str, str]) -> list[Student]:
    names = rng.sample(
        [(first, last) for first in FIRST_NAMES for last in LAST_NAMES], STUDENTS - 1
    )
    students = [
        Student(f"{first.lower()}.{last.lower()}@example.com", f"{first} {last}", 0)
        for first, last in names
    ]
    return [*students, Student(*staff_student, 0)]


def plan_enrollments(rng: random.Random, students: list[Student]) -> list[Enrollment]:
    """One to five courses each, popular courses more often, within the last 12 months.

    Half the enrolment dates are uniform over the course's window and half lean towards today,
    so monthly enrolments grow about threefold over the year; a student signs up shortly
    before their first enrolment.
    """
    enrollments = []
    for student in students:
        pool = list(COURSES)
        for _ in range(rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])):
            course = rng.choices(pool, weights=[c.popularity for c in pool])[0]
            pool.remove(course)
            window = min(365, course.launched_days_ago)
            draw = rng.random()
            share = draw if rng.random() < 0.5 else 1 - draw**0.5
            enrollments.append(Enrollment(student, course, window * share))
        first = max(e.days_ago for e in enrollments if e.student is student)
        student.days_ago = first + rng.uniform(0.5, 40)
    enrollments.sort(key=lambda e: (-e.days_ago, e.student.email, e.course.slug))
    return enrollments


def assign_payments(rng: random.Random, enrollments: list[Enrollment]) -> None:
    """A few pending (the newest), failed, refunded and expired enrollments; the rest paid."""
    for enrollment in enrollments[-PENDING:]:
        enrollment.payment = "PENDING"
        enrollment.days_ago = min(enrollment.days_ago, rng.uniform(0.1, 2.5))
    paid = enrollments[:-PENDING]
    for enrollment in rng.sample(paid, FAILED):
        enrollment.payment = "FAILED"
    for enrollment in rng.sample(
        [e for e in paid if e.payment == "COMPLETED" and e.days_ago > 15], REFUNDED
    ):
        enrollment.payment, enrollment.status = "REFUNDED", "CANCELLED"
    for enrollment in rng.sample(
        [e for e in paid if e.payment == "COMPLETED" and e.days_ago > 200], EXPIRED
    ):
        enrollment.status = "EXPIRED"
        enrollment.expires_days_ago = enrollment.days_ago - 180
    for enrollment in enrollments:
        enrollment.coupon = rng.random() < 0.15
        enrollment.provider = "stripe" if rng.random() < 0.7 else "paypal"
        enrollment.skill = rng.uniform(0.45, 1.0)


def assign_progress(rng: random.Random, enrollments: list[Enrollment]) -> None:
    for enrollment in enrollments:
        n, age = enrollment.course.lesson_count, enrollment.days_ago
        enrollment.last_days_ago = age
        if enrollment.payment in ("PENDING", "FAILED"):
            continue
        if enrollment.status == "CANCELLED":  # refunded early, after a look around
            enrollment.started = rng.randint(0, n // 3)
            enrollment.last_days_ago = age - rng.uniform(0, 10)
            enrollment.refunded_days_ago = max(0.5, enrollment.last_days_ago - rng.uniform(1, 5))
        elif enrollment.status == "EXPIRED":
            enrollment.started = rng.randint(1, n - 1)
            enrollment.last_days_ago = age - rng.uniform(20, 170)
        elif rng.random() < enrollment.course.finish_rate * min(1.0, age / 45):
            enrollment.started = n
            enrollment.last_days_ago = age - min(age - 0.5, rng.uniform(14, 90))
            enrollment.status = "COMPLETED"
        else:
            enrollment.started = max(1, min(n - 1, int(n * rng.random() ** 0.8)))
            enrollment.last_days_ago = rng.random() * min(age, 25)
        unfinished = enrollment.started < n and enrollment.started and rng.random() < 0.4
        enrollment.completed = enrollment.started - (1 if unfinished else 0)
    mark_inactive(rng, enrollments)


def mark_inactive(rng: random.Random, enrollments: list[Enrollment]) -> None:
    """Students who stopped coming back more than 30 days ago (the re-engagement list)."""
    candidates = [
        e
        for e in enrollments
        if e.status == "ACTIVE" and e.payment == "COMPLETED" and e.started and e.days_ago > 60
    ]
    for enrollment in rng.sample(candidates, min(INACTIVE, len(candidates))):
        enrollment.last_days_ago = rng.uniform(35, enrollment.days_ago - 5)


def plan(staff_student: tuple[str, str]) -> tuple[list[Student], list[Enrollment]]:
    """The whole demo plan; staff_student is the demo STUDENT account (email, name)."""
    rng = random.Random(SEED)
    students = plan_students(rng, staff_student)
    enrollments = plan_enrollments(rng, students)
    assign_payments(rng, enrollments)
    assign_progress(rng, enrollments)
    enrollments.sort(key=lambda e: (-e.days_ago, e.student.email, e.course.slug))
    for number, enrollment in enumerate(enrollments, 1):
        enrollment.number = number
    return students, enrollments

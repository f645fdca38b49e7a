"""Enrolling students, expiring enrollments and issuing certificates."""

import secrets
from decimal import Decimal

from sqlalchemy import func, select, update

from lms import audit
from lms.db import db
from lms.models import (
    Certificate,
    Course,
    CourseModule,
    CourseProgress,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    PaymentStatus,
    Transaction,
    User,
    utcnow,
)
from lms.operations import OperationRefused


def lesson_count(course_id: str) -> int:
    return db.session.execute(
        select(func.count(Lesson.id))
        .join(CourseModule, Lesson.module_id == CourseModule.id)
        .where(CourseModule.course_id == course_id)
    ).scalar_one()


def enroll(user_id: str, course_id: str, provider: str = "admin") -> Enrollment:
    """Enrollment + course progress + (for a paid course) a pending transaction, together."""
    user = db.session.get(User, user_id)
    course = db.session.get(Course, course_id)
    if user is None or course is None:
        raise OperationRefused("Choose an existing student and course.")
    taken = db.session.scalar(
        select(Enrollment.id).where(
            Enrollment.user_id == user_id, Enrollment.course_id == course_id
        )
    )
    if taken:
        raise OperationRefused(f"{user.email} is already enrolled in “{course.title}”.")
    paid = course.price > Decimal("0")
    enrollment = Enrollment(
        user_id=user_id,
        course_id=course_id,
        payment_amount=course.price,
        payment_currency=course.currency,
        payment_status=PaymentStatus.PENDING if paid else PaymentStatus.COMPLETED,
    )
    progress = CourseProgress(
        user_id=user_id, course_id=course_id, total_lessons=lesson_count(course_id)
    )
    rows = [enrollment, progress]
    if paid:
        rows.append(
            Transaction(
                user_id=user_id,
                course_id=course_id,
                amount=course.price,
                currency=course.currency,
                provider=provider,
                details={"source": "admin enrollment"},
            )
        )
    db.session.add_all(rows)
    db.session.flush()
    for row in rows:
        audit.record_create(row, operation="enroll")
    return enrollment


def expire_overdue(now=None, ids: list[str] | None = None) -> int:
    """ACTIVE enrollments whose expiresAt has passed become EXPIRED; returns how many."""
    now = now or utcnow()
    statement = (
        update(Enrollment)
        .where(Enrollment.status == EnrollmentStatus.ACTIVE, Enrollment.expires_at < now)
        .values(status=EnrollmentStatus.EXPIRED)
        .returning(Enrollment.id)
    )
    if ids is not None:
        statement = statement.where(Enrollment.id.in_(ids))
    expired = db.session.scalars(statement).all()
    for row_id in expired:
        audit.record(
            "update",
            "enrollments",
            row_id,
            before={"status": "ACTIVE"},
            after={"status": "EXPIRED"},
            details={"operation": "expire"},
        )
    return len(expired)


def new_certificate_number(now=None) -> str:
    """LMS-YYYY-XXXX-XXXX-C: random, with a check character so a typo is caught on lookup."""
    year = (now or utcnow()).year
    body = secrets.token_hex(4).upper()
    return f"LMS-{year}-{body[:4]}-{body[4:]}-{check_character(f'{year}{body}')}"


def check_character(text: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    total = sum(
        (index + 1) * alphabet.index(char) for index, char in enumerate(text) if char in alphabet
    )
    return alphabet[total % len(alphabet)]


def is_valid_certificate_number(number: str) -> bool:
    parts = number.split("-")
    if len(parts) != 5 or parts[0] != "LMS":
        return False
    return check_character(f"{parts[1]}{parts[2]}{parts[3]}") == parts[4]


CERTIFICATE_LOCKS = 7_345_002  # pg_advisory_xact_lock(namespace, key): one student+course


def check_no_certificate_yet(user_id: str, course_id: str, except_id: str | None = None) -> None:
    """One certificate per student and course (the platform schema has no unique key for it).

    Takes a lock on the pair until the transaction ends, so two simultaneous issuers (two
    clicks, the form and the list action) queue up and the second finds the first's.
    """
    db.session.execute(
        select(
            func.pg_advisory_xact_lock(CERTIFICATE_LOCKS, func.hashtext(f"{user_id}:{course_id}"))
        )
    )
    existing = db.session.scalar(
        select(Certificate.certificate_no).where(
            Certificate.user_id == user_id,
            Certificate.course_id == course_id,
            Certificate.id != (except_id or ""),
        )
    )
    if existing:
        raise OperationRefused(
            f"This student already has certificate {existing} for this "
            "course; one certificate per student and course."
        )


def issue_certificate(enrollment_id: str) -> Certificate:
    """A certificate for a completed enrollment; one per student and course."""
    enrollment = db.session.get(Enrollment, enrollment_id, with_for_update=True)
    if enrollment is None:
        raise OperationRefused("That enrollment no longer exists.")
    if enrollment.status is not EnrollmentStatus.COMPLETED:
        raise OperationRefused(
            f"Only completed enrollments get a certificate; this one is {enrollment.status.name}."
        )
    check_no_certificate_yet(enrollment.user_id, enrollment.course_id)
    certificate = Certificate(
        user_id=enrollment.user_id,
        course_id=enrollment.course_id,
        certificate_no=new_certificate_number(),
        issued_at=enrollment.completed_at or utcnow(),
    )
    db.session.add(certificate)
    db.session.flush()
    audit.record_create(certificate, operation="issue certificate", enrollment=enrollment_id)
    return certificate

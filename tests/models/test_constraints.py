"""The database refuses duplicates and unknown enum values; the app generates ids and timestamps."""

import re
from datetime import datetime

import pytest
from factories import (
    make_account,
    make_certificate,
    make_course,
    make_enrollment,
    make_lesson,
    make_lesson_progress,
    make_progress,
    make_transaction,
    make_user,
    make_verification_token,
)
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from lms.db import db
from lms.models import Course, Enrollment, User, cuid, utcnow


def refused_by(make_duplicate) -> str:
    """Run make_duplicate inside a savepoint; return the name of the index that refused it."""
    with pytest.raises(IntegrityError) as caught, db.session.begin_nested():
        make_duplicate()
    return caught.value.orig.diag.constraint_name


def test_one_enrollment_per_user_and_course(app_ctx):
    first = make_enrollment()
    assert refused_by(lambda: make_enrollment(first.user, first.course)) == (
        "enrollments_userId_courseId_key"
    )
    make_enrollment(first.user, make_course())  # same user, another course: fine


def test_one_course_progress_per_user_and_course(app_ctx):
    first = make_progress()
    assert refused_by(lambda: make_progress(first.user, first.course)) == (
        "course_progress_userId_courseId_key"
    )


def test_one_lesson_progress_per_progress_and_lesson(app_ctx):
    first = make_lesson_progress()
    assert refused_by(lambda: make_lesson_progress(first.progress, first.lesson)) == (
        "lesson_progress_progressId_lessonId_key"
    )
    make_lesson_progress(first.progress, make_lesson(first.lesson.module))


def test_one_account_per_provider_account(app_ctx):
    make_account(provider="github", provider_account_id="42")
    assert refused_by(lambda: make_account(provider="github", provider_account_id="42")) == (
        "accounts_provider_providerAccountId_key"
    )
    make_account(provider="google", provider_account_id="42")


def test_verification_token_is_unique_alone_and_with_its_identifier(app_ctx):
    make_verification_token(identifier="a@example.com", token="t1")
    # The token alone is unique too, so a clash names one of the two indexes on it.
    name = refused_by(lambda: make_verification_token(identifier="a@example.com", token="t1"))
    assert name in ("verification_tokens_token_key", "verification_tokens_identifier_token_key")
    assert refused_by(lambda: make_verification_token(identifier="b@example.com", token="t1")) == (
        "verification_tokens_token_key"
    )


@pytest.mark.parametrize(
    "make, field, index",
    [
        (make_user, "email", "users_email_key"),
        (make_course, "slug", "courses_slug_key"),
        (make_transaction, "provider_txn_id", "transactions_providerTxnId_key"),
        (make_certificate, "certificate_no", "certificates_certificateNo_key"),
    ],
)
def test_unique_single_columns(app_ctx, make, field, index):
    make(**{field: "same-value"})
    assert refused_by(lambda: make(**{field: "same-value"})) == index


def test_many_transactions_may_lack_a_provider_id(app_ctx):
    # A NULL providerTxnId (payment not yet confirmed) never clashes with another.
    make_transaction(provider_txn_id=None)
    make_transaction(provider_txn_id=None)


@pytest.mark.parametrize(
    "table, column, make",
    [
        ("users", "role", make_user),
        ("courses", "difficulty", make_course),
        ("enrollments", "status", make_enrollment),
        ("enrollments", "paymentStatus", make_enrollment),
        ("transactions", "status", make_transaction),
    ],
)
def test_enum_columns_refuse_unknown_values(app_ctx, table, column, make):
    row = make()
    for bad in ("UNKNOWN", "student", ""):  # labels are case-sensitive
        with (
            pytest.raises(DBAPIError, match="invalid input value for enum"),
            db.session.begin_nested(),
        ):
            db.session.execute(
                text(f'UPDATE {table} SET "{column}" = :v WHERE id = :id'), {"v": bad, "id": row.id}
            )


def test_ids_are_unique_25_character_cuids(app_ctx):
    users = [make_user() for _ in range(50)]
    ids = [u.id for u in users] + [cuid() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"c[0-9a-z]{24}", i) for i in ids)


def test_updated_at_is_stamped_by_the_app_on_update(app_ctx):
    long_ago = datetime(2020, 1, 1)
    user = make_user(updated_at=long_ago)
    db.session.commit()
    before_update = utcnow()
    user.name = "Renamed"
    db.session.commit()
    stored = db.session.scalar(
        text('SELECT "updatedAt" FROM users WHERE id = :id'), {"id": user.id}
    )
    assert stored >= before_update > long_ago


def test_updated_at_has_no_database_default(app_ctx):
    # As in Prisma (@updatedAt): a writer that does not stamp it is refused, not defaulted.
    with pytest.raises(IntegrityError, match="updatedAt"):
        db.session.execute(text("INSERT INTO users (id, email) VALUES ('c1', 'x@example.com')"))


def test_created_at_defaults_in_the_app_and_in_the_database(app_ctx):
    user = make_user()
    assert isinstance(user.created_at, datetime)
    # A row written by another client (the platform) without createdAt gets the server's now.
    db.session.execute(
        text("""INSERT INTO users (id, email, "updatedAt")
                               VALUES ('c2', 'raw@example.com', now())""")
    )
    assert (
        db.session.scalar(
            text(
                """SELECT "createdAt" = CAST(CURRENT_TIMESTAMP AS timestamp(3)) FROM users
           WHERE id = 'c2'"""
            )
        )
        is True
    )


def test_defaults_fill_a_minimal_row(app_ctx):
    # The defaults a user sees on a new course or enrollment come from Prisma's @default.
    course = make_course()
    enrollment = make_enrollment(course=course)
    db.session.commit()
    db.session.expire_all()
    course = db.session.get(Course, course.id)
    enrollment = db.session.get(Enrollment, enrollment.id)
    assert (course.currency, course.published, course.featured) == ("USD", False, False)
    assert (enrollment.status.value, enrollment.payment_status.value) == ("ACTIVE", "PENDING")
    assert db.session.get(User, enrollment.user_id).role.value == "STUDENT"

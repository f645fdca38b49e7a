"""Deleting a user, course, module or quiz takes exactly the rows the spec's cascade rules say."""

from types import SimpleNamespace

from factories import (
    make_account,
    make_attempt,
    make_certificate,
    make_course,
    make_enrollment,
    make_lesson,
    make_lesson_progress,
    make_module,
    make_progress,
    make_question,
    make_quiz,
    make_session,
    make_transaction,
    make_user,
)
from sqlalchemy import text

from lms.db import db
from lms.models import PLATFORM_MODELS, Certificate, QuizAttempt, Transaction


def row_counts() -> dict[str, int]:
    """Rows per platform table, in one statement."""
    counts = " UNION ALL ".join(
        f"SELECT '{table}', count(*) FROM {table}" for table in PLATFORM_MODELS
    )
    return dict(db.session.execute(text(counts)).all())


def rows_lost_deleting(row) -> dict[str, int]:
    """Delete row through the ORM as the session stands; rows each table lost (non-zero only)."""
    db.session.flush()
    before = row_counts()
    db.session.delete(row)
    db.session.commit()
    after = row_counts()
    return {
        table: before[table] - after[table] for table in before if before[table] != after[table]
    }


def deleted_rows(row) -> dict[str, int]:
    """As an admin request would: a fresh session state (nothing loaded), then the delete."""
    db.session.commit()  # expires every loaded object and collection
    return rows_lost_deleting(row)


def learner_in(course, user=None):
    """A user enrolled in course, with progress on its first lesson, a payment, a certificate."""
    user = user or make_user()
    make_enrollment(user, course)
    progress = make_progress(user, course)
    make_lesson_progress(progress, course.modules[0].lessons[0])
    make_transaction(user, course)
    make_certificate(user, course)
    return user


def two_courses_two_learners():
    """Two courses of two lessons each; alice and bob both follow both (so nothing is shared)."""
    courses = []
    for _ in range(2):
        course = make_course()
        make_lesson(make_module(course))
        make_lesson(course.modules[0])
        courses.append(course)
    alice, bob = make_user(), make_user()
    for user in (alice, bob):
        for course in courses:
            learner_in(course, user)
    return SimpleNamespace(courses=courses, alice=alice, bob=bob)


def test_deleting_a_user_removes_their_learning_data_and_keeps_payments(app_ctx):
    world = two_courses_two_learners()
    make_account(world.alice)
    make_session(world.alice)
    make_attempt(make_quiz(world.courses[0]), world.alice)

    assert deleted_rows(world.alice) == {
        "users": 1,
        "accounts": 1,
        "sessions": 1,
        "enrollments": 2,
        "course_progress": 2,
        "lesson_progress": 2,
    }  # transactions, certificates and quiz attempts stay (audit and compliance)


def test_records_of_a_deleted_user_show_the_user_as_none(app_ctx):
    user, course = make_user(), make_course()
    payment = make_transaction(user, course)
    certificate = make_certificate(user, course)
    attempt = make_attempt(make_quiz(course), user)
    user_id = user.id
    deleted_rows(user)

    db.session.expire_all()
    for model, row in ((Transaction, payment), (Certificate, certificate), (QuizAttempt, attempt)):
        kept = db.session.get(model, row.id)
        assert kept.user_id == user_id  # the reference is kept for the audit trail
        assert kept.user is None


def test_deleting_a_course_removes_its_content_and_learners_progress(app_ctx):
    world = two_courses_two_learners()
    quiz = make_quiz(world.courses[0])
    make_question(quiz)

    assert deleted_rows(world.courses[0]) == {
        "courses": 1,
        "course_modules": 1,
        "lessons": 2,
        "enrollments": 2,
        "course_progress": 2,
        "lesson_progress": 2,
    }  # transactions, certificates and quizzes (no foreign key in Prisma) stay


def test_payments_of_a_deleted_course_show_the_course_as_none(app_ctx):
    course = make_course()
    payment, certificate = make_transaction(course=course), make_certificate(course=course)
    deleted_rows(course)

    db.session.expire_all()
    assert db.session.get(Transaction, payment.id).course is None
    assert db.session.get(Certificate, certificate.id).course is None


def test_deleting_a_lesson_removes_its_progress_rows_only(app_ctx):
    world = two_courses_two_learners()
    lesson = world.courses[0].modules[0].lessons[0]
    assert deleted_rows(lesson) == {"lessons": 1, "lesson_progress": 2}


def test_deleting_a_module_removes_its_lessons_and_their_progress(app_ctx):
    world = two_courses_two_learners()
    make_module(world.courses[0])  # an empty sibling module that must stay
    module = world.courses[0].modules[0]

    assert deleted_rows(module) == {
        "course_modules": 1,
        "lessons": 2,
        "lesson_progress": 2,
    }  # the learners' course progress and enrollments stay


def test_deleting_a_quiz_removes_its_questions_and_attempts(app_ctx):
    course = make_course()
    quiz, other_quiz = make_quiz(course), make_quiz(course)
    for q in (quiz, other_quiz):
        make_question(q)
        make_question(q)
        make_attempt(q)

    assert deleted_rows(quiz) == {"quizzes": 1, "questions": 2, "quiz_attempts": 1}


def test_deleting_a_parent_whose_children_are_loaded_works(app_ctx):
    # An admin page that listed the children before the delete must not make it fail
    # (the ORM would otherwise try to set their NOT NULL foreign key to NULL).
    world = two_courses_two_learners()
    make_account(world.alice)
    db.session.commit()
    assert world.alice.accounts and world.alice.enrollments and world.alice.progress
    assert world.alice.progress[0].lesson_progress

    assert rows_lost_deleting(world.alice) == {
        "users": 1,
        "accounts": 1,
        "enrollments": 2,
        "course_progress": 2,
        "lesson_progress": 2,
    }
    assert world.courses[0].modules[0].lessons[0].progress  # bob's, loaded again
    assert rows_lost_deleting(world.courses[0]) == {
        "courses": 1,
        "course_modules": 1,
        "lessons": 2,
        "enrollments": 1,
        "course_progress": 1,
        "lesson_progress": 1,
    }

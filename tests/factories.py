"""Factories for the platform models: each builds one row with sensible defaults and flushes it.

Call them inside an app context. Every keyword argument not named in a signature is passed to
the model as a column attribute (e.g. `make_course(published=True, price=Decimal("9.99"))`).
A missing parent is made on the fly, so `make_lesson_progress()` alone builds a whole chain.
"""

import itertools
from decimal import Decimal

from lms.db import db
from lms.models import (
    Account,
    Certificate,
    Course,
    CourseModule,
    CourseProgress,
    Difficulty,
    Enrollment,
    Lesson,
    LessonProgress,
    Media,
    Question,
    Quiz,
    QuizAttempt,
    Session,
    Transaction,
    User,
    UserRole,
    VerificationToken,
    utcnow,
)

# Unique suffixes for emails, slugs and provider ids within a test session.
_sequence = itertools.count(1)


def _next() -> int:
    return next(_sequence)


def _save(row):
    db.session.add(row)
    db.session.flush()
    return row


def make_user(role: UserRole = UserRole.STUDENT, **fields) -> User:
    n = _next()
    fields.setdefault("email", f"user{n}@example.com")
    fields.setdefault("name", f"User {n}")
    return _save(User(role=role, **fields))


def make_account(user: User | None = None, **fields) -> Account:
    n = _next()
    fields.setdefault("type", "oauth")
    fields.setdefault("provider", "github")
    fields.setdefault("provider_account_id", f"gh-{n}")
    return _save(Account(user=user or make_user(), **fields))


def make_session(user: User | None = None, **fields) -> Session:
    fields.setdefault("session_token", f"session-token-{_next()}")
    fields.setdefault("expires", utcnow())
    return _save(Session(user=user or make_user(), **fields))


def make_verification_token(**fields) -> VerificationToken:
    n = _next()
    fields.setdefault("identifier", f"user{n}@example.com")
    fields.setdefault("token", f"verify-{n}")
    fields.setdefault("expires", utcnow())
    return _save(VerificationToken(**fields))


def make_course(instructor: User | None = None, **fields) -> Course:
    n = _next()
    fields.setdefault("title", f"Course {n}")
    fields.setdefault("description", f"What course {n} teaches.")
    fields.setdefault("slug", f"course-{n}")
    fields.setdefault("price", Decimal("49.00"))
    fields.setdefault("duration_hours", 10)
    fields.setdefault("difficulty", Difficulty.BEGINNER)
    if instructor is not None:
        fields["instructor_id"] = instructor.id
    return _save(Course(**fields))


def make_module(course: Course | None = None, **fields) -> CourseModule:
    n = _next()
    fields.setdefault("title", f"Module {n}")
    fields.setdefault("description", f"Module {n}.")
    fields.setdefault("order", n)
    fields.setdefault("duration", 60)
    return _save(CourseModule(course=course or make_course(), **fields))


def make_lesson(module: CourseModule | None = None, **fields) -> Lesson:
    n = _next()
    fields.setdefault("title", f"Lesson {n}")
    fields.setdefault("content", f"Lesson {n} content.")
    fields.setdefault("order", n)
    fields.setdefault("duration", 15)
    return _save(Lesson(module=module or make_module(), **fields))


def make_enrollment(user: User | None = None, course: Course | None = None, **fields) -> Enrollment:
    course = course or make_course()
    fields.setdefault("payment_amount", course.price)
    return _save(Enrollment(user=user or make_user(), course=course, **fields))


def make_progress(
    user: User | None = None, course: Course | None = None, **fields
) -> CourseProgress:
    fields.setdefault("total_lessons", 10)
    return _save(CourseProgress(user=user or make_user(), course=course or make_course(), **fields))


def make_lesson_progress(
    progress: CourseProgress | None = None, lesson: Lesson | None = None, **fields
) -> LessonProgress:
    progress = progress or make_progress()
    # The lesson belongs to the progress's course unless the caller says otherwise.
    lesson = lesson or make_lesson(make_module(progress.course))
    return _save(LessonProgress(progress=progress, lesson=lesson, **fields))


def make_transaction(
    user: User | None = None, course: Course | None = None, **fields
) -> Transaction:
    user = user or make_user()
    course = course or make_course()
    fields.setdefault("amount", course.price)
    fields.setdefault("provider", "stripe")
    fields.setdefault("provider_txn_id", f"pi_{_next()}")
    return _save(Transaction(user_id=user.id, course_id=course.id, **fields))


def make_certificate(
    user: User | None = None, course: Course | None = None, **fields
) -> Certificate:
    user = user or make_user()
    course = course or make_course()
    fields.setdefault("certificate_no", f"CERT-{_next():06d}")
    return _save(Certificate(user_id=user.id, course_id=course.id, **fields))


def make_quiz(course: Course | None = None, module: CourseModule | None = None, **fields) -> Quiz:
    course = course or (module.course if module is not None else make_course())
    fields.setdefault("title", f"Quiz {_next()}")
    module_id = module.id if module is not None else None
    return _save(Quiz(course_id=course.id, module_id=module_id, **fields))


def make_question(quiz: Quiz | None = None, **fields) -> Question:
    n = _next()
    fields.setdefault("type", "multiple_choice")
    fields.setdefault("question", f"Question {n}?")
    fields.setdefault("options", ["yes", "no"])
    fields.setdefault("correct_answer", "yes")
    fields.setdefault("order", n)
    return _save(Question(quiz=quiz or make_quiz(), **fields))


def make_attempt(quiz: Quiz | None = None, user: User | None = None, **fields) -> QuizAttempt:
    user = user or make_user()
    fields.setdefault("score", 80.0)
    fields.setdefault("passed", True)
    fields.setdefault("answers", {})
    return _save(QuizAttempt(quiz=quiz or make_quiz(), user_id=user.id, **fields))


def make_media(**fields) -> Media:
    n = _next()
    fields.setdefault("type", "video")
    fields.setdefault("url", f"https://media.example.com/media/{n}.mp4")
    return _save(Media(**fields))

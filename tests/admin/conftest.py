"""Data shared by the admin view tests: two instructors' worlds, side by side."""

import factories as f
import pytest

from lms.db import db
from lms.models import User


@pytest.fixture
def two_worlds(app, instructor_client):
    """Rows of every table for the signed-in instructor ("mine") and for another ("theirs")."""
    ids = {}
    with app.app_context():
        me = db.session.get(User, instructor_client.user_id)
        other = f.make_user(role=me.role.__class__.INSTRUCTOR, email="other.teacher@example.com")
        for key, owner in (("mine", me), ("theirs", other)):
            course = f.make_course(instructor=owner, title=f"{key} course")
            module = f.make_module(course=course)
            lesson = f.make_lesson(module=module)
            student = f.make_user(email=f"{key}.student@example.com")
            enrollment = f.make_enrollment(user=student, course=course)
            progress = f.make_progress(user=student, course=course)
            lesson_progress = f.make_lesson_progress(progress=progress, lesson=lesson)
            transaction = f.make_transaction(user=student, course=course)
            certificate = f.make_certificate(user=student, course=course)
            quiz = f.make_quiz(course=course, module=module)
            question = f.make_question(quiz=quiz, correct_answer=f"SECRET-ANSWER-{key}")
            attempt = f.make_attempt(quiz=quiz, user=student)
            ids[key] = {
                "course": course.id,
                "course_module": module.id,
                "lesson": lesson.id,
                "user": student.id,
                "enrollment": enrollment.id,
                "course_progress": progress.id,
                "lesson_progress": lesson_progress.id,
                "transaction": transaction.id,
                "certificate": certificate.id,
                "quiz": quiz.id,
                "question": question.id,
                "quiz_attempt": attempt.id,
            }
        account = f.make_account(
            access_token="SECRET-ACCESS", refresh_token="SECRET-REFRESH", id_token="SECRET-ID"
        )
        session = f.make_session(session_token="SECRET-SESSION")
        f.make_verification_token(token="SECRET-VERIFY")
        media = f.make_media()
        ids["other"] = {"account": account.id, "session": session.id, "media": media.id}
        db.session.commit()
    return ids

"""An admin creates, reads, updates and deletes a row of every table through the HTTP views."""

from decimal import Decimal

import factories as f
import pytest
from admin_forms import create, delete, edit, flashes, form_errors

from lms.db import db
from lms.models import (
    Account,
    Certificate,
    Course,
    CourseAnalytics,
    CourseModule,
    CourseProgress,
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
    VerificationToken,
)


@pytest.fixture
def parents(app):
    with app.app_context():
        student = f.make_user(email="student@example.com")
        teacher = f.make_user(role=student.role.__class__.INSTRUCTOR, email="t@example.com")
        course = f.make_course(instructor=teacher)
        module = f.make_module(course=course)
        lesson = f.make_lesson(module=module)
        progress = f.make_progress(user=student, course=course)
        quiz = f.make_quiz(course=course)
        db.session.commit()
        return {
            "student": student.id,
            "teacher": teacher.id,
            "course": course.id,
            "module": module.id,
            "lesson": lesson.id,
            "progress": progress.id,
            "quiz": quiz.id,
        }


def cases(p):
    """endpoint, model, create form, (field, new value, attribute, expected) for the update."""
    return [
        (
            "user",
            User,
            {"email": "New.Person@Example.com", "name": "New Person", "role": "STUDENT"},
            ("name", "Renamed", "name", "Renamed"),
        ),
        (
            "course",
            Course,
            {
                "title": "Deep Learning 101",
                "description": "Nets.",
                "slug": "",
                "instructor_id": p["teacher"],
                "difficulty": "BEGINNER",
                "price": "49.99",
                "currency": "USD",
                "duration_hours": "10",
                "learning_objectives": "Backprop\nCNNs",
                "prerequisites": "",
            },
            ("price", "19.50", "price", Decimal("19.50")),
        ),
        (
            "course_module",
            CourseModule,
            {
                "course_id": p["course"],
                "order": "2",
                "title": "Module two",
                "description": "d",
                "duration": "30",
            },
            ("title", "Module 2", "title", "Module 2"),
        ),
        (
            "lesson",
            Lesson,
            {
                "module_id": p["module"],
                "order": "3",
                "title": "Lesson three",
                "content": "Text",
                "duration": "12",
            },
            ("duration", "15", "duration", 15),
        ),
        (
            "media",
            Media,
            {
                "title": "Intro video",
                "type": "video",
                "url": "https://videos.example/1.mp4",
                "duration": "60",
            },
            ("title", "Intro", "title", "Intro"),
        ),
        (
            "enrollment",
            Enrollment,
            {
                "user_id": p["student"],
                "course_id": p["course"],
                "status": "ACTIVE",
                "payment_status": "PENDING",
                "payment_amount": "49.99",
                "payment_currency": "USD",
                "enrolled_at": "2026-01-02 10:00:00",
            },
            ("payment_amount", "39.99", "payment_amount", Decimal("39.99")),
        ),
        (
            "course_progress",
            CourseProgress,
            {
                "user_id": p["teacher"],
                "course_id": p["course"],
                "completed_lessons": "0",
                "total_lessons": "1",
                "progress_percent": "0",
                "started_at": "2026-01-02 10:00:00",
                "last_accessed_at": "2026-01-02 10:00:00",
            },
            ("progress_percent", "50", "progress_percent", 50),
        ),
        (
            "lesson_progress",
            LessonProgress,
            {
                "progress_id": p["progress"],
                "lesson_id": p["lesson"],
                "watch_time_seconds": "30",
                "last_watched_at": "2026-01-02 10:00:00",
            },
            ("watch_time_seconds", "90", "watch_time_seconds", 90),
        ),
        (
            "transaction",
            Transaction,
            {
                "user_id": p["student"],
                "course_id": p["course"],
                "amount": "49.99",
                "currency": "USD",
                "status": "PENDING",
                "provider": "stripe",
                "provider_txn_id": "pi_123",
                "details": '{"card": "visa"}',
            },
            ("details", '{"card": "amex"}', "details", {"card": "amex"}),
        ),
        (
            "quiz",
            Quiz,
            {
                "course_id": p["course"],
                "title": "Checkpoint",
                "passing_score": "70",
                "max_attempts": "3",
            },
            ("passing_score", "80", "passing_score", 80),
        ),
        (
            "question",
            Question,
            {
                "quiz_id": p["quiz"],
                "order": "1",
                "type": "multiple_choice",
                "question": "2+2?",
                "options": '["3", "4"]',
                "correct_answer": "4",
                "points": "1",
            },
            ("options", '["4", "5"]', "options", ["4", "5"]),
        ),
        (
            "quiz_attempt",
            QuizAttempt,
            {
                "quiz_id": p["quiz"],
                "user_id": p["student"],
                "score": "80",
                "passed": "y",
                "answers": '{"q1": "4"}',
                "started_at": "2026-01-02 10:00:00",
            },
            ("score", "90", "score", 90.0),
        ),
        (
            "certificate",
            Certificate,
            {
                "certificate_no": "LMS-2026-000001",
                "user_id": p["student"],
                "course_id": p["course"],
                "issued_at": "2026-01-02 10:00:00",
            },
            ("pdf_url", "https://certs.example/1.pdf", "pdf_url", "https://certs.example/1.pdf"),
        ),
        (
            "course_analytics",
            CourseAnalytics,
            {
                "course_id": p["course"],
                "total_enrollments": "1",
                "active_enrollments": "1",
                "completion_rate": "0",
                "average_progress": "0",
                "total_revenue": "0.00",
                "last_calculated_at": "2026-01-02 10:00:00",
            },
            ("total_revenue", "10.10", "total_revenue", Decimal("10.10")),
        ),
    ]


def test_admin_crud_on_every_editable_table(app, admin_client, parents):
    for endpoint, model, form, (field, value, attribute, expected) in cases(parents):
        before = ids_of(app, model)
        response = create(admin_client, endpoint, form)
        assert response.status_code == 302, (endpoint, form_errors(response), flashes(admin_client))
        (row_id,) = ids_of(app, model) - before
        listing = admin_client.get(f"/admin/{endpoint}/")
        assert listing.status_code == 200
        assert admin_client.get(f"/admin/{endpoint}/details/?id={row_id}").status_code == 200

        response = edit(admin_client, endpoint, row_id, {**form, field: value})
        assert response.status_code == 302, (endpoint, form_errors(response), flashes(admin_client))
        with app.app_context():
            assert getattr(db.session.get(model, row_id), attribute) == expected, endpoint

        assert delete(admin_client, endpoint, row_id).status_code == 302
        with app.app_context():
            assert db.session.get(model, row_id) is None, endpoint


def ids_of(app, model) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(db.select(model.id)))


def test_created_values_are_stored_as_typed(app, admin_client, parents):
    create(admin_client, "course", cases(parents)[1][2])
    with app.app_context():
        course = db.session.query(Course).filter_by(title="Deep Learning 101").one()
        assert course.slug == "deep-learning-101"  # proposed from the title
        assert course.price == Decimal("49.99")
        assert course.learning_objectives == ["Backprop", "CNNs"]
        assert course.instructor_id == parents["teacher"]
    create(admin_client, "user", cases(parents)[0][2])
    with app.app_context():
        assert db.session.query(User).filter_by(email="new.person@example.com").count() == 1


@pytest.mark.parametrize(
    "endpoint,model,factory",
    [
        ("account", Account, f.make_account),
        ("session", Session, f.make_session),
    ],
)
def test_admin_revokes_accounts_and_sessions_but_cannot_create_or_edit(
    app, admin_client, endpoint, model, factory
):
    with app.app_context():
        row_id = factory().id
        db.session.commit()
    assert admin_client.get(f"/admin/{endpoint}/new/").status_code == 403
    assert admin_client.get(f"/admin/{endpoint}/edit/?id={row_id}").status_code == 403
    assert delete(admin_client, endpoint, row_id).status_code == 302
    with app.app_context():
        assert db.session.get(model, row_id) is None


def test_admin_revokes_a_verification_token_without_seeing_it(app, admin_client):
    with app.app_context():
        f.make_verification_token(token="SECRET-VERIFY-1", identifier="who@example.com")
        db.session.commit()
    page = admin_client.get("/admin/verification_token/").get_data(as_text=True)
    assert "who@example.com" in page and "SECRET-VERIFY-1" not in page
    import hashlib

    digest = hashlib.sha256(b"SECRET-VERIFY-1").hexdigest()
    assert delete(admin_client, "verification_token", digest).status_code == 302
    with app.app_context():
        assert db.session.query(VerificationToken).count() == 0


def test_transaction_search_finds_the_exact_provider_id(app, admin_client):
    with app.app_context():
        f.make_transaction(provider_txn_id="pi_ABC123")
        f.make_transaction(provider_txn_id="pi_ABC1234")
        db.session.commit()
    page = admin_client.get("/admin/transaction/?search=pi_ABC123").get_data(as_text=True)
    import re

    assert re.search(r">\s*pi_ABC123\s*<", page) and "pi_ABC1234" not in page


def test_edit_forms_keep_the_current_enum_value_selected(app, admin_client):
    from lms.models import Difficulty

    with app.app_context():
        course = f.make_course(difficulty=Difficulty.EXPERT)
        db.session.commit()
        course_id = course.id
    page = admin_client.get(f"/admin/course/edit/?id={course_id}").get_data(as_text=True)
    import re

    assert re.search(r'<option selected value="EXPERT">|<option value="EXPERT" selected', page)

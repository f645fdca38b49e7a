"""Secret values never appear, and list pages cost a fixed number of queries (no N+1)."""

import factories as f
import pytest
from sqlalchemy import event

from lms.db import db

SECRETS = [
    "SECRET-ACCESS",
    "SECRET-REFRESH",
    "SECRET-ID",
    "SECRET-SESSION",
    "SECRET-VERIFY",
    "$argon2id$",
]


def pages(two_worlds):
    for endpoint in ("account", "session", "verification_token", "user", "question", "quiz"):
        yield f"/admin/{endpoint}/"
    yield f"/admin/account/details/?id={two_worlds['other']['account']}"
    yield f"/admin/session/details/?id={two_worlds['other']['session']}"
    yield f"/admin/question/details/?id={two_worlds['mine']['question']}"
    yield f"/admin/quiz/details/?id={two_worlds['mine']['quiz']}"
    yield "/admin/audit_log/"


def test_tokens_and_hashes_never_appear_in_lists_or_details(admin_client, two_worlds):
    for url in pages(two_worlds):
        page = admin_client.get(url).get_data(as_text=True)
        for secret in SECRETS:
            assert secret not in page, (url, secret)


def test_correct_answers_only_in_the_edit_form_of_someone_who_may_edit(
    admin_client, instructor_client, two_worlds
):
    question = two_worlds["mine"]["question"]
    for client in (admin_client, instructor_client):
        for url in ("/admin/question/", f"/admin/question/details/?id={question}"):
            assert "SECRET-ANSWER" not in client.get(url).get_data(as_text=True)
        edit = client.get(f"/admin/question/edit/?id={question}").get_data(as_text=True)
        assert "SECRET-ANSWER-mine" in edit
    # Another instructor's answers are out of reach altogether.
    theirs = two_worlds["theirs"]["question"]
    assert instructor_client.get(f"/admin/question/edit/?id={theirs}").status_code == 404


def test_flask_admin_export_is_off_everywhere(admin_client):
    for endpoint in ("account", "session", "user", "transaction", "question"):
        assert admin_client.get(f"/admin/{endpoint}/export/csv/").status_code in (302, 404)


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, *args):
        self.statements.append(statement)


def add_rows(app, count):
    with app.app_context():
        teacher = f.make_user(role=f.UserRole.INSTRUCTOR)
        course = f.make_course(instructor=teacher)
        module = f.make_module(course=course)
        quiz = f.make_quiz(course=course, module=module)
        for _ in range(count):
            student = f.make_user()
            f.make_enrollment(user=student, course=course)
            f.make_transaction(user=student, course=course)
            f.make_certificate(user=student, course=course)
            f.make_attempt(quiz=quiz, user=student)
            f.make_lesson(module=module)
            f.make_question(quiz=quiz)
        db.session.commit()


LIST_PAGES = [
    "course",
    "course_module",
    "lesson",
    "enrollment",
    "course_progress",
    "lesson_progress",
    "transaction",
    "quiz",
    "question",
    "quiz_attempt",
    "certificate",
    "user",
    "course_analytics",
    "audit_log",
]


@pytest.mark.parametrize("endpoint", LIST_PAGES)
def test_list_queries_do_not_grow_with_rows_and_skip_count(app, admin_client, endpoint):
    def queries_for_page():
        with app.app_context():
            engine = db.engine
        with QueryCounter(engine) as counter:
            assert admin_client.get(f"/admin/{endpoint}/").status_code == 200
        return counter.statements

    add_rows(app, 2)
    few = queries_for_page()
    add_rows(app, 12)
    many = queries_for_page()
    assert len(many) == len(few), (endpoint, many)
    assert not any("count(" in q.lower() for q in many), endpoint

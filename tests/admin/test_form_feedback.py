"""What a save tells the person and the audit log: why it was refused, and every row it wrote."""

from datetime import datetime

from form_robot import SAVED, FormPage, audit_count, audit_entries_since, page_text
from sqlalchemy import select
from support import sign_in
from wtforms import Form, StringField

from lms.admin.fields import error_summary
from lms.db import db
from lms.models import Course, CourseModule, Enrollment, Quiz
from lms.seed.demo import DEMO_PASSWORD


def admin(app):
    client = app.test_client()
    assert sign_in(client, "admin@example.com", DEMO_PASSWORD).status_code == 302
    return client


def biggest_course(app) -> tuple[str, list[str]]:
    """The demo course with the most modules, and its module ids in order."""
    with app.app_context():
        course = max(db.session.scalars(select(Course)), key=lambda c: len(c.modules))
        return course.id, [m.id for m in sorted(course.modules, key=lambda m: m.order)]


def test_the_site_root_leads_to_the_admin_or_to_sign_in(demo_app):
    anonymous = demo_app.test_client()
    response = anonymous.get("/", follow_redirects=True)
    assert response.status_code == 200 and "Sign in" in page_text(response)
    staff = admin(demo_app)
    response = staff.get("/")
    assert response.status_code == 302 and response.location == "/admin/"


def test_a_tampered_hidden_field_is_named_at_the_top_of_the_form(demo_app):
    client = admin(demo_app)
    course_id, _ = biggest_course(demo_app)
    form = FormPage(client, f"/admin/course/edit/?id={course_id}")
    form.set("row_version", "x" * 600_000)
    html = page_text(form.submit())
    assert 'id="form-errors"' in html
    assert "Version of the row (for conflict detection)" in html and "Too long" in html


def test_an_error_in_an_inline_row_is_named_with_its_row(demo_app):
    client = admin(demo_app)
    course_id, modules = biggest_course(demo_app)
    form = FormPage(client, f"/admin/course/edit/?id={course_id}")
    form.set("modules-1-title", "Bad\x00title")
    form.set("modules-2-order", "")
    html = page_text(form.submit())
    assert "Not saved: 2 problems to fix." in html
    assert "Module #2 › Title" in html and "NUL character" in html
    assert "Module #3 › Order" in html
    with demo_app.app_context():
        assert "\x00" not in db.session.get(CourseModule, modules[1]).title


def test_form_wide_errors_are_listed_too():
    class Signup(Form):
        email = StringField("Email")

    form = Signup()
    form.form_errors = ["The two passwords differ."]
    assert error_summary(form) == [("Form", "", "The two passwords differ.")]


def test_rows_added_changed_and_removed_inside_a_parent_form_are_audited(demo_app):
    client = admin(demo_app)
    course_id, modules = biggest_course(demo_app)
    form = FormPage(client, f"/admin/course/edit/?id={course_id}")
    form.set("modules-0-title", "Renamed in the course form")
    form.set("del-modules-1", "y")
    # "Add Module": the new row's fields, as the form's template names them.
    new = len(modules)
    for control in [c for c in form.controls if c.name.startswith("modules-0-")]:
        clone = type(control)(**control.__dict__)
        clone.name = control.name.replace("modules-0-", f"modules-{new}-")
        clone.value = {"id": "", "order": "99", "title": "Added in the course form"}.get(
            clone.name.rsplit("-", 1)[1], control.value
        )
        form.controls.append(clone)
    logged = audit_count(demo_app)
    response = form.submit()
    assert response.status_code == 302, page_text(response)[:500]
    entries = [
        (e.action, e.table_name, e.row_id, e.after) for e in audit_entries_since(demo_app, logged)
    ]
    assert (
        "update",
        "course_modules",
        modules[0],
        {"title": "Renamed in the course form"},
    ) in entries
    assert any(
        a == "delete" and t == "course_modules" and r == modules[1] for a, t, r, _ in entries
    )
    with demo_app.app_context():
        added = db.session.scalar(
            select(CourseModule).where(CourseModule.title == "Added in the course form")
        )
        assert added is not None and added.course_id == course_id
    assert any(a == "create" and t == "course_modules" and r == added.id for a, t, r, _ in entries)


def test_an_untouched_optional_field_stays_empty_not_an_empty_string(demo_app):
    """A module without content (NULL, a textarea) saved as it is: still NULL, nothing logged."""
    _course, modules = biggest_course(demo_app)
    with demo_app.app_context():
        db.session.get(CourseModule, modules[0]).content = None
        db.session.commit()
    client = admin(demo_app)
    logged = audit_count(demo_app)
    assert (
        FormPage(client, f"/admin/course_module/edit/?id={modules[0]}").submit().status_code == 302
    )
    with demo_app.app_context():
        assert db.session.get(CourseModule, modules[0]).content is None
    assert audit_entries_since(demo_app, logged) == []


def test_a_timestamp_keeps_its_milliseconds_when_the_form_is_saved_unchanged(demo_app):
    precise = datetime(2026, 5, 4, 3, 2, 1, 123000)
    with demo_app.app_context():
        enrollment = db.session.scalars(select(Enrollment)).first()
        enrollment.enrolled_at = precise
        db.session.commit()
        enrollment_id = enrollment.id
    client = admin(demo_app)
    logged = audit_count(demo_app)
    response = FormPage(client, f"/admin/enrollment/edit/?id={enrollment_id}").submit()
    assert response.status_code == 302 and SAVED in page_text(client.get(response.location))
    with demo_app.app_context():
        assert db.session.get(Enrollment, enrollment_id).enrolled_at == precise
    assert audit_entries_since(demo_app, logged) == []


def test_a_quiz_cannot_be_put_in_a_module_of_another_course(demo_app):
    with demo_app.app_context():
        quiz = db.session.scalars(select(Quiz).where(Quiz.module_id.is_not(None))).first()
        foreign = db.session.scalars(
            select(CourseModule).where(CourseModule.course_id != quiz.course_id)
        ).first()
        quiz_id, module_before, foreign_id = quiz.id, quiz.module_id, foreign.id
    client = admin(demo_app)
    form = FormPage(client, f"/admin/quiz/edit/?id={quiz_id}")
    form.set("module_id", foreign_id)
    html = page_text(form.submit())
    assert "belongs to another course" in html
    with demo_app.app_context():
        assert db.session.get(Quiz, quiz_id).module_id == module_before


def test_a_second_certificate_for_the_same_student_and_course_is_refused(demo_app):
    from lms.models import Certificate

    with demo_app.app_context():
        first = db.session.scalars(select(Certificate)).first()
        user_id, course_id = first.user_id, first.course_id
        count = db.session.query(Certificate).count()
    client = admin(demo_app)
    form = FormPage(client, "/admin/certificate/new/")
    for name, value in {
        "certificate_no": "LMS-2026-AAAA-BBBB-C",
        "user_id": user_id,
        "course_id": course_id,
        "issued_at": "2026-01-02 03:04:05",
    }.items():
        form.set(name, value)
    html = page_text(form.submit())
    assert "one certificate per student and course" in html
    with demo_app.app_context():
        assert db.session.query(Certificate).count() == count

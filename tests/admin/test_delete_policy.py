"""DESIGN.md section 2: an instructor deletes her own course only while nobody is enrolled."""

from form_robot import page_text
from sqlalchemy import func, select
from support import csrf_token_from, sign_in

from lms.db import db
from lms.models import Course, Enrollment, User
from lms.seed.demo import DEMO_PASSWORD


def courses_of(app, email):
    """(course id, enrollments) for each of the person's courses."""
    with app.app_context():
        me = db.session.scalar(select(User.id).where(User.email == email))
        rows = db.session.execute(
            select(Course.id, func.count(Enrollment.id))
            .outerjoin(Enrollment, Enrollment.course_id == Course.id)
            .where(Course.instructor_id == me)
            .group_by(Course.id)
        ).all()
        db.session.remove()
    return rows


def delete(client, course_id, confirmed):
    token = csrf_token_from(page_text(client.get("/admin/course/")))
    data = {"id": course_id, "csrf_token": token} | ({"confirmed": "yes"} if confirmed else {})
    return client.post("/admin/course/delete/", data=data, follow_redirects=True)


def exists(app, course_id) -> bool:
    with app.app_context():
        return db.session.get(Course, course_id) is not None


def test_an_instructor_is_told_why_and_nothing_is_deleted_when_students_are_enrolled(demo_app):
    ada = demo_app.test_client()
    sign_in(ada, "ada@example.com", DEMO_PASSWORD)
    course_id, enrolled = max(courses_of(demo_app, "ada@example.com"), key=lambda r: r[1])
    assert enrolled > 0
    preview = page_text(delete(ada, course_id, confirmed=False))
    assert "only an admin can delete it" in preview and 'id="confirm-delete"' not in preview
    forced = page_text(delete(ada, course_id, confirmed=True))
    assert "Nothing was deleted" in forced and exists(demo_app, course_id)

    admin = demo_app.test_client()
    sign_in(admin, "admin@example.com", DEMO_PASSWORD)
    assert 'id="confirm-delete"' in page_text(delete(admin, course_id, confirmed=False))
    delete(admin, course_id, confirmed=True)
    assert not exists(demo_app, course_id)


def test_an_instructor_deletes_her_own_course_while_nobody_is_enrolled(demo_app):
    ada = demo_app.test_client()
    sign_in(ada, "ada@example.com", DEMO_PASSWORD)
    token = csrf_token_from(page_text(ada.get("/admin/course/new/")))
    ada.post(
        "/admin/course/new/",
        data={
            "csrf_token": token,
            "title": "Draft nobody takes",
            "description": "Draft.",
            "difficulty": "BEGINNER",
            "price": "0.00",
            "currency": "USD",
            "duration_hours": "1",
        },
    )
    ((course_id, _enrolled),) = [r for r in courses_of(demo_app, "ada@example.com") if r[1] == 0]
    assert "Deleted 1 row" in page_text(delete(ada, course_id, confirmed=True))
    assert not exists(demo_app, course_id)

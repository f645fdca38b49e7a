"""Instructors manage their own courses' content and read their own courses' people and results."""

from admin_forms import create, delete, edit, form_errors
from sqlalchemy import delete as sa_delete
from support import csrf_token_from

from lms.db import db
from lms.models import Course, CourseModule, Enrollment, User


def test_creating_a_course_makes_the_instructor_its_instructor(app, instructor_client):
    page = instructor_client.get("/admin/course/new/").get_data(as_text=True)
    assert 'name="instructor_id"' not in page  # no way to pick someone else
    response = create(
        instructor_client,
        "course",
        {
            "title": "My New Course",
            "description": "x",
            "difficulty": "BEGINNER",
            "price": "10.00",
            "currency": "USD",
            "duration_hours": "3",
            # A crafted POST naming another instructor is ignored.
            "instructor_id": "someone-else",
        },
    )
    assert response.status_code == 302, form_errors(response)
    with app.app_context():
        course = db.session.query(Course).filter_by(title="My New Course").one()
        assert course.instructor_id == instructor_client.user_id


def test_an_instructor_cannot_move_their_course_to_someone_else(app, instructor_client, two_worlds):
    mine = two_worlds["mine"]["course"]
    with app.app_context():
        other = db.session.query(User).filter_by(email="other.teacher@example.com").one().id
        course = db.session.get(Course, mine)
        form = {
            "title": "Renamed",
            "slug": course.slug,
            "description": "d",
            "difficulty": "BEGINNER",
            "price": "1.00",
            "currency": "USD",
            "duration_hours": "1",
            "instructor_id": other,
        }
    assert edit(instructor_client, "course", mine, form).status_code == 302
    with app.app_context():
        course = db.session.get(Course, mine)
        assert course.title == "Renamed" and course.instructor_id == instructor_client.user_id


def test_hand_typed_urls_for_another_instructors_rows_are_404(instructor_client, two_worlds):
    for endpoint, row_id in two_worlds["theirs"].items():
        for url in (
            f"/admin/{endpoint}/details/?id={row_id}",
            f"/admin/{endpoint}/edit/?id={row_id}",
        ):
            status = instructor_client.get(url).status_code
            assert status in (403, 404), (url, status)
    token = csrf_token_from(instructor_client.get("/admin/course/").get_data(as_text=True))
    theirs = two_worlds["theirs"]["course"]
    response = instructor_client.post(
        "/admin/course/delete/", data={"id": theirs, "csrf_token": token, "confirmed": "yes"}
    )
    assert response.status_code == 404


def test_delete_of_their_own_course_works_once_nobody_is_enrolled(
    app, instructor_client, two_worlds
):
    mine = two_worlds["mine"]["course"]
    delete(instructor_client, "course", mine)
    with app.app_context():
        assert db.session.get(Course, mine) is not None  # a student is enrolled: admin only
        db.session.execute(sa_delete(Enrollment).where(Enrollment.course_id == mine))
        db.session.commit()
    assert delete(instructor_client, "course", mine).status_code == 302
    with app.app_context():
        assert db.session.get(Course, mine) is None
        assert db.session.get(Course, two_worlds["theirs"]["course"]) is not None


def test_lists_hold_only_their_rows(instructor_client, two_worlds):
    courses = instructor_client.get("/admin/course/").get_data(as_text=True)
    assert "mine course" in courses and "theirs course" not in courses
    users = instructor_client.get("/admin/user/").get_data(as_text=True)
    assert "mine.student@example.com" in users and "theirs.student@example.com" not in users
    for endpoint in ("enrollment", "transaction", "certificate", "quiz_attempt"):
        page = instructor_client.get(f"/admin/{endpoint}/").get_data(as_text=True)
        assert "mine.student@example.com" in page, endpoint
        assert "theirs.student@example.com" not in page, endpoint


def test_bulk_actions_only_touch_their_rows(app, instructor_client, two_worlds):
    token = csrf_token_from(instructor_client.get("/admin/course_module/").get_data(as_text=True))
    ids = [two_worlds["mine"]["course_module"], two_worlds["theirs"]["course_module"]]
    instructor_client.post(
        "/admin/course_module/action/",
        data={"action": "delete", "rowid": ids, "csrf_token": token, "confirmed": "yes"},
    )
    with app.app_context():
        assert db.session.get(CourseModule, ids[0]) is None
        assert db.session.get(CourseModule, ids[1]) is not None


def test_lookups_offer_only_their_courses(instructor_client, two_worlds):
    response = instructor_client.get(
        "/admin/course_module/ajax/lookup/?name=course_id&query=course"
    )
    titles = [row[1] for row in response.get_json()]
    assert titles == ["mine course"]


def test_a_child_cannot_be_attached_to_another_instructors_course(instructor_client, two_worlds):
    response = create(
        instructor_client,
        "course_module",
        {
            "course_id": two_worlds["theirs"]["course"],
            "order": "1",
            "title": "Sneaky",
            "description": "x",
            "duration": "5",
        },
    )
    assert response.status_code == 200
    assert "not one you may choose" in form_errors(response)


def test_read_only_tables_refuse_instructor_writes(instructor_client, two_worlds):
    for endpoint in ("enrollment", "transaction", "certificate", "course_progress", "user"):
        assert instructor_client.get(f"/admin/{endpoint}/new/").status_code == 403
        row = two_worlds["mine"][endpoint]
        assert instructor_client.get(f"/admin/{endpoint}/edit/?id={row}").status_code == 403
        token = csrf_token_from(instructor_client.get(f"/admin/{endpoint}/").get_data(as_text=True))
        response = instructor_client.post(
            f"/admin/{endpoint}/delete/", data={"id": row, "csrf_token": token}
        )
        assert response.status_code == 403
        response = instructor_client.post(
            f"/admin/{endpoint}/ajax/update/",
            data={"list_form_pk": row, "status": "CANCELLED", "csrf_token": token},
        )
        assert response.status_code == 403


def test_inline_edit_endpoint_is_closed_for_everyone_without_editable_columns(
    admin_client, two_worlds
):
    token = csrf_token_from(admin_client.get("/admin/course/").get_data(as_text=True))
    response = admin_client.post(
        "/admin/course/ajax/update/",
        data={"list_form_pk": two_worlds["mine"]["course"], "title": "x", "csrf_token": token},
    )
    assert response.status_code == 404

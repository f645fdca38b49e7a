"""Delete previews, conflict detection and the audit trail of admin writes."""

from decimal import Decimal

import factories as f
from admin_forms import create, delete, edit, flashes, form_errors
from sqlalchemy import func, select
from support import csrf_token_from

from lms.db import db
from lms.models import (
    AuditEntry,
    Certificate,
    Course,
    CourseModule,
    CourseProgress,
    Enrollment,
    Lesson,
    LessonProgress,
    Transaction,
)

PLATFORM_COUNTED = [
    CourseModule,
    Lesson,
    LessonProgress,
    Enrollment,
    CourseProgress,
    Transaction,
    Certificate,
]


def counts(app):
    with app.app_context():
        return {
            m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
            for m in PLATFORM_COUNTED
        }


def course_with_students(app, students=3, lessons=2):
    with app.app_context():
        course = f.make_course()
        module = f.make_module(course=course)
        lesson_rows = [f.make_lesson(module=module) for _ in range(lessons)]
        for _ in range(students):
            user = f.make_user()
            f.make_enrollment(user=user, course=course)
            progress = f.make_progress(user=user, course=course)
            for lesson in lesson_rows:
                f.make_lesson_progress(progress=progress, lesson=lesson)
            f.make_transaction(user=user, course=course)
            f.make_certificate(user=user, course=course)
        f.make_course()  # an unrelated course, untouched
        db.session.commit()
        return course.id


def preview_numbers(html: str) -> dict:
    import re

    return {
        table: int(n.replace(",", ""))
        for table, n in re.findall(r'data-table="(\w+)">([\d,]+)<', html)
    }


def test_preview_counts_equal_what_the_delete_removes(app, admin_client):
    course_id = course_with_students(app)
    before = counts(app)
    preview = delete(admin_client, "course", course_id, confirmed=False)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    shown = preview_numbers(html.split('id="kept"')[0])
    kept = preview_numbers(html.split('id="kept"')[1])
    assert shown == {
        "course_modules": 1,
        "lessons": 2,
        "lesson_progress": 6,
        "enrollments": 3,
        "course_progress": 3,
    }
    assert kept == {"transactions": 3, "certificates": 3}
    with app.app_context():
        assert db.session.get(Course, course_id) is not None  # nothing deleted yet

    assert delete(admin_client, "course", course_id).status_code == 302
    after = counts(app)
    removed = {table: before[table] - after[table] for table in before}
    assert {t: n for t, n in removed.items() if n} == shown
    assert after["transactions"] == before["transactions"]


def test_bulk_delete_previews_then_deletes_every_selected_row_in_one_go(app, admin_client):
    ids = [course_with_students(app, students=1, lessons=1) for _ in range(2)]
    token = csrf_token_from(admin_client.get("/admin/course/").get_data(as_text=True))
    preview = admin_client.post(
        "/admin/course/action/", data={"action": "delete", "rowid": ids, "csrf_token": token}
    )
    assert preview_numbers(preview.get_data(as_text=True).split('id="kept"')[0])["enrollments"] == 2
    admin_client.post(
        "/admin/course/action/",
        data={"action": "delete", "rowid": ids, "csrf_token": token, "confirmed": "yes"},
    )
    with app.app_context():
        assert db.session.query(Course).filter(Course.id.in_(ids)).count() == 0
        logged = db.session.query(AuditEntry).filter_by(action="delete", table_name="courses")
        assert sorted(e.row_id for e in logged) == sorted(ids)


def course_form(course):
    return {
        "title": course.title,
        "slug": course.slug,
        "description": course.description,
        "difficulty": course.difficulty.name,
        "price": f"{course.price:.2f}",
        "currency": course.currency,
        "duration_hours": str(course.duration_hours),
    }


def test_the_second_of_two_overlapping_edits_is_refused(app, make_staff):
    from support import sign_in

    from lms.models import UserRole

    first, second = app.test_client(), app.test_client()
    sign_in(first, make_staff(UserRole.ADMIN)[1])
    sign_in(second, make_staff(UserRole.ADMIN)[1])
    with app.app_context():
        course = f.make_course(title="Original", price=Decimal("10.00"))
        db.session.commit()
        form = course_form(course)
    url = f"/admin/course/edit/?id={course.id}"
    # Both open the form before either saves.
    pages = [client.get(url).get_data(as_text=True) for client in (first, second)]
    import re

    versions = [re.search(r'name="row_version"[^>]*value="([^"]+)"', p) for p in pages]
    assert all(versions)
    import html as html_lib

    def submit(client, page, changes):
        data = {
            **form,
            **changes,
            "csrf_token": csrf_token_from(page),
            "row_version": html_lib.unescape(
                re.search(r'name="row_version"[^>]*value="([^"]+)"', page).group(1)
            ),
        }
        return client.post(url, data=data)

    assert submit(first, pages[0], {"title": "First wins"}).status_code == 302
    refused = submit(second, pages[1], {"price": "99.00"})
    assert refused.status_code == 200
    message = " ".join(flashes(second)) + form_errors(refused)
    assert "Not saved" in message and "title is now “First wins”" in message
    with app.app_context():
        course = db.session.get(Course, course.id)
        assert course.title == "First wins" and course.price == Decimal("10.00")


def test_a_changed_inline_child_is_a_conflict_too(app, admin_client):
    with app.app_context():
        course = f.make_course()
        module = f.make_module(course=course, title="Week 1")
        db.session.commit()
        form, course_id, module_id = course_form(course), course.id, module.id
    url = f"/admin/course/edit/?id={course_id}"
    page = admin_client.get(url).get_data(as_text=True)
    import html as html_lib
    import re

    version = html_lib.unescape(re.search(r'name="row_version"[^>]*value="([^"]+)"', page).group(1))
    with app.app_context():
        db.session.get(CourseModule, module_id).title = "Week one (renamed elsewhere)"
        db.session.commit()
    response = admin_client.post(
        url,
        data={**form, "title": "Mine", "row_version": version, "csrf_token": csrf_token_from(page)},
    )
    assert response.status_code == 200
    assert "modules rows were added, removed or edited" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Course, course_id).title != "Mine"


def test_every_kind_of_write_is_in_the_audit_log_with_before_and_after(app, admin_client):
    with app.app_context():
        teacher = f.make_user(role=f.UserRole.INSTRUCTOR)
        db.session.commit()
        teacher_id = teacher.id
    create(
        admin_client,
        "course",
        {
            "title": "Audited",
            "description": "d",
            "slug": "audited",
            "difficulty": "BEGINNER",
            "price": "5.00",
            "currency": "USD",
            "duration_hours": "1",
            "instructor_id": teacher_id,
        },
    )
    with app.app_context():
        course = db.session.query(Course).filter_by(slug="audited").one()
        form, course_id = course_form(course), course.id
    edit(admin_client, "course", course_id, {**form, "price": "7.50"})
    delete(admin_client, "course", course_id)
    with app.app_context():
        entries = (
            db.session.query(AuditEntry).filter_by(row_id=course_id).order_by(AuditEntry.id).all()
        )
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert all(e.user_email == "admin@example.com" for e in entries)
    assert entries[0].after["title"] == "Audited" and entries[0].after["price"] == "5.00"
    assert entries[1].before == {"price": "5.00"} and entries[1].after == {"price": "7.50"}
    assert entries[2].before["slug"] == "audited"


def test_secret_values_are_masked_in_the_audit_log(app, admin_client):
    with app.app_context():
        account = f.make_account(access_token="SECRET-ACCESS")
        db.session.commit()
        account_id = account.id
    delete(admin_client, "account", account_id)
    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(row_id=account_id).one()
    assert entry.before["access_token"] == "••••" and "SECRET" not in str(entry.before)


def test_each_rows_details_page_links_to_its_history(app, admin_client):
    with app.app_context():
        course = f.make_course()
        db.session.commit()
        form, course_id = course_form(course), course.id
    edit(admin_client, "course", course_id, {**form, "title": "Renamed"})
    details = admin_client.get(f"/admin/course/details/?id={course_id}").get_data(as_text=True)
    import re

    link = re.search(r'href="([^"]*audit_log[^"]*)"[^>]*id="history-link"', details)
    assert link, "no history link on the details page"
    history = admin_client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "update" in history and course_id in history


def test_audit_entries_open_by_their_integer_id_and_bad_ids_are_404(app, admin_client):
    with app.app_context():
        course = f.make_course()
        db.session.commit()
        form, course_id = course_form(course), course.id
    edit(admin_client, "course", course_id, {**form, "title": "Renamed"})
    with app.app_context():
        entry_id = db.session.query(AuditEntry.id).filter_by(row_id=course_id).scalar()
    assert admin_client.get(f"/admin/audit_log/details/?id={entry_id}").status_code == 200
    for bad in ("abc", "1.5", "99999999999999999999999"):
        assert admin_client.get(f"/admin/audit_log/details/?id={bad}").status_code == 404

"""The benchmark's URL discovery finds every page to measure without naming any.

Every list, one record page per model view, every staff page and every report, per role;
views added to the admin later are found too.
"""

from urllib.parse import parse_qs, urlsplit

import factories as f
import pytest
from flask_admin import expose
from flask_admin.model import BaseModelView

from bench.discover import discover
from lms.db import db
from lms.models import Course, User, UserRole
from lms.roles import STAFF, StaffPage, declared_access

ADMIN, INSTRUCTOR = UserRole.ADMIN, UserRole.INSTRUCTOR


def model_views(app, role):
    """Every model view `role` may list, straight from the URL map."""
    admin = app.extensions["admin"][0]
    views = {view.endpoint: view for view in admin._views if isinstance(view, BaseModelView)}
    return {
        rule.endpoint.split(".")[0]: views[rule.endpoint.split(".")[0]]
        for rule in app.url_map.iter_rules()
        if rule.endpoint.endswith(".index_view")
        and rule.endpoint.split(".")[0] in views
        and role in (declared_access(app, rule.endpoint) or ())
    }


def build_world(instructor_id):
    """A row in every platform table, for the instructor and for another one."""
    me = db.session.get(User, instructor_id)
    other = f.make_user(role=INSTRUCTOR)
    ids = {}
    for owner in (me, other):
        course = f.make_course(instructor=owner, title=f"Course of {owner.email}")
        module = f.make_module(course=course)
        student = f.make_user()
        progress = f.make_progress(user=student, course=course)
        quiz = f.make_quiz(course=course, module=module)
        rows = [
            course,
            module,
            f.make_lesson(module=module),
            progress,
            f.make_enrollment(user=student, course=course),
            f.make_lesson_progress(progress=progress),
            f.make_transaction(user=student, course=course),
            f.make_certificate(user=student, course=course),
            quiz,
            f.make_question(quiz=quiz),
            f.make_attempt(quiz=quiz, user=student),
        ]
        ids[owner.id] = {row.id for row in rows} | {student.id}
    f.make_account(), f.make_session(), f.make_verification_token(), f.make_media()
    db.session.commit()
    return ids[me.id], ids[other.id]


@pytest.fixture
def world(app, make_staff):
    admin_id, _ = make_staff(ADMIN)
    instructor_id, _ = make_staff(INSTRUCTOR)
    with app.app_context():
        mine, theirs = build_world(instructor_id)
        slug = db.session.scalar(
            db.select(Course.slug).where(Course.instructor_id == instructor_id)
        )
        found = discover(app, {ADMIN: admin_id, INSTRUCTOR: instructor_id}, slug)
    return found, mine, theirs


def targets(found, role, *kinds):
    return [t for t in found.targets if t.role is role and t.kind in kinds]


@pytest.mark.parametrize("role", [ADMIN, INSTRUCTOR])
def test_every_list_page_and_one_record_page_per_model_view(app, world, role):
    found, _mine, _theirs = world
    views = model_views(app, role)
    assert views, "no model views at all?"
    assert {t.endpoint.split(".")[0] for t in targets(found, role, "list")} == set(views)
    records = targets(found, role, "edit", "details")
    skipped = {endpoint for endpoint, who, _why in found.skipped if who == role.name}
    for name in views:
        mine = [t for t in records if t.endpoint.split(".")[0] == name]
        assert len(mine) == 1 or name in skipped, f"{name}: {mine}"
    # Views with a search box or filters are also measured searched and filtered.
    for name, view in views.items():
        kinds = {
            t.kind for t in found.targets if t.role is role and t.endpoint.startswith(name + ".")
        }
        if view._search_supported:
            assert "list+search" in kinds, name
        if view._filters:
            assert "list+filter" in kinds, name


def test_instructor_records_are_their_own(world):
    found, _mine, theirs = world
    for target in targets(found, INSTRUCTOR, "edit", "details"):
        row_id = parse_qs(urlsplit(target.url).query)["id"][0]
        assert row_id not in theirs, target.url


def test_every_page_and_report_for_each_role(app, world):
    from lms.reports.registry import REPORTS

    found, _mine, _theirs = world
    pages = [
        view
        for view in app.extensions["admin"][0]._views
        if isinstance(view, StaffPage) and view.is_visible()
    ]
    assert pages, "no dashboards or report pages at all?"
    for role in (ADMIN, INSTRUCTOR):
        found_pages = {t.endpoint for t in targets(found, role, "page")}
        assert {
            f"{view.endpoint}.index" for view in pages if role in view.roles_for("index")
        } <= found_pages
        reports = {urlsplit(t.url).path.rsplit("/", 1)[1] for t in targets(found, role, "report")}
        assert reports == {f"{r.name}.csv" for r in REPORTS.values() if role in r.roles}


def test_discovered_urls_answer(app, world, make_staff):
    """Filter arguments, search terms and ids the harness made up are ones the app accepts."""
    from support import sign_in

    found, _mine, _theirs = world
    for role in (ADMIN, INSTRUCTOR):
        client = app.test_client()
        assert sign_in(client, make_staff(role)[1]).status_code == 302
        for target in targets(found, role, "list", "list+filter", "list+search", "edit", "details"):
            if role is INSTRUCTOR and target.kind in ("edit", "details"):
                continue  # another instructor than the world's owner: their rows are not his
            reply = client.get(target.url)
            assert reply.status_code == 200, (target.url, reply.status_code)
            assert b"not understood" not in reply.data, target.url


def test_views_added_later_are_found(app, make_staff):
    from lms.admin.catalog import CourseView

    class ExtraPage(StaffPage):
        read_roles = STAFF

        @expose("/")
        def index(self):
            return "extra"

    admin = app.extensions["admin"][0]
    admin.add_view(CourseView(Course, name="Extra courses", endpoint="extra_course"))
    admin.add_view(ExtraPage(name="Extra page", endpoint="extra_page"))
    admin_id, _ = make_staff(ADMIN)
    with app.app_context():
        f.make_course()
        db.session.commit()
        found = discover(app, {ADMIN: admin_id})
    endpoints = {t.endpoint for t in found.targets}
    assert {"extra_course.index_view", "extra_course.edit_view", "extra_page.index"} <= endpoints

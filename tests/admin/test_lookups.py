"""Every ajax lookup of every form answers a typed word with the rows the role may choose.

Lookups are discovered from the views (`_form_ajax_refs`); what a role may choose is computed
here in SQL from DESIGN.md section 2, independently of the app's own scoping code.
"""

import pytest
from form_robot import model_views
from sqlalchemy import text
from support import sign_in

from lms.db import db
from lms.models import UserRole
from lms.seed.demo import DEMO_PASSWORD

ACCOUNTS = {UserRole.ADMIN: "admin@example.com", UserRole.INSTRUCTOR: "ada@example.com"}

# Per table: the ids an instructor (:me) may choose, and a text column a person would type.
INSTRUCTOR_MAY_CHOOSE = {
    "users": """SELECT id FROM users WHERE id = :me OR id IN (SELECT e."userId" FROM enrollments e
                JOIN courses c ON c.id = e."courseId" WHERE c."instructorId" = :me)""",
    "courses": """SELECT id FROM courses WHERE "instructorId" = :me""",
    "course_modules": """SELECT m.id FROM course_modules m JOIN courses c ON c.id = m."courseId"
                         WHERE c."instructorId" = :me""",
    "lessons": """SELECT l.id FROM lessons l JOIN course_modules m ON m.id = l."moduleId"
                  JOIN courses c ON c.id = m."courseId" WHERE c."instructorId" = :me""",
    "quizzes": """SELECT q.id FROM quizzes q JOIN courses c ON c.id = q."courseId"
                  WHERE c."instructorId" = :me""",
    "course_progress": """SELECT p.id FROM course_progress p JOIN courses c
                          ON c.id = p."courseId" WHERE c."instructorId" = :me""",
}
TYPED = {
    "users": "SELECT email FROM users WHERE id = :id",
    "courses": "SELECT title FROM courses WHERE id = :id",
    "course_modules": "SELECT title FROM course_modules WHERE id = :id",
    "lessons": "SELECT title FROM lessons WHERE id = :id",
    "quizzes": "SELECT title FROM quizzes WHERE id = :id",
    "course_progress": 'SELECT u.email FROM course_progress p JOIN users u ON u.id = p."userId" '
    "WHERE p.id = :id",
}
# Fields that offer only some rows to everyone: a course's instructor is a staff member.
STAFF_ONLY = {"instructor_id": "SELECT id FROM users WHERE role IN ('ADMIN', 'INSTRUCTOR')"}


def lookups(app):
    """(view, field name, table) for every ajax lookup any view's form offers."""
    found = []
    for view in model_views(app, "ajax_lookup"):
        for name, loader in (getattr(view, "_form_ajax_refs", None) or {}).items():
            found.append((view, name, loader.model.__tablename__))
    return found


def ids(app, sql, **params) -> set[str]:
    with app.app_context():
        rows = set(db.session.scalars(text(sql), params))
        db.session.remove()
    return rows


def may_choose(app, table, field, role, me) -> set[str]:
    everyone = (
        ids(app, STAFF_ONLY[field]) if field in STAFF_ONLY else ids(app, f"SELECT id FROM {table}")
    )
    if role is UserRole.ADMIN:
        return everyone
    return everyone & ids(app, INSTRUCTOR_MAY_CHOOSE[table], me=me)


def ask(client, view, field, term):
    response = client.get(f"{view.url}/ajax/lookup/", query_string={"name": field, "query": term})
    assert response.status_code == 200, (view.endpoint, field, term, response.status_code)
    return [row_id for row_id, _label in response.get_json()]


@pytest.mark.parametrize("role", [UserRole.ADMIN, UserRole.INSTRUCTOR], ids=["admin", "instructor"])
def test_every_lookup_finds_what_the_role_may_choose_and_nothing_else(demo_app, role):
    app = demo_app
    client = app.test_client()
    assert sign_in(client, ACCOUNTS[role], DEMO_PASSWORD).status_code == 302
    (me,) = ids(app, "SELECT id FROM users WHERE email = :e", e=ACCOUNTS[role])
    checked = 0
    for view, field, table in lookups(app):
        if role not in view.roles_for("ajax_lookup"):
            continue
        allowed = may_choose(app, table, field, role, me)
        assert allowed, f"{view.endpoint}.{field}: the demo offers {role.name} nothing to choose"
        some_row = sorted(allowed)[0]
        (typed,) = ids(app, TYPED[table], id=some_row)
        found = ask(client, view, field, typed)
        assert some_row in found, f"{view.endpoint}.{field}: typing {typed!r} did not offer it"
        common = ask(client, view, field, "a")
        assert common and set(common) <= allowed, (
            f"{view.endpoint}.{field}: offered rows {role.name} may not choose: "
            f"{set(common) - allowed}"
        )
        checked += 1
    assert checked >= 10


def test_a_lookup_answers_odd_input_without_an_error(demo_app):
    """Empty, NUL, LIKE wildcards, a huge limit or a negative offset: a plain answer."""
    client = demo_app.test_client()
    sign_in(client, ACCOUNTS[UserRole.ADMIN], DEMO_PASSWORD)
    url = "/admin/course/ajax/lookup/"
    for query in (
        {"query": ""},
        {"query": "%"},
        {"query": "_"},
        {"query": "x" * 5000},
        {"query": "a", "limit": "100000"},
        {"query": "a", "offset": "-5"},
        {},
    ):
        response = client.get(url, query_string={"name": "instructor_id", **query})
        assert response.status_code == 200, (query, response.status_code)
        assert len(response.get_json()) <= 50
    # A NUL is refused at the edge (lms.security); a typed % is a percent sign, not "everything".
    assert (
        client.get(url, query_string={"name": "instructor_id", "query": "a\x00b"}).status_code
        == 400
    )
    assert client.get(url, query_string={"name": "instructor_id", "query": "%"}).get_json() == []

"""Walks every URL rule the app registers as four kinds of visitor and checks the role matrix.

Needs no upkeep: new views and endpoints are found through app.url_map. An endpoint whose
view does not declare who may use it fails here.
"""

import re

import pytest
from support import csrf_token_from, sign_in

from lms.db import db
from lms.models import User, UserRole
from lms.roles import ADMIN, PUBLIC, STAFF, admin_view_for, declared_access

INSTRUCTOR = STAFF - ADMIN

# DESIGN.md section 2, by table: (who may read, who may create/edit/delete).
ROLE_MATRIX = {
    "users": (STAFF, ADMIN),
    "accounts": (ADMIN, ADMIN),
    "sessions": (ADMIN, ADMIN),
    "verification_tokens": (ADMIN, ADMIN),
    "courses": (STAFF, STAFF),
    "course_modules": (STAFF, STAFF),
    "lessons": (STAFF, STAFF),
    "quizzes": (STAFF, STAFF),
    "questions": (STAFF, STAFF),
    "media": (STAFF, STAFF),
    "enrollments": (STAFF, ADMIN),
    "course_progress": (STAFF, ADMIN),
    "lesson_progress": (STAFF, ADMIN),
    "quiz_attempts": (STAFF, ADMIN),
    "certificates": (STAFF, ADMIN),
    "transactions": (STAFF, ADMIN),
    "course_analytics": (STAFF, ADMIN),
    "audit_log": (ADMIN, frozenset()),
}
# Instructors may create media but not edit or delete it (DESIGN: media "read, create").
WRITE_EXCEPTIONS = {
    ("media", "edit_view"): ADMIN,
    ("media", "delete_view"): ADMIN,
    ("media", "ajax_update"): ADMIN,
    ("media", "action_view"): ADMIN,
}


def example_url(rule) -> str:
    values = {
        arg: ("css/lms.css" if "path" in str(rule._converters.get(arg, "")).lower() else "x")
        for arg in rule.arguments
    }
    return rule.build(values, append_unknown=False)[1]


def all_requests(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, example_url(rule)


# Endpoints that end the visitor's session on the server: the walk signs in again after them.
ENDS_SESSIONS = {"auth.logout", "auth.sign_out_everywhere"}


class Visitor:
    def __init__(self, app, role: UserRole | None, make_staff):
        self.role = role
        self.client = app.test_client()
        self.email = None
        if role in (UserRole.ADMIN, UserRole.INSTRUCTOR):
            self.email = make_staff(role)[1]
        elif role is UserRole.STUDENT:
            # A student never gets in; one who was an instructor loses the session.
            user_id, email = make_staff(UserRole.INSTRUCTOR)
            sign_in(self.client, email)
            with app.app_context():
                db.session.get(User, user_id).role = UserRole.STUDENT
                db.session.commit()
        self.start()

    def start(self):
        """Sign in (staff), and take the CSRF token of this session."""
        if self.email:
            assert sign_in(self.client, self.email).status_code == 302
        page = "/account/password" if self.email else "/login"
        self.token = csrf_token_from(self.client.get(page).get_data(as_text=True))

    def request(self, method, url, endpoint=""):
        data = {"csrf_token": self.token} if method != "GET" else None
        response = self.client.open(url, method=method, data=data)
        if endpoint in ENDS_SESSIONS and method != "GET":
            self.start()
        return response

    @property
    def signed_in(self):
        return self.role in (UserRole.ADMIN, UserRole.INSTRUCTOR)


def sent_to_login(response) -> bool:
    # The login_required redirect carries ?next=; signing out lands on a bare /login.
    return response.status_code == 302 and re.match(r"^/login\?next=", response.headers["Location"])


def check(visitor, endpoint, method, url, access, list_access=frozenset()):
    response = visitor.request(method, url, endpoint)
    where = f"{visitor.role} {method} {url} ({endpoint}) -> {response.status_code}"
    assert response.status_code != 500, where
    if access == PUBLIC or (visitor.signed_in and visitor.role in access):
        assert response.status_code not in (401, 403) and not sent_to_login(response), where
    elif not visitor.signed_in:
        assert sent_to_login(response) or response.status_code == 401, where
    elif endpoint.endswith(".action_view") and visitor.role in list_access:
        # A list action refused is a message on the list, not a bare 403 page (the message:
        # tests/admin/test_actions_by_role.py).
        list_url = url.rsplit("/action/", 1)[0] + "/"
        assert response.status_code == 302 and response.location == list_url, where
    else:
        assert response.status_code == 403, where


def test_every_endpoint_declares_who_may_use_it(app):
    undeclared = sorted(
        {
            endpoint
            for endpoint, _m, _u in all_requests(app)
            if declared_access(app, endpoint) is None
        }
    )
    assert undeclared == [], f"endpoints without declared roles: {undeclared}"


def test_declared_roles_follow_the_design_role_matrix(app):
    for endpoint, _method, _url in all_requests(app):
        view = admin_view_for(app, endpoint)
        model = getattr(view, "model", None)
        if model is None:
            continue
        table = model.__tablename__
        assert table in ROLE_MATRIX, f"{table} has a view but no row in the role matrix"
        read, write = ROLE_MATRIX[table]
        name = endpoint.split(".", 1)[1]
        declared = declared_access(app, endpoint)
        writes = {"create_view", "edit_view", "delete_view", "ajax_update", "action_view"}
        if name in writes | set(getattr(view, "write_endpoints", ())):
            # A view may offer fewer writes than the matrix allows (revoke-only views), never more.
            allowed = WRITE_EXCEPTIONS.get((table, name), write) & read
            assert declared <= allowed, f"{endpoint}: {declared} exceeds {allowed}"
        elif name == "export_csv":
            # A list's export is the matching report: never wider than the list itself.
            assert declared <= read, f"{endpoint}: {declared} exceeds {read}"
        else:
            assert declared == read, f"{endpoint}: {declared} != {read}"


@pytest.mark.parametrize(
    "role",
    [None, UserRole.STUDENT, UserRole.INSTRUCTOR, UserRole.ADMIN],
    ids=["anonymous", "student", "instructor", "admin"],
)
def test_every_url_answers_each_visitor_as_the_matrix_says(app, make_staff, role):
    visitor = Visitor(app, role, make_staff)
    checked = 0
    for endpoint, method, url in all_requests(app):
        list_access = declared_access(app, endpoint.split(".")[0] + ".index_view") or frozenset()
        check(visitor, endpoint, method, url, declared_access(app, endpoint), list_access)
        checked += 1
    assert checked >= 7

"""lms/roles.py: declared access is enforced on every request, and Viewer answers who asks."""

import pytest
from flask import Blueprint

from lms.models import UserRole
from lms.roles import ADMIN, NON_ADMIN_ENDPOINTS, STAFF, Viewer, declared_access


@pytest.fixture
def app_with_extra_endpoints(app):
    """Endpoints added the way a new blueprint would be: one undeclared, one declared."""
    extra = Blueprint("extra", __name__)
    extra.add_url_rule("/extra/undeclared", "undeclared", lambda: "rows of everybody")
    extra.add_url_rule("/extra/declared", "declared", lambda: "for admins")
    app.register_blueprint(extra)
    NON_ADMIN_ENDPOINTS["extra.declared"] = ADMIN
    yield app
    del NON_ADMIN_ENDPOINTS["extra.declared"]


@pytest.mark.parametrize("role", [None, UserRole.INSTRUCTOR, UserRole.ADMIN])
def test_an_endpoint_nobody_declared_is_refused_to_everyone(
    app_with_extra_endpoints, make_staff, role
):
    client = app_with_extra_endpoints.test_client()
    if role is not None:
        from support import sign_in

        _user_id, email = make_staff(role)
        assert sign_in(client, email).status_code == 302
    assert declared_access(app_with_extra_endpoints, "extra.undeclared") is None
    response = client.get("/extra/undeclared")
    assert response.status_code == 403
    assert b"rows of everybody" not in response.data


def test_a_declared_endpoint_answers_its_roles_only(app_with_extra_endpoints, make_staff):
    from support import sign_in

    visitor = app_with_extra_endpoints.test_client()
    assert visitor.get("/extra/declared").status_code == 302  # to the sign-in page
    instructor, admin = (app_with_extra_endpoints.test_client() for _ in range(2))
    for client, role in ((instructor, UserRole.INSTRUCTOR), (admin, UserRole.ADMIN)):
        _user_id, email = make_staff(role)
        assert sign_in(client, email).status_code == 302
    assert instructor.get("/extra/declared").status_code == 403
    assert admin.get("/extra/declared").data == b"for admins"


def test_viewer_is_the_one_answer_to_who_asks():
    assert Viewer(UserRole.INSTRUCTOR, "u1").instructor_id == "u1"
    assert Viewer(UserRole.INSTRUCTOR, "u1").is_instructor
    assert Viewer(UserRole.ADMIN, "u2").instructor_id is None
    assert Viewer(UserRole.ADMIN, "u2").is_admin
    assert Viewer(UserRole.STUDENT, "u3").instructor_id is None
    assert not Viewer(None).is_admin and not Viewer(None).is_instructor
    assert {UserRole.ADMIN, UserRole.INSTRUCTOR} == STAFF

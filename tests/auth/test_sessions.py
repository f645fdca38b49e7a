"""Sessions the server can end: sign-out, password and role changes, lifetimes, CSRF secrets."""

from datetime import timedelta

import pytest
from form_robot import FormPage
from sqlalchemy import update
from support import csrf_token_from, sign_in

from lms.db import db
from lms.models import AdminSession, User, UserRole, utcnow

PAGE = "/admin/course/"


def signed_in(app, make_staff, role=UserRole.ADMIN, email="someone@example.com"):
    client = app.test_client()
    user_id, email = make_staff(role, email=email)
    assert sign_in(client, email).status_code == 302
    client.user_id, client.email = user_id, email
    return client


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def is_in(client) -> bool:
    return client.get(PAGE).status_code == 200


def post(client, url, **data):
    token = csrf_token_from(client.get("/account/password").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_a_cookie_copied_before_sign_out_stops_working(app, make_staff):
    client = signed_in(app, make_staff)
    thief = copy_of(app, client)
    assert is_in(thief)
    post(client, "/logout")
    assert not is_in(client) and not is_in(thief)


def test_signing_in_starts_a_new_csrf_secret(app, make_staff):
    _user_id, email = make_staff(UserRole.ADMIN, email="csrf@example.com")
    client = app.test_client()
    before = csrf_token_from(client.get("/login").get_data(as_text=True))
    with client.session_transaction() as session:
        secret_before = session.get("csrf_token")
    assert sign_in(client, email).status_code == 302
    with client.session_transaction() as session:
        assert session.get("csrf_token") != secret_before
    # A token from the anonymous page no longer passes once signed in.
    response = client.post("/account/password", data={"csrf_token": before})
    assert response.status_code == 400 and "form expired" in response.get_data(as_text=True)


def test_changing_the_password_signs_out_every_other_browser(app, make_staff):
    client = signed_in(app, make_staff)
    other = copy_of(app, client)
    response = post(
        client,
        "/account/password",
        current_password="correct-horse-battery",
        new_password="a much longer new passphrase 42",
        confirm_password="a much longer new passphrase 42",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert is_in(client) and not is_in(other)


def test_a_role_change_ends_the_persons_sessions(app, make_staff):
    admin = signed_in(app, make_staff, email="boss@example.com")
    teacher = signed_in(app, make_staff, UserRole.INSTRUCTOR, email="teacher@example.com")
    assert is_in(teacher)
    form = FormPage(admin, f"/admin/user/edit/?id={teacher.user_id}")
    form.set("role", "ADMIN")
    assert form.submit().status_code == 302
    assert not is_in(teacher)


def test_sign_out_everywhere_ends_every_session_of_the_person(app, make_staff):
    client = signed_in(app, make_staff)
    elsewhere = app.test_client()
    assert sign_in(elsewhere, client.email).status_code == 302
    response = post(client, "/account/sign-out-everywhere")
    assert response.status_code == 302 and response.location == "/login"
    assert not is_in(client) and not is_in(elsewhere)


@pytest.mark.parametrize(
    "column, setting, minutes",
    [("last_seen_at", "SESSION_IDLE_MINUTES", 60), ("created_at", "SESSION_MAX_HOURS", 12 * 60)],
)
def test_a_session_ends_after_its_idle_and_absolute_lifetimes(
    app, make_staff, column, setting, minutes
):
    client = signed_in(app, make_staff)
    assert app.config[setting] * (60 if setting.endswith("HOURS") else 1) == minutes
    with app.app_context():
        db.session.execute(
            update(AdminSession)
            .where(AdminSession.user_id == client.user_id)
            .values({column: utcnow() - timedelta(minutes=minutes - 1)})
        )
        db.session.commit()
    assert is_in(client)
    with app.app_context():
        db.session.execute(
            update(AdminSession)
            .where(AdminSession.user_id == client.user_id)
            .values({column: utcnow() - timedelta(minutes=minutes + 1)})
        )
        db.session.commit()
    assert not is_in(client)


def test_the_session_table_holds_no_usable_token(app, make_staff):
    client = signed_in(app, make_staff)
    with app.app_context():
        stored = db.session.scalar(
            db.select(AdminSession.id).where(AdminSession.user_id == client.user_id)
        )
        assert db.session.get(User, client.user_id) is not None
    thief = app.test_client()
    with thief.session_transaction() as session:
        session["_user_id"] = stored  # the digest from a copy of the table, in a forged cookie
        session["_fresh"] = True
    assert not is_in(thief)

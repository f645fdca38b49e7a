"""Who can sign in, where they land, and what signing out and changing a password do."""

from support import STAFF_PASSWORD, csrf_token_from, sign_in

from lms.models import User, UserRole


def test_admin_and_instructor_sign_in_and_land_on_the_admin(client, make_staff):
    for role in (UserRole.ADMIN, UserRole.INSTRUCTOR):
        _id, email = make_staff(role)
        response = sign_in(client, email)
        assert response.status_code == 302
        assert response.headers["Location"] == "/admin/"
        page = client.get("/admin/").get_data(as_text=True)
        assert role.value.title() in page and "Welcome" in page
        client.post("/logout", data={"csrf_token": csrf_token_from(page)})


def test_email_is_matched_without_regard_to_case(client, make_staff):
    make_staff(UserRole.ADMIN, email="Mixed.Case@Example.com")
    assert sign_in(client, "mixed.case@example.COM").status_code == 302


def test_student_with_the_right_password_is_refused_with_a_clear_message(client, make_staff):
    _id, email = make_staff(UserRole.STUDENT)
    response = sign_in(client, email)
    assert response.status_code == 401
    assert "student account" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302  # still signed out


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_staff):
    _id, email = make_staff(UserRole.ADMIN)
    wrong = sign_in(client, email, "not-the-password")
    unknown = sign_in(client, "nobody@example.com", "whatever-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Email or password is incorrect." in wrong.get_data(as_text=True)
    assert "Email or password is incorrect." in unknown.get_data(as_text=True)


def test_a_user_without_credentials_cannot_sign_in(app, client):
    from lms.db import db

    with app.app_context():
        db.session.add(User(email="oauth-only@example.com", role=UserRole.ADMIN))
        db.session.commit()
    response = sign_in(client, "oauth-only@example.com", "anything-at-all")
    assert response.status_code == 401
    assert "Email or password is incorrect." in response.get_data(as_text=True)


def test_next_is_followed_only_when_it_is_a_path_on_this_site(client, make_staff):
    _id, email = make_staff(UserRole.ADMIN)
    assert sign_in(client, email, next_url="/admin/?x=1").headers["Location"] == "/admin/?x=1"
    for hostile in (
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
    ):
        client.post(
            "/logout",
            data={"csrf_token": csrf_token_from(client.get("/admin/").get_data(as_text=True))},
        )
        response = sign_in(client, email, next_url=hostile)
        assert response.headers["Location"] == "/admin/", hostile


def test_anonymous_visitors_are_sent_to_login_with_next(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/")


def test_login_post_without_a_valid_csrf_token_is_refused(client, make_staff):
    _id, email = make_staff(UserRole.ADMIN)
    for data in (
        {"email": email, "password": STAFF_PASSWORD},
        {"email": email, "password": STAFF_PASSWORD, "csrf_token": "forged"},
    ):
        response = client.post("/login", data=data)
        assert response.status_code == 400
        assert client.get("/admin/").status_code == 302


def test_logout_requires_post_with_csrf_and_ends_the_session(admin_client):
    assert admin_client.get("/logout").status_code == 405
    assert admin_client.post("/logout").status_code == 400  # no token
    token = csrf_token_from(admin_client.get("/admin/").get_data(as_text=True))
    assert admin_client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert admin_client.get("/admin/").status_code == 302


def change_password(client, current, new, confirm=None):
    token = csrf_token_from(client.get("/account/password").get_data(as_text=True))
    return client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
        },
    )


def test_change_password_checks_the_current_one_and_signs_out_other_sessions(app, make_staff):
    _id, email = make_staff(UserRole.INSTRUCTOR)
    first, second = app.test_client(), app.test_client()
    sign_in(first, email)
    sign_in(second, email)
    assert change_password(first, "wrong-current-pw", "brand-new-password").status_code == 400
    assert change_password(first, STAFF_PASSWORD, "short").status_code == 400
    assert (
        change_password(first, STAFF_PASSWORD, "brand-new-password", "different-one-x").status_code
        == 400
    )
    assert change_password(first, STAFF_PASSWORD, "brand-new-password").status_code == 302
    assert first.get("/admin/").status_code == 200  # this session carries on
    assert second.get("/admin/").status_code == 302  # the other one is signed out
    fresh = app.test_client()
    assert sign_in(fresh, email, STAFF_PASSWORD).status_code == 401
    assert sign_in(fresh, email, "brand-new-password").status_code == 302


def test_a_demoted_user_loses_access_on_the_next_request(app, make_staff):
    from lms.db import db

    user_id, email = make_staff(UserRole.INSTRUCTOR)
    client = app.test_client()
    sign_in(client, email)
    assert client.get("/admin/").status_code == 200
    with app.app_context():
        db.session.get(User, user_id).role = UserRole.STUDENT
        db.session.commit()
    assert client.get("/admin/").status_code == 302


def test_passwords_are_stored_as_argon2_hashes(app, make_staff):
    from lms.db import db
    from lms.models import StaffCredential

    user_id, _email = make_staff(UserRole.ADMIN)
    with app.app_context():
        stored = db.session.get(StaffCredential, user_id).password_hash
    assert stored.startswith("$argon2id$") and STAFF_PASSWORD not in stored


def test_the_home_page_lists_the_links_without_itself(admin_client):
    page = admin_client.get("/admin/").get_data(as_text=True)
    links = page.split('id="home-links"')[1]
    assert "/admin/course/" in links and ">Home<" not in links

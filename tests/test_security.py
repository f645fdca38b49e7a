"""Security headers on every page, and error pages that never show SQL or a stack trace."""

import re

from flask import abort
from support import csrf_token_from

from lms.models import UserRole


def test_pages_carry_the_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert re.search(r"script-src 'self' 'nonce-[\w-]+'", csp)
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_admin_scripts_carry_this_requests_nonce(admin_client):
    response = admin_client.get("/admin/")
    nonce = re.search(r"'nonce-([\w-]+)'", response.headers["Content-Security-Policy"]).group(1)
    page = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert "onclick=" not in page and "javascript:" not in page


def test_session_cookie_is_http_only_and_same_site(client, make_staff):
    _id, email = make_staff(UserRole.ADMIN)
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": email, "password": "correct-horse-battery", "csrf_token": token}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(db_url, monkeypatch):
    from lms import create_app

    monkeypatch.setenv("LMS_ENV", "production")
    app = create_app({"DATABASE_URL": db_url})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_not_found_page_is_in_the_admin_look(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Not found" in page and "bootstrap.min.css" in page


def test_forbidden_and_server_errors_show_no_internals(db_url, make_staff, monkeypatch):
    from support import sign_in

    from lms import create_app, roles

    # Declared, as every endpoint must be (lms.roles refuses undeclared ones before they run).
    monkeypatch.setitem(roles.NON_ADMIN_ENDPOINTS, "forbidden", roles.STAFF)
    monkeypatch.setitem(roles.NON_ADMIN_ENDPOINTS, "boom", roles.STAFF)

    app = create_app({"DATABASE_URL": db_url, "TESTING": True})

    @app.get("/boom-forbidden")
    def forbidden():
        abort(403)

    @app.get("/boom")
    def boom():
        raise RuntimeError('relation "secret_table" does not exist [SQL: SELECT * FROM x]')

    admin_client = app.test_client()
    sign_in(admin_client, make_staff(UserRole.ADMIN)[1])

    assert admin_client.get("/boom-forbidden").status_code == 403
    response = admin_client.get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert "SQL" not in page and "secret_table" not in page and "Traceback" not in page


def test_too_many_requests_page(client, make_staff):
    from lms.auth import throttle

    for _i in range(throttle.FREE_FAILURES + 1):
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        response = client.post(
            "/login", data={"email": "a@example.com", "password": "nope-nope", "csrf_token": token}
        )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_admin_list_and_form_pages_have_no_inline_handlers(admin_client):
    for url in ("/admin/course/", "/admin/course/new/", "/admin/quiz/new/", "/admin/user/"):
        page = admin_client.get(url).get_data(as_text=True)
        assert "onclick=" not in page and "javascript:" not in page, url

"""In chromium: sign in through the form and see the admin index."""

import pytest

from lms.models import UserRole

pytestmark = pytest.mark.browser


def test_sign_in_through_the_form_shows_the_admin_index(page, make_staff):
    make_staff(UserRole.INSTRUCTOR, email="ada@example.com", name="Ada Lovelace")
    page.goto("/admin/")
    assert "/login" in page.url  # sent to sign in first
    page.fill("input[name=email]", "ada@example.com")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    assert page.text_content("#greeting").strip() == "Welcome, Ada Lovelace"
    assert page.text_content("#role").strip() == "Instructor"
    # The user menu opens (Bootstrap JS runs under our CSP) and signs out.
    page.click("#user-menu")
    page.click("#sign-out")
    page.wait_for_url("**/login")
    assert page.console_errors == []
    assert page.external_requests == []


def test_a_wrong_password_shows_the_message(page, make_staff):
    make_staff(UserRole.ADMIN, email="root@example.com")
    page.goto("/login")
    page.fill("input[name=email]", "root@example.com")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert page.text_content("#login-error").strip() == "Email or password is incorrect."

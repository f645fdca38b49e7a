"""New passwords: 12+ characters, hard to guess (zxcvbn), not built from the email or name."""

import pytest
from support import STAFF_PASSWORD, csrf_token_from, sign_in

from lms.auth.passwords import password_problem
from lms.models import UserRole

EMAIL, NAME = "ada.lovelace@example.com", "Ada Lovelace"


@pytest.mark.parametrize(
    "password, why",
    [
        ("short-pw-1", "at least 12"),
        ("password123456", "commonly used"),
        ("qwertyuiopasdf", "commonly used"),
        ("adalovelace2024!", "email address or name"),
        ("zxcvbnmzxcvbnm", "harder to guess"),
        ("lovelace-ada-1815", "email address or name"),
        ("ada.lovelace@example.com", "email address or name"),
    ],
)
def test_weak_or_personal_passwords_are_refused_with_the_reason(password, why):
    problem = password_problem(password, EMAIL, NAME)
    assert problem and why.lower() in problem.lower(), problem


@pytest.mark.parametrize(
    "password", ["correct-horse-battery", "amber tractor violin 42", "Tr0ub4dour&3xyz!q"]
)
def test_long_uncommon_passwords_are_accepted(password):
    assert password_problem(password, EMAIL, NAME) is None


def test_the_change_password_page_refuses_a_weak_one_and_keeps_the_old(app, make_staff):
    _id, email = make_staff(UserRole.ADMIN, email=EMAIL, name=NAME)
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    token = csrf_token_from(client.get("/account/password").get_data(as_text=True))
    response = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": STAFF_PASSWORD,
            "new_password": "lovelace-ada-1815",
            "confirm_password": "lovelace-ada-1815",
        },
    )
    assert response.status_code == 400 and "email address or name" in response.get_data(
        as_text=True
    )
    assert sign_in(app.test_client(), email).status_code == 302  # the old one still works


def test_the_cli_refuses_a_weak_password(app, make_staff):
    make_staff(UserRole.ADMIN, email=EMAIL, name=NAME)
    result = app.test_cli_runner().invoke(
        args=["user", "set-password", EMAIL], input="password123456\npassword123456\n"
    )
    assert result.exit_code != 0 and "commonly used" in result.output

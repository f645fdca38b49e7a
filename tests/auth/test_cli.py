"""`flask user create / set-password / set-role`."""

from support import sign_in

from lms.db import db
from lms.models import User, UserRole


def run(app, *args, password_lines="new-password-123\nnew-password-123\n"):
    return app.test_cli_runner().invoke(args=list(args), input=password_lines)


def test_create_reads_the_password_twice_from_a_pipe_and_the_user_can_sign_in(app, client):
    result = run(
        app, "user", "create", "new.admin@example.com", "--role", "ADMIN", "--name", "New Admin"
    )
    assert result.exit_code == 0, result.output
    assert sign_in(client, "new.admin@example.com", "new-password-123").status_code == 302


def test_create_refuses_different_passwords_and_short_ones(app):
    result = run(
        app,
        "user",
        "create",
        "x@example.com",
        "--role",
        "ADMIN",
        password_lines="one-password-1\nother-password\n",
    )
    assert result.exit_code != 0 and "differ" in result.output
    result = run(
        app, "user", "create", "x@example.com", "--role", "ADMIN", password_lines="short\nshort\n"
    )
    assert result.exit_code != 0 and "at least" in result.output
    with app.app_context():
        assert db.session.query(User).filter_by(email="x@example.com").count() == 0


def test_create_gives_an_existing_user_credentials_and_role(app, client):
    with app.app_context():
        db.session.add(User(email="teacher@example.com", role=UserRole.STUDENT))
        db.session.commit()
    assert run(app, "user", "create", "teacher@example.com", "--role", "INSTRUCTOR").exit_code == 0
    with app.app_context():
        assert (
            db.session.query(User).filter_by(email="teacher@example.com").one().role
            is UserRole.INSTRUCTOR
        )
    assert sign_in(client, "teacher@example.com", "new-password-123").status_code == 302


def test_set_password_and_set_role(app, client, make_staff):
    _id, email = make_staff(UserRole.INSTRUCTOR)
    assert (
        run(
            app, "user", "set-password", email, password_lines="another-pass-99\nanother-pass-99\n"
        ).exit_code
        == 0
    )
    assert sign_in(client, email, "another-pass-99").status_code == 302
    assert run(app, "user", "set-role", email, "STUDENT").exit_code == 0
    assert client.get("/admin/").status_code == 302  # a student now: signed out


def test_the_last_admin_cannot_be_demoted(app, make_staff):
    _id, email = make_staff(UserRole.ADMIN)
    result = run(app, "user", "set-role", email, "INSTRUCTOR")
    assert result.exit_code != 0 and "last admin" in result.output
    make_staff(UserRole.ADMIN)
    assert run(app, "user", "set-role", email, "INSTRUCTOR").exit_code == 0


def test_unknown_user_is_a_clear_error(app):
    result = run(app, "user", "set-role", "ghost@example.com", "ADMIN")
    assert result.exit_code != 0 and "No user with email ghost@example.com" in result.output

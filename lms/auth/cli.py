"""`flask user …`: give staff credentials, reset passwords, change roles."""

import sys

import click
from flask.cli import AppGroup

from lms.auth import accounts, passwords
from lms.db import db
from lms.models import User, UserRole
from lms.roles import STAFF

STAFF_ROLE_NAMES = sorted(role.value for role in STAFF)


# AppGroup runs each command inside the app context.
user_group = AppGroup("user", help="Manage who can sign in to the admin.")


def read_new_password(email: str, name: str | None = None) -> str:
    """Hidden prompt twice on a terminal; from a pipe, the first two lines of stdin."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        first, second = sys.stdin.readline().rstrip("\n"), sys.stdin.readline().rstrip("\n")
        if first != second:
            raise click.ClickException("The two passwords differ.")
        password = first
    problem = passwords.password_problem(password, email, name)
    if problem:
        raise click.ClickException(problem)
    return password


def existing_user(email: str) -> User:
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No user with email {email}.")
    return user


@user_group.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(STAFF_ROLE_NAMES, case_sensitive=False),
    required=True,
    help="ADMIN or INSTRUCTOR.",
)
@click.option("--name", default=None, help="Display name (new users only).")
def create_user(email: str, role: str, name: str | None):
    """Create EMAIL as a staff user, or give an existing user this role and a password."""
    email = accounts.normalise_email(email)
    if "@" not in email or len(email) > 320:
        raise click.ClickException(f"{email!r} is not an email address.")
    user = accounts.find_user(email)
    password = read_new_password(email, name or (user.name if user else None))
    created = user is None
    if user is None:
        user = User(email=email, name=name)
        db.session.add(user)
    user.role = UserRole(role.upper())
    db.session.flush()
    accounts.set_password(user, password)
    db.session.commit()
    click.echo(
        f"{'Created' if created else 'Updated'} {email} ({user.role.value}); they can sign in now."
    )


@user_group.command("set-password")
@click.argument("email")
def set_password(email: str):
    """Set a new password for EMAIL (signs out their other sessions)."""
    user = existing_user(email)
    accounts.set_password(user, read_new_password(user.email, user.name))
    db.session.commit()
    click.echo(f"Password changed for {user.email}.")


@user_group.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in UserRole], case_sensitive=False))
def set_role(email: str, role: str):
    """Change EMAIL's role to STUDENT, INSTRUCTOR or ADMIN (never demotes the last admin)."""
    user = existing_user(email)
    new_role = UserRole(role.upper())
    if (
        user.role is UserRole.ADMIN
        and new_role is not UserRole.ADMIN
        and accounts.count_admins() <= 1
    ):
        raise click.ClickException(
            f"{user.email} is the last admin; make someone else admin first."
        )
    user.role = new_role
    accounts.end_all_sessions(user.id)  # signed in again, with what the new role allows
    db.session.commit()
    click.echo(f"{user.email} is now {new_role.value}.")

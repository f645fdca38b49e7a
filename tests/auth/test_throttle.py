"""Repeated failed sign-ins are slowed, then refused for a while, then allowed again."""

from datetime import timedelta

from sqlalchemy import update
from support import sign_in

from lms.auth import throttle
from lms.db import db
from lms.models import LoginThrottle, UserRole


def age_failures(app, by: timedelta):
    """Move every recorded failure and lock into the past, as if time had passed."""
    with app.app_context():
        db.session.execute(
            update(LoginThrottle).values(
                last_failure_at=LoginThrottle.last_failure_at - by,
                first_failure_at=LoginThrottle.first_failure_at - by,
                locked_until=LoginThrottle.locked_until - by,
            )
        )
        db.session.commit()


def test_failures_are_slowed_then_locked_then_lifted(app, client, make_staff):
    _id, email = make_staff(UserRole.ADMIN)
    for _ in range(throttle.FREE_FAILURES):
        assert sign_in(client, email, "wrong-password").status_code == 401
    # Past the free failures, each new try must wait a pause after the last failure.
    slowed = sign_in(client, email, "wrong-password")
    assert slowed.status_code == 429
    assert int(slowed.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins" in slowed.get_data(as_text=True)
    # Even the right password waits out the pause.
    assert sign_in(client, email).status_code == 429
    # After the pause a try is allowed (and counted when it fails).
    age_failures(app, timedelta(seconds=int(slowed.headers["Retry-After"])))
    assert sign_in(client, email, "wrong-password").status_code == 401
    assert sign_in(client, email, "wrong-password").status_code == 429  # the pause grew

    # Keep failing after each pause until the email is locked.
    _free, lock_at = throttle.LIMITS["email"]
    for _ in range(lock_at):
        age_failures(app, timedelta(minutes=5))
        if sign_in(client, email, "wrong-password").status_code == 429:
            break
    age_failures(app, timedelta(minutes=5))
    locked = sign_in(client, email)
    assert locked.status_code == 429
    assert "minutes" in locked.get_data(as_text=True)

    age_failures(app, timedelta(minutes=throttle.LOCK_MINUTES + 1))
    assert sign_in(client, email).status_code == 302  # lifted


def test_unknown_emails_are_throttled_exactly_like_known_ones(client, make_staff):
    _id, email = make_staff(UserRole.ADMIN)
    answers = {}
    for address in (email, "no-such-user@example.com"):
        answers[address] = [
            sign_in(client, address, "wrong-password").status_code
            for _ in range(throttle.FREE_FAILURES + 2)
        ]
    assert answers[email] == answers["no-such-user@example.com"]
    assert answers[email][-1] == 429


def test_a_success_clears_the_email_counter(app, client, make_staff):
    _id, email = make_staff(UserRole.ADMIN)
    for _ in range(throttle.FREE_FAILURES - 1):
        sign_in(client, email, "wrong-password")
    with app.app_context():
        assert db.session.get(LoginThrottle, f"email:{email}").failures == 2
    assert sign_in(client, email).status_code == 302
    with app.app_context():
        assert db.session.get(LoginThrottle, f"email:{email}") is None


def test_one_address_trying_many_emails_is_throttled(app, client):
    free, _lock = throttle.LIMITS["ip"]
    statuses = [
        sign_in(client, f"guess{i}@example.com", "wrong-password").status_code
        for i in range(free + 2)
    ]
    assert statuses[:free] == [401] * free
    assert statuses[-1] == 429

"""Throttling behind a proxy, a busy shared address, and a burst of parallel guesses."""

import threading
from datetime import timedelta

import pytest
from support import STAFF_PASSWORD, csrf_token_from

from lms import create_app
from lms.auth import passwords, throttle
from lms.db import db
from lms.models import LoginThrottle, UserRole, utcnow


def try_sign_in(client, email, password=STAFF_PASSWORD, address=None):
    headers = {"X-Forwarded-For": address} if address else {}
    token = csrf_token_from(client.get("/login", headers=headers).get_data(as_text=True))
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, headers=headers
    )


@pytest.fixture
def proxied_app(db_url):
    """The app behind one trusted proxy (LMS_TRUSTED_PROXIES=1)."""
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "TRUSTED_PROXIES": 1})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def lock_address(app, address):
    with app.app_context():
        db.session.merge(
            LoginThrottle(
                key=f"ip:{address}",
                failures=50,
                first_failure_at=utcnow(),
                last_failure_at=utcnow(),
                locked_until=utcnow() + timedelta(minutes=15),
            )
        )
        db.session.commit()


def test_behind_a_proxy_each_client_address_is_counted_on_its_own(proxied_app, make_staff):
    _id, email = make_staff(UserRole.ADMIN)  # the same database as proxied_app
    for _ in range(throttle.LIMITS["ip"][1]):
        try_sign_in(proxied_app.test_client(), "nobody@example.com", "wrong", "203.0.113.7")
    # The attacker's address is locked; a colleague behind the same proxy signs in.
    assert try_sign_in(proxied_app.test_client(), email, address="198.51.100.4").status_code == 302
    with proxied_app.app_context():
        keys = set(db.session.scalars(db.select(LoginThrottle.key)))
    assert "ip:203.0.113.7" in keys and "ip:127.0.0.1" not in keys


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(app, make_staff):
    try_sign_in(app.test_client(), "nobody@example.com", "wrong", "203.0.113.7")
    with app.app_context():
        keys = set(db.session.scalars(db.select(LoginThrottle.key)))
    assert "ip:127.0.0.1" in keys and "ip:203.0.113.7" not in keys


def test_a_locked_address_never_blocks_the_right_password_of_an_account_not_under_attack(
    app, make_staff
):
    _id, calm = make_staff(UserRole.ADMIN, email="calm@example.com")
    _id, attacked = make_staff(UserRole.ADMIN, email="attacked@example.com")
    try_sign_in(app.test_client(), attacked, "wrong")  # one recent failure: under attack
    lock_address(app, "127.0.0.1")
    assert try_sign_in(app.test_client(), calm).status_code == 302
    assert try_sign_in(app.test_client(), calm, "wrong").status_code == 429
    assert try_sign_in(app.test_client(), attacked).status_code == 429


def burst(app, email, parallel: bool, tries: int = 20) -> int:
    """How many passwords were actually checked for `tries` wrong sign-ins."""
    checked, lock = [0], threading.Lock()
    real = passwords.verify_password

    def counting(hash_, password):
        with lock:
            checked[0] += 1
        return real(hash_, password)

    clients = [app.test_client() for _ in range(tries)]
    tokens = [csrf_token_from(c.get("/login").get_data(as_text=True)) for c in clients]

    def one(i):
        clients[i].post(
            "/login", data={"email": email, "password": f"wrong-{i}", "csrf_token": tokens[i]}
        )

    passwords.verify_password = counting
    try:
        if parallel:
            threads = [threading.Thread(target=one, args=(i,)) for i in range(tries)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        else:
            for i in range(tries):
                one(i)
    finally:
        passwords.verify_password = real
    return checked[0]


def test_a_burst_of_parallel_guesses_gets_no_more_tries_than_a_sequence(app, make_staff):
    _id, one_by_one = make_staff(UserRole.ADMIN, email="sequence@example.com")
    _id, at_once = make_staff(UserRole.ADMIN, email="burst@example.com")
    in_sequence = burst(app, one_by_one, parallel=False)
    assert in_sequence == throttle.FREE_FAILURES
    assert burst(app, at_once, parallel=True) <= in_sequence

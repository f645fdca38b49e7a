"""Checks that several gunicorn workers behave as one app: sessions and sign-in throttling."""

import uuid

from sqlalchemy import update

from bench.client import Client
from lms.db import db
from lms.models import LoginThrottle

BAD_PASSWORD = "not-the-password-" + "x" * 8


def session_survives(client: Client, requests: int) -> tuple[bool, set[str], str]:
    """A signed-in client's next requests, served by various workers, all stay signed in."""
    workers, statuses = set(), []
    for _ in range(requests):
        reply = client.get("/admin/")
        statuses.append(reply.status)
        workers.add(reply.worker)
    ok = all(status == 200 for status in statuses) and len(workers) > 1
    text = (
        f"{requests} requests to /admin/ answered by {len(workers)} workers, "
        f"statuses {sorted(set(statuses))}"
    )
    return ok, workers, text


def throttle_shared(host: str, port: int) -> tuple[bool, str]:
    """Three failures for an unknown email, counted whichever worker served them; the fourth
    try is refused (429). The address's counter is given back afterwards."""
    client = Client(host, port)
    email = f"bench-throttle-{uuid.uuid4().hex[:8]}@example.invalid"
    token = client.csrf_token()
    replies = [
        client.request(
            "POST", "/login", {"email": email, "password": BAD_PASSWORD, "csrf_token": token}
        )
        for _ in range(4)
    ]
    statuses = [reply.status for reply in replies]
    workers = {reply.worker for reply in replies}
    ok = statuses[:3] == [401, 401, 401] and statuses[3] == 429
    undo_failures(email, failures=statuses.count(401))
    return ok, (
        f"failed sign-ins for one email: statuses {statuses} from {len(workers)} "
        f"worker(s); expected 401 401 401 429"
    )


def undo_failures(email: str, failures: int) -> None:
    """Forget the check's own failures, so it never locks 127.0.0.1 out of later runs."""
    table = LoginThrottle.__table__
    db.session.execute(table.delete().where(table.c.key == f"email:{email}"))
    db.session.execute(
        update(table)
        .where(table.c.key == "ip:127.0.0.1")
        .values(failures=db.func.greatest(table.c.failures - failures, 0))
    )
    db.session.commit()


def check_workers(host: str, port: int, signed_in: Client, workers: int) -> list[tuple[bool, str]]:
    """Both checks; call inside the bench's app context (it tidies the throttle table)."""
    ok, _seen, text = session_survives(signed_in, max(8, workers * 4))
    return [
        (ok, "signed in once, stays signed in on every worker: " + text),
        throttle_shared(host, port),
    ]

"""Mixed load: many signed-in users at once through gunicorn, for a bounded time, on 127.0.0.1.

    python bench/load.py --instance /tmp/lms-medium                 # 50 users for 60 s
    python bench/load.py --instance /tmp/lms-medium --users 20 --seconds 30
    DATABASE_URL=postgresql://… python bench/load.py

Starts gunicorn as README's "Production" section runs it (4 gthread workers of 8 threads;
on 127.0.0.1 only), refreshes the dashboards' rollups as production's schedule would, and
signs every user in through /login with a session of their own: 4 in 5 are admins (staff
accounts `load-admin-NN@bench.invalid` made for the purpose, so that each person's limit of
CSV downloads at once is their own), 1 in 5 are the demo instructors. Each user then asks for
one page of each kind, then pages drawn at random by the weights of MIX, one after the other,
until time is up: list pages (as they open, filtered, searched), edit forms, dashboards and
two CSV downloads. The pages come from the app's own URL map (bench/discover.py).

Prints a Markdown table per kind of request (count, requests/s, median and p95 latency,
refusals, errors). An error is a 5xx, a connection error or any answer but 200; a 429 (the
server's limit of CSV downloads at once, with Retry-After) is counted apart as a refusal.
Exit status 1 when there was any error.
"""

import argparse
import os
import random
import secrets
import statistics
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import machine, server
from bench.client import Client
from bench.measure import percentile

DEMO_PASSWORD = "demo-password-123"
INSTRUCTORS = ("ada@example.com", "grace@example.com", "alan@example.com")
ADMIN_EMAIL = "load-admin-{:02d}@bench.invalid"
INSTRUCTOR_EVERY = 5  # one user in five is an instructor
CSV_DOWNLOADS = 2  # reports each role downloads, course-filtered (README: staff CSV reports)
# Relative weights of the kinds of request a user makes after their first round.
MIX = {
    "list": 25,
    "list, filtered": 10,
    "list, searched": 10,
    "edit form": 25,
    "dashboard": 20,
    "CSV download": 10,
}
REFUSED = 429


# --- who the users are and what they ask for ----------------------------------------------------


@dataclass
class Person:
    email: str
    password: str
    pages: dict[str, list[str]]  # kind of request -> URLs


def kind_of(target) -> str | None:
    """The kind of request a discovered target is, in MIX's words (None: not in the mix)."""
    if target.kind == "page":
        return "dashboard" if target.endpoint.startswith("analytics_") else None
    if target.kind == "report":
        return "CSV download"
    return {
        "list": "list",
        "list+filter": "list, filtered",
        "list+search": "list, searched",
        "edit": "edit form",
        "details": "edit form",
    }.get(target.kind)


def pages_by_kind(targets) -> dict[str, list[str]]:
    pages = defaultdict(list)
    for target in targets:
        kind = kind_of(target)
        if kind:
            pages[kind].append(target.url)
    pages["CSV download"] = sorted(pages["CSV download"])[:CSV_DOWNLOADS]
    return dict(pages)


def load_admins(count: int, password: str) -> list[str]:
    """Admin accounts for the load, made once and given `password` (app context needed)."""
    from sqlalchemy import select

    from lms.auth import accounts
    from lms.db import db
    from lms.models import User, UserRole

    emails = [ADMIN_EMAIL.format(n) for n in range(1, count + 1)]
    for email in emails:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name="Load test admin", role=UserRole.ADMIN)
            db.session.add(user)
            db.session.flush()
        accounts.set_password(user, password)
    db.session.commit()
    return emails


def cast(app, users: int, instructor_password: str) -> list[Person]:
    """The users, each with the pages their role may open (rows of their own courses)."""
    from sqlalchemy import select

    from bench.discover import discover
    from lms.db import db
    from lms.models import Course, User, UserRole

    with app.app_context():
        instructors = []
        for email in INSTRUCTORS:
            user = db.session.scalar(select(User).where(User.email == email))
            if user is not None and user.role is UserRole.INSTRUCTOR:
                slug = db.session.scalar(
                    select(Course.slug)
                    .where(Course.instructor_id == user.id)
                    .order_by(Course.created_at)
                    .limit(1)
                )
                found = discover(app, {UserRole.INSTRUCTOR: user.id}, slug)
                instructors.append(Person(email, instructor_password, pages_by_kind(found.targets)))
        if not instructors:
            raise SystemExit(f"none of {', '.join(INSTRUCTORS)} is an instructor here")
        wanted = users - users // INSTRUCTOR_EVERY
        password = secrets.token_urlsafe(16)
        emails = load_admins(wanted, password)
        admin_id = db.session.scalar(select(User.id).where(User.email == emails[0]))
        slug = db.session.scalar(select(Course.slug).order_by(Course.created_at).limit(1))
        admin_pages = pages_by_kind(discover(app, {UserRole.ADMIN: admin_id}, slug).targets)
        db.session.remove()
    admins = iter(Person(email, password, admin_pages) for email in emails)
    return [
        instructors[(n // INSTRUCTOR_EVERY) % len(instructors)]
        if (n + 1) % INSTRUCTOR_EVERY == 0
        else next(admins)
        for n in range(users)
    ]


# --- the load -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str
    ms: float
    status: int | None  # None: the connection failed
    url: str
    error: str = ""


@dataclass
class Tally:
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


def request(client: Client, kind: str, url: str) -> Outcome:
    started = time.perf_counter()
    try:
        reply = client.get(url)
    except (OSError, HTTPException, ValueError) as error:  # refused, reset, cut off, garbled
        return Outcome(
            kind,
            (time.perf_counter() - started) * 1000,
            None,
            url,
            f"{type(error).__name__}: {error}",
        )
    return Outcome(kind, reply.ms, reply.status, url)


def user_loop(person: Person, client: Client, deadline: float, tally: Tally, rng) -> None:
    """One of each kind first (shuffled), then kinds drawn by MIX's weights until the deadline."""
    kinds = [kind for kind in MIX if person.pages.get(kind)]
    first = rng.sample(kinds, len(kinds))
    weights = [MIX[kind] for kind in kinds]
    while time.monotonic() < deadline:
        kind = first.pop() if first else rng.choices(kinds, weights)[0]
        tally.add(request(client, kind, rng.choice(person.pages[kind])))


def sign_in_everyone(host: str, port: int, people: list[Person], tally: Tally) -> list[Client]:
    """Each user signs in through /login (a 302), all at once, before the clock starts."""
    clients = [Client(host, port, timeout=120) for _ in people]

    def sign_in(client, person):
        started = time.perf_counter()
        try:
            status = client.sign_in(person.email, person.password).status
            error = "" if status == 302 else f"sign-in answered {status}"
        except (OSError, HTTPException, RuntimeError) as failure:
            status, error = None, f"{type(failure).__name__}: {failure}"
        tally.add(
            Outcome(
                "sign-in",
                (time.perf_counter() - started) * 1000,
                302 if not error else status,
                "/login",
                error,
            )
        )

    threads = [
        threading.Thread(target=sign_in, args=pair) for pair in zip(clients, people, strict=False)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return clients


def is_error(outcome: Outcome) -> bool:
    if outcome.kind == "sign-in":
        return bool(outcome.error)
    return outcome.status not in (200, REFUSED)


@dataclass
class Result:
    seconds: float
    users: int
    load_before: str
    load_after: str
    outcomes: list[Outcome]
    server_errors: list[str]

    @property
    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if is_error(o)]

    def table(self) -> str:
        lines = [
            "| request | count | requests/s | median ms | p95 ms | refused (429) | errors |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        timed = [o for o in self.outcomes if o.kind != "sign-in"]
        rows = [(kind, [o for o in timed if o.kind == kind]) for kind in MIX]
        rows.append(("all of the above", timed))
        rows.append(
            ("sign-in (before the clock)", [o for o in self.outcomes if o.kind == "sign-in"])
        )
        for name, outcomes in rows:
            if not outcomes:
                continue
            times = [o.ms for o in outcomes]
            rate = "–" if name.startswith("sign-in") else f"{len(outcomes) / self.seconds:.1f}"
            lines.append(
                f"| {name} | {len(outcomes):,} | {rate} | {statistics.median(times):.0f} | "
                f"{percentile(times, 0.95):.0f} | {sum(o.status == REFUSED for o in outcomes)} "
                f"| {sum(is_error(o) for o in outcomes)} |"
            )
        return "\n".join(lines)

    def error_lines(self, limit: int = 10) -> list[str]:
        found = defaultdict(int)
        for outcome in self.errors:
            found[(outcome.kind, outcome.status, outcome.url, outcome.error)] += 1
        return [
            f"{count}× {kind} {status or 'no answer'} {url} {error}".rstrip()
            for (kind, status, url, error), count in sorted(found.items())[:limit]
        ]


def run(
    app,
    database_env: dict,
    users: int = 50,
    seconds: float = 60,
    workers: int = 4,
    threads: int = 8,
    password: str = DEMO_PASSWORD,
    refresh: bool = True,
    seed: int = 1,
) -> Result:
    """The whole load against a gunicorn of its own on `database_env`'s database."""
    from bench import timings

    if refresh:  # the admin dashboards read the rollups that production's schedule builds
        timings.time_refresh(database_env)
    people = cast(app, users, password)
    log_path = Path(f"/tmp/lms-load-gunicorn-{os.getpid()}.log")
    tally = Tally()
    with server.gunicorn(database_env, workers, log_path, threads=threads) as (host, port, _):
        assert host == "127.0.0.1"  # loopback only, whatever else changes
        clients = sign_in_everyone(host, port, people, tally)
        before = machine.load_average()
        started = time.monotonic()
        deadline = started + seconds
        loops = [
            threading.Thread(
                target=user_loop, args=(person, client, deadline, tally, random.Random(seed + n))
            )
            for n, (person, client) in enumerate(zip(people, clients, strict=False))
        ]
        for loop in loops:
            loop.start()
        for loop in loops:
            loop.join()
        elapsed = time.monotonic() - started
        after = machine.load_average()
    server_errors = (
        [server.last_error(log_path)]
        if any(o.status and o.status >= 500 for o in tally.outcomes)
        else []
    )
    log_path.unlink(missing_ok=True)
    return Result(elapsed, users, before, after, tally.outcomes, server_errors)


# --- the command --------------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[1:]),
    )
    parser.add_argument(
        "--instance",
        help="LMS_INSTANCE_PATH of the embedded database "
        "(default: DATABASE_URL if set, else LMS_INSTANCE_PATH, else ./instance)",
    )
    parser.add_argument("--users", type=int, default=50, help="users at once (50)")
    parser.add_argument("--seconds", type=float, default=60, help="how long the load lasts (60)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4, README)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (8, README)")
    parser.add_argument(
        "--password",
        default=os.environ.get("BENCH_PASSWORD", DEMO_PASSWORD),
        help="the demo instructors' password (BENCH_PASSWORD, or the demo one)",
    )
    parser.add_argument(
        "--no-refresh", action="store_true", help="do not run `flask analytics refresh` first"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed of the users' choices")
    args = parser.parse_args(argv)
    if args.users < 1 or not 0 < args.seconds <= 3600:
        parser.error("--users must be at least 1 and --seconds between 0 and 3600")
    return args


def main(argv=None) -> int:
    from bench.run import database_environment, point_at_database

    args = parse_args(argv)
    database_env = database_environment(args)
    point_at_database(database_env)
    from lms import create_app

    print(f"load average before (1/5/15 min): {machine.load_average()}", file=sys.stderr)
    result = run(
        create_app(),
        database_env,
        args.users,
        args.seconds,
        args.workers,
        args.threads,
        args.password,
        not args.no_refresh,
        args.seed,
    )
    print(
        f"{result.users} users for {result.seconds:.1f} s through gunicorn "
        f"({args.workers} gthread workers × {args.threads} threads) on 127.0.0.1; "
        f"load average (1/5/15 min) when the clock started {result.load_before}, "
        f"when it stopped {result.load_after}\n"
    )
    print(result.table())
    for line in result.error_lines() + result.server_errors:
        print(f"error: {line}")
    print(f"\n{len(result.errors)} error(s)." if result.errors else "\nNo errors.")
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())

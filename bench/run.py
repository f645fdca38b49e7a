"""Every admin page at a seeded scale, through gunicorn, held to DESIGN.md's speed budgets.

    python bench/run.py --scale large --instance /tmp/lms-large
    DATABASE_URL=postgresql://… python bench/run.py --scale medium --skip-seed-timing

Times the analytics refresh first (the admin dashboards read the rollups it builds). Then signs
in as an admin and an instructor, finds every list page (and a filtered and a searched
variant), one edit form per model view, every page (dashboards, reports page) and every report
from the app's URL map, requests each through gunicorn (README's production command) and
prints median, p95, budget, SQL share and PASS/MISS. Misses are replayed in-process and their
slowest SQL explained. Last, times the CSV export against COPY (bench/export_vs_copy.py) and
the seed of the scale into a scratch database. Exit status 1 when any budget is missed.
"""

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import explain, machine, measure, server, timings, workers_check
from bench.client import Client
from bench.discover import discover

DEMO_PASSWORD = "demo-password-123"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[1:]),
    )
    parser.add_argument(
        "--scale",
        choices=["medium", "large"],
        required=True,
        help="the scale the database was seeded at (and the one to seed-time)",
    )
    parser.add_argument(
        "--instance",
        help="LMS_INSTANCE_PATH of the embedded database "
        "(default: DATABASE_URL if set, else LMS_INSTANCE_PATH, else ./instance)",
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per URL (20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests first (2)")
    parser.add_argument(
        "--report-repeat", type=int, default=5, help="timed downloads per report (5)"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4, README)")
    parser.add_argument(
        "--only",
        help="regular expression searched in 'URL kind role' of each "
        "page; only those found are measured (e.g. enrollment, ' page ', "
        "'instructor$')",
    )
    parser.add_argument("--skip-seed-timing", action="store_true", help="do not time the seed")
    parser.add_argument(
        "--skip-timings", action="store_true", help="pages only: no seed, refresh or export timing"
    )
    parser.add_argument("--export-runs", type=int, default=3, help="runs of the export (3)")
    parser.add_argument("--no-explain", action="store_true", help="do not explain misses")
    parser.add_argument("--admin", default="admin@example.com", help="admin email")
    parser.add_argument("--instructor", default="ada@example.com", help="instructor email")
    parser.add_argument(
        "--password",
        default=os.environ.get("BENCH_PASSWORD", DEMO_PASSWORD),
        help="both accounts' password (BENCH_PASSWORD, or the demo one)",
    )
    parser.add_argument("--json", type=Path, help="write every figure here as JSON")
    parser.add_argument("--markdown", type=Path, help="write the result table here")
    return parser.parse_args(argv)


def database_environment(args) -> dict:
    """The variables that point the app (here, in gunicorn, in the CLI) at the database."""
    if args.instance:
        return {"LMS_INSTANCE_PATH": str(Path(args.instance).resolve())}
    if os.environ.get("DATABASE_URL"):
        return {"DATABASE_URL": os.environ["DATABASE_URL"]}
    return {"LMS_INSTANCE_PATH": os.environ.get("LMS_INSTANCE_PATH", str(ROOT / "instance"))}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def staff_ids(args) -> tuple[dict, str | None]:
    """{role: user id} of the two accounts, and a course the instructor teaches (by slug)."""
    from sqlalchemy import select

    from lms.db import db
    from lms.models import Course, User, UserRole

    users = {}
    for role, email in ((UserRole.ADMIN, args.admin), (UserRole.INSTRUCTOR, args.instructor)):
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None or user.role is not role:
            raise SystemExit(f"{email} is not an {role.name.lower()} in this database")
        users[role] = user.id
    slug = db.session.scalar(
        select(Course.slug)
        .where(Course.instructor_id == users[UserRole.INSTRUCTOR])
        .order_by(Course.created_at)
        .limit(1)
    )
    return users, slug


def selected(targets, pattern: str | None):
    if not pattern:
        return targets
    wanted = re.compile(pattern)
    return [t for t in targets if wanted.search(f"{t.url} {t.kind} {t.role.name.lower()}")]


def measure_pages(args, database_env, found, emails) -> tuple[list, list, dict]:
    """Results, worker checks and load averages, all against one gunicorn."""
    log_path = Path(f"/tmp/lms-bench-gunicorn-{os.getpid()}.log")
    with server.gunicorn(database_env, args.workers, log_path) as (host, port, _process):
        clients = {}
        for role, email in emails.items():
            clients[role] = Client(host, port)
            if clients[role].sign_in(email, args.password).status != 302:
                raise SystemExit(
                    f"could not sign in as {email}: give it the password with "
                    f"`flask --app app user set-password {email}`"
                )
        checks = workers_check.check_workers(host, port, next(iter(clients.values())), args.workers)
        load = {"before": machine.load_average()}
        results = []
        for number, target in enumerate(found, 1):
            repeat = args.report_repeat if target.kind == "report" else args.repeat
            result = measure.measure_confirmed(clients[target.role], target, repeat, args.warmup)
            if result.note.startswith("HTTP 500"):
                result.note += f": {server.last_error(log_path)}"
            results.append(result)
            say(
                f"[{number}/{len(found)}] {result.role.lower():10} {result.kind:11} "
                f"{measure.number(result.p95_ms):>6} ms p95  {result.verdict:5} {result.url}"
            )
        load["after"] = machine.load_average()
    log_path.unlink(missing_ok=True)
    return results, checks, load


def explain_misses(app, args, results, emails) -> list[str]:
    misses = [r for r in results if r.verdict == "MISS"]
    if args.no_explain or not misses:
        return []
    texts, clients = [], {}
    for result in misses:
        email = next(e for role, e in emails.items() if role.name == result.role)
        if email not in clients:
            clients[email] = explain.signed_in_client(app, email, args.password)
        say(f"explaining {result.url} ({result.role.lower()})")
        texts.append(
            explain.as_text(explain.diagnose(app, clients[email], result.url, result.role))
        )
    return texts


def time_refresh(args, database_env) -> list:
    """First of all: the admin dashboards read the rollups the refresh builds."""
    if args.skip_timings:
        return []
    say("timing the analytics refresh…")
    return [timings.time_refresh(database_env)]


def run_timings(args, database_env) -> list:
    if args.skip_timings:
        return []
    say("timing the CSV export against COPY…")
    found = [timings.time_export(database_env, args.export_runs)]
    if not args.skip_seed_timing:
        say(f"timing the {args.scale} seed into a scratch database…")
        found.append(timings.time_seed(args.scale, database_env))
    return found


def print_summary(facts, checks, results, load, timed, diagnoses, skipped) -> None:
    print(
        f"machine: {facts['cpus']} CPUs ({facts['cpu_model']}), {facts['memory_gb']} GiB; "
        f"PostgreSQL {facts['postgresql']}, database {facts['database_size']}"
    )
    print(f"migration: {facts['migration']['revision']} (code head {facts['migration']['head']})")
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in facts["rows"].items()))
    print(f"load average (1/5/15 min): before pages {load['before']}, after {load['after']}")
    for ok, text in checks:
        print(f"{'OK  ' if ok else 'FAIL'} {text}")
    print()
    print(measure.text_table(results))
    for endpoint, role, why in skipped:
        print(f"not measured: {endpoint} for {role.lower()}: {why}")
    print()
    for timing in timed:
        seconds = "–" if timing.seconds is None else f"{timing.seconds:.1f} s"
        print(f"{timing.name}: {seconds} (budget {timing.budget}) {timing.verdict} {timing.detail}")
    for text in diagnoses:
        print("\n" + text)


def failures(results, checks, timed) -> int:
    return (
        sum(r.verdict in ("MISS", "ERROR") for r in results)
        + sum(not ok for ok, _ in checks)
        + sum(t.verdict in ("MISS", "ERROR") for t in timed)
    )


def point_at_database(database_env: dict) -> None:
    """This process's own app (discovery, ids, explains) uses the measured database too."""
    for key in ("DATABASE_URL", "LMS_INSTANCE_PATH", "LMS_BENCH_TIMING"):
        os.environ.pop(key, None)
    os.environ.update(database_env)


# Enrollments per scale (DESIGN.md section 4): the data should match the --scale given.
ENROLLMENTS = {"medium": 100_000, "large": 1_000_000}


def check_database(app, facts: dict, scale: str) -> None:
    """Warn when the database is not migrated to the code's head or not seeded at `scale`."""
    enrollments = facts["rows"]["enrollments"]
    if not 0.5 * ENROLLMENTS[scale] <= enrollments <= 2 * ENROLLMENTS[scale]:
        say(
            f"WARNING: {enrollments:,} enrollments; the {scale} scale has "
            f"{ENROLLMENTS[scale]:,}: is this the right database?"
        )
    facts["migration"] = machine.migration_state(app)
    if facts["migration"]["revision"] != facts["migration"]["head"]:
        say(
            f"WARNING: the database is at {facts['migration']['revision']}, the code at "
            f"{facts['migration']['head']}: run `flask --app app db upgrade` first"
        )


def write_outputs(args, facts, load, checks, results, timed, diagnoses, skipped) -> None:
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "scale": args.scale,
                    "machine": facts,
                    "load": load,
                    "when": time.strftime("%F %T"),
                    "args": {k: str(v) for k, v in vars(args).items()},
                    "checks": checks,
                    "results": [r.as_dict() for r in results],
                    "timings": [t.as_dict() for t in timed],
                    "explained": diagnoses,
                    "skipped": skipped,
                },
                indent=2,
                default=str,
            )
        )
    if args.markdown:
        args.markdown.write_text(measure.markdown_table(results) + "\n")


def main(argv=None) -> int:
    args = parse_args(argv)
    database_env = database_environment(args)
    point_at_database(database_env)
    from lms import create_app
    from lms.models import UserRole

    refreshed = time_refresh(args, database_env)
    app = create_app()
    emails = {UserRole.ADMIN: args.admin, UserRole.INSTRUCTOR: args.instructor}
    with app.app_context():
        facts = machine.describe()
        check_database(app, facts, args.scale)
        users, slug = staff_ids(args)
        found = discover(app, users, slug)
        targets = selected(found.targets, args.only)
        say(
            f"{len(targets)} URLs to measure ({args.repeat} timed requests each after "
            f"{args.warmup} warm-ups; reports {args.report_repeat})"
        )
        results, checks, load = measure_pages(args, database_env, targets, emails)
    # Outside the app context: each in-process request must get its own (and its own g).
    diagnoses = explain_misses(app, args, results, emails)
    timed = refreshed + run_timings(args, database_env)
    print_summary(facts, checks, results, load, timed, diagnoses, found.skipped)
    write_outputs(args, facts, load, checks, results, timed, diagnoses, found.skipped)
    missed = failures(results, checks, timed)
    print(f"\n{missed} budget(s) missed or failed." if missed else "\nEvery budget holds.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

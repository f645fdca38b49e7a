"""Transactions CSV export through a real HTTP server, against PostgreSQL's COPY of the same query.

    DATABASE_URL=postgresql://… python bench/export_vs_copy.py
    LMS_INSTANCE_PATH=/tmp/lms-large python bench/export_vs_copy.py --runs 3

Starts gunicorn on 127.0.0.1 with the app, signs in as BENCH_EMAIL / BENCH_PASSWORD (default:
the seed's demo admin), downloads /admin/reports/transactions.csv, and in the same run times
`COPY (same query) TO STDOUT WITH CSV` through psycopg and through psql (when installed),
alternating them. Reports rows/s, MB/s, time to first byte and the serving worker's peak RSS
growth (from /proc VmHWM). Each download adds one row to audit_log (exports are audited);
nothing else is written.
"""

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psutil
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

READ_SIZE = 1 << 20
MB = 1e6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_sql_and_url(report_name: str) -> tuple[str, str]:
    """The report's query as PostgreSQL text (every cell as its text), and a libpq URL."""
    from lms import create_app
    from lms.db import db
    from lms.models import UserRole, utcnow
    from lms.reports.filters import ReportFilters
    from lms.reports.registry import REPORTS
    from lms.reports.stream import cell_query
    from lms.roles import Viewer

    app = create_app()
    with app.app_context():
        stmt = REPORTS[report_name].build(ReportFilters(as_of=utcnow()), Viewer(UserRole.ADMIN))
        sql = cell_query(stmt).compile(
            dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}
        )
        url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    return str(sql), url


def time_copy(url: str, sql: str) -> dict:
    """psql's `\\copy (…) to stdout csv`, read as fast as psycopg delivers it."""
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        size = 0
        with conn.cursor() as cur:
            with cur.copy(f"COPY ({sql}) TO STDOUT WITH CSV") as copy:
                for data in copy:
                    size += len(data)
            rows = cur.rowcount
        return {"seconds": time.perf_counter() - started, "bytes": size, "rows": rows}


def time_psql(url: str, sql: str) -> dict | None:
    """The same COPY run by psql itself (a C client), output thrown away; None without psql."""
    psql = os.environ.get("PSQL") or shutil.which("psql")
    if psql is None:
        return None
    command = [
        psql,
        url,
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        f"COPY ({sql}) TO STDOUT WITH CSV",
    ]
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    return {"seconds": time.perf_counter() - started}


class Server:
    """gunicorn serving the app on a free port of 127.0.0.1 (one sync worker)."""

    def __init__(self):
        self.port = free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--timeout",
            "600",
            "--bind",
            f"127.0.0.1:{self.port}",
            "app:app",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn exited: " + self.process.stderr.read().decode())
            try:
                status, _headers, _body = self.request("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit("gunicorn did not answer /healthz in time")

    def worker(self) -> psutil.Process:
        return psutil.Process(self.process.pid).children()[0]

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, response.headers, data

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def sign_in(server: Server, email: str, password: str) -> str:
    """The session cookie of a signed-in staff member (CSRF token taken from the form)."""
    _status, headers, page = server.request("GET", "/login")
    cookie = SimpleCookie(headers["Set-Cookie"])["session"].value
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
    form = urlencode({"email": email, "password": password, "csrf_token": token})
    status, headers, _body = server.request(
        "POST",
        "/login",
        form,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"session={cookie}"},
    )
    if status != 302 or "Set-Cookie" not in headers:
        raise SystemExit(
            f"could not sign in as {email} (status {status}): set BENCH_EMAIL and "
            "BENCH_PASSWORD, or give the account a password with `flask user`"
        )
    return SimpleCookie(headers["Set-Cookie"])["session"].value


def kib(pid: int, field: str) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.M).group(1))


def time_download(server: Server, cookie: str, report: str) -> dict:
    """Download the report, reading 1 MiB at a time; the worker's memory is watched meanwhile."""
    worker = server.worker()
    # Reset the kernel's peak-RSS mark, so VmHWM afterwards is this download's peak.
    Path(f"/proc/{worker.pid}/clear_refs").write_text("5")
    before = kib(worker.pid, "VmRSS")
    peak = [before]
    done = threading.Event()

    def watch():
        while not done.wait(0.05):
            peak[0] = max(peak[0], worker.memory_info().rss // 1024)

    threading.Thread(target=watch, daemon=True).start()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", f"/admin/reports/{report}.csv", headers={"Cookie": f"session={cookie}"})
    response = conn.getresponse()
    assert response.status == 200, response.status
    first = response.read1(READ_SIZE)
    first_byte = time.perf_counter() - started
    # Line feeds, not CRLFs: a read may split a CRLF in two.
    size, lines = len(first), first.count(b"\n")
    while chunk := response.read1(READ_SIZE):
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    done.set()
    conn.close()
    # VmHWM is the kernel's own high-water mark: no peak slips between two samples.
    high_water = max(kib(worker.pid, "VmHWM"), peak[0])
    return {
        "seconds": seconds,
        "bytes": size,
        "rows": lines - 1,
        "first_byte": first_byte,
        "rss_before_mb": before / 1024,
        "rss_growth_mb": (high_water - before) / 1024,
    }


def time_every_report() -> None:
    """Each report streamed in-process (no HTTP, no audit row), as an admin and an instructor."""
    from sqlalchemy import select

    from lms import create_app
    from lms.db import db
    from lms.models import Course, UserRole, utcnow
    from lms.reports.filters import ReportFilters, resolve_course
    from lms.reports.registry import REPORTS
    from lms.reports.stream import csv_chunks
    from lms.roles import Viewer

    app = create_app()
    with app.app_context():
        teacher, slug = db.session.execute(
            select(Course.instructor_id, Course.slug)
            .where(Course.instructor_id.is_not(None))
            .limit(1)
        ).one()
        print("| report | viewer | rows | MB | seconds |\n|---|---|---|---|---|")
        for report in REPORTS.values():
            for viewer in (Viewer(UserRole.ADMIN), Viewer(UserRole.INSTRUCTOR, teacher)):
                if viewer.role not in report.roles:
                    continue
                filters = resolve_course(
                    db.session,
                    ReportFilters(
                        as_of=utcnow(), course_slug=slug if report.course_required else None
                    ),
                    viewer,
                )
                started, size, lines = time.perf_counter(), 0, 0
                for chunk in csv_chunks(db.engine, report.build(filters, viewer), report.headers):
                    size, lines = size + len(chunk), lines + chunk.count(b"\n")
                print(
                    f"| {report.name} | {viewer.role.name.lower()} | {lines - 1:,} | "
                    f"{size / MB:.1f} | {time.perf_counter() - started:.2f} |"
                )


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def report(copies: list[dict], psqls: list[dict], downloads: list[dict]) -> None:
    rows, copy_bytes = copies[0]["rows"], median(copies, "bytes")
    for run in psqls:
        run["bytes"] = copy_bytes  # the same COPY output
    paths = [
        ("COPY … TO STDOUT WITH CSV (psycopg)", copies),
        ("COPY … TO STDOUT WITH CSV (psql)", psqls),
        ("HTTP export via gunicorn", downloads),
    ]
    print(f"rows: {rows:,}   runs: {len(copies)} each, alternating; medians below")
    print("| path | seconds | rows/s | MB/s | MB |")
    print("|---|---|---|---|---|")
    for name, runs in paths:
        if runs:
            seconds = median(runs, "seconds")
            print(
                f"| {name} | {seconds:.2f} | {rows / seconds:,.0f} | "
                f"{median(runs, 'bytes') / MB / seconds:.1f} | "
                f"{median(runs, 'bytes') / MB:.0f} |"
            )
    # Against the faster of the two COPY clients: the conservative ratio.
    fastest_copy = min(median(runs, "seconds") for _name, runs in paths[:2] if runs)
    print(f"export / COPY throughput (rows/s): {fastest_copy / median(downloads, 'seconds'):.0%}")
    print(
        f"time to first byte: {median(downloads, 'first_byte') * 1000:.0f} ms; "
        f"worker RSS before: {median(downloads, 'rss_before_mb'):.0f} MB; "
        f"peak growth: max {max(r['rss_growth_mb'] for r in downloads):.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--report", default="transactions", help="report name")
    parser.add_argument(
        "--every-report",
        action="store_true",
        help="instead: time each report in-process (no HTTP, no COPY)",
    )
    args = parser.parse_args()
    if args.every_report:
        time_every_report()
        return
    sql, url = copy_sql_and_url(args.report)
    server = Server()
    try:
        server.wait_ready()
        cookie = sign_in(
            server,
            os.environ.get("BENCH_EMAIL", "admin@example.com"),
            os.environ.get("BENCH_PASSWORD", "demo-password-123"),
        )
        copies, psqls, downloads = [], [], []
        for _ in range(args.runs):
            copies.append(time_copy(url, sql))
            psql = time_psql(url, sql)
            psqls += [psql] if psql else []
            downloads.append(time_download(server, cookie, args.report))
            print(
                f"  COPY {copies[-1]['seconds']:.2f}s  "
                f"psql {psql['seconds'] if psql else float('nan'):.2f}s  "
                f"HTTP {downloads[-1]['seconds']:.2f}s "
                f"(+{downloads[-1]['rss_growth_mb']:.1f} MB)",
                file=sys.stderr,
            )
        if {d["rows"] for d in downloads} != {copies[0]["rows"]}:
            print(
                "note: line counts differ from COPY's row count (line breaks inside fields?)",
                file=sys.stderr,
            )
        report(copies, psqls, downloads)
    finally:
        server.stop()


if __name__ == "__main__":
    main()

"""Downloads at once: EXPORTS_PER_USER per person and EXPORTS_TOTAL in all, in every process;
a download nobody reads ends after EXPORT_STALL_SECONDS; pages keep answering meanwhile."""

import html
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from report_support import parse_csv
from served import Visitor, gunicorn, read_to_the_end, wait_until
from sqlalchemy import Integer, Text, column, create_engine, func, select, text
from support import STAFF_PASSWORD
from werkzeug.test import EnvironBuilder

from lms.db import db
from lms.models import AuditEntry, UserRole
from lms.reports import export, stream
from lms.reports.slots import TOTAL, ExportsBusy, take_slot, user_namespace
from lms.seed.demo import DEMO_PASSWORD

DOWNLOAD = "/admin/reports/transactions.csv"
LIST_EXPORT = "/admin/transaction/export.csv"

SLOT_HOLDERS_SQL = """
    SELECT pid FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND objsubid = 2
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND classid = hashtext(:namespace)::oid"""
SLOT_HOLDERS = text(SLOT_HOLDERS_SQL)  # the database sessions holding a namespace's slots
SLOTS_HELD = text(f"SELECT count(*) FROM ({SLOT_HOLDERS_SQL}) AS holders")
EXPORT_SESSIONS = text("""
    SELECT count(*) FROM pg_stat_activity
    WHERE datname = current_database() AND backend_type = 'client backend'
      AND pid <> pg_backend_pid() AND (state <> 'idle' OR query LIKE 'FETCH%')""")


@pytest.fixture
def database(db_url):
    """Questions about the test's database, asked on a connection of its own."""
    engine = create_engine(db_url)

    def scalar(statement, **params):
        with engine.connect() as conn:
            return conn.scalar(statement, params)

    yield scalar
    engine.dispose()


@pytest.fixture
def slot_connections(monkeypatch) -> list:
    """Every connection a download takes its slots on, kept (so none is freed by the garbage
    collector instead of by the code under test)."""
    taken = []

    def take_and_keep(*args, **kwargs):
        taken.append(take_slot(*args, **kwargs))
        return taken[-1]

    monkeypatch.setattr(export, "take_slot", take_and_keep)
    return taken


def slots_held(database, user_id) -> tuple[int, int]:
    """(the person's slots, the app's slots) held right now."""
    return (
        database(SLOTS_HELD, namespace=user_namespace(user_id)),
        database(SLOTS_HELD, namespace=TOTAL),
    )


def numbers(count: int, *, pad: int = 0, fail_at: int | None = None):
    """A report-shaped SELECT of `count` rows (each `pad` characters wide); a division by
    zero at row `fail_at` stands for an error in the middle of a download."""
    series = func.generate_series(1, count).table_valued(column("n", Integer)).render_derived()
    n = series.c.n if fail_at is None else series.c.n / (fail_at - series.c.n) * 0 + series.c.n
    return select(n.label("n"), func.repeat("x", pad, type_=Text).label("pad"))


def exports_logged(app) -> list[dict]:
    """The details of every export in the audit log, oldest first."""
    with app.app_context():
        return db.session.scalars(
            select(AuditEntry.details).where(AuditEntry.action == "export").order_by(AuditEntry.id)
        ).all()


# --- the limits, in one process ----------------------------------------------------------


@pytest.mark.parametrize("third", [DOWNLOAD, LIST_EXPORT], ids=["reports page", "list view"])
def test_a_third_download_at_once_gets_429_with_retry_after_on_the_error_page(
    app, instructor_client, world, third
):
    held = [instructor_client.get(DOWNLOAD, buffered=False) for _ in range(2)]
    try:
        assert [response.status_code for response in held] == [200, 200]
        refused = instructor_client.get(third)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == str(app.config["EXPORT_STALL_SECONDS"])
        page = html.unescape(refused.get_data(as_text=True))
        assert "429 · Slow down" in page  # the app's error page, with why
        assert "You already have 2 CSV downloads running" in page
    finally:
        for response in held:
            response.close()
    assert instructor_client.get(third).status_code == 200  # the slots were given back
    assert len(exports_logged(app)) == 3  # the refused download is not logged as an export


def test_the_total_limit_counts_every_person(app, admin_client, instructor_client, world, database):
    app.config["EXPORTS_TOTAL"] = 3
    held = [admin_client.get(DOWNLOAD, buffered=False) for _ in range(2)]
    held.append(instructor_client.get(DOWNLOAD, buffered=False))
    try:
        assert [response.status_code for response in held] == [200] * 3
        refused = instructor_client.get(DOWNLOAD)  # their second of two, the fourth in all
        assert refused.status_code == 429 and refused.headers["Retry-After"]
        assert "3 CSV downloads are already running" in html.unescape(refused.get_data(True))
        # The personal slot it had taken is given back with the refusal.
        assert slots_held(database, instructor_client.user_id) == (1, 3)
    finally:
        for response in held:
            response.close()
    assert instructor_client.get(DOWNLOAD).status_code == 200


def test_a_limit_of_0_means_no_limit(app, admin_client, world, database):
    app.config.update(EXPORTS_PER_USER=0, EXPORTS_TOTAL=0)
    held = [admin_client.get(DOWNLOAD, buffered=False) for _ in range(5)]
    try:
        assert [response.status_code for response in held] == [200] * 5
        assert slots_held(database, admin_client.user_id) == (0, 0)
    finally:
        for response in held:
            response.close()


def read_all(body) -> None:
    parse_csv(b"".join(body))


def leave_after_one_batch(body) -> None:
    next(body)


def read_into_the_error(body) -> None:
    with pytest.raises(Exception, match="division by zero"):
        b"".join(body)


@pytest.mark.parametrize(
    "ending, fail_at",
    [(read_all, None), (leave_after_one_batch, None), (read_into_the_error, 55)],
    ids=["finished", "client gone", "error"],
)
def test_a_download_holds_one_slot_of_each_kind_until_it_ends(
    app, admin_client, database, slot_connections, monkeypatch, ending, fail_at
):
    monkeypatch.setattr(stream, "BATCH_ROWS", 10)
    monkeypatch.setattr(export, "prepare", lambda *args, **kwargs: numbers(100, fail_at=fail_at))
    response = admin_client.get(DOWNLOAD, buffered=False)
    try:
        body = iter(response.response)
        next(body)  # the header line: the download has started
        assert slots_held(database, admin_client.user_id) == (1, 1)
        with app.app_context():
            # The slot's connection is outside the pool: pages never wait for a download's.
            assert db.engine.pool.checkedout() == 0
        ending(body)
    finally:
        response.close()  # what the server does after the last byte, a lost client or an error
    assert slots_held(database, admin_client.user_id) == (0, 0)
    assert database(EXPORT_SESSIONS) == 0
    assert [conn.closed for conn in slot_connections] == [True]


def test_a_download_closed_before_its_first_byte_gives_its_slots_back(
    app, admin_client, database, slot_connections
):
    session = admin_client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    environ = EnvironBuilder(
        path=DOWNLOAD, headers={"Cookie": f"{session.key}={session.value}"}
    ).get_environ()
    started = []
    body = app(environ, lambda status, headers, exc_info=None: started.append(status))
    assert started == ["200 OK"]
    assert slots_held(database, admin_client.user_id) == (1, 1)
    body.close()  # e.g. the server failed to send the headers
    assert slots_held(database, admin_client.user_id) == (0, 0)
    assert [conn.closed for conn in slot_connections] == [True]


# --- across processes --------------------------------------------------------------------

HOLDER = """
import sys, time
from sqlalchemy import create_engine
from lms.reports.slots import take_slot
held = take_slot(create_engine(sys.argv[1]), "teacher", per_user=1, total=2)
print("held", flush=True)
time.sleep(600)
"""


def test_slots_held_in_another_process_count_and_a_killed_process_frees_them(db_url):
    engine = create_engine(db_url)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, db_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "held\n", holder.stderr.read()
        with pytest.raises(ExportsBusy, match="You already have 1 CSV download"):
            take_slot(engine, "teacher", per_user=1, total=2)
        second = take_slot(engine, "someone else", per_user=1, total=2)
        with pytest.raises(ExportsBusy, match="2 CSV downloads are already running"):
            take_slot(engine, "a third person", per_user=1, total=2)
        second.close()
        holder.kill()  # SIGKILL: nothing in the process runs, PostgreSQL ends its session
        holder.wait()

        def teacher_may_download_again():
            try:
                take_slot(engine, "teacher", per_user=1, total=1).close()
                return True
            except ExportsBusy:
                return False

        wait_until(teacher_may_download_again, "the killed process's slots were not freed")
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        engine.dispose()


# --- a download nobody reads, on the development server ------------------------------------


def request_threads() -> int:
    return sum("process_request_thread" in thread.name for thread in threading.enumerate())


def test_a_download_nobody_reads_is_ended_after_the_stall_limit(
    app, live_server, make_staff, database, monkeypatch
):
    app.config["EXPORT_STALL_SECONDS"] = 1
    rows = 50_000  # 1 kB each: far more than the socket buffers hold
    monkeypatch.setattr(export, "prepare", lambda *args, **kwargs: numbers(rows, pad=1000))
    user_id, email = make_staff(UserRole.ADMIN)
    visitor = Visitor(live_server)
    visitor.sign_in(email, STAFF_PASSWORD)

    sock, status, _head = visitor.open_unread(DOWNLOAD)
    try:
        assert status == 200
        wait_until(
            lambda: slots_held(database, user_id) == (0, 0),
            "the download nobody reads still holds its slots",
        )
        wait_until(lambda: request_threads() == 0, "a server thread is still stuck in it")
        assert database(EXPORT_SESSIONS) == 0  # its cursor and connection are gone
        body = read_to_the_end(sock)  # the server has closed the connection
    finally:
        sock.close()
    assert not body.endswith(b"0\r\n\r\n")  # cut off: the last chunk never came
    (logged,) = exports_logged(app)
    assert logged["complete"] is False and 0 < logged["rows"] < rows


def test_a_stall_limit_of_0_never_cuts_a_download(app, live_server, make_staff, monkeypatch):
    app.config["EXPORT_STALL_SECONDS"] = 0
    rows = 20_000
    monkeypatch.setattr(export, "prepare", lambda *args, **kwargs: numbers(rows, pad=1000))
    _user_id, email = make_staff(UserRole.ADMIN)
    visitor = Visitor(live_server)
    visitor.sign_in(email, STAFF_PASSWORD)
    sock, status, _head = visitor.open_unread(DOWNLOAD)  # a small receive buffer, then…
    try:
        body = read_to_the_end(sock)  # …read as fast as it can: the server often has to wait
    finally:
        sock.close()
    assert status == 200 and body.endswith(b"0\r\n\r\n")  # the last chunk came


def test_without_a_stall_limit_a_refusal_says_to_retry_after_a_minute(app, admin_client):
    app.config.update(EXPORTS_PER_USER=1, EXPORT_STALL_SECONDS=0)
    held = admin_client.get(DOWNLOAD, buffered=False)
    try:
        refused = admin_client.get(DOWNLOAD)
        assert (refused.status_code, refused.headers["Retry-After"]) == (429, "60")
    finally:
        held.close()


# --- gunicorn as in production: pages answer while one person hoards downloads -------------

ADA_TRANSACTIONS = 60_000  # ~12 MB of CSV, more than the socket buffers of a stuck download
BULK_TRANSACTIONS = text("""
    INSERT INTO transactions (id, "userId", "courseId", amount, currency, status, provider,
                              "createdAt", "updatedAt")
    SELECT 'bulk-' || n, student.id, course.id, 49.00, 'USD', 'COMPLETED', 'stripe',
           now() - n * interval '1 minute', now() - n * interval '1 minute'
    FROM generate_series(1, :count) AS n,
         (SELECT id FROM users WHERE role = 'STUDENT' ORDER BY id LIMIT 1) AS student,
         (SELECT c.id FROM courses c JOIN users u ON u.id = c."instructorId"
          WHERE u.email = 'ada@example.com' ORDER BY c.id LIMIT 1) AS course""")


@pytest.fixture
def busy_database(fresh_database, demo_template):
    """A copy of the demo data where Ada's course has sold many times."""
    url = fresh_database(demo_template)
    engine = create_engine(url)
    with engine.begin() as conn:
        assert conn.execute(BULK_TRANSACTIONS, {"count": ADA_TRANSACTIONS}).rowcount
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE transactions"))
        ada_rows = conn.scalar(
            text("""
            SELECT count(*) FROM transactions t JOIN courses c ON c.id = t."courseId"
            JOIN users u ON u.id = c."instructorId" WHERE u.email = 'ada@example.com'""")
        )
        ada_id = conn.scalar(text("SELECT id FROM users WHERE email = 'ada@example.com'"))
    engine.dispose()
    return url, ada_id, ada_rows


@pytest.mark.slow
def test_pages_answer_while_one_instructor_leaves_many_downloads_unread(busy_database, tmp_path):
    url, ada_id, ada_rows = busy_database
    engine = create_engine(url)

    def ada_slot_holders() -> list[int]:
        """The database sessions holding Ada's slots (one per download)."""
        with engine.connect() as conn:
            return sorted(conn.scalars(SLOT_HOLDERS, {"namespace": user_namespace(ada_id)}))

    stuck = []
    with gunicorn(url, tmp_path / "gunicorn.log", LMS_EXPORT_STALL_SECONDS="5") as base_url:
        ada = Visitor(base_url)
        ada.sign_in("ada@example.com", DEMO_PASSWORD)
        try:
            for _ in range(2):  # Ada's two slots, on downloads she never reads
                sock, status, _head = ada.open_unread(DOWNLOAD)
                stuck.append(sock)
                assert status == 200
            holders = ada_slot_holders()
            assert len(holders) == 2
            with ThreadPoolExecutor(max_workers=8) as pool:  # 38 more, at once
                refused = list(pool.map(lambda _: ada.get(DOWNLOAD), range(38)))
            health = Visitor(base_url).get("/healthz")[0]
            pages = [ada.get("/admin/transaction/")[0], ada.get("/admin/reports/")[0]]
            assert ada_slot_holders() == holders, (
                "the stall limit passed before the checks were done; raise it in this test"
            )

            assert [status for status, _headers, _body in refused] == [429] * 38
            assert all(headers["Retry-After"] == "5" for _status, headers, _body in refused)
            assert b"You already have 2 CSV downloads running" in refused[0][2]
            assert (health, pages) == (200, [200, 200])

            wait_until(lambda: not ada_slot_holders(), "the stuck downloads kept their slots")
            status, _headers, body = ada.get(DOWNLOAD)
            assert status == 200 and len(parse_csv(body)[1]) == ada_rows
        finally:
            for sock in stuck:
                sock.close()
            engine.dispose()

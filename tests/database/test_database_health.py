"""The Database page on the demo data: tables, PHASE 4 index use, the schema check, and
cancelling a long-running query (admins only, audited)."""

import re
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from support import csrf_token_from, sign_in

from lms.database import health, views
from lms.database.platform_schema import Drift
from lms.db import db
from lms.models import PLATFORM_MODELS, AuditEntry
from lms.seed.demo import DEMO_PASSWORD

PAGE = "/admin/database/"
CANCEL = "/admin/database/cancel"
NEVER_USED = re.compile(
    r'<tr data-index="([^"]+)">\s*<td><code>[^<]+</code> <span class="badge badge-danger">never'
)


def signed_in(app, email="admin@example.com"):
    client = app.test_client()
    assert sign_in(client, email, DEMO_PASSWORD).status_code == 302
    return client


def section(html: str, element_id: str) -> str:
    """The HTML of the table (or block) with this id, up to its end."""
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</table>", start)]


def phase4_scans(html: str) -> dict[str, int]:
    rows = re.findall(
        r'<tr data-index="([^"]+)">.*?data-scans="(\d+)"', section(html, "phase4-indexes"), re.S
    )
    return {name: int(scans) for name, scans in rows}


def index_scans(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT indexrelname, idx_scan FROM pg_stat_user_indexes")).all()
    engine.dispose()
    return dict(found)


def audited_cancels(app) -> list[AuditEntry]:
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEntry).where(AuditEntry.action == "cancel query"))
        )


# --- what the page shows -------------------------------------------------------------------


def test_every_phase4_index_exists_once_migrated(app):
    with app.app_context():
        names = set(db.session.scalars(text("SELECT indexname FROM pg_indexes")))
    assert set(health.PHASE4_INDEXES) - names == set()
    assert len(set(health.PHASE4_INDEXES)) == len(health.PHASE4_INDEXES)


def test_an_admin_sees_every_table_the_phase4_indexes_with_their_use_and_no_drift(demo_app):
    url = demo_app.config["SQLALCHEMY_DATABASE_URI"]
    client = signed_in(demo_app)
    # One real use of a PHASE 4 index, flushed to the statistics before the page reads them.
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        conn.exec_driver_sql("SET enable_bitmapscan = off")
        conn.exec_driver_sql("""SELECT * FROM lesson_progress WHERE completed = false
                                ORDER BY "progressId", "lastWatchedAt" DESC LIMIT 1""")
        conn.exec_driver_sql("SELECT pg_stat_force_next_flush()")
    engine.dispose()
    deadline = time.monotonic() + 10
    while index_scans(url)["lesson_progress_incomplete_idx"] < 1:
        assert time.monotonic() < deadline, "the index scan never reached the statistics"
        time.sleep(0.2)
    expected = {name: index_scans(url)[name] for name in health.PHASE4_INDEXES}

    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    shown = set(re.findall(r'<tr data-table="([^"]+)"', section(html, "tables")))
    assert set(PLATFORM_MODELS) <= shown
    assert phase4_scans(html) == expected
    assert expected["lesson_progress_incomplete_idx"] >= 1
    unused = re.findall(NEVER_USED, section(html, "phase4-indexes"))
    assert set(unused) == {name for name, scans in expected.items() if scans == 0}
    assert 'id="no-drift"' in html and "No drift" in html
    # The embedded server has no pg_stat_statements: a sentence, not an error.
    assert "pg_stat_statements is not installed in this database" in html
    for heading in ("Dead rows, vacuum and analyze", "Connections", "Long-running queries"):
        assert heading in html


def test_sizes_and_counts_read_as_people_write_them(demo_app):
    html = signed_in(demo_app).get(PAGE).get_data(as_text=True)
    tables = section(html, "tables")
    assert re.search(r">\d+(\.\d)? (kB|MB|GB)<", tables)
    assert not re.search(r">\d{4,}<", tables), "a count or size without separators or unit"


def test_a_drift_or_a_failing_schema_check_is_shown_with_the_rest_of_the_page(
    demo_app, monkeypatch
):
    client = signed_in(demo_app)
    drift = [Drift("missing", "index", "courses_price_idx")]
    monkeypatch.setattr(views, "platform_drift", lambda conn: drift)
    html = client.get(PAGE).get_data(as_text=True)
    assert "missing index courses_price_idx" in html and "No drift" not in html

    def broken(conn):
        conn.exec_driver_sql("SELECT * FROM no_such_table")

    monkeypatch.setattr(views, "platform_drift", broken)
    response = client.get(PAGE)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "The schema check could not run" in html
    assert 'id="tables"' in html  # the savepoint kept the transaction usable


def test_an_instructor_cannot_open_the_page_nor_cancel(demo_app):
    client = signed_in(demo_app, "ada@example.com")
    assert client.get(PAGE).status_code == 403
    token = csrf_token_from(client.get("/account/password").get_data(as_text=True))
    assert client.post(CANCEL, data={"pid": "1", "csrf_token": token}).status_code == 403
    assert audited_cancels(demo_app) == []


# --- cancelling ----------------------------------------------------------------------------


SLEEP = "SELECT pg_sleep(30), '<b>slow</b>' AS tag -- " + "x" * 400


@contextmanager
def sleeping_backend(url: str):
    """A connection running SLEEP in a thread; yields its pid and the error it ended with."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    sleeper = engine.connect()
    pid = sleeper.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    outcome: list[BaseException] = []

    def sleep():
        try:
            sleeper.exec_driver_sql(SLEEP)
        except DBAPIError as error:
            outcome.append(error.orig)

    thread = threading.Thread(target=sleep)
    thread.start()
    try:
        yield pid, outcome, thread
    finally:
        with engine.connect() as other:
            other.execute(text("SELECT pg_cancel_backend(:pid)"), {"pid": pid})
        thread.join(timeout=10)
        sleeper.close()
        engine.dispose()


def test_an_admin_cancels_a_long_running_query_and_the_audit_log_records_it(demo_app, monkeypatch):
    monkeypatch.setattr(health, "LONG_QUERY_AFTER", timedelta(seconds=0.5))
    client = signed_in(demo_app)
    with sleeping_backend(demo_app.config["SQLALCHEMY_DATABASE_URI"]) as (pid, outcome, thread):
        deadline = time.monotonic() + 10
        while f'<tr data-pid="{pid}">' not in (html := client.get(PAGE).get_data(as_text=True)):
            assert time.monotonic() < deadline, "the sleeping query never showed on the page"
            time.sleep(0.2)
        row = html[html.index(f'<tr data-pid="{pid}">') :]
        row = row[: row.index("</tr>")]
        # Escaped, and cut after QUERY_CHARS characters.
        assert "SELECT pg_sleep(30), &#39;&lt;b&gt;slow&lt;/b&gt;&#39; AS tag -- xxx" in row
        assert "<b>slow" not in row and "x" * 300 not in row and "x…</code>" in row
        response = client.post(
            CANCEL,
            data={"pid": str(pid), "csrf_token": csrf_token_from(row)},
            follow_redirects=True,
        )
        assert f"Cancelled the query of backend {pid}" in response.get_data(as_text=True)
        thread.join(timeout=10)
        assert len(outcome) == 1 and isinstance(outcome[0], psycopg.errors.QueryCanceled)
    (entry,) = audited_cancels(demo_app)
    assert entry.row_id == str(pid) and entry.user_email == "admin@example.com"
    assert entry.details["query"] == SLEEP[: health.QUERY_CHARS]


def test_a_cancel_the_database_user_may_not_send_is_refused_with_postgres_reason(app):
    """An app user that sees every session (pg_read_all_stats) but may not signal them."""
    role = f"lms_watcher_{uuid.uuid4().hex[:8]}"
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    owner = create_engine(url, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN IN ROLE pg_read_all_stats")
    watcher = create_engine(make_url(url).set(username=role, password=None))
    try:
        try:
            watcher.connect().close()
        except OperationalError:
            pytest.skip("this server does not let a new role sign in without a password")
        with sleeping_backend(url) as (pid, outcome, _thread), watcher.connect() as conn:
            deadline = time.monotonic() + 10
            while not conn.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p AND state = 'active'"),
                {"p": pid},
            ):
                assert time.monotonic() < deadline, "the sleeping query never started"
                conn.rollback()
                time.sleep(0.1)
            with pytest.raises(health.OperationRefused, match="PostgreSQL refused to cancel"):
                health.cancel_query(conn, pid)
            assert conn.scalar(text("SELECT 1")) == 1 and outcome == []
    finally:
        watcher.dispose()
        with owner.connect() as conn:
            conn.exec_driver_sql(f"DROP ROLE {role}")
        owner.dispose()


@pytest.mark.parametrize(
    ("pid", "message"),
    [
        (
            "999999",
            "Backend 999999 is not running a query in this database: it has already finished "
            "(or it is not one this page lists).",
        ),
        ("abc", "A backend id is a whole number, as listed on this page."),
        ("", "A backend id is a whole number, as listed on this page."),
        ("9999999999", "9999999999 is not a backend id."),
    ],
)
def test_cancelling_a_backend_that_is_not_running_says_so_and_records_nothing(
    demo_app, pid, message
):
    client = signed_in(demo_app)
    token = csrf_token_from(client.get("/account/password").get_data(as_text=True))
    response = client.post(CANCEL, data={"pid": pid, "csrf_token": token}, follow_redirects=True)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert audited_cancels(demo_app) == []


def test_the_page_never_cancels_its_own_backend(demo_app):
    with demo_app.test_request_context(), demo_app.app_context():
        conn = db.session.connection()
        own = conn.scalar(text("SELECT pg_backend_pid()"))
        with pytest.raises(health.OperationRefused, match="already finished"):
            health.cancel_query(conn, own)
        assert conn.scalar(text("SELECT 1")) == 1  # still usable, nothing cancelled
        db.session.rollback()


# --- pg_stat_statements --------------------------------------------------------------------


def test_statements_are_read_when_there_and_an_unreadable_view_is_a_sentence(app):
    with app.app_context():
        conn = db.session.connection()
        conn.exec_driver_sql("CREATE SCHEMA stats")
        conn.exec_driver_sql(
            """CREATE VIEW stats.pg_stat_statements AS
               SELECT d.oid AS dbid, 7::bigint AS calls, 70.0::float8 AS total_exec_time,
                      10.0::float8 AS mean_exec_time, 3::bigint AS rows,
                      'SELECT * FROM courses WHERE id = $1'::text AS query
               FROM pg_database d WHERE d.datname = current_database()"""
        )
        found = health.read_statements(conn, "stats")
        assert found.missing is None
        assert found.rows == [
            {
                "calls": 7,
                "total_ms": 70.0,
                "mean_ms": 10.0,
                "rows": 3,
                "query": "SELECT * FROM courses WHERE id = $1",
                "cut": False,
            }
        ]
        conn.exec_driver_sql("CREATE VIEW stats.broken AS SELECT 1 AS calls")
        conn.exec_driver_sql("DROP VIEW stats.pg_stat_statements")
        conn.exec_driver_sql("ALTER VIEW stats.broken RENAME TO pg_stat_statements")
        unreadable = health.read_statements(conn, "stats")
        assert unreadable.rows == []
        assert unreadable.missing.startswith("pg_stat_statements is installed but unreadable")
        assert conn.scalar(text("SELECT 1")) == 1  # the savepoint kept the transaction
        db.session.rollback()

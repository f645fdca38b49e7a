"""The same submission sent ten times at once, through gunicorn with several workers (as README
runs it), gives one result: one row, one refund, one certificate, one audit entry per change.

A double click, an impatient user, a browser resending a request: the rows come out the same.
"""

import copy
import re
import threading
from html import unescape
from pathlib import Path

import pytest
from html_forms import form_controls, submission
from sqlalchemy import create_engine, text

from bench.client import Client
from bench.server import gunicorn
from lms.seed.demo import DEMO_PASSWORD

pytestmark = pytest.mark.slow
TIMES = 10


@pytest.fixture(scope="module")
def served_demo(tmp_path_factory, pg_maintenance_url, demo_template):
    """The demo data served by gunicorn with 4 workers; yields (host, port, database)."""
    from support import database_url, drop_database

    name = "lms_test_concurrency"
    drop_database(pg_maintenance_url, name)
    engine = create_engine(pg_maintenance_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{demo_template}"'))
    engine.dispose()
    url = database_url(pg_maintenance_url, name)
    log = Path(tmp_path_factory.mktemp("gunicorn")) / "gunicorn.log"
    database = create_engine(url)
    with gunicorn({"DATABASE_URL": url}, workers=4, log_path=log) as (host, port, _process):
        yield host, port, database
    database.dispose()
    drop_database(pg_maintenance_url, name)


def sql(database, statement, **params):
    with database.begin() as conn:
        return conn.execute(text(statement), params).all()


def admin(host, port) -> Client:
    client = Client(host, port, timeout=120)
    assert client.sign_in("admin@example.com", DEMO_PASSWORD).status == 302
    return client


def at_once(client: Client, path: str, form: list[tuple[str, str]]) -> list[int]:
    """POST the same form TIMES times in parallel, from the same signed-in browser."""
    statuses = [0] * TIMES
    start = threading.Barrier(TIMES)

    def send(i):
        clone = copy.deepcopy(client)
        start.wait()
        statuses[i] = clone.request("POST", path, form).status

    threads = [threading.Thread(target=send, args=(i,)) for i in range(TIMES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(status and status < 500 for status in statuses), statuses
    return statuses


def page_form(client: Client, path: str) -> list[tuple[str, str]]:
    return submission(form_controls(client.get(path).body.decode()))


def list_action(client, endpoint, action, row_ids):
    html = client.get(f"/admin/{endpoint}/").body.decode()
    token = unescape(re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1))
    return [("csrf_token", token), ("action", action), *[("rowid", i) for i in row_ids]]


def audit_entries(database, table, row_id):
    return sql(
        database,
        'SELECT action FROM audit_log WHERE "tableName" = :t AND "rowId" = :r',
        t=table,
        r=row_id,
    )


def test_a_create_form_sent_ten_times_makes_one_row(served_demo):
    host, port, database = served_demo
    client = admin(host, port)
    form = dict(page_form(client, "/admin/course/new/"))
    form.update(
        title="Ten clicks, one course",
        description="Made once.",
        price="10.00",
        currency="USD",
        duration_hours="2",
        slug="",
    )
    at_once(client, "/admin/course/new/", list(form.items()))
    rows = sql(database, "SELECT id FROM courses WHERE title = 'Ten clicks, one course'")
    assert len(rows) == 1
    assert [a for (a,) in audit_entries(database, "courses", rows[0].id)] == ["create"]


def test_an_enrollment_sent_ten_times_enrolls_once(served_demo):
    host, port, database = served_demo
    ((user_id, course_id),) = sql(
        database,
        """
        SELECT u.id, c.id FROM users u CROSS JOIN courses c WHERE u.role = 'STUDENT'
        AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE e."userId" = u.id
                        AND e."courseId" = c.id) ORDER BY u.id, c.id LIMIT 1""",
    )
    client = admin(host, port)
    form = dict(page_form(client, "/admin/enrollment/enroll/"))
    form.update(user_id=user_id, course_id=course_id)
    at_once(client, "/admin/enrollment/enroll/", list(form.items()))
    counts = sql(
        database,
        """SELECT (SELECT count(*) FROM enrollments WHERE "userId" = :u AND
        "courseId" = :c), (SELECT count(*) FROM course_progress WHERE "userId" = :u AND
        "courseId" = :c), (SELECT count(*) FROM transactions WHERE "userId" = :u AND
        "courseId" = :c)""",
        u=user_id,
        c=course_id,
    )
    paid = sql(database, "SELECT price > 0 FROM courses WHERE id = :c", c=course_id)[0][0]
    assert counts == [(1, 1, 1 if paid else 0)]


def test_a_refund_clicked_ten_times_refunds_once(served_demo):
    host, port, database = served_demo
    ((transaction_id,),) = sql(
        database, "SELECT id FROM transactions WHERE status = 'COMPLETED' ORDER BY id LIMIT 1"
    )
    client = admin(host, port)
    at_once(
        client,
        "/admin/transaction/action/",
        list_action(client, "transaction", "refund", [transaction_id]),
    )
    assert sql(
        database, "SELECT status::text FROM transactions WHERE id = :i", i=transaction_id
    ) == [("REFUNDED",)]
    assert [a for (a,) in audit_entries(database, "transactions", transaction_id)] == ["update"]


def test_issue_certificate_clicked_ten_times_issues_one(served_demo):
    host, port, database = served_demo
    ((enrollment_id, user_id, course_id),) = sql(
        database,
        """
        UPDATE enrollments SET status = 'COMPLETED', "completedAt" = now()
        WHERE id = (SELECT e.id FROM enrollments e WHERE e.status = 'ACTIVE' AND NOT EXISTS (
            SELECT 1 FROM certificates c WHERE c."userId" = e."userId"
            AND c."courseId" = e."courseId") ORDER BY e.id LIMIT 1)
        RETURNING id, "userId", "courseId" """,
    )
    client = admin(host, port)
    at_once(
        client,
        "/admin/enrollment/action/",
        list_action(client, "enrollment", "issue_certificate", [enrollment_id]),
    )
    assert sql(
        database,
        'SELECT count(*) FROM certificates WHERE "userId" = :u AND "courseId" = :c',
        u=user_id,
        c=course_id,
    ) == [(1,)]


def test_a_bulk_action_clicked_ten_times_changes_and_audits_each_row_once(served_demo):
    host, port, database = served_demo
    ids = [
        i
        for (i,) in sql(
            database,
            "UPDATE courses SET featured = false WHERE id IN "
            "(SELECT id FROM courses ORDER BY id LIMIT 3) RETURNING id",
        )
    ]
    client = admin(host, port)
    at_once(client, "/admin/course/action/", list_action(client, "course", "feature", ids))
    assert sql(database, "SELECT count(*) FROM courses WHERE featured AND id = ANY(:i)", i=ids) == [
        (3,)
    ]
    for course_id in ids:
        assert [a for (a,) in audit_entries(database, "courses", course_id)] == ["update"]

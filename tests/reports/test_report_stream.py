"""Streaming (lms/reports/stream.py): header first, batches, a server-side cursor, disconnects."""

import pytest
from report_support import parse_csv
from sqlalchemy import Integer, column, create_engine, func, select, text

from lms.db import db
from lms.models import AuditEntry
from lms.reports import stream

OTHER_SESSIONS = """
    SELECT state, query FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND backend_type = 'client backend'
"""


@pytest.fixture
def observer(db_url):
    """A connection of its own, watching what the app's sessions are doing."""
    engine = create_engine(db_url)

    def sessions() -> list[tuple[str, str]]:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(OTHER_SESSIONS))]

    yield sessions
    engine.dispose()


def numbers(count: int):
    series = func.generate_series(1, count).table_valued(column("n", Integer)).render_derived()
    return select(series.c.n)


def test_header_leaves_first_then_one_chunk_per_batch(app_ctx):
    ended = []
    chunks = list(
        stream.csv_chunks(
            db.engine,
            numbers(95),
            ["n"],
            batch_rows=10,
            on_end=lambda rows, complete: ended.append((rows, complete)),
        )
    )
    assert chunks[0] == b"n\r\n"
    assert [chunk.count(b"\r\n") for chunk in chunks[1:]] == [10] * 9 + [5]
    assert parse_csv(b"".join(chunks)) == (["n"], [[str(n)] for n in range(1, 96)])
    assert ended == [(95, True)]


def test_rows_come_from_a_server_side_cursor_one_batch_at_a_time(app_ctx, observer):
    chunks = stream.csv_chunks(db.engine, numbers(1000), ["n"], batch_rows=100)
    try:
        next(chunks), next(chunks)  # the header, then the first batch
        # The query stays open on the server, fetched from batch by batch, not read in one go.
        busy = [(state, query.split(" FROM ")[0]) for state, query in observer() if state != "idle"]
        assert len(busy) == 1 and busy[0][0] == "idle in transaction"
        assert busy[0][1].startswith("FETCH FORWARD")
    finally:
        chunks.close()


def test_closing_the_stream_closes_the_cursor_and_ends_the_transaction(app_ctx, observer):
    ended = []
    chunks = stream.csv_chunks(
        db.engine,
        numbers(1000),
        ["n"],
        batch_rows=100,
        on_end=lambda rows, complete: ended.append((rows, complete)),
    )
    next(chunks), next(chunks), next(chunks)
    chunks.close()
    assert ended == [(200, False)]
    assert [state for state, _query in observer() if state != "idle"] == []


def test_a_client_that_disconnects_stops_the_export(
    app, admin_client, world, observer, monkeypatch
):
    monkeypatch.setattr(stream, "BATCH_ROWS", 3)
    response = admin_client.get("/admin/reports/transactions.csv", buffered=False)
    try:
        body = iter(response.response)
        first = next(body) + next(body)  # the header and the first batch of the 10 rows
        assert 0 < len(parse_csv(first)[1]) <= 3
        assert [state for state, query in observer() if query.startswith("FETCH FORWARD")] == [
            "idle in transaction"
        ]
    finally:
        response.close()  # what the server does when the client's socket is gone
    assert [(state, query) for state, query in observer() if state != "idle"] == []
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry)).one()
    assert entry.details["complete"] is False and entry.details["rows"] < 10

"""Per-request SQL time in a Server-Timing header for bench/run.py (when LMS_BENCH_TIMING=1)."""

import os
import time

from flask import Flask, g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

HEADER = "Server-Timing"
WORKER_HEADER = "X-Bench-Worker"


def _before_cursor(conn, cursor, statement, parameters, context, executemany):
    conn.info.setdefault("bench_started", []).append(time.perf_counter())


def _after_cursor(conn, cursor, statement, parameters, context, executemany):
    started = conn.info["bench_started"].pop()
    # psycopg's client-side cursors fetch the whole result inside execute, so this is the
    # statement's round trip; rows streamed later from a server-side cursor are not counted.
    if has_request_context() and "bench_sql" in g:
        g.bench_sql[0] += time.perf_counter() - started
        g.bench_sql[1] += 1


def _start_request():
    g.bench_sql = [0.0, 0]
    g.bench_started = time.perf_counter()


def _add_header(response):
    if "bench_sql" in g:
        seconds, statements = g.bench_sql
        total = time.perf_counter() - g.bench_started
        response.headers[HEADER] = (
            f'db;dur={seconds * 1000:.2f};desc="{statements} statements", '
            f"app;dur={total * 1000:.2f}"
        )
        response.headers[WORKER_HEADER] = str(os.getpid())
    return response


def install(app: Flask) -> None:
    """Time every SQL statement of a request and report the sum with the response."""
    if not event.contains(Engine, "before_cursor_execute", _before_cursor):
        event.listen(Engine, "before_cursor_execute", _before_cursor)
        event.listen(Engine, "after_cursor_execute", _after_cursor)
    # First in line, so queries of other before_request hooks (the signed-in user) count too.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_add_header)

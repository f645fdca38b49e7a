"""Each request's SQL time and statement count: a slow-request log, and Server-Timing for bench.

- A request slower than LMS_SLOW_REQUEST_MS (default 1000; 0 turns it off) is logged as one
  JSON line on the `lms.slow_requests` logger: route, method, status, role, total, SQL time
  and statement count. Which pages hurt, without a profiler.
- With LMS_BENCH_TIMING=1 (bench/run.py) every response carries the same figures in a
  Server-Timing header.

Timing a statement costs two clock reads; the listeners are installed once per process.
"""

import json
import logging
import os
import time

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from lms.roles import current_role

HEADER = "Server-Timing"
WORKER_HEADER = "X-Bench-Worker"
log = logging.getLogger("lms.slow_requests")


def _before_cursor(conn, cursor, statement, parameters, context, executemany):
    conn.info.setdefault("request_timing_started", []).append(time.perf_counter())


def _after_cursor(conn, cursor, statement, parameters, context, executemany):
    started = conn.info["request_timing_started"].pop()
    # psycopg's client-side cursors fetch the whole result inside execute, so this is the
    # statement's round trip; rows streamed later from a server-side cursor are not counted.
    if has_request_context() and "request_sql" in g:
        g.request_sql[0] += time.perf_counter() - started
        g.request_sql[1] += 1


def _start_request():
    g.request_sql = [0.0, 0]
    g.request_started = time.perf_counter()


def _finish_request(response):
    if "request_sql" not in g:
        return response
    seconds, statements = g.request_sql
    total = time.perf_counter() - g.request_started
    if current_app.config["BENCH_TIMING"]:
        response.headers[HEADER] = (
            f'db;dur={seconds * 1000:.2f};desc="{statements} statements", '
            f"app;dur={total * 1000:.2f}"
        )
        response.headers[WORKER_HEADER] = str(os.getpid())
    slow_ms = current_app.config["SLOW_REQUEST_MS"]
    if slow_ms and total * 1000 >= slow_ms:
        log.warning(slow_request_line(response.status_code, total, seconds, statements))
    return response


def slow_request_line(status: int, total: float, sql_seconds: float, statements: int) -> str:
    """One JSON line; the route's rule, not the URL, so no search text or ids are logged."""
    role = current_role()
    return json.dumps(
        {
            "event": "slow_request",
            "method": request.method,
            "route": request.url_rule.rule if request.url_rule else None,
            "endpoint": request.endpoint,
            "status": status,
            "role": role.value if role else None,
            "ms": round(total * 1000, 1),
            "sql_ms": round(sql_seconds * 1000, 1),
            "sql_statements": statements,
        }
    )


def install(app: Flask) -> None:
    """Time every SQL statement of a request; log slow requests; bench: a Server-Timing header."""
    if not event.contains(Engine, "before_cursor_execute", _before_cursor):
        event.listen(Engine, "before_cursor_execute", _before_cursor)
        event.listen(Engine, "after_cursor_execute", _after_cursor)
    # First in line, so queries of other before_request hooks (the signed-in user) count too.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_finish_request)

"""lms/request_timing.py: slow requests logged as JSON lines; Server-Timing for bench/run.py."""

import json
import logging
import re

from support import sign_in

from lms import create_app

TIMING = re.compile(r'^db;dur=[\d.]+;desc="(\d+) statements", app;dur=[\d.]+$')


def test_server_timing_only_when_asked(db_url, monkeypatch):
    plain = create_app({"DATABASE_URL": db_url, "TESTING": True})
    assert "Server-Timing" not in plain.test_client().get("/healthz").headers

    monkeypatch.setenv("LMS_BENCH_TIMING", "1")
    timed = create_app({"DATABASE_URL": db_url, "TESTING": True})
    response = timed.test_client().get("/healthz")
    match = TIMING.match(response.headers["Server-Timing"])
    assert match and int(match.group(1)) >= 1  # /healthz runs SELECT 1
    assert response.headers["X-Bench-Worker"].isdigit()
    for app in (plain, timed):
        with app.app_context():
            from lms.db import db

            db.engine.dispose()


def slow_lines(caplog) -> list[dict]:
    return [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "lms.slow_requests"
    ]


def test_slow_requests_are_logged_with_route_role_and_sql(db_url, make_staff, caplog):
    caplog.set_level(logging.WARNING, logger="lms.slow_requests")
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SLOW_REQUEST_MS": 1})
    client = app.test_client()
    sign_in(client, make_staff()[1])
    caplog.clear()
    assert client.get("/admin/course/?search=python").status_code == 200
    [line] = slow_lines(caplog)
    assert line["route"] == "/admin/course/" and line["endpoint"] == "course.index_view"
    assert line["role"] == "ADMIN" and line["status"] == 200 and line["method"] == "GET"
    assert line["sql_statements"] >= 2 and 0 < line["sql_ms"] <= line["ms"]
    assert "python" not in json.dumps(line)  # the rule, not the URL: no search text logged


def test_fast_requests_are_not_logged(db_url, caplog):
    caplog.set_level(logging.WARNING, logger="lms.slow_requests")
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SLOW_REQUEST_MS": 60_000})
    assert app.test_client().get("/healthz").status_code == 200
    assert slow_lines(caplog) == []

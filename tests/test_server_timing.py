"""LMS_BENCH_TIMING=1 adds each response's SQL time in a Server-Timing header (bench/run.py)."""

import re

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

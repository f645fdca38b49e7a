"""Seed data: the demo's shape and idempotence, the generated scales' consistency, the command."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from lms.db import db
from lms.seed.bulk import PLATFORM_TABLES, row_counts
from lms.seed.checks import broken_rules
from lms.seed.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo, seed_demo
from lms.seed.scaled import catalog as scaled_catalog
from lms.seed.scaled import generate
from lms.seed.scales import SCALES, Scale

ANCHOR = datetime(2026, 3, 1)
INDEX_NAMES = "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
TINY = Scale(
    users=300,
    courses=6,
    lessons=120,
    enrollments=900,
    lesson_progress=3000,
    quiz_attempts=300,
    instructors=4,
    admins=2,
)


def scalar(conn, sql: str, **params):
    return conn.scalar(text(sql), params)


def column(conn, sql: str, **params) -> list:
    return list(conn.scalars(text(sql), params))


@pytest.fixture
def demo(app_ctx):
    """A connection to a database holding the demo data set."""
    with db.engine.begin() as conn:
        load_demo(conn, ANCHOR)
    with db.engine.connect() as conn:
        yield conn


def snapshot(conn) -> dict[str, str]:
    """A digest of every row of every platform table (ids and values)."""
    digest = "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t"
    return {table: scalar(conn, digest.format(f'"{table}"')) for table in PLATFORM_TABLES}


def test_demo_has_the_promised_shape(demo):
    roles = dict(demo.execute(text("SELECT role::text, count(*) FROM users GROUP BY 1")).all())
    assert roles["ADMIN"] >= 1 and roles["INSTRUCTOR"] >= 2 and 45 <= roles["STUDENT"] <= 55
    for email, role in DEMO_ACCOUNTS:
        assert scalar(demo, "SELECT role::text FROM users WHERE email = :e", e=email) == role
    assert DEMO_PASSWORD and len(DEMO_PASSWORD) >= 12
    assert scalar(demo, "SELECT count(*) FROM courses WHERE published") == 6
    modules = column(demo, 'SELECT count(*) FROM course_modules GROUP BY "courseId"')
    assert len(modules) == 6 and all(3 <= n <= 5 for n in modules)
    assert 50 <= scalar(demo, "SELECT count(*) FROM lessons") <= 70
    assert 120 <= scalar(demo, "SELECT count(*) FROM enrollments") <= 180
    assert scalar(demo, 'SELECT count(*) FROM lesson_progress WHERE "watchTimeSeconds" > 0') > 800


def test_demo_has_every_status_and_the_special_cases(demo):
    statuses = set(column(demo, "SELECT DISTINCT status::text FROM transactions"))
    assert statuses == {"COMPLETED", "FAILED", "PENDING", "REFUNDED"}
    assert set(column(demo, "SELECT DISTINCT status::text FROM enrollments")) == {
        "ACTIVE",
        "COMPLETED",
        "EXPIRED",
        "CANCELLED",
    }
    # A payment whose user was deleted, shown as "deleted user".
    assert (
        scalar(
            demo,
            "SELECT count(*) FROM transactions t WHERE NOT EXISTS "
            '(SELECT 1 FROM users u WHERE u.id = t."userId")',
        )
        == 1
    )
    inactive = scalar(
        demo,
        """SELECT count(*) FROM course_progress p JOIN enrollments e
                               USING ("userId", "courseId") WHERE e.status = 'ACTIVE'
                               AND e."paymentStatus" = 'COMPLETED' AND "progressPercent" < 100
                               AND "lastAccessedAt" < :a - interval '30 days'""",
        a=ANCHOR,
    )
    assert inactive >= 3
    # Twelve months of enrolments, so the monthly charts have a full year.
    months = scalar(
        demo,
        """SELECT count(DISTINCT date_trunc('month', "enrolledAt"))
                             FROM enrollments WHERE "enrolledAt" > :a - interval '1 year'""",
        a=ANCHOR,
    )
    assert months >= 12


def test_demo_rows_agree_with_each_other(demo):
    assert broken_rules(demo, ANCHOR) == {}
    numbers = column(demo, 'SELECT "certificateNo" FROM certificates')
    assert numbers and all(re.fullmatch(r"LMS-\d{4}-\d{6}", n) for n in numbers)
    finished = scalar(demo, "SELECT count(*) FROM enrollments WHERE status = 'COMPLETED'")
    assert len(numbers) == finished
    attempts = dict(
        demo.execute(text("SELECT passed, count(*) FROM quiz_attempts GROUP BY 1")).all()
    )
    assert attempts[True] > 0 and attempts[False] > 0 and 150 <= sum(attempts.values()) <= 300
    analytics = demo.execute(
        text("""
        SELECT a."totalEnrollments", count(e.id), a."totalRevenue",
               (SELECT sum(amount) FROM transactions t
                WHERE t."courseId" = a."courseId" AND t.status = 'COMPLETED')
        FROM course_analytics a JOIN enrollments e USING ("courseId")
        GROUP BY a.id""")
    ).all()
    assert len(analytics) == 6
    assert all(total == counted and revenue == paid for total, counted, revenue, paid in analytics)


def test_loading_the_demo_again_changes_nothing(demo):
    before = snapshot(demo)
    demo.commit()
    # A year later too: every row is found again by its natural key, whatever the dates.
    for anchor in (ANCHOR, ANCHOR + timedelta(days=400)):
        with db.engine.begin() as conn:
            inserted = load_demo(conn, anchor)
        assert set(inserted.values()) == {0}
        assert snapshot(demo) == before


def test_seed_demo_commits_in_the_app_database(app_ctx):
    """The start-up auto-seed (lms/startup.py) calls seed_demo() with only an app context."""
    assert seed_demo()["courses"] == 6
    with db.engine.connect() as conn:
        assert scalar(conn, "SELECT count(*) FROM courses") == 6
    assert set(seed_demo().values()) == {0}


def test_generated_scale_keeps_every_rule(app_ctx):
    lines = []
    with db.engine.begin() as conn:
        indexes_before = set(column(conn, INDEX_NAMES))
        counts = generate(conn, TINY, ANCHOR, echo=lines.append)
    with db.engine.connect() as conn:
        assert broken_rules(conn, ANCHOR) == {}
        assert set(column(conn, INDEX_NAMES)) == indexes_before
        for email, role in DEMO_ACCOUNTS:
            assert scalar(conn, "SELECT role::text FROM users WHERE email = :e", e=email) == role
        assert (
            scalar(
                conn, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"
            )
            == 0
        )
        assert counts == row_counts(conn)
    assert (counts["users"], counts["courses"], counts["lessons"]) == (300, 6, 120)
    assert counts["enrollments"] == counts["course_progress"] == counts["transactions"]
    assert 0.8 * TINY.enrollments <= counts["enrollments"] <= TINY.enrollments
    assert counts["lesson_progress"] > 0 and counts["quiz_attempts"] > 0
    assert counts["certificates"] > 0 and counts["course_analytics"] == 6
    assert any("lesson_progress" in line for line in lines)


def test_generated_statuses_cover_every_value(app_ctx):
    with db.engine.begin() as conn:
        generate(conn, TINY, ANCHOR, echo=lambda line: None)
        payments = set(column(conn, "SELECT DISTINCT status::text FROM transactions"))
        progress = column(conn, 'SELECT DISTINCT "progressPercent" FROM course_progress')
    assert payments == {"COMPLETED", "FAILED", "PENDING", "REFUNDED"}
    assert 0 in progress and 100 in progress and len(progress) > 5


def test_seed_command_loads_demo_then_refuses_to_generate_over_it(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "Added" in first.output and "courses" in first.output
    again = runner.invoke(args=["seed"])
    assert again.exit_code == 0 and "already there" in again.output
    refused = runner.invoke(args=["seed", "--scale", "medium"])
    assert refused.exit_code == 1
    assert "not empty" in refused.output and "--reset" in refused.output
    with app.app_context(), db.engine.connect() as conn:
        assert scalar(conn, "SELECT count(*) FROM users") < 100


def test_seed_command_reset_replaces_the_data(app, monkeypatch):
    monkeypatch.setitem(SCALES, "medium", TINY)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed"]).exit_code == 0
    result = runner.invoke(args=["seed", "--scale", "medium", "--reset"])
    assert result.exit_code == 0, result.output
    assert "Rows per table" in result.output
    with app.app_context(), db.engine.connect() as conn:
        assert scalar(conn, "SELECT count(*) FROM users") == TINY.users
        assert (
            scalar(
                conn, "SELECT count(*) FROM courses WHERE slug = 'prompt-engineering-fundamentals'"
            )
            == 0
        )


def test_failed_generation_writes_nothing_and_keeps_the_indexes(app, monkeypatch):
    monkeypatch.setitem(SCALES, "medium", TINY)
    monkeypatch.setattr(scaled_catalog, "lessons_sql", lambda: "SELECT no_such_column")
    with app.app_context(), db.engine.connect() as conn:
        indexes = set(column(conn, INDEX_NAMES))
    result = app.test_cli_runner().invoke(args=["seed", "--scale", "medium"])
    assert result.exit_code == 1 and "nothing was written" in result.output
    with app.app_context(), db.engine.connect() as conn:
        assert scalar(conn, "SELECT count(*) FROM users") == 0
        assert set(column(conn, INDEX_NAMES)) == indexes


def test_scale_rejects_sizes_it_cannot_build():
    with pytest.raises(ValueError):
        Scale(
            users=100,
            courses=10,
            lessons=50,
            enrollments=100,
            lesson_progress=100,
            quiz_attempts=10,
            instructors=3,
            admins=1,
        )

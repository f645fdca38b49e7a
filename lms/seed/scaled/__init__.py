"""Generate a medium/large data set inside PostgreSQL: set-based statements, timed step by step."""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from lms.seed.bulk import drop_for_bulk_load, row_counts
from lms.seed.demo import DEMO_ACCOUNTS, DEMO_NAMES, anchor_today
from lms.seed.scaled import activity, catalog
from lms.seed.scales import Scale

# Session tuning only (nothing persists): big sorts and index builds in memory, and no flush
# wait at commit. Tables stay logged: these are the platform's tables.
SESSION_SETTINGS = [
    "SET LOCAL synchronous_commit = off",
    "SET LOCAL work_mem = '256MB'",
    "SET LOCAL maintenance_work_mem = '1GB'",
    "SET LOCAL max_parallel_maintenance_workers = 2",
    "SET LOCAL jit = off",
]


@dataclass
class Step:
    label: str
    run: Callable[[Connection], int | None]


def sql_step(label: str, sql: str, params: dict) -> Step:
    return Step(label, lambda conn: conn.execute(text(sql), params).rowcount)


def special_users(scale: Scale) -> str:
    """The demo accounts take the first user numbers of their role, so staff can sign in."""
    next_number = {"ADMIN": 1, "INSTRUCTOR": scale.admins + 1, "STUDENT": scale.first_student}
    special = {}
    for email, role in DEMO_ACCOUNTS:
        special[str(next_number[role])] = {"email": email, "name": DEMO_NAMES[email]}
        next_number[role] += 1
    return json.dumps(special)


def load_steps(scale: Scale, params: dict) -> list[Step]:
    """Catalog first, then the enrollment plan and every activity table derived from it."""
    statements = [
        ("users", catalog.users_sql(scale)),
        ("accounts", catalog.accounts_sql(scale)),
        ("sessions", catalog.sessions_sql(scale)),
        ("verification_tokens", catalog.verification_tokens_sql(scale)),
        ("plan: courses", catalog.course_plan_sql(scale)),
        ("courses", catalog.courses_sql(scale)),
        ("course_modules", catalog.modules_sql()),
        ("lessons", catalog.lessons_sql()),
        ("quizzes", catalog.quizzes_sql()),
        ("questions", catalog.questions_sql()),
        ("media", catalog.media_sql()),
        ("plan: enrollments", activity.enrollment_plan_sql(scale)),
        ("enrollments", activity.enrollments_sql()),
        ("course_progress", activity.course_progress_sql()),
        ("transactions", activity.transactions_sql()),
        ("lesson_progress", activity.lesson_progress_sql()),
        ("certificates", activity.certificates_sql()),
        ("course_analytics", activity.course_analytics_sql()),
    ]
    steps = [sql_step(label, sql, params) for label, sql in statements]
    steps.append(Step("quiz_attempts", lambda conn: load_quiz_attempts(conn, scale, params)))
    return steps


def load_quiz_attempts(conn: Connection, scale: Scale, params: dict) -> int:
    pairs = conn.scalar(text("SELECT coalesce(sum(modules_done), 0) FROM seed_enrollment"))
    share = activity.attempt_share(scale, int(pairs))
    return conn.execute(text(activity.quiz_attempts_sql(share)), params).rowcount


def rebuild_steps(dropped) -> list[Step]:
    """One step per table's indexes, then the foreign keys (validated against the new rows)."""
    by_table: dict[str, list[str]] = {}
    for table, ddl in dropped.indexes:
        by_table.setdefault(table, []).append(ddl)
    steps = [
        Step(f"indexes: {table} ({len(ddls)})", run_all(ddls)) for table, ddls in by_table.items()
    ]
    steps.append(
        Step(
            f"foreign keys ({len(dropped.foreign_keys)})",
            run_all([ddl for _, ddl in dropped.foreign_keys]),
        )
    )
    return steps


def run_all(statements: list[str]) -> Callable[[Connection], None]:
    def run(conn: Connection) -> None:
        for statement in statements:
            conn.execute(text(statement))

    return run


def tune_session(conn: Connection) -> None:
    for setting in SESSION_SETTINGS:
        conn.execute(text(setting))
    # temp_buffers may only change before the session's first temporary table; a pooled
    # connection that already used one keeps its value.
    try:
        with conn.begin_nested():
            conn.execute(text("SET LOCAL temp_buffers = '512MB'"))
    except Exception:
        pass


def generate(
    conn: Connection,
    scale: Scale,
    anchor: datetime | None = None,
    echo: Callable[[str], None] = print,
) -> dict[str, int]:
    """Fill an empty database at scale, inside the caller's transaction; returns row counts.

    The caller runs VACUUM (ANALYZE) after committing (it cannot run inside a transaction).
    """
    params = {"anchor": anchor or anchor_today(), "special": special_users(scale)}
    tune_session(conn)
    started = time.monotonic()
    dropped = drop_for_bulk_load(conn)
    steps = load_steps(scale, params) + rebuild_steps(dropped)
    steps.append(Step("drop plan tables", run_all(["DROP TABLE seed_enrollment, seed_course"])))
    for number, step in enumerate(steps, 1):
        step_started = time.monotonic()
        rows = step.run(conn)
        now = time.monotonic()
        count = f"{rows:>12,} rows" if rows is not None else " " * 17
        echo(
            f"[{number:2d}/{len(steps)}] {step.label:<36}{count} {now - step_started:7.1f}s"
            f"   (total {now - started:6.1f}s)"
        )
    return row_counts(conn)

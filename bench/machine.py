"""What the figures were measured on: CPUs, memory, load, PostgreSQL and the data's size."""

import os
import platform
from pathlib import Path

from sqlalchemy import text

from lms.db import db

COUNTED_TABLES = (
    "users",
    "courses",
    "lessons",
    "enrollments",
    "lesson_progress",
    "transactions",
    "quiz_attempts",
)
SETTINGS = ("shared_buffers", "work_mem", "effective_cache_size", "max_parallel_workers_per_gather")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gb() -> float:
    import psutil

    return psutil.virtual_memory().total / 2**30


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def database_facts() -> dict:
    """Version, settings, size and row counts; call in an app context."""
    conn = db.session
    facts = {
        "postgresql": conn.execute(text("SHOW server_version")).scalar(),
        "database_size": conn.execute(
            text("SELECT pg_size_pretty(pg_database_size(current_database()))")
        ).scalar(),
    }
    for name in SETTINGS:
        facts[name] = conn.execute(text(f"SHOW {name}")).scalar()
    facts["rows"] = {
        table: conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
        for table in COUNTED_TABLES
    }
    return facts


def migration_state(app) -> dict:
    """The database's Alembic revision and the code's head (the bench warns when they differ)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config()
    with db.engine.connect() as conn:
        current = sorted(MigrationContext.configure(conn).get_current_heads())
    return {"revision": current, "head": sorted(ScriptDirectory.from_config(config).get_heads())}


def describe() -> dict:
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "memory_gb": round(memory_gb(), 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "load_average_start": load_average(),
        **database_facts(),
    }

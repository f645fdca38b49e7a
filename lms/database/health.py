"""What PostgreSQL says about this database: sizes, index use, vacuum, connections, slow SQL.

Every figure comes from the statistics views and the catalog (pg_stat_*, pg_class), never
from counting rows, so each statement stays cheap on the 5M-row tables of a large platform.
Each function takes the connection to read and returns plain rows for the Database page.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from lms import audit
from lms.models import PLATFORM_MODELS
from lms.operations import OperationRefused

# The spec's PHASE 4 indexes: the "// PHASE 4: Optimized indexes" blocks of the platform
# spec's database-architecture.md, as Prisma names them and migrations/versions/0001_init.py
# creates them, then the partial and full-text indexes of
# migrations/versions/0002_database_optimization.py. A test checks each exists once migrated.
PHASE4_INDEXES = (
    "users_role_idx",
    "users_role_createdAt_idx",
    "users_createdAt_idx",
    "courses_published_featured_idx",
    "courses_published_featured_createdAt_idx",
    "courses_instructorId_idx",
    "courses_difficulty_idx",
    "courses_price_idx",
    "courses_createdAt_idx",
    "course_progress_userId_idx",
    "course_progress_userId_lastAccessedAt_idx",
    "course_progress_courseId_idx",
    "course_progress_lastAccessedAt_idx",
    "lesson_progress_progressId_idx",
    "lesson_progress_lessonId_idx",
    "lesson_progress_lastWatchedAt_idx",
    "transactions_userId_idx",
    "transactions_userId_createdAt_idx",
    "transactions_courseId_idx",
    "transactions_status_idx",
    "transactions_status_createdAt_idx",
    "transactions_createdAt_idx",
    "quiz_attempts_quizId_idx",
    "quiz_attempts_userId_idx",
    "quiz_attempts_userId_quizId_startedAt_idx",
    "quiz_attempts_userId_startedAt_idx",
    "certificates_userId_idx",
    "certificates_userId_issuedAt_idx",
    "certificates_courseId_idx",
    # 0002_database_optimization
    "courses_published_catalog_idx",
    "course_progress_incomplete_idx",
    "lesson_progress_incomplete_idx",
    "courses_search_vector_idx",
)

# A sequential scan reads the whole table: on a table this big, more of them than index
# scans usually means a missing index. Smaller tables are cheaper to read whole.
BIG_TABLE_BYTES = 10_000_000
# Active for longer than this (or in a transaction open this long): listed, and cancellable.
LONG_QUERY_AFTER = timedelta(seconds=5)
QUERY_CHARS = 300  # of each query's text shown; the rest is cut
TOP = 10  # long-running queries and slowest statements shown
CATALOG_ROWS = 500  # tables and indexes listed at most (a platform has about 90)
PG_INT_MAX = 2**31 - 1  # backend ids are int4


# Client connections. Without pg_read_all_stats, another role's sessions show neither their
# backend_type nor their state, only their user (background processes have none).
CLIENTS = "(backend_type = 'client backend' OR (backend_type IS NULL AND usesysid IS NOT NULL))"


def fetch(conn: Connection, sql: str, **params) -> list[dict]:
    return [dict(row) for row in conn.execute(text(sql), params).mappings()]


def overview(conn: Connection) -> dict:
    """The database's name and size, the server version, when its statistics began (UTC)."""
    return fetch(
        conn,
        f"""
        SELECT current_database() AS name, pg_database_size(current_database()) AS bytes,
               current_setting('server_version') AS version, current_schema() AS schema,
               d.stats_reset AT TIME ZONE 'UTC' AS stats_reset,
               current_setting('max_connections')::int AS max_connections,
               (SELECT count(*) FROM pg_stat_activity WHERE {CLIENTS}) AS server_connections
        FROM pg_stat_database d WHERE d.datname = current_database()""",
    )[0]


def tables(conn: Connection) -> list[dict]:
    """Every table of the current schema, biggest first: size, row estimate, scans, vacuum.

    `row_estimate` is pg_class.reltuples (None before the first VACUUM or ANALYZE); times
    are UTC; `seq_scan_flag` marks big tables read by sequential scans more than by index.
    """
    found = fetch(
        conn,
        """
        SELECT c.relname AS name,
               CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END AS row_estimate,
               pg_table_size(c.oid) AS table_bytes, pg_indexes_size(c.oid) AS index_bytes,
               pg_total_relation_size(c.oid) AS total_bytes,
               s.seq_scan, s.idx_scan, s.n_live_tup AS live_rows, s.n_dead_tup AS dead_rows,
               greatest(s.last_vacuum, s.last_autovacuum) AT TIME ZONE 'UTC' AS last_vacuum,
               s.last_autovacuum >= s.last_vacuum OR s.last_vacuum IS NULL AS auto_vacuum,
               greatest(s.last_analyze, s.last_autoanalyze) AT TIME ZONE 'UTC' AS last_analyze,
               s.last_autoanalyze >= s.last_analyze OR s.last_analyze IS NULL AS auto_analyze,
               pg_total_relation_size(c.oid) >= :big
                   AND s.seq_scan > coalesce(s.idx_scan, 0) AS seq_scan_flag
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
        ORDER BY total_bytes DESC, c.relname
        LIMIT :top""",
        big=BIG_TABLE_BYTES,
        top=CATALOG_ROWS,
    )
    for row in found:
        row["platform"] = row["name"] in PLATFORM_MODELS
        live, dead = row["live_rows"] or 0, row["dead_rows"] or 0
        row["dead_percent"] = 100 * dead / (live + dead) if live + dead else None
    return found


def indexes(conn: Connection) -> list[dict]:
    """Every index of the current schema by table: size, scans since the statistics reset,
    whether it is one of the spec's PHASE 4 indexes (and never used)."""
    return fetch(
        conn,
        """
        SELECT s.relname AS table_name, s.indexrelname AS name,
               pg_relation_size(s.indexrelid) AS bytes, s.idx_scan AS scans,
               i.indisprimary AS is_primary, i.indisunique AS is_unique,
               s.indexrelname = ANY(:phase4) AS phase4,
               s.indexrelname = ANY(:phase4) AND s.idx_scan = 0 AS never_used
        FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
        WHERE s.schemaname = current_schema()
        ORDER BY s.relname, s.indexrelname
        LIMIT :top""",
        phase4=list(PHASE4_INDEXES),
        top=CATALOG_ROWS,
    )


def phase4_indexes(conn: Connection) -> list[dict]:
    """Each PHASE 4 index in the spec's order, with its table, size and scans; `table_name`
    is None for one this database lacks."""
    return fetch(
        conn,
        """
        SELECT p.name, s.relname AS table_name, pg_relation_size(s.indexrelid) AS bytes,
               s.idx_scan AS scans, s.idx_scan = 0 AS never_used
        FROM unnest(CAST(:phase4 AS text[])) WITH ORDINALITY AS p(name, position)
        LEFT JOIN pg_stat_user_indexes s
               ON s.indexrelname = p.name AND s.schemaname = current_schema()
        ORDER BY p.position""",
        phase4=list(PHASE4_INDEXES),
    )


def connections_by_state(conn: Connection) -> list[dict]:
    """Client connections to this database per state (None: hidden from this database user)."""
    return fetch(
        conn,
        f"""
        SELECT state, count(*) AS connections
        FROM pg_stat_activity
        WHERE datname = current_database() AND {CLIENTS}
        GROUP BY state ORDER BY connections DESC, state""",
    )


# What "long-running" means, shared by the list and the cancel: another client backend of
# this database, busy (or in a transaction) for longer than LONG_QUERY_AFTER.
RUNNING = """
    SELECT pid, usename AS user_name, application_name, state,
           now() - CASE WHEN state = 'active' THEN query_start ELSE xact_start END AS duration,
           left(query, :chars) AS query, length(query) > :chars AS cut
    FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND backend_type = 'client backend' AND state <> 'idle'"""


def long_running_queries(conn: Connection) -> list[dict]:
    """The longest first; an idle transaction counts from its start (it holds back vacuum)."""
    return fetch(
        conn,
        f"""
        SELECT * FROM ({RUNNING}) running
        WHERE duration > :after ORDER BY duration DESC LIMIT :top""",
        chars=QUERY_CHARS,
        after=LONG_QUERY_AFTER,
        top=TOP,
    )


def cancel_query(conn: Connection, pid: int) -> dict:
    """Cancel the running statement of backend `pid` (another of this database) and audit it.

    OperationRefused when it is no longer running or the database user may not signal it.
    The caller commits (the audit entry).
    """
    if not 0 < pid <= PG_INT_MAX:
        raise OperationRefused(f"{pid} is not a backend id.")
    try:
        with conn.begin_nested():
            found = fetch(
                conn,
                f"""
                SELECT running.*, pg_cancel_backend(pid) AS signalled
                FROM ({RUNNING}) running WHERE pid = :pid AND state = 'active'""",
                chars=QUERY_CHARS,
                pid=pid,
            )
    except SQLAlchemyError as error:  # e.g. not a member of pg_signal_backend or its role
        reason = str(getattr(error, "orig", error)).splitlines()[0]
        raise OperationRefused(f"PostgreSQL refused to cancel backend {pid}: {reason}") from None
    if not found or not found[0]["signalled"]:
        raise OperationRefused(
            f"Backend {pid} is not running a query in this database: it has already finished "
            "(or it is not one this page lists)."
        )
    query = found[0]
    audit.record(
        "cancel query",
        "pg_stat_activity",
        str(pid),
        details={
            "pid": pid,
            "user": query["user_name"],
            "application": query["application_name"],
            "running_for_seconds": round(query["duration"].total_seconds(), 1),
            "query": query["query"],
        },
    )
    return query


@dataclass
class SlowStatements:
    """The slowest statements of pg_stat_statements, or why there are none to show."""

    rows: list[dict] = field(default_factory=list)
    missing: str | None = None


def slowest_statements(conn: Connection) -> SlowStatements:
    """Top statements of this database by mean time, when the extension is installed here
    and readable; never raises for a missing or unreadable one."""
    schema = conn.scalar(
        text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = 'pg_stat_statements'"
        )
    )
    if schema is None:
        return SlowStatements(
            missing="pg_stat_statements is not installed in this database, so there are "
            "no statement timings to show (it needs shared_preload_libraries and "
            "CREATE EXTENSION pg_stat_statements)."
        )
    return read_statements(conn, schema)


def read_statements(conn: Connection, schema: str) -> SlowStatements:
    """The top statements from `schema`.pg_stat_statements, or why they cannot be read."""
    view = conn.scalar(
        text("SELECT format('%I.pg_stat_statements', CAST(:s AS text))"), {"s": schema}
    )
    # PostgreSQL 13 renamed total_time to total_exec_time (and mean_time likewise).
    newer = int(conn.scalar(text("SHOW server_version_num")) or 0) >= 130000
    timed = "exec_time" if newer else "time"
    try:
        with conn.begin_nested():
            rows = fetch(
                conn,
                f"""
                SELECT calls, total_{timed} AS total_ms, mean_{timed} AS mean_ms, rows,
                       left(query, :chars) AS query, length(query) > :chars AS cut
                FROM {view}
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                ORDER BY mean_{timed} DESC LIMIT :top""",
                chars=QUERY_CHARS,
                top=TOP,
            )
    except SQLAlchemyError as error:  # not preloaded, no privilege, an older version
        reason = str(getattr(error, "orig", error)).splitlines()[0]
        return SlowStatements(missing=f"pg_stat_statements is installed but unreadable: {reason}")
    return SlowStatements(rows=rows)

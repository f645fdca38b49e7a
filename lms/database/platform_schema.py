"""The live catalog against the schema the platform's migrations create: every difference.

The expected schema is `platform_schema.json`: the catalog of a database migrated to
0002_database_optimization (the platform's `init` and `database_optimization`), read by
`read_catalog`. A test migrates a scratch database and compares, so it cannot go stale;
after changing migration 0001 or 0002, rewrite it with

    python -m lms.database.platform_schema --write

(it migrates a scratch database on the app's database server, then drops it). Only the
platform's tables and enums are compared: the app's own tables (0003+) are not its business.
"""

import json
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

PLATFORM_REVISION = "0002_database_optimization"
SNAPSHOT = Path(__file__).with_name("platform_schema.json")

# {"enums": {name: [labels]}, "tables": {name: {"columns": …, "indexes": …, "constraints": …}}}
Catalog = dict[str, Any]


@dataclass(frozen=True)
class Drift:
    """One difference between the live database and the platform schema."""

    change: str  # "missing" | "extra" | "changed"
    kind: str  # "table" | "column" | "enum" | "index" | "constraint"
    name: str  # "courses.price", "courses_published_catalog_idx", "UserRole"
    detail: str = ""  # 'type numeric(10,2) expected, text found'

    def __str__(self) -> str:
        line = f"{self.change} {self.kind} {self.name}"
        return f"{line}: {self.detail}" if self.detail else line


def platform_drift(connection: Connection) -> list[Drift]:
    """Every difference from the platform schema in the connection's current schema; [] if none."""
    expected = expected_schema()
    found = read_catalog(connection, tables=list(expected["tables"]))
    return compare(expected, found)


def verdict(drifts: list[Drift]) -> str:
    """One sentence: no drift (and how much was compared), or how many differences."""
    expected = expected_schema()
    if not drifts:
        return (
            f"No drift: the {len(expected['tables'])} platform tables and "
            f"{len(expected['enums'])} enums match migrations 0001_init + {PLATFORM_REVISION}."
        )
    plural = "difference" if len(drifts) == 1 else "differences"
    return f"{len(drifts)} {plural} from the platform schema (0001_init + {PLATFORM_REVISION})."


@cache
def expected_schema() -> Catalog:
    """The committed snapshot (read once; do not modify what it returns)."""
    catalog: Catalog = json.loads(SNAPSHOT.read_text())
    return catalog


# --- reading the catalog --------------------------------------------------------------------

ENUMS_SQL = """
    SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)
    FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    JOIN pg_enum e ON e.enumtypid = t.oid
    WHERE n.nspname = current_schema()
    GROUP BY t.typname ORDER BY t.typname"""

TABLES_SQL = """
    SELECT c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
      AND (CAST(:tables AS text[]) IS NULL OR c.relname = ANY(:tables))
      AND c.relname <> 'alembic_version'  -- Alembic's, in a snapshot's scratch database
    ORDER BY c.relname"""

COLUMNS_SQL = """
    SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
           a.attgenerated, a.attidentity, pg_get_expr(d.adbin, d.adrelid)
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relname = ANY(:tables)
      AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY c.relname, a.attnum"""

# Indexes that a constraint owns (primary keys, UNIQUE constraints) are read as constraints.
INDEXES_SQL = """
    SELECT t.relname, i.relname, ix.indisunique, ix.indisvalid, pg_get_indexdef(i.oid),
           quote_ident(n.nspname) || '.' || quote_ident(t.relname)
    FROM pg_index ix
    JOIN pg_class i ON i.oid = ix.indexrelid
    JOIN pg_class t ON t.oid = ix.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = current_schema() AND t.relname = ANY(:tables)
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                      WHERE k.conindid = i.oid AND k.conrelid = t.oid
                        AND k.contype IN ('p', 'u', 'x'))
    ORDER BY t.relname, i.relname"""

# NOT NULL (contype 'n' from PostgreSQL 18) is a column's nullability, compared there.
CONSTRAINTS_SQL = """
    SELECT t.relname, k.conname, pg_get_constraintdef(k.oid)
    FROM pg_constraint k
    JOIN pg_class t ON t.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = current_schema() AND t.relname = ANY(:tables)
      AND k.contype IN ('p', 'u', 'f', 'c', 'x')
    ORDER BY t.relname, k.conname"""


def read_catalog(connection: Connection, tables: list[str] | None = None) -> Catalog:
    """The enums and the tables (all, or only `tables`) of the connection's current schema."""
    found_tables = connection.execute(text(TABLES_SQL), {"tables": tables}).scalars().all()
    catalog: Catalog = {
        "enums": {name: list(labels) for name, labels in connection.execute(text(ENUMS_SQL))},
        "tables": {
            name: {"columns": {}, "indexes": {}, "constraints": {}} for name in found_tables
        },
    }
    by_table = catalog["tables"]
    params = {"tables": list(found_tables)}
    for table, column, type_, notnull, generated, identity, expression in connection.execute(
        text(COLUMNS_SQL), params
    ):
        shape = {"type": type_, "nullable": not notnull}
        if generated:
            shape["generated"] = expression
        elif expression is not None:
            shape["default"] = normal_default(expression)
        if identity:
            shape["identity"] = {"a": "ALWAYS", "d": "BY DEFAULT"}[identity]
        by_table[table]["columns"][column] = shape
    for table, index, unique, valid, definition, qualified in connection.execute(
        text(INDEXES_SQL), params
    ):
        by_table[table]["indexes"][index] = index_definition(definition, qualified, unique, valid)
    for table, constraint, definition in connection.execute(text(CONSTRAINTS_SQL), params):
        by_table[table]["constraints"][constraint] = definition
    return catalog


def index_definition(indexdef: str, qualified_table: str, unique: bool, valid: bool) -> str:
    """pg_get_indexdef without its name and schema-qualified table: 'UNIQUE btree (slug)'."""
    # pg_get_indexdef always qualifies the table, so a snapshot taken in schema public still
    # matches a platform database in another schema.
    pattern = rf"^CREATE (?:UNIQUE )?INDEX .*? ON (?:ONLY )?{re.escape(qualified_table)} USING "
    method_and_keys = re.sub(pattern, "", indexdef, count=1)
    definition = ("UNIQUE " if unique else "") + method_and_keys
    # A failed CREATE INDEX CONCURRENTLY leaves an index that is never used.
    return definition if valid else definition + " [invalid]"


# Prisma writes CURRENT_TIMESTAMP, SQLAlchemy now(): one function. (CURRENT_TIMESTAMP(0) is
# not: it drops the milliseconds.) A number is rendered 0, 0.00 or '-1'::integer.
CURRENT_TIMESTAMP = re.compile(r"^(now\(\)|transaction_timestamp\(\)|CURRENT_TIMESTAMP)$")
NUMBER = re.compile(
    r"^\(?'?(-?\d+(?:\.\d+)?)'?\)?"
    r"(?:::(?:integer|bigint|smallint|real|double precision|numeric(?:\(\d+,\d+\))?))?$"
)


def normal_default(expression: str) -> str:
    """One spelling for defaults PostgreSQL renders differently but that mean the same."""
    if CURRENT_TIMESTAMP.match(expression):
        return "CURRENT_TIMESTAMP"
    number = NUMBER.match(expression)
    if number:
        return format(Decimal(number.group(1)).normalize(), "f")
    return expression


# --- comparing ------------------------------------------------------------------------------

KIND_ORDER = ("enum", "table", "column", "index", "constraint")
OPTIONAL_ASPECTS = ("default", "generated", "identity")  # absent from a column: none


def compare(expected: Catalog, found: Catalog) -> list[Drift]:
    """Every difference between two catalogs (extra tables and enums are not platform ones)."""
    drifts = [*enum_drift(expected["enums"], found["enums"])]
    present = {}
    for table, shape in expected["tables"].items():
        if table in found["tables"]:
            present[table] = shape
            drifts += column_drift(table, shape["columns"], found["tables"][table]["columns"])
        else:
            drifts.append(Drift("missing", "table", table))
    found_present = {table: found["tables"][table] for table in present}
    drifts += named_drift("index", objects(present, "indexes"), objects(found_present, "indexes"))
    drifts += named_drift(
        "constraint", objects(present, "constraints"), objects(found_present, "constraints")
    )
    return sorted(drifts, key=lambda d: (KIND_ORDER.index(d.kind), d.name, d.change))


def enum_drift(expected: dict[str, list[str]], found: dict[str, list[str]]) -> list[Drift]:
    drifts = []
    for name, labels in expected.items():
        if name not in found:
            drifts.append(Drift("missing", "enum", name))
        elif found[name] != labels:
            missing = [label for label in labels if label not in found[name]]
            extra = [label for label in found[name] if label not in labels]
            notes = [f"{', '.join(missing)} missing"] * bool(missing)
            notes += [f"{', '.join(extra)} extra"] * bool(extra)
            notes = notes or ["order changed"]
            detail = f"labels {', '.join(labels)} expected, {', '.join(found[name])} found"
            drifts.append(Drift("changed", "enum", name, f"{detail} ({'; '.join(notes)})"))
    return drifts


def column_drift(table: str, expected: dict, found: dict) -> list[Drift]:
    drifts = []
    for column, shape in expected.items():
        name = f"{table}.{column}"
        if column not in found:
            drifts.append(Drift("missing", "column", name, describe_column(shape)))
            continue
        actual = found[column]
        changes = [
            f"{aspect} {shape.get(aspect, 'none')} expected, {actual.get(aspect, 'none')} found"
            for aspect in ("type", *OPTIONAL_ASPECTS)
            if shape.get(aspect) != actual.get(aspect)
        ]
        if shape["nullable"] != actual["nullable"]:
            changes.append(f"{nullability(shape)} expected, {nullability(actual)} found")
        if changes:
            drifts.append(Drift("changed", "column", name, "; ".join(changes)))
    drifts += [
        Drift("extra", "column", f"{table}.{column}", describe_column(shape))
        for column, shape in found.items()
        if column not in expected
    ]
    return drifts


def named_drift(kind: str, expected: dict, found: dict) -> list[Drift]:
    """Indexes or constraints by name and definition: {(table, name): definition}."""
    drifts = []
    for (table, name), definition in expected.items():
        if (table, name) not in found:
            twins = [n for (t, n), d in found.items() if (t, d) == (table, definition)]
            renamed = f" ({kind} {twins[0]} has this definition)" if twins else ""
            drifts.append(Drift("missing", kind, name, f"on {table}: {definition}{renamed}"))
        elif found[table, name] != definition:
            detail = f"on {table}: {definition} expected, {found[table, name]} found"
            drifts.append(Drift("changed", kind, name, detail))
    drifts += [
        Drift("extra", kind, name, f"on {table}: {definition}")
        for (table, name), definition in found.items()
        if (table, name) not in expected
    ]
    return drifts


def objects(tables: dict, kind: str) -> dict[tuple[str, str], str]:
    """{(table, name): definition} of the tables' indexes or constraints."""
    return {
        (table, name): definition
        for table, shape in tables.items()
        for name, definition in shape[kind].items()
    }


def describe_column(shape: dict) -> str:
    """'numeric(10,2), NOT NULL, default 0'."""
    aspects = [f"{aspect} {shape[aspect]}" for aspect in OPTIONAL_ASPECTS if aspect in shape]
    return ", ".join([shape["type"], nullability(shape), *aspects])


def nullability(shape: dict) -> str:
    return "nullable" if shape["nullable"] else "NOT NULL"


# --- the snapshot: what migrations 0001 + 0002 leave ----------------------------------------


def migrated_catalog(server_url: str) -> Catalog:
    """The catalog of a scratch database on `server_url` upgraded to 0002 (then dropped)."""
    from flask_migrate import upgrade

    from lms import create_app
    from lms.db import db

    name = f"lms_platform_schema_{uuid.uuid4().hex[:12]}"
    server = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        app = create_app({"DATABASE_URL": url})
        with app.app_context():
            try:
                upgrade(revision=PLATFORM_REVISION)
                with db.engine.connect() as conn:
                    return read_catalog(conn)
            finally:
                db.session.remove()
                db.engine.dispose()
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def write_snapshot(catalog: Catalog) -> None:
    SNAPSHOT.write_text(snapshot_json(catalog) + "\n")


def snapshot_json(value: Any, depth: int = 0) -> str:
    """JSON with a line per enum, column, index and constraint (for readable diffs)."""
    if not isinstance(value, dict) or depth > 3:
        return json.dumps(value)
    pad = " " * (depth + 1)
    items = [f"{pad}{json.dumps(k)}: {snapshot_json(v, depth + 1)}" for k, v in value.items()]
    return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}"


def main(argv: list[str] | None = None) -> int:
    """Without --write: exit 1 if the snapshot differs from what the migrations create."""
    import argparse

    from lms import create_app

    parser = argparse.ArgumentParser(prog="python -m lms.database.platform_schema")
    parser.add_argument("--write", action="store_true", help="rewrite platform_schema.json")
    args = parser.parse_args(argv)
    catalog = migrated_catalog(create_app().config["SQLALCHEMY_DATABASE_URI"])
    if args.write:
        write_snapshot(catalog)
        print(f"Wrote {SNAPSHOT} ({len(catalog['tables'])} tables).")
        return 0
    drifts = compare(expected_schema(), catalog)
    for drift in drifts:
        print(drift)
    print("The snapshot is current." if not drifts else "Stale: run with --write.")
    return 1 if drifts else 0


if __name__ == "__main__":
    raise SystemExit(main())

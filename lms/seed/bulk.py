"""Housekeeping around a seed: emptiness, truncation, row counts, index drop and rebuild."""

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Connection

from lms.models import PLATFORM_MODELS

PLATFORM_TABLES = list(PLATFORM_MODELS)


def row_counts(conn: Connection, tables: list[str] = PLATFORM_TABLES) -> dict[str, int]:
    """Exact count(*) per table, in one statement."""
    parts = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)
    return dict(conn.execute(text(parts)).all())


def non_empty_tables(conn: Connection) -> dict[str, int]:
    """Platform tables that hold at least one row, with their counts."""
    return {name: count for name, count in row_counts(conn).items() if count}


def truncate_platform_tables(conn: Connection) -> None:
    # CASCADE: app-owned tables that reference users (credentials, audit) go too, since every
    # row they point at is gone.
    names = ", ".join(f'"{t}"' for t in PLATFORM_TABLES)
    conn.execute(text(f"TRUNCATE {names} CASCADE"))


@dataclass
class DroppedStructures:
    """(table, DDL) pairs that put back what drop_for_bulk_load removed."""

    indexes: list[tuple[str, str]] = field(default_factory=list)
    foreign_keys: list[tuple[str, str]] = field(default_factory=list)


def drop_for_bulk_load(conn: Connection, tables: list[str] = PLATFORM_TABLES) -> DroppedStructures:
    """Drop secondary indexes and foreign keys of tables, returning how to recreate them.

    Building an index once over loaded rows is much cheaper than maintaining it row by row, and
    one validating ALTER TABLE per foreign key replaces millions of per-row checks. Primary keys
    stay: generated ids arrive in order, so their index only ever appends. Run this inside the
    loading transaction: if the load fails, the rollback restores everything.
    """
    oids = "ARRAY[" + ", ".join(f"'\"{t}\"'::regclass" for t in tables) + "]"
    fks = conn.execute(
        text(f"""
        SELECT conrelid::regclass::text,
               format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname),
               format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname,
                      pg_get_constraintdef(oid))
        FROM pg_constraint
        WHERE contype = 'f' AND (conrelid = ANY({oids}) OR confrelid = ANY({oids}))
        ORDER BY conrelid::regclass::text, conname
    """)
    ).all()
    indexes = conn.execute(
        text(f"""
        SELECT i.indrelid::regclass::text, format('DROP INDEX %s', i.indexrelid::regclass),
               pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY({oids})
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
        ORDER BY i.indrelid::regclass::text, i.indexrelid::regclass::text
    """)
    ).all()
    for _, drop, _ in (*fks, *indexes):
        conn.execute(text(drop))
    return DroppedStructures(
        indexes=[(table, create) for table, _, create in indexes],
        foreign_keys=[(table, add) for table, _, add in fks],
    )

"""Idempotent inserts keyed on natural keys, so loading the demo twice changes nothing."""

from collections.abc import Sequence

from sqlalchemy import Table, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Connection


def insert_ignore(conn: Connection, table: Table, rows: list[dict], conflict: Sequence[str]) -> int:
    """INSERT … ON CONFLICT (unique index on conflict) DO NOTHING; returns rows inserted."""
    if not rows:
        return 0
    # RETURNING counts what was inserted (a multi-row VALUES reports no rowcount).
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=[table.c[key] for key in conflict])
        .returning(table.c[conflict[0]])
    )
    return sum(len(conn.execute(statement.values(chunk)).all()) for chunk in chunks(rows))


def insert_missing(conn: Connection, table: Table, rows: list[dict], key: Sequence[str]) -> int:
    """Insert the rows whose key is not in the table yet (for keys without a unique index)."""
    present = existing_ids(conn, table, key, [row_key(row, key) for row in rows])
    fresh = [row for row in rows if row_key(row, key) not in present]
    for chunk in chunks(fresh):
        conn.execute(insert(table).values(chunk))
    return len(fresh)


def existing_ids(
    conn: Connection, table: Table, key: Sequence[str], keys: list[tuple]
) -> dict[tuple, str]:
    """{natural key: id} for those of keys already in the table."""
    if not keys:
        return {}
    columns = [table.c[name] for name in key]
    query = select(*columns, table.c.id).where(tuple_(*columns).in_(sorted(set(keys))))
    return {tuple(row[:-1]): row[-1] for row in conn.execute(query)}


def ids_by(
    conn: Connection, table: Table, key: Sequence[str], rows: list[dict]
) -> dict[tuple, str]:
    """{natural key: id} for every row after an insert, whichever run created it."""
    return existing_ids(conn, table, key, [row_key(row, key) for row in rows])


def row_key(row: dict, key: Sequence[str]) -> tuple:
    return tuple(row[name] for name in key)


def chunks(rows: list[dict], size: int = 500):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]

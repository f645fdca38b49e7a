"""CSV bytes from a report SELECT, read in batches from a server-side cursor."""

import csv
import io
import logging
from collections.abc import Callable, Iterator
from contextlib import closing, nullcontext

from sqlalchemy import Connection, Engine, Select

from lms.db import lift_statement_time
from lms.reports.cells import cell, csv_line

log = logging.getLogger(__name__)

# Rows per FETCH and per chunk sent: ~2000 rows is a few hundred kB, large enough that the
# per-batch overhead vanishes and small enough that memory stays flat.
BATCH_ROWS = 2000
BOM = "\ufeff"


def line_query(stmt: Select) -> Select:
    """`stmt` with its columns replaced by one: the finished CSV line."""
    return stmt.with_only_columns(csv_line(stmt.selected_columns), maintain_column_froms=True)


def cell_query(stmt: Select) -> Select:
    """`stmt` with each column as the text of its cell (what COPY … CSV is compared on)."""
    return stmt.with_only_columns(
        *[cell(column).label(column.name) for column in stmt.selected_columns],
        maintain_column_froms=True,
    )


def header_line(headers: list[str], bom: bool) -> bytes:
    buffer = io.StringIO()
    # The excel dialect is RFC 4180: quotes only where needed, doubled inside, CRLF line ends.
    csv.writer(buffer).writerow(headers)
    return ((BOM if bom else "") + buffer.getvalue()).encode()


def csv_chunks(
    engine: Engine,
    stmt: Select,
    headers: list[str],
    *,
    bom: bool = False,
    batch_rows: int | None = None,
    on_batch: Callable[[int], None] | None = None,
    on_end: Callable[[int, bool], None] | None = None,
    connection: Connection | None = None,
) -> Iterator[bytes]:
    """Yield the header line at once, then one chunk of CSV per batch of rows.

    The header leaves before the query starts, so the first bytes never wait for the database.
    PostgreSQL writes each line (lms.reports.cells); Python only joins them. yield_per makes
    psycopg declare a named (server-side) cursor: PostgreSQL produces `batch_rows` lines per
    FETCH and only one batch is ever held here. Closing the generator (the client went away)
    leaves the `with` blocks: the cursor is closed and the transaction rolled back, which
    stops the query. `on_end(rows, complete)` runs however the stream ends.

    `connection`: run on this one (an export slot's, lms.reports.slots) instead of a new one
    from `engine`; its owner ends its transaction and closes it.
    """
    batch_rows = batch_rows or BATCH_ROWS
    rows, complete = 0, False
    try:
        yield header_line(headers, bom)
        with nullcontext(connection) if connection is not None else engine.connect() as conn:
            # A cursor is planned for its first 10% of rows by default (nested loops); an
            # export reads them all, so plan for the whole (hash joins, one sort).
            conn.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
            # Reading every row may take longer than a page's statements are allowed to.
            lift_statement_time(conn)
            result = conn.execution_options(yield_per=batch_rows).execute(line_query(stmt))
            with closing(result):
                for batch in result.scalars().partitions():
                    rows += len(batch)
                    if on_batch is not None:
                        on_batch(len(batch))
                    yield ("\r\n".join(batch) + "\r\n").encode()
        complete = True
    finally:
        if on_end is not None:
            try:
                on_end(rows, complete)
            except Exception:  # the download itself must not fail because of its bookkeeping
                log.exception("could not record the end of an export")

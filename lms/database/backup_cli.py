"""`flask db backup` and `flask db restore`: a custom-format pg_dump file, and back."""

import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import text

from lms.database.backup import (
    Archive,
    BackupRefused,
    Target,
    describe,
    objects_in,
    pg_dump_for,
    pg_restore_for,
    quoted_name,
    row_counts,
    run,
    size_text,
    tables_in,
    target_of,
)
from lms.database.reachable import reachable
from lms.db import db

BUILT_AFTER_DATA = (
    "creating INDEX",
    "creating CONSTRAINT",
    "creating FK CONSTRAINT",
    "creating TRIGGER",
)


class Progress:
    """The current step on stderr: one line rewritten in place on a terminal, a line per step
    in a log, a pipe or a test."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self.last = ""

    def show(self, step: str) -> None:
        if step == self.last:
            return
        self.last = step
        if self.live:
            click.echo(f"\r\x1b[K{step}", err=True, nl=False)
        else:
            click.echo(step, err=True)

    def end(self) -> None:
        if self.live and self.last:
            click.echo(err=True)


def uses_embedded_server() -> bool:
    return not current_app.config["DATABASE_URL"]


def default_file(target: Target) -> str:
    return f"lms-{target.name}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.dump"


# --- backup ---------------------------------------------------------------------------------


def dump_steps(tables: int, show: Callable[[str], None]) -> Callable[[str], None]:
    """pg_dump --verbose reads the catalog at length, then names each table it copies."""
    dumped = 0

    def on_step(message: str) -> None:
        nonlocal dumped
        if message.startswith("dumping contents of table"):
            dumped += 1
            show(f"dumping table {dumped}/{max(tables, dumped)}: {quoted_name(message)}")
        elif dumped == 0:
            show("reading the schema…")

    return on_step


@click.command("backup")
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write (default lms-DBNAME-UTCTIME.dump here). An existing file is refused.",
)
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Back up the configured database (DATABASE_URL, or the embedded one) to FILE.

    The file is pg_dump's custom format, written by a pg_dump of the server's version (the
    embedded server's own binaries, or PATH's); `flask db restore FILE` reads it back.
    """
    with reachable(db.engine):
        started = time.monotonic()
        try:
            target = target_of(db.engine)
            tool = pg_dump_for(target, uses_embedded_server())
            output = output or Path(default_file(target))
            if output.exists():
                raise BackupRefused(f"{output} already exists: choose another name with -o FILE.")
            if not output.parent.is_dir():
                raise BackupRefused(
                    f"There is no folder {output.parent} to write {output.name} in."
                )
            with db.engine.connect() as conn:
                tables = len(tables_in(conn))
            db.engine.dispose()  # nothing of ours stays open while pg_dump reads
            click.echo(f"Backing up {target.name} (PostgreSQL {target.server_major}) with {tool}")
            # Written under another name and renamed at the end: a failed backup never leaves a
            # file that looks complete.
            partial = output.with_name(f"{output.name}.part")
            progress = Progress()
            try:
                argv = [tool.path, "--format=custom", "--verbose", "--no-password"]
                run(
                    [*argv, f"--file={partial}", f"--dbname={target.conninfo}"],
                    target,
                    dump_steps(tables, progress.show),
                )
                os.replace(partial, output)
            finally:
                progress.end()
                partial.unlink(missing_ok=True)
        except BackupRefused as refusal:
            raise click.ClickException(f"Backup refused or failed: {refusal}") from None
        seconds = time.monotonic() - started
        size = size_text(output.stat().st_size)
        click.echo(f"Backed up {tables} tables to {output}: {size} in {seconds:.1f} s.")


# --- restore --------------------------------------------------------------------------------


def restore_steps(archive: Archive, show: Callable[[str], None]) -> Callable[[str], None]:
    """pg_restore --verbose: tables and types, each table's data, then indexes and keys."""
    restored = built = 0

    def on_step(message: str) -> None:
        nonlocal restored, built
        if message.startswith("processing data for table"):
            restored += 1
            total = max(archive.tables, restored)
            show(f"restoring table {restored}/{total}: {quoted_name(message)}")
        elif message.startswith(BUILT_AFTER_DATA):
            built += 1
            show(f"building indexes and constraints {built}/{max(archive.structures, built)}")
        elif restored == 0 and message.startswith("creating"):
            show("creating tables and types…")

    return on_step


def refuse_unless_empty(target: Target) -> None:
    """Empty: no table (alembic_version included), view, sequence, type, function or schema
    besides public; see lms.database.backup.objects_in."""
    with db.engine.connect() as conn:
        found = objects_in(conn)
    if not found:
        return
    migrated = (
        " It has been migrated (alembic_version is there): a restore brings its own tables and "
        "migration version, so do not run `flask db upgrade` first."
        if ("table", "alembic_version") in found
        else ""
    )
    embedded = (
        " With the embedded server, DROP DATABASE lms from another database: the app creates it "
        "again, empty, when it starts."
        if uses_embedded_server()
        else ""
    )
    raise BackupRefused(
        f"The database {target.name} is not empty: it holds {describe(found)}.{migrated} A "
        "restore goes only into an empty database, so that nothing is overwritten or mixed. "
        "Create one (CREATE DATABASE lms_restored; or `createdb lms_restored`), point "
        f"DATABASE_URL at it and run this again.{embedded}"
    )


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Tables loaded and indexes built at once. With 1, the restore is one transaction: if "
    "it fails, nothing is written; with more, a failure leaves part of the backup behind.",
)
@with_appcontext
def restore_command(file: Path, jobs: int) -> None:
    """Restore FILE (from `flask db backup`) into the configured database, which must be empty.

    Object owners and grants are not restored: roles belong to a server, not to a database,
    and the one the app connects as owns what it restores. Statistics are gathered at the end.
    """
    with reachable(db.engine):
        started = time.monotonic()
        try:
            target = target_of(db.engine)
            tool, archive = pg_restore_for(file, target, uses_embedded_server())
            refuse_unless_empty(target)
            db.engine.dispose()  # nothing of ours stays open while pg_restore writes
            click.echo(f"Restoring {file} into {target.name} with {tool}")
            argv = [tool.path, "--verbose", "--no-password", "--exit-on-error", "--no-owner"]
            argv += ["--no-privileges", "--single-transaction" if jobs == 1 else f"--jobs={jobs}"]
            progress = Progress()
            try:
                run(
                    [*argv, f"--dbname={target.conninfo}", str(file)],
                    target,
                    restore_steps(archive, progress.show),
                )
            except BackupRefused as failure:
                left = "nothing was written" if jobs == 1 else "part of the backup was written"
                raise BackupRefused(f"pg_restore failed, {left}:\n{failure}") from None
            finally:
                progress.end()
        except BackupRefused as refusal:
            raise click.ClickException(f"Restore refused or failed: {refusal}") from None
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # pg_dump leaves out planner statistics: without them the first pages plan blind.
            conn.execute(text("ANALYZE"))
            counts = row_counts(conn)
        width = max(map(len, counts), default=0)
        for table, count in counts.items():
            click.echo(f"  {table:<{width}}  {count:>10,}")
        seconds = time.monotonic() - started
        click.echo(
            f"Restored {len(counts)} tables, {sum(counts.values()):,} rows in {seconds:.1f} s."
        )

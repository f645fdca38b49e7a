"""`flask export REPORT`: the Reports page's CSV files, written from the command line."""

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import click
from flask.cli import with_appcontext
from sqlalchemy import Select, func, select

from lms.db import db
from lms.reports.export import export_chunks, file_name, prepare
from lms.reports.filters import ReportInputError, parse_filters
from lms.reports.registry import REPORTS
from lms.roles import COMMAND_LINE


def count_rows(stmt: Select) -> int:
    """How many lines the export will have (for the progress bar's length)."""
    # The cast: scalar() allows for no row, and a COUNT(*) without GROUP BY always has one.
    return cast(
        int, db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    )


@contextmanager
def output_file(path: str):
    """Binary output: stdout for '-', otherwise FILE, written as FILE.part and renamed at the
    end so a failed export never leaves a file that looks complete."""
    if path == "-":
        yield sys.stdout.buffer
        return
    partial = Path(f"{path}.part")
    try:
        with partial.open("wb") as handle:
            yield handle
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


@click.command("export")
@click.argument("report_name", metavar="REPORT", type=click.Choice(list(REPORTS)))
@click.option("--course", metavar="SLUG", help="Only this course (required by lesson-progress).")
@click.option("--from", "date_from", metavar="DATE", help="First day included, YYYY-MM-DD.")
@click.option("--to", "date_to", metavar="DATE", help="Last day included, YYYY-MM-DD.")
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Where to write (default REPORT-YYYY-MM-DD.csv here; '-' for stdout).",
)
@click.option("--bom", is_flag=True, help="Start with a UTF-8 BOM, which Excel likes.")
@with_appcontext
def export_command(report_name, course, date_from, date_to, output, bom):
    """Write the CSV report REPORT, as the Reports page would for an admin."""
    report = REPORTS[report_name]
    try:
        filters = parse_filters(course, date_from, date_to)
        stmt = prepare(report, filters, COMMAND_LINE)
    except ReportInputError as error:
        raise click.UsageError(str(error)) from None
    output = output or file_name(report)
    details = {"filters": filters.for_audit(), "source": "command line", "bom": bom}
    total = count_rows(stmt)
    rows = 0
    with (
        output_file(output) as handle,
        click.progressbar(
            length=total, label=f"{report.name}: {total} rows", file=sys.stderr
        ) as bar,
    ):

        def advance(batch: int) -> None:
            nonlocal rows
            rows += batch
            bar.update(batch)

        for chunk in export_chunks(report, stmt, details, bom=bom, on_batch=advance):
            handle.write(chunk)
    click.echo(f"Wrote {rows} rows of {report.name} to {output}.", err=True)

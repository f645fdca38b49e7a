"""`flask seed` / `python seed.py`: load data at a named scale."""

import time

import click
from flask.cli import with_appcontext
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from lms.seed.bulk import PLATFORM_TABLES, non_empty_tables, row_counts, truncate_platform_tables
from lms.seed.scales import SCALES

SCALE_HELP = (
    "demo: six AI courses, ~50 students, a year of activity, hand-picked for the charts; "
    "safe to run again (it only adds what is missing). "
    "medium: 10k users, 200 courses, 100k enrollments, 500k lesson progress. "
    "large: 100k users, 2k courses, 1M enrollments, 5M lesson progress (a few minutes). "
    "medium and large are generated inside PostgreSQL and need an empty database."
)


@click.command("seed")
@click.option(
    "--scale",
    type=click.Choice(["demo", "medium", "large"]),
    default="demo",
    show_default=True,
    help=SCALE_HELP,
)
@click.option(
    "--reset",
    "--force",
    "reset",
    is_flag=True,
    help="TRUNCATE the platform's 17 tables first (and app tables that reference "
    "them, such as credentials): every existing row is deleted.",
)
@with_appcontext
def seed_command(scale: str, reset: bool) -> None:
    """Load data at SCALE into the configured database (DATABASE_URL, or the embedded one).

    Everything runs in one transaction: on failure nothing is written and the exit status is 1.

    \b
    Examples:
      python seed.py                       # the demo data set
      python seed.py --scale large --reset # replace everything with the large set
      flask --app app seed --scale medium
    """
    from lms.db import db

    click.echo(f"Seeding {scale} into {db.engine.url.render_as_string(hide_password=True)}")
    started = time.monotonic()
    try:
        if scale == "demo":
            run_demo(db.engine, reset)
        else:
            run_generated(db.engine, scale, reset)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip()
        hint = (
            " Is the database migrated? Run `flask --app app db upgrade` first."
            if "does not exist" in reason
            else ""
        )
        raise click.ClickException(
            f"seeding failed, nothing was written: {reason}{hint}"
        ) from error
    click.echo(f"Done in {time.monotonic() - started:.1f}s.")


def run_demo(engine, reset: bool) -> None:
    from lms.seed.demo import load_demo

    with engine.begin() as conn:
        if reset:
            truncate_platform_tables(conn)
        inserted = load_demo(conn)
        counts = row_counts(conn)
    added = {table: n for table, n in inserted.items() if n}
    if not added:
        click.echo("The demo data is already there: nothing to add.")
    else:
        click.echo("Added: " + ", ".join(f"{table} {n:,}" for table, n in added.items()))
    echo_counts(counts)


def run_generated(engine, scale: str, reset: bool) -> None:
    from lms.seed.scaled import generate

    with engine.begin() as conn:
        present = non_empty_tables(conn)
        if present and not reset:
            raise click.ClickException(
                f"the database is not empty ({describe(present)}). The {scale} data set is "
                "generated into empty tables: run again with --reset to delete every row of "
                "the platform tables first, or point DATABASE_URL at an empty database."
            )
        if reset:
            truncate_platform_tables(conn)
        counts = generate(conn, SCALES[scale], echo=click.echo)
        from lms.seed.credentials import give_demo_passwords
        from lms.seed.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

        # The benchmark and a curious person can sign in as the demo admin and instructors.
        give_demo_passwords(conn, [email for email, _role in DEMO_ACCOUNTS], DEMO_PASSWORD)
    vacuum_analyze(engine)
    echo_counts(counts)


def vacuum_analyze(engine) -> None:
    """Statistics for the planner, and a visibility map so counts can use index-only scans."""
    step_started = time.monotonic()
    tables = ", ".join(f'"{t}"' for t in PLATFORM_TABLES)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"VACUUM (ANALYZE) {tables}"))
    click.echo(f"VACUUM (ANALYZE) {time.monotonic() - step_started:.1f}s")


def describe(counts: dict[str, int]) -> str:
    biggest = sorted(counts.items(), key=lambda item: -item[1])
    shown = ", ".join(f"{table}: {n:,}" for table, n in biggest[:4])
    return shown + (", …" if len(counts) > 4 else "")


def echo_counts(counts: dict[str, int]) -> None:
    click.echo("Rows per table:")
    for table in PLATFORM_TABLES:
        click.echo(f"  {table:<22}{counts.get(table, 0):>12,}")
    click.echo(f"  {'total':<22}{sum(counts.values()):>12,}")

"""`flask db check-platform`: the differences between this database and the platform's schema.

Run it before pointing the app at a live database. Exit status 0: no drift; 1: drift, one
line per difference; 2: the database could not be reached.
"""

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import InterfaceError, OperationalError

from lms.database.platform_schema import platform_drift, verdict


class Unreachable(click.ClickException):
    exit_code = 2  # not 1: "could not check" is not "drift"


@click.command("check-platform")
@with_appcontext
def check_platform_command() -> None:
    """List every difference between this database and the platform's Prisma schema."""
    from lms.db import db

    try:
        with db.engine.connect() as connection:
            drifts = platform_drift(connection)
    except (OperationalError, InterfaceError) as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        where = db.engine.url.render_as_string(hide_password=True)
        raise Unreachable(f"Cannot reach the database at {where}: {reason}") from None
    for drift in drifts:
        click.echo(drift)
    click.echo(verdict(drifts))
    if drifts:
        click.get_current_context().exit(1)

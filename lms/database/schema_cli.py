"""`flask db check-platform`: the differences between this database and the platform's schema.

Run it before pointing the app at a live database. Exit status 0: no drift; 1: drift, one
line per difference; 2: the database could not be reached.
"""

import click
from flask.cli import with_appcontext

from lms.database.platform_schema import platform_drift, verdict
from lms.database.reachable import reachable


@click.command("check-platform")
@with_appcontext
def check_platform_command() -> None:
    """List every difference between this database and the platform's Prisma schema."""
    from lms.db import db

    with reachable(db.engine), db.engine.connect() as connection:
        drifts = platform_drift(connection)
    for drift in drifts:
        click.echo(drift)
    click.echo(verdict(drifts))
    if drifts:
        click.get_current_context().exit(1)

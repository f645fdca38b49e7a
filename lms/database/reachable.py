"""The `flask db` commands of this package say plainly when the database cannot be reached."""

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError


class Unreachable(click.ClickException):
    exit_code = 2  # not 1: "could not check" is not "drift", nor a refused restore


@contextmanager
def reachable(engine: Engine) -> Iterator[None]:
    """Turn a connection failure into one line naming the database (password hidden)."""
    try:
        yield
    except (OperationalError, InterfaceError) as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        where = engine.url.render_as_string(hide_password=True)
        raise Unreachable(f"Cannot reach the database at {where}: {reason}") from None

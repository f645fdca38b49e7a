"""`flask enrollments expire` and `flask sessions purge`: the scheduled housekeeping."""

import click
from flask.cli import AppGroup

from lms.db import db
from lms.operations.enrollment import expire_overdue
from lms.operations.purging import purge_admin_records, purge_expired_sessions

enrollments_group = AppGroup("enrollments", help="Enrollment housekeeping.")
sessions_group = AppGroup("sessions", help="Platform session housekeeping.")


@enrollments_group.command("expire")
def expire_command():
    """Mark ACTIVE enrollments whose expiresAt has passed as EXPIRED (one transaction)."""
    count = expire_overdue()
    db.session.commit()
    click.echo(f"Expired {count:,} enrollment{'s' if count != 1 else ''}.")


@sessions_group.command("purge")
def purge_command():
    """Delete platform sessions whose expiry has passed, and the admin's own ended sign-in
    sessions and day-old form tokens (one transaction)."""
    count = purge_expired_sessions()
    own = purge_admin_records()
    db.session.commit()
    click.echo(
        f"Purged {count:,} expired session{'s' if count != 1 else ''} "
        f"and {own:,} ended admin sign-in record{'s' if own != 1 else ''}."
    )

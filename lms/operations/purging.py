"""Purging what has expired: ended admin sessions, old form tokens, platform sessions."""

from datetime import timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, delete

from lms import audit
from lms.db import db
from lms.models import AdminSession, FormSubmission, Session, utcnow


def deleted_count(statement) -> int:
    # Session.execute is typed as returning Result; a DELETE's result is a CursorResult.
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount


def purge_admin_records(now=None) -> int:
    """The app's own: ended or expired sign-in sessions, form tokens older than a day."""
    now = now or utcnow()
    oldest = now - timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    ended = deleted_count(
        delete(AdminSession).where(
            AdminSession.revoked_at.is_not(None) | (AdminSession.created_at < oldest)
        )
    )
    tokens = deleted_count(
        delete(FormSubmission).where(FormSubmission.submitted_at < now - timedelta(days=1))
    )
    return ended + tokens


def purge_expired_sessions(now=None, ids: list[str] | None = None) -> int:
    statement = (
        delete(Session)
        .where(Session.expires < (now or utcnow()))
        .returning(Session.id, Session.user_id)
    )
    if ids is not None:
        statement = statement.where(Session.id.in_(ids))
    purged = db.session.execute(statement).all()
    for row in purged:
        audit.record(
            "delete",
            "sessions",
            row.id,
            before={"userId": row.user_id},
            details={"operation": "purge expired sessions"},
        )
    return len(purged)

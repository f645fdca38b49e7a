"""Housekeeping: purging expired sessions, publishing and featuring courses in bulk."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, update

from lms import audit
from lms.db import db
from lms.models import AdminSession, Course, FormSubmission, Session, utcnow

COURSE_FLAGS = {
    "publish": ("published", True),
    "unpublish": ("published", False),
    "feature": ("featured", True),
    "unfeature": ("featured", False),
}


def purge_admin_records(now=None) -> int:
    """The app's own: ended or expired sign-in sessions, form tokens older than a day."""
    now = now or utcnow()
    oldest = now - timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    ended = db.session.execute(
        delete(AdminSession).where(
            AdminSession.revoked_at.is_not(None) | (AdminSession.created_at < oldest)
        )
    ).rowcount
    tokens = db.session.execute(
        delete(FormSubmission).where(FormSubmission.submitted_at < now - timedelta(days=1))
    ).rowcount
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


def set_course_flag(course_query, change: str) -> int:
    """publish/unpublish/feature/unfeature the courses of `course_query` (already scoped)."""
    column, value = COURSE_FLAGS[change]
    chosen = [course_id for (course_id,) in course_query.with_entities(Course.id)]
    # The condition is checked again under the row lock: a simultaneous second click waits,
    # then finds the courses already changed, so each change is made (and audited) once.
    ids = db.session.scalars(
        update(Course)
        .where(Course.id.in_(chosen), getattr(Course, column) != value)
        .values({column: value, "updated_at": utcnow()})
        .returning(Course.id)
        .execution_options(synchronize_session=False)
    ).all()
    for course_id in ids:
        audit.record(
            "update",
            "courses",
            course_id,
            before={column: not value},
            after={column: value},
            details={"operation": change},
        )
    return len(ids)

"""Housekeeping: purging expired sessions, publishing and featuring courses in bulk."""
from sqlalchemy import delete, update

from lms import audit
from lms.db import db
from lms.models import Course, Session, utcnow

COURSE_FLAGS = {"publish": ("published", True), "unpublish": ("published", False),
                "feature": ("featured", True), "unfeature": ("featured", False)}


def purge_expired_sessions(now=None, ids: list[str] | None = None) -> int:
    statement = delete(Session).where(Session.expires < (now or utcnow())).returning(
        Session.id, Session.user_id)
    if ids is not None:
        statement = statement.where(Session.id.in_(ids))
    purged = db.session.execute(statement).all()
    for row in purged:
        audit.record("delete", "sessions", row.id, before={"userId": row.user_id},
                     details={"operation": "purge expired sessions"})
    return len(purged)


def set_course_flag(course_query, change: str) -> int:
    """publish/unpublish/feature/unfeature the courses of `course_query` (already scoped)."""
    column, value = COURSE_FLAGS[change]
    ids = [course.id for course in course_query.filter(getattr(Course, column) != value)]
    if ids:
        db.session.execute(update(Course).where(Course.id.in_(ids))
                           .values({column: value, "updated_at": utcnow()}))
    for course_id in ids:
        audit.record("update", "courses", course_id, before={column: not value},
                     after={column: value}, details={"operation": change})
    return len(ids)

"""Publishing, unpublishing, featuring and unfeaturing courses in bulk, each change audited."""

from sqlalchemy import update

from lms import audit
from lms.db import db
from lms.models import Course, utcnow

COURSE_FLAGS = {
    "publish": ("published", True),
    "unpublish": ("published", False),
    "feature": ("featured", True),
    "unfeature": ("featured", False),
}


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

"""select2 lookups for id fields, each scoped to what the current user may choose.

Flask-Admin's loader is replaced, not configured: its `filters` option prefixes raw SQL with
the table name (`users.users.role`, a 500 on every search), its `limit` comes unbounded from
the query string, and its results name rows by `str(row)` alone ("Week 1" of which course?).
"""

from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from sqlalchemy import String, cast, or_
from sqlalchemy.orm import contains_eager

from lms import scoping
from lms.admin.fields import IdLookupField
from lms.db import db
from lms.models import Course, CourseModule, CourseProgress, Lesson, Quiz, User
from lms.roles import STAFF, current_viewer

PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
MAX_TERM_LENGTH = 200


def like_pattern(term: str) -> str:
    """`%term%` with the term's own % and _ taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """Rows the current user may pick, found by a typed word in any of `fields`.

    `joins` are relationships whose columns are searched or labelled (loaded in the same
    query); `condition` limits the rows for everyone (e.g. staff only); `scope` limits them
    further for instructors; `label` names a row in the results.
    """

    def __init__(self, name, model, fields, scope, label=str, joins=(), condition=None, **options):
        options.setdefault("page_size", PAGE_SIZE)
        options.setdefault("minimum_input_length", 1)
        super().__init__(name, db.session, model, fields=fields, **options)
        self.scope, self.label, self.joins, self.condition = scope, label, joins, condition

    def get_query(self):
        query = db.session.query(self.model)
        for relation in self.joins:
            query = query.outerjoin(relation).options(contains_eager(relation))
        if self.condition is not None:
            query = query.filter(self.condition)
        instructor_id = current_viewer().instructor_id
        if instructor_id is not None:
            query = self.scope(query, instructor_id)
        return query

    def get_list(self, term, offset=0, limit=PAGE_SIZE):
        term = (term or "").replace("\x00", "").strip()[:MAX_TERM_LENGTH]
        if not term:
            return []
        pattern = like_pattern(term)
        matches = or_(
            *(cast(field, String).ilike(pattern, escape="\\") for field in self._cached_fields)
        )
        return (
            self.get_query()
            .filter(matches)
            .order_by(*self._cached_fields)
            .offset(max(offset or 0, 0))
            .limit(min(max(limit or PAGE_SIZE, 1), MAX_PAGE_SIZE))
            .all()
        )

    def get_one(self, pk):
        """The row, only if the lookup could have offered it (condition and scope apply)."""
        if not isinstance(pk, str) or not pk or len(pk) > MAX_TERM_LENGTH or "\x00" in pk:
            return None  # no row has such an id (and PostgreSQL cannot compare a NUL)
        with db.session.no_autoflush:
            return self.get_query().filter(getattr(self.model, self.pk) == pk).first()

    def format(self, row):
        return None if row is None else (row.id, self.label(row))


# --- one lookup per kind of row ------------------------------------------------------------


def person(user) -> str:
    return f"{user.name} <{user.email}>" if user.name else user.email


def user_lookup(name="user_id", staff_only=False):
    condition = User.role.in_(sorted(STAFF)) if staff_only else None
    return ScopedAjaxLoader(
        name,
        User,
        [User.email, User.name],
        scoping.students,
        label=person,
        condition=condition,
        placeholder="Type an email or name",
    )


def course_lookup(name="course_id"):
    return ScopedAjaxLoader(
        name,
        Course,
        [Course.title, Course.slug],
        scoping.courses,
        placeholder="Type a course title",
    )


def module_lookup(name="module_id"):
    return ScopedAjaxLoader(
        name,
        CourseModule,
        [CourseModule.title, Course.title],
        scoping.modules,
        joins=[CourseModule.course],
        label=lambda m: f"{m.course} › {m.order}. {m.title}",
        placeholder="Type a module or course title",
    )


def lesson_lookup(name="lesson_id"):
    return ScopedAjaxLoader(
        name,
        Lesson,
        [Lesson.title, CourseModule.title],
        scoping.lessons,
        joins=[Lesson.module],
        label=lambda lesson: f"{lesson.module} › {lesson.title}",
        placeholder="Type a lesson or module title",
    )


def quiz_lookup(name="quiz_id"):
    return ScopedAjaxLoader(
        name,
        Quiz,
        [Quiz.title, Course.title],
        scoping.quizzes,
        joins=[Quiz.course],
        label=lambda q: f"{q.course or 'deleted course'} › {q.title}",
        placeholder="Type a quiz or course title",
    )


def progress_lookup(name="progress_id"):
    return ScopedAjaxLoader(
        name,
        CourseProgress,
        [User.email, User.name, Course.title],
        scoping.course_progress,
        joins=[CourseProgress.user, CourseProgress.course],
        label=lambda p: f"{person(p.user)} · {p.course} · {p.progress_percent:g}%",
        placeholder="Type the student's email or the course title",
    )


def id_field(loader, label, missing, allow_blank=False):
    return IdLookupField(loader, label, missing_label=missing, allow_blank=allow_blank)


# Id columns edited through a lookup: how to find the row, its label, and its name when gone.
ID_COLUMNS = {
    "user_id": (user_lookup, "Student", "deleted user"),
    "course_id": (course_lookup, "Course", "deleted course"),
    "module_id": (module_lookup, "Module", "deleted module"),
    "lesson_id": (lesson_lookup, "Lesson", "deleted lesson"),
    "quiz_id": (quiz_lookup, "Quiz", "deleted quiz"),
    "progress_id": (progress_lookup, "Course progress", "deleted progress"),
}


def id_lookups(*names: str, labels: dict | None = None, optional: tuple = ()) -> tuple[dict, dict]:
    """(form_ajax_refs, form_extra_fields) for a view's id columns, each a scoped lookup."""
    refs, fields = {}, {}
    for name in names:
        make_loader, label, missing = ID_COLUMNS[name]
        refs[name] = make_loader(name)
        fields[name] = id_field(
            refs[name], (labels or {}).get(name, label), missing, allow_blank=name in optional
        )
    return refs, fields

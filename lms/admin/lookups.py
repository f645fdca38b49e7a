"""select2 lookups for id fields, each scoped to what the current user may choose."""
from lms.admin import scopes
from lms.admin.base import ScopedAjaxLoader
from lms.admin.fields import IdLookupField
from lms.db import db
from lms.models import Course, CourseModule, CourseProgress, Lesson, Quiz, User, UserRole

PAGE_SIZE = 10


def _loader(name, model, fields, scope, **options):
    options.setdefault("page_size", PAGE_SIZE)
    options.setdefault("minimum_input_length", 1)
    return ScopedAjaxLoader(name, db.session, model, scope=scope, fields=fields, **options)


def user_lookup(name="user_id", staff_only=False):
    options = {"placeholder": "Type an email or name"}
    if staff_only:
        options["filters"] = [f"users.role IN ('{UserRole.ADMIN.value}', "
                              f"'{UserRole.INSTRUCTOR.value}')"]
    return _loader(name, User, ["email", "name"], scopes.students, **options)


def course_lookup(name="course_id"):
    return _loader(name, Course, ["title", "slug"], scopes.courses,
                   placeholder="Type a course title")


def module_lookup(name="module_id"):
    return _loader(name, CourseModule, ["title"], scopes.modules,
                   placeholder="Type a module title")


def lesson_lookup(name="lesson_id"):
    return _loader(name, Lesson, ["title"], scopes.lessons, placeholder="Type a lesson title")


def quiz_lookup(name="quiz_id"):
    return _loader(name, Quiz, ["title"], scopes.quizzes, placeholder="Type a quiz title")


def progress_lookup(name="progress_id"):
    return _loader(name, CourseProgress, ["id"], scopes.course_progress,
                   placeholder="Paste a course progress id")


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


def id_lookups(*names: str, labels: dict | None = None,
               optional: tuple = ()) -> tuple[dict, dict]:
    """(form_ajax_refs, form_extra_fields) for a view's id columns, each a scoped lookup."""
    refs, fields = {}, {}
    for name in names:
        make_loader, label, missing = ID_COLUMNS[name]
        refs[name] = make_loader(name)
        fields[name] = id_field(refs[name], (labels or {}).get(name, label), missing,
                                allow_blank=name in optional)
    return refs, fields

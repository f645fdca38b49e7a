"""Catalog: courses with their modules, modules with their lessons, lessons, and media."""

import re
import unicodedata

from flask import url_for
from flask_admin.actions import action
from sqlalchemy import func, select
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp, ValidationError

from lms import scoping
from lms.admin import lookups
from lms.admin.base import StaffModelView
from lms.admin.display import INSTRUCTOR_LINK, enum_name, money, related_link, short_text, text_list
from lms.admin.fields import CURRENCY_CODE, MoneyField, TextListField
from lms.db import db
from lms.models import Course, CourseModule, Enrollment, Lesson, Media
from lms.operations import progress as progress_ops
from lms.operations.course_flags import set_course_flag
from lms.roles import ADMIN, STAFF, current_viewer
from lms.scoping import ALL_ROWS

CATEGORY = "Catalog"
SLUG_RULE = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    message="Use lower-case letters, digits and single hyphens, e.g. intro-to-ml.",
)
ORDER_ARGS = {"validators": [InputRequired(), NumberRange(min=0, max=100_000)]}
MINUTES_ARGS = {
    "validators": [InputRequired(), NumberRange(min=0, max=100_000)],
    "description": "Minutes.",
}


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "course"


def unique_slug(title: str, exclude_id: str | None = None) -> str:
    """A slug from the title, with -2, -3… added when it is taken."""
    base = slugify(title)
    with db.session.no_autoflush:  # the course being saved is not complete yet
        taken = set(
            db.session.scalars(
                select(Course.slug).where(
                    Course.slug.like(f"{base}%"), Course.id != (exclude_id or "")
                )
            )
        )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def slug_taken(slug: str, course_id: str | None) -> bool:
    with db.session.no_autoflush:
        return (
            db.session.scalar(
                select(Course.id).where(Course.slug == slug, Course.id != (course_id or ""))
            )
            is not None
        )


FLAG_DONE = {
    "publish": "Published",
    "unpublish": "Unpublished",
    "feature": "Featured",
    "unfeature": "Stopped featuring",
}


class CourseView(StaffModelView):
    read_roles = STAFF
    write_roles = STAFF
    instructor_scope = staticmethod(scoping.courses)
    # Instructors only read course progress (DESIGN.md section 2).
    action_roles = {"recompute_progress": ADMIN}

    column_list = [
        "title",
        "slug",
        "instructor",
        "difficulty",
        "price",
        "published",
        "featured",
        "created_at",
    ]
    column_details_list = [
        "id",
        "title",
        "slug",
        "description",
        "instructor",
        "difficulty",
        "price",
        "currency",
        "duration_hours",
        "published",
        "featured",
        "learning_objectives",
        "prerequisites",
        "thumbnail_url",
        "video_url",
        "created_at",
        "updated_at",
    ]
    column_labels = {
        "duration_hours": "Duration (hours)",
        "created_at": "Created",
        "updated_at": "Updated",
        "learning_objectives": "Learning objectives",
        "thumbnail_url": "Thumbnail URL",
        "video_url": "Video URL",
    }
    column_formatters = {
        "instructor": INSTRUCTOR_LINK,
        "price": money,
        "difficulty": enum_name,
        "learning_objectives": text_list,
        "prerequisites": text_list,
    }
    column_default_sort = ("created_at", True)
    column_searchable_list = ["title"]  # replaced by full-text search below
    column_filters = ["published", "featured", "difficulty", "price", "created_at", "instructor_id"]
    column_sortable_list = [
        "title",
        "slug",
        "difficulty",
        "price",
        "published",
        "featured",
        "created_at",
    ]
    form_columns = [
        "title",
        "slug",
        "description",
        "instructor_id",
        "difficulty",
        "price",
        "currency",
        "duration_hours",
        "published",
        "featured",
        "learning_objectives",
        "prerequisites",
        "thumbnail_url",
        "video_url",
    ]
    form_overrides = {
        "price": MoneyField,
        "learning_objectives": TextListField,
        "prerequisites": TextListField,
    }
    form_args = {
        "slug": {
            "validators": [Optional(), SLUG_RULE],
            "description": "Left empty, it is made from the title.",
        },
        "duration_hours": {"validators": [InputRequired(), NumberRange(min=0, max=100_000)]},
        "currency": CURRENCY_CODE,
        "price": {"validators": [InputRequired()]},
    }
    form_widget_args = {"slug": {"required": False}}  # empty: proposed from the title
    form_ajax_refs = {"instructor_id": lookups.user_lookup("instructor_id", staff_only=True)}
    form_extra_fields = {
        "instructor_id": lookups.id_field(
            form_ajax_refs["instructor_id"], "Instructor", "deleted user", allow_blank=True
        )
    }
    inline_models = [
        (
            CourseModule,
            {
                "form_columns": ["id", "order", "title", "description", "duration"],
                "form_args": {"order": ORDER_ARGS, "duration": MINUTES_ARGS},
                "form_label": "Module",
            },
        )
    ]

    @action("publish", "Publish", "Publish the selected courses?")
    def action_publish(self, ids):
        self.flag(ids, "publish")

    @action("unpublish", "Unpublish", "Unpublish the selected courses?")
    def action_unpublish(self, ids):
        self.flag(ids, "unpublish")

    @action("feature", "Feature", "Feature the selected courses on the home page?")
    def action_feature(self, ids):
        self.flag(ids, "feature")

    @action("unfeature", "Unfeature", "Stop featuring the selected courses?")
    def action_unfeature(self, ids):
        self.flag(ids, "unfeature")

    @action(
        "recompute_progress",
        "Recompute progress",
        "Recompute every student's progress in the selected courses from their lesson progress?",
    )
    def action_recompute_progress(self, ids):
        own = self.own_ids(ids)
        self.run_operation(
            lambda: progress_ops.recompute(course_ids=own),
            "{result} course progress row(s) corrected.",
        )

    def flag(self, ids, change):
        self.run_operation(
            lambda: set_course_flag(self.selected(ids), change),
            f"{FLAG_DONE[change]} {{result}} course(s).",
        )

    def search_placeholder(self):
        return "Search titles and descriptions"

    @property
    def extra_js(self):
        return [url_for("static", filename="js/slug.js")]

    def _apply_search(self, query, count_query, joins, count_joins, search):
        """Full-text search on the search_vector GIN index, best matches first."""
        tsquery = func.websearch_to_tsquery("english", search)
        matches = Course.search_vector.op("@@")(tsquery)
        query = query.filter(matches).order_by(func.ts_rank(Course.search_vector, tsquery).desc())
        if count_query is not None:
            count_query = count_query.filter(matches)
        return query, count_query, joins, count_joins

    def why_not_delete(self, course):
        """DESIGN.md: an instructor deletes her own course only while nobody is enrolled."""
        if current_viewer().is_instructor and db.session.scalar(
            select(Enrollment.id).where(Enrollment.course_id == course.id).limit(1)
        ):
            return (
                f"Students are enrolled in “{course.title}”: deleting it would delete their "
                "enrollments and progress, so only an admin can delete it."
            )
        return None

    def _for_role(self, form):
        if current_viewer().is_instructor and "instructor_id" in form:
            del form["instructor_id"]  # instructors cannot assign a course to someone else
        return form

    def create_form(self, obj=None):
        return self._for_role(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._for_role(super().edit_form(obj))

    def on_model_change(self, form, model, is_created):
        instructor_id = current_viewer().instructor_id
        if instructor_id is not None and is_created:
            model.instructor_id = instructor_id
        if not model.slug:
            model.slug = unique_slug(model.title, model.id)
        elif slug_taken(model.slug, model.id):
            raise ValidationError(
                f"The slug “{model.slug}” is taken; try “{unique_slug(model.slug, model.id)}”."
            )
        super().on_model_change(form, model, is_created)


COURSE_LINK = related_link("course", "course_id", "course", "deleted course")
MODULE_LINK = related_link("module", "module_id", "course_module", "deleted module")


class CourseModuleView(StaffModelView):
    read_roles = STAFF
    write_roles = STAFF
    instructor_scope = staticmethod(scoping.modules)

    column_list = ["course", "order", "title", "duration", "created_at"]
    column_details_list = [
        "id",
        "course",
        "order",
        "title",
        "description",
        "duration",
        "video_url",
        "content",
        "created_at",
        "updated_at",
    ]
    column_labels = {"duration": "Duration (min)", "video_url": "Video URL"}
    column_formatters = {"course": COURSE_LINK}
    column_default_sort = [("course_id", False), ("order", False)]
    column_searchable_list = ["title"]
    column_sortable_list = ["order", "title", "duration", "created_at"]
    form_columns = [
        "course_id",
        "order",
        "title",
        "description",
        "duration",
        "video_url",
        "content",
    ]
    form_args = {"order": ORDER_ARGS, "duration": MINUTES_ARGS}
    form_ajax_refs, form_extra_fields = lookups.id_lookups("course_id")
    inline_models = [
        (
            Lesson,
            {
                "form_columns": ["id", "order", "title", "content", "duration", "video_url"],
                "form_args": {"order": ORDER_ARGS, "duration": MINUTES_ARGS},
                "form_label": "Lesson",
            },
        )
    ]


class LessonView(StaffModelView):
    read_roles = STAFF
    write_roles = STAFF
    instructor_scope = staticmethod(scoping.lessons)

    column_list = ["module", "order", "title", "duration", "created_at"]
    column_details_list = [
        "id",
        "module",
        "order",
        "title",
        "content",
        "video_url",
        "duration",
        "created_at",
        "updated_at",
    ]
    column_labels = {"duration": "Duration (min)", "video_url": "Video URL"}
    column_formatters = {"module": MODULE_LINK, "content": short_text(200)}
    column_default_sort = [("module_id", False), ("order", False)]
    column_searchable_list = ["title"]
    column_sortable_list = ["order", "title", "duration", "created_at"]
    form_columns = ["module_id", "order", "title", "content", "duration", "video_url"]
    form_args = {"order": ORDER_ARGS, "duration": MINUTES_ARGS}
    form_ajax_refs, form_extra_fields = lookups.id_lookups("module_id")


class MediaView(StaffModelView):
    read_roles = STAFF
    write_roles = ADMIN
    create_roles = STAFF  # DESIGN: instructors read and create media
    instructor_scope = staticmethod(ALL_ROWS)

    column_list = ["title", "type", "provider", "mime_type", "duration", "size", "created_at"]
    column_details_list = [
        "id",
        "title",
        "type",
        "url",
        "provider",
        "provider_id",
        "mime_type",
        "duration",
        "size",
        "created_at",
        "updated_at",
    ]
    column_labels = {
        "mime_type": "MIME type",
        "provider_id": "Provider id",
        "duration": "Duration (s)",
        "size": "Size (bytes)",
    }
    column_default_sort = ("created_at", True)
    column_searchable_list = ["title", "url"]
    column_filters = ["type", "provider", "created_at"]
    column_sortable_list = ["title", "type", "provider", "created_at", "size"]
    form_columns = [
        "title",
        "type",
        "url",
        "provider",
        "provider_id",
        "mime_type",
        "duration",
        "size",
    ]
    form_choices = {"type": [("video", "video"), ("image", "image"), ("document", "document")]}
    form_args = {
        "duration": {"validators": [Optional(), NumberRange(min=0, max=2**31 - 1)]},
        "size": {"validators": [Optional(), NumberRange(min=0, max=2**31 - 1)]},
        "url": {"validators": [InputRequired()]},
    }


def register(admin):
    admin.add_view(CourseView(Course, name="Courses", category=CATEGORY, endpoint="course"))
    admin.add_view(
        CourseModuleView(CourseModule, name="Modules", category=CATEGORY, endpoint="course_module")
    )
    admin.add_view(LessonView(Lesson, name="Lessons", category=CATEGORY, endpoint="lesson"))
    admin.add_view(MediaView(Media, name="Media", category="Media", endpoint="media"))

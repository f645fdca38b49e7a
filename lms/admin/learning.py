"""Learning: enrollments, course progress and lesson progress."""

from flask import redirect, request
from flask_admin.actions import action
from flask_admin.base import expose
from wtforms import Form
from wtforms.validators import InputRequired, NumberRange

from lms import scoping
from lms.admin import lookups
from lms.admin.at_risk import at_risk_filter
from lms.admin.base import StaffModelView
from lms.admin.display import (
    COURSE_LINK,
    LESSON_LINK,
    PROGRESS_LINK,
    USER_LINK,
    enum_name,
    money,
)
from lms.admin.drill import time_ranges
from lms.admin.fields import CURRENCY_CODE, MoneyField
from lms.admin.list_export import ListExportMixin
from lms.audit import previous_value
from lms.models import CourseProgress, Enrollment, EnrollmentStatus, LessonProgress, utcnow
from lms.operations import enrollment as enrollment_ops
from lms.operations import progress as progress_ops
from lms.operations.transitions import check_enrollment_move, check_payment_move
from lms.roles import ADMIN, STAFF

CATEGORY = "Learning"
COUNT_ARGS = {"validators": [InputRequired(), NumberRange(min=0, max=1_000_000)]}


class EnrollmentView(ListExportMixin, StaffModelView):
    export_report = "enrollments"  # the list's "Export CSV" (streamed, see lms/reports)
    read_roles = STAFF
    write_roles = ADMIN
    instructor_scope = staticmethod(scoping.enrollments)

    column_list = [
        "user",
        "course",
        "status",
        "payment_status",
        "payment_amount",
        "enrolled_at",
        "completed_at",
        "expires_at",
    ]
    column_details_list = [
        "id",
        "user",
        "course",
        "status",
        "payment_status",
        "payment_amount",
        "payment_currency",
        "enrolled_at",
        "completed_at",
        "expires_at",
    ]
    column_labels = {
        "payment_status": "Payment",
        "payment_amount": "Amount",
        "payment_currency": "Currency",
        "enrolled_at": "Enrolled",
        "completed_at": "Completed",
        "expires_at": "Expires",
    }
    column_formatters = {
        "user": USER_LINK,
        "course": COURSE_LINK,
        "status": enum_name,
        "payment_status": enum_name,
        "payment_amount": money,
    }
    # Newest first by id: cuids start with their creation time, and the pkey index makes this
    # instant on a million rows; the schema has no index on "enrolledAt" (sorting by it is a
    # full sort, offered as a column sort).
    column_default_sort = ("id", True)
    column_filters = [
        "status",
        "payment_status",
        "enrolled_at",
        "completed_at",
        "expires_at",
        "payment_amount",
        "user_id",
        "course_id",
        *time_ranges(Enrollment.enrolled_at, Enrollment.completed_at),
    ]
    column_sortable_list = [
        "status",
        "payment_status",
        "payment_amount",
        "enrolled_at",
        "completed_at",
        "expires_at",
    ]
    form_columns = [
        "user_id",
        "course_id",
        "status",
        "payment_status",
        "payment_amount",
        "payment_currency",
        "enrolled_at",
        "completed_at",
        "expires_at",
    ]
    form_overrides = {"payment_amount": MoneyField}
    form_args = {
        "payment_currency": CURRENCY_CODE,
        "payment_amount": {"validators": [InputRequired()]},
    }
    form_ajax_refs, form_extra_fields = lookups.id_lookups("user_id", "course_id")
    write_endpoints = frozenset({"enroll_view", "expire_overdue_view"})
    list_template = "admin/enrollment_list.html"

    def on_model_change(self, form, model, is_created):
        """Status changes follow the spec's state diagrams."""
        check_enrollment_move(previous_value(model, "status"), model.status)
        check_payment_move(previous_value(model, "payment_status"), model.payment_status)
        if model.status == EnrollmentStatus.COMPLETED and model.completed_at is None:
            model.completed_at = utcnow()
        super().on_model_change(form, model, is_created)

    @expose("/enroll/", methods=("GET", "POST"))
    def enroll_view(self):
        """Enroll a student: enrollment, course progress and (if paid) a transaction at once."""
        form = EnrollForm(request.form, meta={"csrf": False})
        form.user_id.loader = self._form_ajax_refs["user_id"]
        form.course_id.loader = self._form_ajax_refs["course_id"]
        if request.method == "POST" and form.validate():
            done = self.run_operation(
                lambda: enrollment_ops.enroll(form.user_id.data, form.course_id.data),
                "Enrolled: enrollment, course progress and any payment were created together.",
            )
            if done is not None:
                return redirect(self.get_url(".details_view", id=done.id))
        return self.render("admin/enroll.html", form=form, return_url=self.get_url(".index_view"))

    @expose("/expire-overdue/", methods=("POST",))
    def expire_overdue_view(self):
        self.run_operation(
            enrollment_ops.expire_overdue, "{result} overdue enrollment(s) marked EXPIRED."
        )
        return redirect(self.get_url(".index_view"))

    @action(
        "issue_certificate",
        "Issue certificate",
        "Issue a certificate for each selected completed enrollment?",
    )
    def action_issue_certificate(self, ids):
        self.run_operation(
            lambda: len([enrollment_ops.issue_certificate(i) for i in self.own_ids(ids)]),
            "Issued {result} certificate(s).",
        )

    @action(
        "expire", "Expire if overdue", "Expire the selected enrollments whose end date has passed?"
    )
    def action_expire(self, ids):
        self.run_operation(
            lambda: enrollment_ops.expire_overdue(ids=self.own_ids(ids)),
            "{result} enrollment(s) marked EXPIRED.",
        )


class EnrollForm(Form):
    user_id = lookups.id_field(None, "Student", "deleted user")
    course_id = lookups.id_field(None, "Course", "deleted course")


class CourseProgressView(ListExportMixin, StaffModelView):
    export_report = "course-progress"  # the list's "Export CSV" (streamed, see lms/reports)
    read_roles = STAFF
    write_roles = ADMIN
    instructor_scope = staticmethod(scoping.course_progress)

    column_list = [
        "user",
        "course",
        "progress_percent",
        "completed_lessons",
        "total_lessons",
        "last_accessed_at",
        "completed_at",
    ]
    column_details_list = [
        "id",
        "user",
        "course",
        "progress_percent",
        "completed_lessons",
        "total_lessons",
        "started_at",
        "last_accessed_at",
        "completed_at",
    ]
    column_labels = {
        "progress_percent": "Progress %",
        "completed_lessons": "Lessons done",
        "total_lessons": "Lessons",
        "last_accessed_at": "Last active",
        "started_at": "Started",
        "completed_at": "Completed",
    }
    column_formatters = {"user": USER_LINK, "course": COURSE_LINK}
    column_default_sort = ("last_accessed_at", True)
    column_filters = [
        "progress_percent",
        "last_accessed_at",
        "completed_at",
        "user_id",
        "course_id",
        *time_ranges(
            CourseProgress.started_at, CourseProgress.last_accessed_at, CourseProgress.completed_at
        ),
        at_risk_filter(),  # the Progress dashboard's at-risk tile links here
    ]
    column_sortable_list = [
        "progress_percent",
        "completed_lessons",
        "last_accessed_at",
        "completed_at",
    ]
    form_columns = [
        "user_id",
        "course_id",
        "completed_lessons",
        "total_lessons",
        "progress_percent",
        "started_at",
        "last_accessed_at",
        "completed_at",
    ]
    form_args = {
        "completed_lessons": COUNT_ARGS,
        "total_lessons": COUNT_ARGS,
        "progress_percent": {"validators": [InputRequired(), NumberRange(0, 100)]},
    }
    form_ajax_refs, form_extra_fields = lookups.id_lookups("user_id", "course_id")

    @action(
        "recompute",
        "Recompute from lesson progress",
        "Recompute the selected rows from their lesson progress?",
    )
    def action_recompute(self, ids):
        own = self.own_ids(ids)
        self.run_operation(
            lambda: progress_ops.recompute(progress_ids=own),
            "{result} course progress row(s) corrected.",
        )


class LessonProgressView(StaffModelView):
    read_roles = STAFF
    write_roles = ADMIN
    instructor_scope = staticmethod(scoping.lesson_progress)

    column_list = [
        "progress",
        "lesson",
        "completed",
        "watch_time_seconds",
        "last_watched_at",
        "completed_at",
    ]
    column_details_list = [
        "id",
        "progress",
        "lesson",
        "completed",
        "completed_at",
        "watch_time_seconds",
        "last_watched_at",
    ]
    column_labels = {
        "progress": "Course progress",
        "watch_time_seconds": "Watched (s)",
        "last_watched_at": "Last watched",
        "completed_at": "Completed",
    }
    column_formatters = {"progress": PROGRESS_LINK, "lesson": LESSON_LINK}
    column_default_sort = ("last_watched_at", True)
    column_filters = [
        "completed",
        "last_watched_at",
        "progress_id",
        "lesson_id",
        *time_ranges(LessonProgress.last_watched_at, LessonProgress.completed_at),
    ]
    column_sortable_list = ["completed", "watch_time_seconds", "last_watched_at"]
    form_columns = [
        "progress_id",
        "lesson_id",
        "completed",
        "completed_at",
        "watch_time_seconds",
        "last_watched_at",
    ]
    form_args = {"watch_time_seconds": {"validators": [InputRequired(), NumberRange(0, 2**31 - 1)]}}
    form_ajax_refs, form_extra_fields = lookups.id_lookups("progress_id", "lesson_id")


def register(admin):
    admin.add_view(
        EnrollmentView(Enrollment, name="Enrollments", category=CATEGORY, endpoint="enrollment")
    )
    admin.add_view(
        CourseProgressView(
            CourseProgress, name="Course progress", category=CATEGORY, endpoint="course_progress"
        )
    )
    admin.add_view(
        LessonProgressView(
            LessonProgress, name="Lesson progress", category=CATEGORY, endpoint="lesson_progress"
        )
    )

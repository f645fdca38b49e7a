"""The course_analytics table: the platform's per-course figures, read by staff, fixed by admins."""

from wtforms.validators import InputRequired, NumberRange, Optional

from lms import scoping
from lms.admin import lookups
from lms.admin.base import StaffModelView
from lms.admin.display import COURSE_LINK, money
from lms.admin.fields import MoneyField
from lms.models import CourseAnalytics
from lms.roles import ADMIN, STAFF

PERCENT = {"validators": [InputRequired(), NumberRange(0, 100)]}
COUNT = {"validators": [InputRequired(), NumberRange(0, 2**31 - 1)]}


class CourseAnalyticsView(StaffModelView):
    read_roles = STAFF
    write_roles = ADMIN
    instructor_scope = staticmethod(scoping.course_analytics)

    column_list = [
        "course",
        "total_enrollments",
        "active_enrollments",
        "completion_rate",
        "average_progress",
        "total_revenue",
        "average_rating",
        "last_calculated_at",
    ]
    column_details_list = ["id", *column_list]
    column_labels = {
        "completion_rate": "Completion %",
        "average_progress": "Avg progress %",
        "last_calculated_at": "Calculated at",
    }
    column_formatters = {"course": COURSE_LINK, "total_revenue": money}
    column_default_sort = ("last_calculated_at", True)
    column_sortable_list = [
        "total_enrollments",
        "active_enrollments",
        "completion_rate",
        "average_progress",
        "total_revenue",
        "last_calculated_at",
    ]
    column_filters = ["course_id", "last_calculated_at"]
    form_columns = [
        "course_id",
        "total_enrollments",
        "active_enrollments",
        "completion_rate",
        "average_progress",
        "total_revenue",
        "average_rating",
        "last_calculated_at",
    ]
    form_overrides = {"total_revenue": MoneyField}
    form_args = {
        "total_enrollments": COUNT,
        "active_enrollments": COUNT,
        "completion_rate": PERCENT,
        "average_progress": PERCENT,
        "average_rating": {"validators": [Optional(), NumberRange(0, 5)]},
        "total_revenue": {"validators": [InputRequired()]},
    }
    form_ajax_refs, form_extra_fields = lookups.id_lookups("course_id")


def register(admin):
    admin.add_view(
        CourseAnalyticsView(
            CourseAnalytics,
            name="Course analytics",
            category="Analytics data",
            endpoint="course_analytics",
        )
    )

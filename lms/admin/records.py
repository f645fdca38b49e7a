"""Analytics data (course_analytics rows) and the audit log."""

import json

from flask import request
from wtforms.validators import InputRequired, NumberRange, Optional

from lms.admin import lookups, scopes
from lms.admin.base import ADMIN, NOBODY, STAFF, StaffModelView
from lms.admin.display import COURSE_LINK, money
from lms.admin.fields import MoneyField
from lms.models import AuditEntry, CourseAnalytics

PERCENT = {"validators": [InputRequired(), NumberRange(0, 100)]}
COUNT = {"validators": [InputRequired(), NumberRange(0, 2**31 - 1)]}


class CourseAnalyticsView(StaffModelView):
    read_roles = STAFF
    write_roles = ADMIN
    instructor_scope = staticmethod(scopes.course_analytics)

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


class AuditLogView(StaffModelView):
    """Read-only: the log is written by the app, never edited."""

    read_roles = ADMIN
    write_roles = NOBODY
    column_list = ["at", "user_email", "action", "table_name", "row_id"]
    column_details_list = [
        "id",
        "at",
        "user_id",
        "user_email",
        "action",
        "table_name",
        "row_id",
        "before",
        "after",
        "details",
    ]
    column_labels = {
        "at": "When (UTC)",
        "user_email": "Who",
        "table_name": "Table",
        "row_id": "Row",
    }
    column_default_sort = ("id", True)
    column_filters = ["user_email", "action", "table_name", "row_id", "at"]
    column_sortable_list = ["at", "action", "table_name"]
    column_formatters = {
        "before": lambda v, c, m, n: json_text(m.before),
        "after": lambda v, c, m, n: json_text(m.after),
        "details": lambda v, c, m, n: json_text(m.details),
    }

    def get_query(self):
        """?table=…&row=… (the "History" link of a row's page) narrows the log to one row."""
        query = super().get_query()
        if request.args.get("table"):
            query = query.filter(AuditEntry.table_name == request.args["table"][:100])
        if request.args.get("row"):
            query = query.filter(AuditEntry.row_id == request.args["row"][:200])
        return query


def json_text(value) -> str:
    return "" if value is None else json.dumps(value, indent=1, ensure_ascii=False)


def register(admin):
    admin.add_view(
        CourseAnalyticsView(
            CourseAnalytics,
            name="Course analytics",
            category="Analytics data",
            endpoint="course_analytics",
        )
    )
    admin.add_view(
        AuditLogView(AuditEntry, name="Audit log", category="Audit", endpoint="audit_log")
    )

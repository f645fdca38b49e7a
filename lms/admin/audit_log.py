"""The audit log: every change made through the app, read by admins, never edited."""

import json

from flask import request

from lms.admin.base import StaffModelView
from lms.models import AuditEntry
from lms.roles import ADMIN, NOBODY


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
        AuditLogView(AuditEntry, name="Audit log", category="Audit", endpoint="audit_log")
    )

"""The Reports page: every report the user may download, with course and date filters."""

from flask import abort, request
from flask_admin import expose

from lms.db import db
from lms.reports.export import csv_response, wants_bom
from lms.reports.filters import ReportInputError, course_choices, parse_filters
from lms.reports.registry import REPORTS, reports_for
from lms.roles import STAFF, StaffPage, current_viewer


class ReportsPage(StaffPage):
    """Downloads for staff; which reports and which rows depend on the role."""

    read_roles = STAFF

    def render_page(self, error: str | None = None, status: int = 200):
        viewer = current_viewer()
        return self.render(
            "reports/index.html",
            reports=reports_for(viewer),
            courses=course_choices(db.session, viewer),
            error=error,
            values=request.args,
        ), status

    @expose("/")
    def index(self):
        return self.render_page()

    # Not `name`: Flask-Admin's _handle_view takes that argument itself.
    @expose("/<report_name>.csv")
    def download(self, report_name: str):
        report = REPORTS.get(report_name) or abort(404)
        try:
            filters = parse_filters(
                request.args.get("course"), request.args.get("from"), request.args.get("to")
            )
            return csv_response(report, filters, current_viewer(), bom=wants_bom())
        except PermissionError:
            return abort(403)
        except ReportInputError as error:
            # The form again, with what was typed and what to fix.
            return self.render_page(f"{report.title}: {error}", 400)


def register(admin) -> None:
    admin.add_view(ReportsPage(name="CSV reports", endpoint="reports", category="Reports"))

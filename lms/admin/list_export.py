"""A list view's "Export CSV": the matching report over the list's filters, search and sort.

Usage, in a view module:

    class TransactionView(ListExportMixin, StaffModelView):
        export_report = "transactions"

adds `/admin/<view>/export.csv` (endpoint `<view>.export_csv`). It takes the list page's own
query string (`flt…`, `search`, `sort`, `desc`), plus `bom=1` for Excel. Who may call it is
the view's read roles narrowed to the report's roles, declared through `roles_for`.
"""

from typing import TYPE_CHECKING, Any

from flask import abort, request, url_for
from flask_admin import expose

from lms.reports.base import Report
from lms.reports.export import csv_response, wants_bom
from lms.reports.filters import parse_filters
from lms.reports.registry import REPORTS
from lms.roles import current_viewer

if TYPE_CHECKING:  # what the mixin is mixed into, so that self and super() type-check
    from lms.admin.base import StaffModelView as _Base
else:
    _Base = object

LIST_ONLY_ARGS = ("page", "page_size", "bom")


def list_state() -> dict:
    """What the list showed, for the audit log."""
    return {key: value for key, value in request.args.items() if key not in LIST_ONLY_ARGS}


class ListExportMixin(_Base):
    """Mix into a StaffModelView (before it) and set `export_report` to a report name."""

    export_report: str | None = None

    def exported_report(self) -> Report | None:
        """The report named by `export_report`; None when there is none by that name."""
        return None if self.export_report is None else REPORTS.get(self.export_report)

    def export_url(self) -> str:
        """The export link for the list as it is shown now (for the list template's button)."""
        args: dict[str, Any] = {k: v for k, v in request.args.items() if k not in LIST_ONLY_ARGS}
        return url_for(f"{self.endpoint}.export_csv", **args)

    def roles_for(self, endpoint_name: str) -> frozenset:
        roles = super().roles_for(endpoint_name)
        if endpoint_name == "export_csv":
            report = self.exported_report()
            roles = roles & report.roles if report else frozenset()
        return roles

    @expose("/export.csv")
    def export_csv(self):
        report = self.exported_report() or abort(404)
        args = self._get_list_extra_args()
        sort = self._get_column_by_idx(args.sort)
        _count, query = self.get_list(
            0,
            sort[0] if sort else None,
            args.sort_desc,
            args.search,
            args.filters,
            execute=False,
            page_size=0,
        )
        return csv_response(
            report,
            parse_filters(),
            current_viewer(),
            bom=wants_bom(),
            list_query=query,
            list_state=list_state(),
        )

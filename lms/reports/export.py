"""Running a report: role check, filters, audit entry, and the streamed CSV download."""
from collections.abc import Callable

from flask import Response
from flask_login import current_user
from sqlalchemy import Engine, Select, update
from sqlalchemy.orm import Query

from lms import audit
from lms.db import db
from lms.models import AuditEntry, UserRole, utcnow
from lms.reports.base import Report
from lms.reports.filters import ReportFilters, ReportInputError, Viewer, resolve_course
from lms.reports.stream import csv_chunks

COMMAND_LINE = Viewer(role=UserRole.ADMIN)  # whoever runs `flask` owns the server anyway


def current_viewer() -> Viewer:
    return Viewer(role=current_user.role, user_id=current_user.user_id)


def file_name(report: Report) -> str:
    return f"{report.name}-{utcnow().date().isoformat()}.csv"


def prepare(report: Report, filters: ReportFilters, viewer: Viewer,
            list_query: Query | Select | None = None) -> Select:
    """The SELECT to stream; PermissionError or ReportInputError when it may not run."""
    if viewer.role not in report.roles:
        raise PermissionError(f"the {report.title} report is for admins only")
    if list_query is not None:
        return report.from_list(list_query, viewer, filters)
    if report.course_required and filters.course_slug is None:
        raise ReportInputError(f"The {report.title} report is for one course: "
                               "give the course's slug.")
    filters = resolve_course(db.session, filters, viewer)
    return report.build(filters, viewer)


def open_audit_entry(report: Report, details: dict) -> tuple[int, dict]:
    """Record the export before it starts (a crash mid-stream still leaves a trace)."""
    entry = audit.record("export", report.name, details={**details, "rows": None,
                                                         "complete": False})
    db.session.commit()
    return entry.id, entry.details


def audit_finisher(engine: Engine, entry_id: int, details: dict) -> Callable[[int, bool], None]:
    """on_end for csv_chunks: the row count, and whether the download ran to the end."""
    def finish(rows: int, complete: bool) -> None:
        with engine.begin() as conn:
            conn.execute(update(AuditEntry).where(AuditEntry.id == entry_id)
                         .values(details={**details, "rows": rows, "complete": complete}))
    return finish


def export_chunks(report: Report, stmt: Select, details: dict, *, bom: bool = False,
                  on_batch: Callable[[int], None] | None = None):
    """Audit entry now, CSV chunks later: the generator needs no app context."""
    entry_id, recorded = open_audit_entry(report, details)
    engine = db.engine
    return csv_chunks(engine, stmt, report.headers, bom=bom, on_batch=on_batch,
                      on_end=audit_finisher(engine, entry_id, recorded))


def csv_response(report: Report, filters: ReportFilters, viewer: Viewer, *, bom: bool = False,
                 list_query: Query | Select | None = None,
                 list_state: dict | None = None) -> Response:
    """The streamed download of `report` (or of a list view's query in its columns)."""
    stmt = prepare(report, filters, viewer, list_query)
    details = {"filters": list_state if list_query is not None else filters.for_audit(),
               "source": "list view" if list_query is not None else "reports page",
               "bom": bom}
    chunks = export_chunks(report, stmt, details, bom=bom)
    return Response(chunks, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{file_name(report)}"',
        "Cache-Control": "no-store",
        "X-Accel-Buffering": "no",  # a proxy in front must pass chunks on, not buffer them
    })

"""Running a report: role check, filters, audit entry, and the streamed CSV download."""

import contextlib
from collections.abc import Callable
from functools import partial
from typing import cast

from flask import Response, current_app, make_response, request
from sqlalchemy import Connection, Engine, Select, update
from sqlalchemy.orm import Query

from lms import audit
from lms.db import db
from lms.models import AuditEntry, utcnow
from lms.reports.base import Report, RowReport
from lms.reports.filters import ReportFilters, ReportInputError, resolve_course
from lms.reports.slots import ExportsBusy, give_back, take_slot
from lms.reports.stream import csv_chunks
from lms.roles import Viewer
from lms.security import render_error

RETRY_AFTER_SECONDS = 60  # a refused download's Retry-After when no stall limit is set


def wants_bom() -> bool:
    """`bom=1`: a byte-order mark first, so that Excel reads the file as UTF-8."""
    return request.args.get("bom", "").lower() in ("1", "true", "yes", "on")


def file_name(report: Report) -> str:
    return f"{report.name}-{utcnow().date().isoformat()}.csv"


def prepare(
    report: Report, filters: ReportFilters, viewer: Viewer, list_query: Query | Select | None = None
) -> Select:
    """The SELECT to stream; PermissionError or ReportInputError when it may not run.

    Every export passes here (Reports page, list views, command line): the one role check.
    """
    if not report.allows(viewer):
        raise PermissionError(f"{viewer.role} may not export {report.name}")
    if list_query is not None:
        if not isinstance(report, RowReport):
            raise TypeError(f"{report.name} is a summary: a list view cannot export it")
        return report.from_list(list_query, viewer, filters)
    if report.course_required and filters.course_slug is None:
        raise ReportInputError(
            f"The {report.title} report is for one course: give the course's slug."
        )
    filters = resolve_course(db.session, filters, viewer)
    return report.build(filters, viewer)


def open_audit_entry(report: Report, details: dict) -> tuple[int, dict]:
    """Record the export before it starts (a crash mid-stream still leaves a trace)."""
    entry = audit.record(
        "export", report.name, details={**details, "rows": None, "complete": False}
    )
    db.session.commit()
    # The cast: the column may be NULL, but this entry was given details just above.
    return entry.id, cast(dict, entry.details)


def audit_finisher(engine: Engine, entry_id: int, details: dict) -> Callable[[int, bool], None]:
    """on_end for csv_chunks: the row count, and whether the download ran to the end."""

    def finish(rows: int, complete: bool) -> None:
        with engine.begin() as conn:
            conn.execute(
                update(AuditEntry)
                .where(AuditEntry.id == entry_id)
                .values(details={**details, "rows": rows, "complete": complete})
            )

    return finish


def export_chunks(
    report: Report,
    stmt: Select,
    details: dict,
    *,
    bom: bool = False,
    on_batch: Callable[[int], None] | None = None,
    connection: Connection | None = None,
):
    """Audit entry now, CSV chunks later: the generator needs no app context."""
    entry_id, recorded = open_audit_entry(report, details)
    engine = db.engine
    return csv_chunks(
        engine,
        stmt,
        report.headers,
        bom=bom,
        on_batch=on_batch,
        on_end=audit_finisher(engine, entry_id, recorded),
        connection=connection,
    )


def busy_response(error: ExportsBusy, stall_seconds: int) -> Response:
    """429 on the app's error page; by Retry-After a stalled download has given its slot back."""
    response = make_response(render_error(429, str(error)))
    response.headers["Retry-After"] = str(stall_seconds or RETRY_AFTER_SECONDS)
    return response


def end_stalled_sends(environ: dict, seconds: int) -> Callable[[], None]:
    """A send the client does not take within `seconds` fails; returns the undo.

    gunicorn and werkzeug put the client's socket in the environ; with a timeout on it, the
    server's write to a client that stopped reading raises TimeoutError, and the server closes
    the response (cursor, transaction and slots with it) and drops the connection, so the
    thread is free again. A write is one chunk (a batch of rows, a few hundred kB): a client
    slower than that per `seconds` is cut off too. Waiting on the database is not a stall.
    """
    sock = environ.get("gunicorn.socket") or environ.get("werkzeug.socket")
    if sock is None or not seconds:
        return lambda: None
    before = sock.gettimeout()
    sock.settimeout(seconds)

    def undo() -> None:
        with contextlib.suppress(OSError):  # the server closed it already
            sock.settimeout(before)

    return undo


def csv_response(
    report: Report,
    filters: ReportFilters,
    viewer: Viewer,
    *,
    bom: bool = False,
    list_query: Query | Select | None = None,
    list_state: dict | None = None,
) -> Response:
    """The streamed download of `report` (or of a list view's query in its columns)."""
    stmt = prepare(report, filters, viewer, list_query)
    details = {
        "filters": list_state if list_query is not None else filters.for_audit(),
        "source": "list view" if list_query is not None else "reports page",
        "bom": bom,
    }
    config = current_app.config
    # Taken before the response starts, so that "too many" is a real 429, not a cut-off file.
    try:
        connection = take_slot(
            db.engine,
            viewer.user_id,
            per_user=config["EXPORTS_PER_USER"],
            total=config["EXPORTS_TOTAL"],
        )
    except ExportsBusy as busy:
        return busy_response(busy, config["EXPORT_STALL_SECONDS"])
    try:
        chunks = export_chunks(report, stmt, details, bom=bom, connection=connection)
        response = Response(
            chunks,
            mimetype="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="{file_name(report)}"',
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",  # a proxy in front must pass chunks on, not buffer them
            },
        )
    except BaseException:
        give_back(connection)
        raise
    # The server closes the response however it ends (finished, client gone, error), also
    # when the stream never started.
    response.call_on_close(partial(give_back, connection))
    response.call_on_close(end_stalled_sends(request.environ, config["EXPORT_STALL_SECONDS"]))
    return response

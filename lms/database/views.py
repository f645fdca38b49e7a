"""The Database page: sizes, index use, vacuum, connections, long and slow queries, schema drift."""

import logging
import re

from flask import flash, redirect, request, url_for
from flask_admin import expose

from lms.database import health
from lms.database.platform_schema import platform_drift
from lms.db import db
from lms.operations import OperationRefused
from lms.roles import ADMIN, StaffPage

log = logging.getLogger(__name__)


class DatabasePage(StaffPage):
    """What PostgreSQL reports about this database, and a cancel for runaway queries."""

    read_roles = ADMIN  # every endpoint of the page, the cancel included

    @expose("/")
    def index(self):
        conn = db.session.connection()
        drift, drift_error = None, None
        try:
            with conn.begin_nested():
                drift = platform_drift(conn)
        except Exception as error:  # a diagnostics page shows the rest whatever the check does
            log.exception("the platform schema check failed")
            drift_error = str(error).splitlines()[0] if str(error) else type(error).__name__
        return self.render(
            "database/index.html",
            overview=health.overview(conn),
            drift=drift,
            drift_error=drift_error,
            tables=health.tables(conn),
            phase4=health.phase4_indexes(conn),
            indexes=health.indexes(conn),
            connections=health.connections_by_state(conn),
            long_running=health.long_running_queries(conn),
            statements=health.slowest_statements(conn),
            big_table_bytes=health.BIG_TABLE_BYTES,
            long_after=health.LONG_QUERY_AFTER,
        )

    @expose("/cancel", methods=("POST",))
    def cancel(self):
        pid = request.form.get("pid", "").strip()
        try:
            if not re.fullmatch(r"[0-9]{1,10}", pid):
                raise OperationRefused("A backend id is a whole number, as listed on this page.")
            query = health.cancel_query(db.session.connection(), int(pid))
            db.session.commit()
        except OperationRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            flash(
                f"Cancelled the query of backend {pid} ({query['user_name']}, running for "
                f"{int(query['duration'].total_seconds())} s). Its client gets an error.",
                "success",
            )
        return redirect(url_for(".index"))


def register(admin) -> None:
    admin.add_view(DatabasePage(name="Database", endpoint="database", category="System"))

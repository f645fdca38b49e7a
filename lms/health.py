"""GET /healthz: 200 when the database answers, 503 when it does not."""

from flask import Blueprint, jsonify
from sqlalchemy import text

from lms.db import db
from lms.outage import RETRY_AFTER_SECONDS

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not healthy"
        return (
            jsonify(status="unavailable", database="unreachable"),
            503,
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return jsonify(status="ok", database="reachable"), 200

"""Which source answers a request's shared figures: the live queries or the rollups."""

from datetime import datetime

from flask import current_app

from lms.analytics import live, precomputed
from lms.analytics.contract import FigureSource
from lms.analytics.filters import Filters
from lms.analytics.rollups import USE_FROM_ENROLLMENTS, refreshed_at, worth_reading
from lms.db import db

LIVE: FigureSource = live
ROLLUPS: FigureSource = precomputed


def rollup_threshold() -> int:
    """Enrollments from which the rollups are read (config ANALYTICS_ROLLUPS_FROM_ENROLLMENTS)."""
    return current_app.config.get("ANALYTICS_ROLLUPS_FROM_ENROLLMENTS", USE_FROM_ENROLLMENTS)


def figures_source(f: Filters) -> tuple[FigureSource, datetime | None]:
    """(source, as-of time or None): the rollups for every course on a large platform once
    they are built; live figures otherwise (one course or an instructor's courses included)."""
    if f.course_id is None and f.instructor_id is None:
        as_of = refreshed_at(db.session)
        if as_of is not None and worth_reading(db.session, rollup_threshold()):
            return ROLLUPS, as_of
    return LIVE, None

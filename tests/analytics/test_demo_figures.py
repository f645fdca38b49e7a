"""On the demo data: figures against independent SQL, and the rollups against the live queries."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text

from lms.analytics import live
from lms.analytics.contract import FIGURES
from lms.analytics.filters import Filters
from lms.analytics.refresh import refresh_everything
from lms.analytics.sources import LIVE, ROLLUPS
from lms.db import db
from lms.seed.demo import load_demo

ANCHOR = datetime(2026, 3, 1)
YEAR = Filters(start=date(2025, 3, 1), end=date(2026, 2, 28), preset="custom", now=ANCHOR)


@pytest.fixture
def demo(app):
    with app.app_context():
        with db.engine.begin() as conn:
            load_demo(conn, ANCHOR)
        refresh_everything(db.session, ANCHOR)
        db.session.commit()
        yield


def scalar(sql: str, **params):
    return db.session.execute(
        text(sql), {"start": datetime(2025, 3, 1), "end": datetime(2026, 3, 1), **params}
    ).scalar()


def test_revenue_matches_independent_sql(demo):
    series = live.revenue_series(YEAR)
    assert {r["currency"] for r in series} == {"USD"}  # the demo sells in dollars only
    gross = sum(r["gross"] for r in series)
    assert gross == scalar("""SELECT sum(amount) FROM transactions
                              WHERE status IN ('COMPLETED', 'REFUNDED') AND currency = 'USD'
                              AND "createdAt" >= :start AND "createdAt" < :end""")
    assert gross > 0
    assert sum(r["refunded"] for r in series) == scalar(
        """SELECT coalesce(sum(amount), 0) FROM transactions WHERE status = 'REFUNDED'
           AND currency = 'USD' AND "updatedAt" >= :start AND "updatedAt" < :end"""
    )
    by_course = {(r["course_id"], r["currency"]): r["gross"] for r in live.revenue_by_course(YEAR)}
    for (course_id, currency), amount in by_course.items():
        assert amount == scalar(
            """SELECT sum(amount) FROM transactions
               WHERE status IN ('COMPLETED', 'REFUNDED') AND "courseId" = :c AND currency = :cur
               AND "createdAt" >= :start AND "createdAt" < :end""",
            c=course_id,
            cur=currency,
        )


def test_enrollments_and_completion_match_independent_sql(demo):
    totals, by_course = live.enrollment_overview(YEAR)
    assert totals["enrollments"] == scalar(
        'SELECT count(*) FROM enrollments WHERE "enrolledAt" >= :start AND "enrolledAt" < :end'
    )
    assert totals["completed"] == scalar(
        """SELECT count(*) FROM enrollments WHERE status = 'COMPLETED'
           AND "enrolledAt" >= :start AND "enrolledAt" < :end"""
    )
    assert sum(r["enrollments"] for r in by_course) == totals["enrollments"]  # six courses


def test_progress_and_at_risk_match_independent_sql(demo):
    assert live.progress.at_risk_count(YEAR) == scalar(
        """SELECT count(*) FROM course_progress cp WHERE "progressPercent" < 100
           AND "lastAccessedAt" < :now - interval '30 days'
           AND (cp."userId", cp."courseId") IN (SELECT "userId", "courseId" FROM enrollments
               WHERE status = 'ACTIVE' AND "paymentStatus" <> 'REFUNDED')""",
        now=ANCHOR,
    )
    distribution = live.progress_distribution(YEAR)
    assert sum(r["students"] for r in distribution) == scalar(
        """SELECT count(DISTINCT "progressId") FROM lesson_progress
           WHERE ("lastWatchedAt" >= :start AND "lastWatchedAt" < :end)
              OR ("completedAt" >= :start AND "completedAt" < :end)"""
    )


def test_lesson_figures_match_the_specs_aggregate(demo):
    course = live.progress_by_course(YEAR)[0]["course_id"]
    for row in live.progress.lesson_engagement(YEAR.with_course(course)):
        expected = db.session.execute(
            text(
                """SELECT count(*), count(*) FILTER (WHERE completed), avg("watchTimeSeconds")
               FROM lesson_progress WHERE "lessonId" = :l
               AND "lastWatchedAt" >= :start AND "lastWatchedAt" < :end"""
            ),
            {"l": row["lesson_id"], "start": datetime(2025, 3, 1), "end": datetime(2026, 3, 1)},
        ).one()
        assert (row["started"], row["completed"], row["average_watch_seconds"]) == tuple(expected)


@pytest.mark.parametrize("days", [7, 30, 90, 365, 500])
def test_rollups_equal_live_figures_on_the_demo(demo, days):
    f = Filters(
        start=ANCHOR.date() - timedelta(days=days - 1),
        end=ANCHOR.date(),
        preset="custom",
        now=ANCHOR,
    )
    for name in FIGURES:
        assert getattr(ROLLUPS, name)(f) == getattr(LIVE, name)(f), name

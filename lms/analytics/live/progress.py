"""Progress dashboard, live: where students are, who is at risk, how each lesson is watched."""

from datetime import datetime

from lms.analytics.bins import PROGRESS_LABELS, progress_bin
from lms.analytics.filters import Filters
from lms.analytics.sql import COURSE_LESSONS, course_scope, fetch, fetch_one, in_range
from lms.reports.learners import INACTIVE_AFTER


def active_progress(f: Filters) -> str:
    """Course progress rows (a student in a course) with lesson activity in the range: a
    lesson watched (lastWatchedAt) or completed (completedAt) in it. Not lastAccessedAt: that is
    only the latest access, so a student active early in the range and again after it, or one
    who opened the course without watching, would be miscounted."""
    return f"""
        SELECT cp."courseId", cp."progressPercent" FROM course_progress cp
        WHERE {course_scope('cp."courseId"', f)} AND EXISTS (
            SELECT 1 FROM lesson_progress lp WHERE lp."progressId" = cp.id
              AND ({in_range('lp."lastWatchedAt"')} OR {in_range('lp."completedAt"')}))"""


def progress_distribution(f: Filters) -> list[dict]:
    """Students active in the range (lesson activity in it) by progress percent."""
    return fetch(
        f"""
        WITH active AS (
            SELECT {progress_bin('a."progressPercent"')} AS bin FROM ({active_progress(f)}) a),
        {PROGRESS_LABELS}
        SELECT b.pos, b.label, count(a.bin) AS students
        FROM bins b LEFT JOIN active a ON a.bin = b.pos
        GROUP BY b.pos, b.label ORDER BY b.pos""",
        f,
    )


def progress_by_course(f: Filters) -> list[dict]:
    """Average progress per course of the students active in the range (most students first)."""
    return fetch(
        f"""
        SELECT c.id AS course_id, c.title, count(*) AS students,
               round(avg(a."progressPercent"), 1) AS average_progress,
               count(*) FILTER (WHERE a."progressPercent" >= 100) AS finished
        FROM ({active_progress(f)}) a JOIN courses c ON c.id = a."courseId"
        GROUP BY c.id, c.title ORDER BY students DESC, c.title, c.id LIMIT :top""",
        f,
    )


def progress_totals(f: Filters) -> dict:
    return fetch_one(
        f"""
        SELECT count(*) AS students, round(avg(a."progressPercent"), 1) AS average_progress,
               count(*) FILTER (WHERE a."progressPercent" >= 100) AS finished
        FROM ({active_progress(f)}) a""",
        f,
    )


# The spec's inactive students (no access for 30 days, under 100%) whose enrollment is still
# running: a cancelled (refunded), expired or completed enrollment, or a refund the status does
# not show yet, is nobody to win back. lms/admin/at_risk.py lists the same rows.
AT_RISK_ROWS = """course_progress cp JOIN enrollments e
             ON e."userId" = cp."userId" AND e."courseId" = cp."courseId" """
AT_RISK = """cp."lastAccessedAt" < CAST(:as_of AS timestamp) - CAST(:inactive AS interval)
             AND cp."progressPercent" < 100
             AND e.status = 'ACTIVE' AND e."paymentStatus" <> 'REFUNDED'"""


def at_risk_as_of(f: Filters) -> datetime:
    """The moment at-risk is judged at: now, to the millisecond (as the list's link spells it)."""
    return f.now.replace(microsecond=f.now.microsecond // 1000 * 1000)


def at_risk_students(f: Filters, limit: int = 50) -> list[dict]:
    """Students at risk in the courses in scope, whatever the range; latest lapsed first."""
    return fetch(
        f"""
        SELECT cp.id AS progress_id, cp."userId" AS user_id, u.name, u.email,
               cp."courseId" AS course_id, c.title, cp."progressPercent" AS progress,
               cp."lastAccessedAt" AS last_active, e.id AS enrollment_id,
               CAST(e.status AS text) AS status
        FROM {AT_RISK_ROWS} JOIN users u ON u.id = cp."userId"
             JOIN courses c ON c.id = cp."courseId"
        WHERE {AT_RISK} AND {course_scope('cp."courseId"', f)}
        ORDER BY cp."lastAccessedAt" DESC, cp.id LIMIT :limit""",
        f,
        limit=limit,
        as_of=at_risk_as_of(f),
        inactive=INACTIVE_AFTER,
    )


def at_risk_count(f: Filters) -> int:
    """How many are at risk, exactly."""
    return fetch_one(
        f"""
        SELECT count(*) AS n FROM {AT_RISK_ROWS}
        WHERE {AT_RISK} AND {course_scope('cp."courseId"', f)}""",
        f,
        as_of=at_risk_as_of(f),
        inactive=INACTIVE_AFTER,
    )["n"]


def lesson_engagement(f: Filters) -> list[dict]:
    """Per lesson of the chosen course, lesson progress last watched in the range: how many,
    the completion rate, and the mean watch time in seconds (unrounded: pages round it once)."""
    if f.course_id is None:
        return []
    return fetch(
        f"""
        WITH {COURSE_LESSONS.format(scope=course_scope('m."courseId"', f))}
        SELECT st.pos, st.id AS lesson_id, st.title, st.duration AS minutes,
               count(lp.id) AS started, count(lp.id) FILTER (WHERE lp.completed) AS completed,
               round(100.0 * count(lp.id) FILTER (WHERE lp.completed) / nullif(count(lp.id), 0), 1)
                   AS completion_rate,
               avg(lp."watchTimeSeconds") AS average_watch_seconds
        FROM steps st LEFT JOIN lesson_progress lp
             ON lp."lessonId" = st.id AND {in_range('lp."lastWatchedAt"')}
        GROUP BY st.pos, st.id, st.title, st.duration ORDER BY st.pos""",
        f,
    )

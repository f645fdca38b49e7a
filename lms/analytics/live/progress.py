"""Progress dashboard, live: where students are, who is at risk, how each lesson is watched."""

from lms.analytics.bins import PROGRESS_LABELS, progress_bin
from lms.analytics.filters import Filters
from lms.analytics.sql import COURSE_LESSONS, course_scope, fetch, fetch_one, in_range


def progress_distribution(f: Filters) -> list[dict]:
    """Students active in the range (last access in it) by progress percent."""
    return fetch(
        f"""
        WITH active AS (
            SELECT {progress_bin('cp."progressPercent"')} AS bin FROM course_progress cp
            WHERE {in_range('cp."lastAccessedAt"')} AND {course_scope('cp."courseId"', f)}),
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
               round(avg(cp."progressPercent"), 1) AS average_progress,
               count(*) FILTER (WHERE cp."progressPercent" >= 100) AS finished
        FROM course_progress cp JOIN courses c ON c.id = cp."courseId"
        WHERE {in_range('cp."lastAccessedAt"')} AND {course_scope('cp."courseId"', f)}
        GROUP BY c.id, c.title ORDER BY students DESC, c.title, c.id LIMIT :top""",
        f,
    )


def progress_totals(f: Filters) -> dict:
    return fetch_one(
        f"""
        SELECT count(*) AS students, round(avg(cp."progressPercent"), 1) AS average_progress,
               count(*) FILTER (WHERE cp."progressPercent" >= 100) AS finished
        FROM course_progress cp
        WHERE {in_range('cp."lastAccessedAt"')} AND {course_scope('cp."courseId"', f)}""",
        f,
    )


AT_RISK = """cp."lastAccessedAt" < CAST(:now AS timestamp) - interval '30 days'
             AND cp."progressPercent" < 100"""


def at_risk_students(f: Filters, limit: int = 50) -> list[dict]:
    """The spec's inactive students: no access for 30 days, under 100%; latest lapsed first."""
    return fetch(
        f"""
        SELECT cp.id AS progress_id, cp."userId" AS user_id, u.name, u.email,
               cp."courseId" AS course_id, c.title, cp."progressPercent" AS progress,
               cp."lastAccessedAt" AS last_active, e.id AS enrollment_id,
               CAST(e.status AS text) AS status
        FROM course_progress cp JOIN users u ON u.id = cp."userId"
             JOIN courses c ON c.id = cp."courseId"
             LEFT JOIN enrollments e ON e."userId" = cp."userId" AND e."courseId" = cp."courseId"
        WHERE {AT_RISK} AND {course_scope('cp."courseId"', f)}
        ORDER BY cp."lastAccessedAt" DESC, cp.id LIMIT :limit""",
        f,
        limit=limit,
    )


AT_RISK_COUNT_CAP = 10_000  # counting every lapsed student of a large platform costs ~0.1 s


def at_risk_count(f: Filters) -> int:
    """How many are at risk, counted up to AT_RISK_COUNT_CAP (the page then says "10,000+")."""
    return fetch_one(
        f"""
        SELECT count(*) AS n FROM (
            SELECT 1 FROM course_progress cp
            WHERE {AT_RISK} AND {course_scope('cp."courseId"', f)} LIMIT :cap) capped""",
        f,
        cap=AT_RISK_COUNT_CAP,
    )["n"]


def lesson_engagement(f: Filters) -> list[dict]:
    """Per lesson of the chosen course, progress touched in the range: completion, watch time."""
    if f.course_id is None:
        return []
    return fetch(
        f"""
        WITH {COURSE_LESSONS.format(scope=course_scope('m."courseId"', f))}
        SELECT st.pos, st.id AS lesson_id, st.title, st.duration AS minutes,
               count(lp.id) AS started, count(lp.id) FILTER (WHERE lp.completed) AS completed,
               round(100.0 * count(lp.id) FILTER (WHERE lp.completed) / nullif(count(lp.id), 0), 1)
                   AS completion_rate,
               round(avg(lp."watchTimeSeconds"), 1) AS average_watch_seconds
        FROM steps st LEFT JOIN lesson_progress lp
             ON lp."lessonId" = st.id AND {in_range('lp."lastWatchedAt"')}
        GROUP BY st.pos, st.id, st.title, st.duration ORDER BY st.pos""",
        f,
    )

"""Course summary, live: the courses a user may filter by, and the stored course_analytics rows."""

from lms.analytics.filters import Filters
from lms.analytics.sql import course_scope, fetch, fetch_one
from lms.scoping import taught_course_sql


def course_choices(f: Filters) -> list[dict]:
    """The courses the user may filter by (an instructor's own only; the chosen one is no limit)."""
    mine = taught_course_sql("c.id") if f.instructor_id is not None else "TRUE"
    return fetch(f"SELECT c.id, c.title FROM courses c WHERE {mine} ORDER BY c.title, c.id", f)


def course_analytics_rows(f: Filters) -> list[dict]:
    """The pre-computed per-course figures (all time) for the courses in scope, largest first;
    totalRevenue is in the course's own currency (analytics/refresh.py)."""
    return fetch(
        f"""
        SELECT c.id AS course_id, c.title, ca."totalEnrollments" AS total_enrollments,
               ca."activeEnrollments" AS active_enrollments,
               ca."completionRate" AS completion_rate, ca."averageProgress" AS average_progress,
               ca."totalRevenue" AS total_revenue, c.currency,
               ca."lastCalculatedAt" AS last_calculated_at
        FROM course_analytics ca JOIN courses c ON c.id = ca."courseId"
        WHERE {course_scope("c.id", f)}
        ORDER BY ca."totalEnrollments" DESC, c.title, c.id LIMIT :top""",
        f,
    )


def course_analytics_freshness(f: Filters) -> dict:
    """When the courses in scope were last calculated (oldest, newest) and how many have no row."""
    return fetch_one(
        f"""
        SELECT min(ca."lastCalculatedAt") AS oldest, max(ca."lastCalculatedAt") AS newest,
               count(ca.id) AS calculated, count(*) - count(ca.id) AS missing
        FROM courses c LEFT JOIN course_analytics ca ON ca."courseId" = c.id
        WHERE {course_scope("c.id", f)}""",
        f,
    )

"""People dashboard, live: sign-ups per day or month, and users per role."""

from lms.analytics.filters import Filters
from lms.analytics.sql import BUCKETS, course_scope, fetch, in_range


def people_scope(f: Filters) -> str:
    """All users, or with a course scope the people enrolled in those courses."""
    if f.course_id is None and f.instructor_id is None:
        return "TRUE"
    return f"""u.id IN (SELECT e."userId" FROM enrollments e
                        WHERE {course_scope('e."courseId"', f)})"""


def signups_series(f: Filters) -> list[dict]:
    """Sign-ups per day or month of the range, per role."""
    return fetch(
        f"""
        WITH {BUCKETS}, counts AS (
            SELECT date_trunc(:bucket, u."createdAt") AS bucket, u.role, count(*) AS n
            FROM users u WHERE {in_range('u."createdAt"')} AND {people_scope(f)} GROUP BY 1, 2)
        SELECT b.bucket, CAST(r.role AS text) AS role, coalesce(c.n, 0) AS signups
        FROM buckets b CROSS JOIN unnest(enum_range(CAST(NULL AS "UserRole"))) AS r(role)
        LEFT JOIN counts c ON c.bucket = b.bucket AND c.role = r.role
        ORDER BY b.bucket, r.role""",
        f,
    )


def users_by_role(f: Filters) -> list[dict]:
    """Users per role: all of them, and those who signed up in the range."""
    return fetch(
        f"""
        SELECT CAST(r.role AS text) AS role, count(u.id) AS users,
               count(u.id) FILTER (WHERE {in_range('u."createdAt"')}) AS new_in_range
        FROM unnest(enum_range(CAST(NULL AS "UserRole"))) AS r(role)
        LEFT JOIN users u ON u.role = r.role AND {people_scope(f)}
        GROUP BY r.role ORDER BY r.role""",
        f,
    )

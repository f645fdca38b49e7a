"""Course progress recomputed from lesson progress, in one set-based statement."""

from collections.abc import Sequence

from sqlalchemy import text

from lms import audit
from lms.db import db

# For the chosen course_progress rows: completed lessons (that still belong to the course),
# total lessons of the course, the floored percentage, and a completion date iff 100%.
RECOMPUTE_SQL = text("""
WITH chosen AS (
    SELECT cp.id, cp."courseId", cp."completedLessons", cp."totalLessons", cp."progressPercent",
           cp."completedAt"
    FROM course_progress cp
    WHERE cp.id = ANY(:ids) OR cp."courseId" = ANY(:course_ids)
    FOR UPDATE
),
totals AS (
    SELECT m."courseId", count(l.id)::int AS total
    FROM course_modules m JOIN lessons l ON l."moduleId" = m.id
    WHERE m."courseId" IN (SELECT "courseId" FROM chosen)
    GROUP BY m."courseId"
),
done AS (
    SELECT lp."progressId", count(*)::int AS completed, max(lp."completedAt") AS last_completed
    FROM lesson_progress lp
    JOIN lessons l ON l.id = lp."lessonId"
    JOIN course_modules m ON m.id = l."moduleId"
    JOIN chosen c ON c.id = lp."progressId" AND m."courseId" = c."courseId"
    WHERE lp.completed
    GROUP BY lp."progressId"
),
fresh AS (
    SELECT c.id, coalesce(d.completed, 0) AS completed, coalesce(t.total, 0) AS total,
           CASE WHEN coalesce(t.total, 0) = 0 THEN 0
                ELSE floor(100.0 * coalesce(d.completed, 0) / t.total)::int END AS percent,
           d.last_completed
    FROM chosen c
    LEFT JOIN totals t ON t."courseId" = c."courseId"
    LEFT JOIN done d ON d."progressId" = c.id
)
UPDATE course_progress cp
SET "completedLessons" = f.completed,
    "totalLessons" = f.total,
    "progressPercent" = f.percent,
    "completedAt" = CASE WHEN f.percent >= 100
                         THEN coalesce(cp."completedAt", f.last_completed, now() AT TIME ZONE 'UTC')
                         ELSE NULL END
FROM fresh f, chosen old
WHERE cp.id = f.id AND old.id = f.id
  AND (old."completedLessons", old."totalLessons", old."progressPercent")
      IS DISTINCT FROM (f.completed, f.total, f.percent)
RETURNING cp.id, old."completedLessons", old."totalLessons", old."progressPercent",
          f.completed, f.total, f.percent
""")


def recompute(progress_ids: Sequence[str] = (), course_ids: Sequence[str] = ()) -> int:
    """Recompute the chosen rows (or every row of the chosen courses); returns rows changed."""
    changed = db.session.execute(
        RECOMPUTE_SQL, {"ids": list(progress_ids), "course_ids": list(course_ids)}
    ).all()
    for row in changed:
        audit.record(
            "update",
            "course_progress",
            row.id,
            before={"completedLessons": row[1], "totalLessons": row[2], "progressPercent": row[3]},
            after={"completedLessons": row[4], "totalLessons": row[5], "progressPercent": row[6]},
            details={"operation": "recompute progress"},
        )
    return len(changed)

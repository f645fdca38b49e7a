"""The rules seeded data must keep, as SQL counting the rows that break each (0 = kept).

Set-based (joins and GROUP BY, no correlated subquery per row), so they also run on `large`.
:anchor is the seed's "now": expiry is judged against it.
"""

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

LESSONS_PER_COURSE = """(SELECT m."courseId", count(l.id) AS n FROM course_modules m
                          LEFT JOIN lessons l ON l."moduleId" = m.id GROUP BY 1)"""

CHECKS = {
    "enrollment without course_progress": """
        SELECT count(*) FROM enrollments e LEFT JOIN course_progress p USING ("userId", "courseId")
        WHERE p.id IS NULL""",
    "course_progress without enrollment": """
        SELECT count(*) FROM course_progress p LEFT JOIN enrollments e USING ("userId", "courseId")
        WHERE e.id IS NULL""",
    "completedLessons differs from completed lesson_progress": """
        SELECT count(*) FROM course_progress p
        LEFT JOIN (SELECT "progressId", count(*) FILTER (WHERE completed) AS done
                   FROM lesson_progress GROUP BY 1) l ON l."progressId" = p.id
        WHERE p."completedLessons" <> coalesce(l.done, 0)""",
    "totalLessons differs from the course's lessons": f"""
        SELECT count(*) FROM course_progress p JOIN {LESSONS_PER_COURSE} c USING ("courseId")
        WHERE p."totalLessons" <> c.n""",
    "progressPercent is not floor(100 * completed / total)": """
        SELECT count(*) FROM course_progress
        WHERE "progressPercent" <> (100 * "completedLessons") / "totalLessons" """,
    "course completedAt not set exactly at 100%": """
        SELECT count(*) FROM course_progress
        WHERE ("completedAt" IS NOT NULL) <> ("progressPercent" = 100)""",
    "lesson completedAt not set exactly when completed": """
        SELECT count(*) FROM lesson_progress WHERE ("completedAt" IS NOT NULL) <> completed""",
    "lesson_progress on another course's lesson": """
        SELECT count(*) FROM lesson_progress lp JOIN course_progress p ON p.id = lp."progressId"
        JOIN lessons l ON l.id = lp."lessonId" JOIN course_modules m ON m.id = l."moduleId"
        WHERE m."courseId" <> p."courseId" """,
    "enrollment without exactly one transaction of its status and amount": """
        SELECT count(*) FROM enrollments e
        LEFT JOIN (SELECT "userId", "courseId", count(*) AS n, min(status::text) AS status,
                          min(amount) AS amount
                   FROM transactions GROUP BY 1, 2) t USING ("userId", "courseId")
        WHERE t.n IS DISTINCT FROM 1 OR t.status <> e."paymentStatus"::text
              OR t.amount <> e."paymentAmount" """,
    "transaction of an existing user without enrollment": """
        SELECT count(*) FROM transactions t JOIN users u ON u.id = t."userId"
        LEFT JOIN enrollments e USING ("userId", "courseId") WHERE e.id IS NULL""",
    "CANCELLED and REFUNDED disagree": """
        SELECT count(*) FROM enrollments
        WHERE (status = 'CANCELLED') <> ("paymentStatus" = 'REFUNDED')""",
    "COMPLETED enrollment and finished progress disagree": """
        SELECT count(*) FROM enrollments e JOIN course_progress p USING ("userId", "courseId")
        WHERE (e.status = 'COMPLETED') <> (p."progressPercent" = 100)
           OR (e."completedAt" IS NOT NULL) <> (e.status = 'COMPLETED')""",
    "progress on an unpaid (PENDING/FAILED) enrollment": """
        SELECT count(*) FROM enrollments e JOIN course_progress p USING ("userId", "courseId")
        JOIN lesson_progress lp ON lp."progressId" = p.id
        WHERE e."paymentStatus" IN ('PENDING', 'FAILED')""",
    "EXPIRED enrollment not past its expiresAt": """
        SELECT count(*) FROM enrollments
        WHERE status = 'EXPIRED' AND NOT coalesce("expiresAt" <= :anchor, false)""",
    "ACTIVE enrollment past its expiresAt": """
        SELECT count(*) FROM enrollments WHERE status = 'ACTIVE' AND "expiresAt" <= :anchor""",
    "activity out of order or in the future": """
        SELECT count(*) FROM enrollments e JOIN course_progress p USING ("userId", "courseId")
        JOIN users u ON u.id = e."userId" JOIN courses c ON c.id = e."courseId"
        WHERE e."enrolledAt" < u."createdAt" OR e."enrolledAt" < c."createdAt"
           OR p."lastAccessedAt" < p."startedAt" OR p."lastAccessedAt" > :anchor""",
    "certificate without a COMPLETED enrollment": """
        SELECT count(*) FROM certificates c LEFT JOIN enrollments e USING ("userId", "courseId")
        WHERE e.status IS DISTINCT FROM 'COMPLETED'""",
    "COMPLETED enrollment without certificate": """
        SELECT count(*) FROM enrollments e LEFT JOIN certificates c USING ("userId", "courseId")
        WHERE e.status = 'COMPLETED' AND c.id IS NULL""",
    "quiz attempt: score outside 0-100 or passed disagrees with passingScore": """
        SELECT count(*) FROM quiz_attempts a JOIN quizzes q ON q.id = a."quizId"
        WHERE a.score < 0 OR a.score > 100 OR a.passed <> (a.score >= q."passingScore")
           OR jsonb_typeof(a.answers) <> 'object'""",
    "quiz attempt by a user not enrolled in the course": """
        SELECT count(*) FROM quiz_attempts a JOIN quizzes q ON q.id = a."quizId"
        LEFT JOIN enrollments e ON e."userId" = a."userId" AND e."courseId" = q."courseId"
        WHERE e.id IS NULL""",
    "more attempts at a quiz than its maxAttempts": """
        SELECT count(*) FROM (SELECT a."userId", a."quizId", count(*) AS n,
                                     max(q."maxAttempts") AS allowed
                              FROM quiz_attempts a JOIN quizzes q ON q.id = a."quizId"
                              GROUP BY 1, 2) per_user WHERE n > allowed""",
    "multiple-choice question whose answer is not an option": """
        SELECT count(*) FROM questions WHERE type = 'multiple_choice'
        AND (jsonb_typeof(options) IS DISTINCT FROM 'array' OR NOT options ? "correctAnswer")""",
    "course whose instructor is not an INSTRUCTOR": """
        SELECT count(*) FROM courses c LEFT JOIN users u ON u.id = c."instructorId"
        WHERE u.role IS DISTINCT FROM 'INSTRUCTOR'""",
    "enrollment in an unpublished course": """
        SELECT count(*) FROM enrollments e JOIN courses c ON c.id = e."courseId"
        WHERE NOT c.published""",
}


def broken_rules(conn: Connection, anchor: datetime) -> dict[str, int]:
    """{rule: rows breaking it} for every rule some row breaks; {} when the data is sound."""
    broken = {}
    for rule, sql in CHECKS.items():
        count = conn.scalar(text(sql), {"anchor": anchor})
        if count:
            broken[rule] = count
    return broken

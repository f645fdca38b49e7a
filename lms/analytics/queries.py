"""Every aggregate the dashboards show, one SQL statement each, limited by range and course scope.

Each statement is text() with bound parameters; the only SQL assembled in Python is the scope
clause below, built from fixed strings. Timestamps are stored in UTC and bucketed as they are.
Money is summed as NUMERIC and arrives as Decimal.
"""

from sqlalchemy import text

from lms.analytics.bins import (
    ATTEMPT_LABELS,
    DURATION_BINS,
    PROGRESS_LABELS,
    REFUND_LABELS,
    SCORE_LABELS,
    progress_bin,
    refund_bin,
    score_bin,
    whole_days,
)
from lms.analytics.filters import Filters
from lms.db import db

# Revenue is summed in one currency; other currencies still show in the status breakdown.
REVENUE_CURRENCY = "USD"
TOP = 20

# The time series' buckets: every day or month of the range, so empty ones show as zero.
BUCKETS = """buckets AS (
    SELECT generate_series(date_trunc(:bucket, CAST(:start AS timestamp)),
                           CAST(:end AS timestamp) - interval '1 day',
                           CAST(:step AS interval)) AS bucket)"""
# Lessons of one course in the order students meet them.
COURSE_LESSONS = """steps AS (
    SELECT l.id, l.title, l.duration,
           row_number() OVER (ORDER BY m."order", l."order", l.id) AS pos
    FROM lessons l JOIN course_modules m ON m.id = l."moduleId"
    WHERE m."courseId" = :course_id AND {scope})"""


def course_scope(column: str, f: Filters) -> str:
    """A condition keeping `column` (a course id) to the chosen course and instructor's courses."""
    clauses = []
    if f.course_id is not None:
        clauses.append(f"{column} = :course_id")
    if f.instructor_id is not None:
        clauses.append(
            f'{column} IN (SELECT id FROM courses WHERE "instructorId" = :instructor_id)'
        )
    return " AND ".join(clauses) or "TRUE"


def in_range(column: str) -> str:
    return f"{column} >= :start AND {column} < :end"


def fetch(sql: str, f: Filters, **extra) -> list[dict]:
    params = {**f.params(), "currency": REVENUE_CURRENCY, "top": TOP, **extra}
    return [dict(row) for row in db.session.execute(text(sql), params).mappings()]


def fetch_one(sql: str, f: Filters, **extra) -> dict:
    rows = fetch(sql, f, **extra)
    return rows[0] if rows else {}


# --- choices -------------------------------------------------------------------------------


def course_choices(f: Filters) -> list[dict]:
    """The courses the user may filter by (an instructor's own only)."""
    mine = '"instructorId" = :instructor_id' if f.instructor_id is not None else "TRUE"
    return fetch(f"SELECT id, title FROM courses WHERE {mine} ORDER BY title, id", f)


def quiz_in_scope(f: Filters, quiz_id: str) -> dict:
    return fetch_one(
        f"""
        SELECT q.id, q.title, q."courseId" AS course_id FROM quizzes q
        WHERE q.id = :quiz_id AND {course_scope('q."courseId"', f)}""",
        f,
        quiz_id=quiz_id,
    )


def course_quizzes(f: Filters) -> list[dict]:
    """The quizzes of the chosen course, in module order."""
    return fetch(
        f"""
        SELECT q.id, q.title FROM quizzes q LEFT JOIN course_modules m ON m.id = q."moduleId"
        WHERE {course_scope('q."courseId"', f)}
        ORDER BY m."order" NULLS LAST, q.title, q.id""",
        f,
    )


# --- revenue -------------------------------------------------------------------------------


def revenue_series(f: Filters) -> list[dict]:
    """Per day or month: completed revenue and, apart, refunded sales (dated by purchase)."""
    return fetch(
        f"""
        WITH {BUCKETS}, sales AS (
            SELECT date_trunc(:bucket, t."createdAt") AS bucket,
                   sum(t.amount) FILTER (WHERE t.status = 'COMPLETED') AS revenue,
                   count(*) FILTER (WHERE t.status = 'COMPLETED') AS sales,
                   sum(t.amount) FILTER (WHERE t.status = 'REFUNDED') AS refunded,
                   count(*) FILTER (WHERE t.status = 'REFUNDED') AS refunds
            FROM transactions t
            WHERE {in_range('t."createdAt"')} AND t.currency = :currency
              AND t.status IN ('COMPLETED', 'REFUNDED') AND {course_scope('t."courseId"', f)}
            GROUP BY 1)
        SELECT b.bucket, coalesce(s.revenue, 0) AS revenue, coalesce(s.sales, 0) AS sales,
               coalesce(s.refunded, 0) AS refunded, coalesce(s.refunds, 0) AS refunds
        FROM buckets b LEFT JOIN sales s USING (bucket) ORDER BY b.bucket""",
        f,
    )


def revenue_by_course(f: Filters) -> list[dict]:
    """The top courses by completed revenue in the range (a deleted course has no title)."""
    return fetch(
        f"""
        SELECT t."courseId" AS course_id, c.title,
               coalesce(sum(t.amount) FILTER (WHERE t.status = 'COMPLETED'), 0) AS revenue,
               count(*) FILTER (WHERE t.status = 'COMPLETED') AS sales,
               round(avg(t.amount) FILTER (WHERE t.status = 'COMPLETED'), 2) AS average_order,
               coalesce(sum(t.amount) FILTER (WHERE t.status = 'REFUNDED'), 0) AS refunded,
               count(*) FILTER (WHERE t.status = 'REFUNDED') AS refunds
        FROM transactions t LEFT JOIN courses c ON c.id = t."courseId"
        WHERE {in_range('t."createdAt"')} AND t.currency = :currency
          AND t.status IN ('COMPLETED', 'REFUNDED') AND {course_scope('t."courseId"', f)}
        GROUP BY t."courseId", c.title
        ORDER BY revenue DESC, sales DESC, t."courseId" LIMIT :top""",
        f,
    )


def transactions_by_status(f: Filters) -> list[dict]:
    """Count, value and average of the range's transactions per status (and currency)."""
    return fetch(
        f"""
        SELECT CAST(s.status AS text) AS status, coalesce(t.currency, :currency) AS currency,
               count(t.id) AS transactions, coalesce(sum(t.amount), 0) AS amount,
               round(avg(t.amount), 2) AS average
        FROM unnest(enum_range(CAST(NULL AS "PaymentStatus"))) AS s(status)
        LEFT JOIN transactions t ON t.status = s.status AND {in_range('t."createdAt"')}
              AND {course_scope('t."courseId"', f)}
        GROUP BY s.status, t.currency
        ORDER BY coalesce(t.currency, :currency) <> :currency, t.currency, s.status""",
        f,
    )


# This month and last; last month "to date" runs to the end of the same day of the month.
MONTHS = """m AS (
    SELECT this_start, this_start - interval '1 month' AS last_start,
           least(this_start, this_start - interval '1 month'
                 + (date_trunc('day', CAST(:now AS timestamp)) - this_start) + interval '1 day')
               AS same_day_end
    FROM (SELECT date_trunc('month', CAST(:now AS timestamp)) AS this_start) t)"""


def revenue_months(f: Filters) -> dict:
    """Completed revenue this month so far, the same days of last month, and all of last month."""
    return fetch_one(
        f"""
        WITH {MONTHS}
        SELECT m.this_start, m.last_start,
               coalesce(sum(t.amount) FILTER (WHERE t."createdAt" >= m.this_start), 0)
                   AS this_month,
               coalesce(sum(t.amount) FILTER (WHERE t."createdAt" < m.this_start), 0)
                   AS last_month,
               coalesce(sum(t.amount) FILTER (WHERE t."createdAt" < m.same_day_end), 0)
                   AS last_month_to_date
        FROM m LEFT JOIN transactions t
             ON t.status = 'COMPLETED' AND t.currency = :currency
            AND t."createdAt" >= m.last_start AND t."createdAt" < CAST(:now AS timestamp)
            AND {course_scope('t."courseId"', f)}
        GROUP BY m.this_start, m.last_start, m.same_day_end""",
        f,
    )


def pending_payments(f: Filters, limit: int = 50) -> list[dict]:
    """Payments still PENDING 15 minutes after they started (the spec's retry query).

    Oldest first.
    """
    return fetch(
        f"""
        SELECT t.id, t."userId" AS user_id, u.email, t."courseId" AS course_id, c.title,
               t.amount, t.currency, t.provider, t."createdAt" AS created_at
        FROM transactions t LEFT JOIN users u ON u.id = t."userId"
             LEFT JOIN courses c ON c.id = t."courseId"
        WHERE t.status = 'PENDING'
          AND t."createdAt" < CAST(:now AS timestamp) - interval '15 minutes'
          AND {course_scope('t."courseId"', f)}
        ORDER BY t."createdAt", t.id LIMIT :limit""",
        f,
        limit=limit,
    )


def pending_payments_count(f: Filters) -> int:
    return fetch_one(
        f"""
        SELECT count(*) AS n FROM transactions t
        WHERE t.status = 'PENDING'
          AND t."createdAt" < CAST(:now AS timestamp) - interval '15 minutes'
          AND {course_scope('t."courseId"', f)}""",
        f,
    )["n"]


# --- enrollments and completion --------------------------------------------------------


def enrollment_series(f: Filters) -> list[dict]:
    """Enrollments per day or month of the range, per status (every status, zeros included)."""
    return fetch(
        f"""
        WITH {BUCKETS}, counts AS (
            SELECT date_trunc(:bucket, e."enrolledAt") AS bucket, e.status, count(*) AS n
            FROM enrollments e
            WHERE {in_range('e."enrolledAt"')} AND {course_scope('e."courseId"', f)}
            GROUP BY 1, 2)
        SELECT b.bucket, CAST(s.status AS text) AS status, coalesce(c.n, 0) AS enrollments
        FROM buckets b CROSS JOIN unnest(enum_range(CAST(NULL AS "EnrollmentStatus"))) AS s(status)
        LEFT JOIN counts c ON c.bucket = b.bucket AND c.status = s.status
        ORDER BY b.bucket, s.status""",
        f,
    )


def enrollment_overview(f: Filters) -> tuple[dict, list[dict]]:
    """The range's enrollments in total, and per course (most enrollments first): how many
    completed, the completion rate, and the average progress of the same students.

    One statement (GROUPING SETS) for both: the join to course_progress is the costly part.
    """
    rows = fetch(
        f"""
        SELECT c.id AS course_id, c.title, count(*) AS enrollments,
               count(*) FILTER (WHERE e.status = 'COMPLETED') AS completed,
               round(100.0 * count(*) FILTER (WHERE e.status = 'COMPLETED')
                     / nullif(count(*), 0), 1) AS completion_rate,
               round(avg(cp."progressPercent"), 1) AS average_progress,
               GROUPING(c.id) = 1 AS is_total
        FROM enrollments e JOIN courses c ON c.id = e."courseId"
             LEFT JOIN course_progress cp
             ON cp."userId" = e."userId" AND cp."courseId" = e."courseId"
        WHERE {in_range('e."enrolledAt"')} AND {course_scope('e."courseId"', f)}
        GROUP BY GROUPING SETS ((c.id, c.title), ())
        ORDER BY is_total DESC, enrollments DESC, c.title, c.id LIMIT :top + 1""",
        f,
    )
    for row in rows:
        del row["is_total"]
    totals = rows[0]
    del totals["course_id"], totals["title"]
    return totals, rows[1:]


def time_to_completion(f: Filters) -> list[dict]:
    """Completions in the range by whole days since enrollment; median and 90th percentile."""
    return fetch(
        f"""
        WITH done AS (
            SELECT {whole_days('e."enrolledAt"', 'e."completedAt"')} AS days
            FROM enrollments e
            WHERE {in_range('e."completedAt"')} AND {course_scope('e."courseId"', f)}),
        {DURATION_BINS},
        summary AS (
            SELECT count(*) AS total,
                   round(CAST(percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS numeric), 1)
                       AS median_days,
                   round(CAST(percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS numeric), 1)
                       AS p90_days FROM done)
        SELECT b.pos, b.label, count(d.days) AS completions, s.total, s.median_days, s.p90_days
        FROM bins b LEFT JOIN done d ON d.days >= b.lo AND d.days < b.hi CROSS JOIN summary s
        GROUP BY b.pos, b.label, s.total, s.median_days, s.p90_days ORDER BY b.pos""",
        f,
    )


def drop_off_funnel(f: Filters) -> list[dict]:
    """For the chosen course: students enrolled in the range who reached lesson k or a later one.

    Step 0 is every enrolled student; "reached" means the lesson has a progress row. Counting
    from each student's furthest lesson makes the funnel only descend.
    """
    if f.course_id is None:
        return []
    return fetch(
        f"""
        WITH {COURSE_LESSONS.format(scope=course_scope('m."courseId"', f))},
        students AS (
            SELECT cp.id FROM course_progress cp JOIN enrollments e
                   ON e."userId" = cp."userId" AND e."courseId" = cp."courseId"
            WHERE {course_scope('cp."courseId"', f)} AND {in_range('e."enrolledAt"')}),
        furthest AS (
            SELECT s.id, coalesce(max(st.pos), 0) AS reached
            FROM students s LEFT JOIN lesson_progress lp ON lp."progressId" = s.id
                 LEFT JOIN steps st ON st.id = lp."lessonId"
            GROUP BY s.id),
        stopped AS (
            SELECT st.pos, st.title, count(fu.id) AS n
            FROM (SELECT 0 AS pos, 'Enrolled' AS title UNION ALL SELECT pos, title FROM steps) st
                 LEFT JOIN furthest fu ON fu.reached = st.pos
            GROUP BY st.pos, st.title),
        reached AS (
            SELECT pos, title, CAST(sum(n) OVER (ORDER BY pos DESC) AS bigint) AS students
            FROM stopped)
        SELECT pos, title, students, lag(students) OVER (ORDER BY pos) - students AS dropped
        FROM reached ORDER BY pos""",
        f,
    )


def completion_by_cohort(f: Filters) -> list[dict]:
    """Per month of enrollment in the range: enrolled, completed since, and the rate."""
    return fetch(
        f"""
        WITH cohorts AS (
            SELECT generate_series(date_trunc('month', CAST(:start AS timestamp)),
                                   CAST(:end AS timestamp) - interval '1 day',
                                   interval '1 month') AS cohort),
        counts AS (
            SELECT date_trunc('month', e."enrolledAt") AS cohort, count(*) AS enrolled,
                   count(*) FILTER (WHERE e.status = 'COMPLETED') AS completed
            FROM enrollments e
            WHERE {in_range('e."enrolledAt"')} AND {course_scope('e."courseId"', f)}
            GROUP BY 1)
        SELECT c.cohort, coalesce(n.enrolled, 0) AS enrolled, coalesce(n.completed, 0) AS completed,
               round(100.0 * n.completed / nullif(n.enrolled, 0), 1) AS completion_rate
        FROM cohorts c LEFT JOIN counts n USING (cohort) ORDER BY c.cohort""",
        f,
    )


def refunds_by_progress(f: Filters) -> list[dict]:
    """Refunded sales of the range grouped by how far the student had got in the course."""
    return fetch(
        f"""
        WITH refunded AS (
            SELECT t.amount, {refund_bin('cp."progressPercent"')} AS bin
            FROM transactions t LEFT JOIN course_progress cp
                 ON cp."userId" = t."userId" AND cp."courseId" = t."courseId"
            WHERE t.status = 'REFUNDED' AND t.currency = :currency
              AND {in_range('t."createdAt"')} AND {course_scope('t."courseId"', f)}),
        {REFUND_LABELS}
        SELECT b.pos, b.label, count(r.bin) AS refunds, coalesce(sum(r.amount), 0) AS amount
        FROM bins b LEFT JOIN refunded r ON r.bin = b.pos
        GROUP BY b.pos, b.label ORDER BY b.pos""",
        f,
    )


# --- progress and engagement -----------------------------------------------------------


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


# --- people --------------------------------------------------------------------------------


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


# --- assessments ---------------------------------------------------------------------------

ATTEMPTS = """quiz_attempts a JOIN quizzes q ON q.id = a."quizId" """


def quiz_pass_rates(f: Filters) -> list[dict]:
    """Per quiz (most attempted first): attempts in the range, pass rate and average score."""
    return fetch(
        f"""
        SELECT q.id AS quiz_id, q.title, c.title AS course, q."passingScore" AS passing_score,
               count(*) AS attempts, count(*) FILTER (WHERE a.passed) AS passed,
               round(100.0 * count(*) FILTER (WHERE a.passed) / count(*), 1) AS pass_rate,
               round(avg(CAST(a.score AS numeric)), 1) AS average_score
        FROM {ATTEMPTS} LEFT JOIN courses c ON c.id = q."courseId"
        WHERE {in_range('a."startedAt"')} AND {course_scope('q."courseId"', f)}
        GROUP BY q.id, q.title, c.title, q."passingScore"
        ORDER BY attempts DESC, q.id LIMIT :top""",
        f,
    )


def assessment_totals(f: Filters) -> dict:
    """Attempts started in the range, pass rate, average score; quiz starts = first attempts."""
    return fetch_one(
        f"""
        WITH firsts AS (
            SELECT min(a."startedAt") AS first FROM {ATTEMPTS}
            WHERE {course_scope('q."courseId"', f)} GROUP BY a."userId", a."quizId"),
        attempts AS (
            SELECT count(*) AS attempts,
                   round(100.0 * count(*) FILTER (WHERE a.passed) / nullif(count(*), 0), 1)
                       AS pass_rate,
                   round(avg(CAST(a.score AS numeric)), 1) AS average_score
            FROM {ATTEMPTS}
            WHERE {in_range('a."startedAt"')} AND {course_scope('q."courseId"', f)})
        SELECT attempts.*, (SELECT count(*) FROM firsts WHERE {in_range("first")}) AS starts
        FROM attempts""",
        f,
    )


def score_distribution(f: Filters) -> list[dict]:
    """Attempts in the range by score, in tens (90–100 includes 100), passed and failed apart."""
    return fetch(
        f"""
        WITH scored AS (
            SELECT {score_bin("a.score")} AS bin, a.passed FROM {ATTEMPTS}
            WHERE {in_range('a."startedAt"')} AND {course_scope('q."courseId"', f)}),
        {SCORE_LABELS}
        SELECT b.pos, b.label, count(s.bin) FILTER (WHERE s.passed) AS passed,
               count(s.bin) FILTER (WHERE NOT s.passed) AS failed
        FROM bins b LEFT JOIN scored s ON s.bin = b.pos
        GROUP BY b.pos, b.label ORDER BY b.pos""",
        f,
    )


def attempts_per_student(f: Filters) -> list[dict]:
    """Students whose first attempt at a quiz started in the range, by their attempts at it."""
    return fetch(
        f"""
        WITH pairs AS (
            SELECT min(a."startedAt") AS first, least(4, count(*)) AS attempts
            FROM {ATTEMPTS} WHERE {course_scope('q."courseId"', f)}
            GROUP BY a."userId", a."quizId"),
        {ATTEMPT_LABELS}
        SELECT b.pos AS attempts, b.label, count(p.attempts) AS students
        FROM bins b LEFT JOIN pairs p ON p.attempts = b.pos AND {in_range("p.first")}
        GROUP BY b.pos, b.label ORDER BY b.pos""",
        f,
    )


def item_analysis(f: Filters, quiz_id: str) -> list[dict]:
    """Moodle's facility and discrimination index per question, over each student's first attempt.

    Only auto-marked questions (with a correctAnswer) count; a question scores its points when
    the answer equals correctAnswer ignoring case and surrounding spaces. Facility = mean mark
    / max mark; discrimination = correlation of the question's mark with the rest of the
    attempt's marks (both x100), as Moodle's quiz statistics report computes them.
    """
    return fetch(
        f"""
        WITH first AS (
            SELECT DISTINCT ON (a."userId") a.id, a.answers, a."startedAt"
            FROM {ATTEMPTS}
            WHERE a."quizId" = :quiz_id AND {course_scope('q."courseId"', f)}
            ORDER BY a."userId", a."startedAt", a.id),
        graded AS (SELECT id, answers FROM first WHERE {in_range('"startedAt"')}),
        items AS (
            SELECT qs.id, qs."order", qs.type, qs.question, qs.points,
                   qs."correctAnswer" AS correct
            FROM questions qs JOIN quizzes q ON q.id = qs."quizId"
            WHERE qs."quizId" = :quiz_id AND qs."correctAnswer" IS NOT NULL
              AND {course_scope('q."courseId"', f)}),
        marks AS (
            SELECT g.id AS attempt, i.id AS item,
                   CASE WHEN lower(btrim(g.answers ->> i.id)) = lower(btrim(i.correct))
                        THEN i.points ELSE 0 END AS mark
            FROM graded g CROSS JOIN items i),
        totals AS (SELECT attempt, sum(mark) AS total FROM marks GROUP BY attempt)
        SELECT i.id AS question_id, i."order", i.type, left(i.question, 120) AS question,
               i.points, count(m.attempt) AS attempts,
               round(CAST(100.0 * avg(m.mark) / nullif(i.points, 0) AS numeric), 1) AS facility,
               round(CAST(100.0 * stddev_samp(m.mark) / nullif(i.points, 0) AS numeric), 1)
                   AS sd,
               round(CAST(100.0 * corr(m.mark, t.total - m.mark) AS numeric), 1)
                   AS discrimination
        FROM items i LEFT JOIN marks m ON m.item = i.id LEFT JOIN totals t ON t.attempt = m.attempt
        GROUP BY i.id, i."order", i.type, i.question, i.points ORDER BY i."order", i.id""",
        f,
        quiz_id=quiz_id,
    )


# --- pre-computed course_analytics ---------------------------------------------------------


def course_analytics_rows(f: Filters) -> list[dict]:
    """The pre-computed per-course figures (all time) for the courses in scope, largest first."""
    return fetch(
        f"""
        SELECT c.id AS course_id, c.title, ca."totalEnrollments" AS total_enrollments,
               ca."activeEnrollments" AS active_enrollments,
               ca."completionRate" AS completion_rate, ca."averageProgress" AS average_progress,
               ca."totalRevenue" AS total_revenue, ca."lastCalculatedAt" AS last_calculated_at
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

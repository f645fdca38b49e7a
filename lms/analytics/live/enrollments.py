"""Enrollments dashboard, live: enrollments, completion, the drop-off funnel and refunds."""

from lms.analytics.bins import (
    REFUND_LABELS,
    cohort_comparable,
    completed_within_window,
    duration_ms,
    durations_figure,
    refund_bin,
)
from lms.analytics.filters import Filters
from lms.analytics.sql import BUCKETS, COHORTS, COURSE_LESSONS, course_scope, fetch, in_range


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
    completed, the completion rate, and the average progress of the same enrollments (a student
    with no course_progress row has not started: 0%).

    One statement (GROUPING SETS) for both: the join to course_progress is the costly part.
    """
    rows = fetch(
        f"""
        SELECT c.id AS course_id, c.title, count(*) AS enrollments,
               count(*) FILTER (WHERE e.status = 'COMPLETED') AS completed,
               round(100.0 * count(*) FILTER (WHERE e.status = 'COMPLETED')
                     / nullif(count(*), 0), 1) AS completion_rate,
               round(avg(coalesce(cp."progressPercent", 0)), 1) AS average_progress,
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
    """Completions in the range by their exact time since enrollment; median and 90th
    percentile in days."""
    return fetch(
        durations_figure(f"""
            SELECT {duration_ms('e."enrolledAt"', 'e."completedAt"')} AS ms FROM enrollments e
            WHERE {in_range('e."completedAt"')} AND {course_scope('e."courseId"', f)}"""),
        f,
    )


def drop_off_funnel(f: Filters) -> list[dict]:
    """For the chosen course: students enrolled in the range who reached lesson k or a later one.

    Step 0 is every enrollment of the range, with or without a course_progress row; "reached"
    means the lesson has a progress row. Counting from each student's furthest lesson makes the
    funnel only descend.
    """
    if f.course_id is None:
        return []
    return fetch(
        f"""
        WITH {COURSE_LESSONS.format(scope=course_scope('m."courseId"', f))},
        students AS (
            SELECT e.id, cp.id AS progress_id FROM enrollments e LEFT JOIN course_progress cp
                   ON cp."userId" = e."userId" AND cp."courseId" = e."courseId"
            WHERE {course_scope('e."courseId"', f)} AND {in_range('e."enrolledAt"')}),
        furthest AS (
            SELECT s.id, coalesce(max(st.pos), 0) AS reached
            FROM students s LEFT JOIN lesson_progress lp ON lp."progressId" = s.progress_id
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
    """Per month of enrollment in the range: enrolled, completed within the cohort window
    (bins.COHORT_WINDOW_DAYS) of enrolling, and the rate once the cohort is comparable."""
    within = completed_within_window('e."enrolledAt"', 'e."completedAt"')
    return fetch(
        f"""
        WITH {COHORTS}, counts AS (
            SELECT date_trunc('month', e."enrolledAt") AS cohort, count(*) AS enrolled,
                   count(*) FILTER (WHERE {within}) AS completed
            FROM enrollments e
            WHERE {in_range('e."enrolledAt"')} AND {course_scope('e."courseId"', f)}
            GROUP BY 1)
        SELECT c.cohort, coalesce(n.enrolled, 0) AS enrolled, coalesce(n.completed, 0) AS completed,
               {cohort_comparable("c.cohort")} AS comparable,
               CASE WHEN {cohort_comparable("c.cohort")}
                    THEN round(100.0 * n.completed / nullif(n.enrolled, 0), 1) END
                   AS completion_rate
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

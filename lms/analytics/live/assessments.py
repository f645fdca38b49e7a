"""Assessments dashboard, live: the quizzes in scope, pass rates, scores and item analysis."""

from lms.analytics.bins import ATTEMPT_LABELS, SCORE_LABELS, score_bin
from lms.analytics.filters import Filters
from lms.analytics.sql import course_scope, fetch, fetch_one, in_range

ATTEMPTS = """quiz_attempts a JOIN quizzes q ON q.id = a."quizId" """
# Below this many first attempts a question's indices move with every student (two attempts
# give a discrimination of ±100), so the page states the numbers but reads nothing into them.
MIN_ITEM_ATTEMPTS = 10


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


def first_attempt_marks(f: Filters) -> str:
    """CTEs over the chosen quiz (:quiz_id): `graded`, each student's first attempt when it
    started in the range; `items`, its auto-marked questions (with a correctAnswer); `marks`,
    every graded attempt's mark on every item: its points when the answer equals correctAnswer
    ignoring case and surrounding spaces, else 0 (no answer included)."""
    return f"""
        first AS (
            SELECT DISTINCT ON (a."userId") a.id, a.answers, a."startedAt"
            FROM {ATTEMPTS}
            WHERE a."quizId" = :quiz_id AND {course_scope('q."courseId"', f)}
            ORDER BY a."userId", a."startedAt", a.id),
        graded AS (SELECT id, answers FROM first WHERE {in_range('"startedAt"')}),
        items AS (
            SELECT qs.id, qs."order", qs.type, qs.question, qs.points, qs.options,
                   qs."correctAnswer" AS correct
            FROM questions qs JOIN quizzes q ON q.id = qs."quizId"
            WHERE qs."quizId" = :quiz_id AND qs."correctAnswer" IS NOT NULL
              AND {course_scope('q."courseId"', f)}),
        marks AS (
            SELECT g.id AS attempt, i.id AS item,
                   CASE WHEN lower(btrim(g.answers ->> i.id)) = lower(btrim(i.correct))
                        THEN i.points ELSE 0 END AS mark
            FROM graded g CROSS JOIN items i)"""


def item_analysis(f: Filters, quiz_id: str) -> list[dict]:
    """Moodle's facility and discrimination index per question, over each student's first attempt.

    Only auto-marked questions count, marked as in `first_attempt_marks`. Facility = mean mark
    / max mark; discrimination = correlation of the question's mark with the rest of the
    attempt's marks (both x100), as Moodle's quiz statistics report computes them.
    """
    return fetch(
        f"""
        WITH {first_attempt_marks(f)},
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


def quiz_reliability(f: Filters, quiz_id: str) -> dict:
    """The quiz's internal consistency over the same first attempts and marks as item_analysis:
    Cronbach's alpha = k/(k-1) × (1 − Σ item variances / variance of the totals), population
    variances, k auto-marked questions. With right/wrong items of equal points it equals KR-20
    (an item's variance is then p·q); `method` names which one it is. None below two items or
    when every attempt has the same total.
    """
    return fetch_one(
        f"""
        WITH {first_attempt_marks(f)},
        totals AS (SELECT attempt, sum(mark) AS total FROM marks GROUP BY attempt),
        spread AS (SELECT item, var_pop(mark) AS variance FROM marks GROUP BY item),
        whole AS (
            SELECT count(*) AS items, count(DISTINCT points) AS point_values FROM items),
        sums AS (
            SELECT (SELECT count(*) FROM totals) AS attempts,
                   (SELECT var_pop(total) FROM totals) AS total_variance,
                   (SELECT sum(variance) FROM spread) AS item_variance)
        SELECT w.items, s.attempts,
               CASE WHEN w.point_values <= 1 THEN 'KR-20' ELSE 'Cronbach''s alpha' END
                   AS method,
               round(CAST(w.items / nullif(w.items - 1.0, 0)
                          * (1 - s.item_variance / nullif(s.total_variance, 0)) AS numeric), 3)
                   AS reliability
        FROM whole w CROSS JOIN sums s""",
        f,
        quiz_id=quiz_id,
    )


def distractors(f: Filters, quiz_id: str) -> list[dict]:
    """Per multiple-choice question with its options (a JSON array) and a correctAnswer, per
    option in the order listed: how many of the first attempts in item_analysis chose it
    (the answer equal to the option ignoring case and surrounding spaces), their share of those
    attempts in percent, and whether it is the correct answer; `other` counts the attempts that
    chose none of the options (no answer included)."""
    return fetch(
        f"""
        WITH {first_attempt_marks(f)},
        choices AS (
            SELECT i.id AS item, o.option, o.pos
            FROM items i CROSS JOIN jsonb_array_elements_text(i.options) WITH ORDINALITY
                AS o(option, pos)
            WHERE i.type = 'multiple_choice' AND jsonb_typeof(i.options) = 'array'),
        counts AS (
            SELECT c.item, c.pos, count(g.id) AS chosen
            FROM choices c JOIN items i ON i.id = c.item
            LEFT JOIN graded g ON lower(btrim(g.answers ->> c.item)) = lower(btrim(c.option))
            GROUP BY c.item, c.pos),
        answered AS (
            SELECT i.id AS item, count(g.id) AS attempts,
                   count(g.id) FILTER (WHERE NOT EXISTS (
                       SELECT 1 FROM choices c WHERE c.item = i.id
                       AND lower(btrim(c.option)) = lower(btrim(g.answers ->> i.id)))) AS other
            FROM items i CROSS JOIN graded g GROUP BY i.id)
        SELECT i.id AS question_id, i."order", left(i.question, 120) AS question, c.pos,
               c.option, lower(btrim(c.option)) = lower(btrim(i.correct)) AS correct,
               n.chosen, coalesce(a.attempts, 0) AS attempts, coalesce(a.other, 0) AS other,
               round(100.0 * n.chosen / nullif(a.attempts, 0), 1) AS share
        FROM choices c JOIN items i ON i.id = c.item
        JOIN counts n ON n.item = c.item AND n.pos = c.pos
        LEFT JOIN answered a ON a.item = c.item
        ORDER BY i."order", i.id, c.pos""",
        f,
        quiz_id=quiz_id,
    )

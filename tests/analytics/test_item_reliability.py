"""Reliability (KR-20 / Cronbach's alpha) and distractor analysis of a quiz, over each student's
first attempt, checked against the same numbers worked out in Python from the raw rows."""

import re
from datetime import date, datetime, timedelta

import factories as fx
import pytest

from lms.analytics.filters import Filters
from lms.analytics.live import assessments
from lms.analytics.live.assessments import MIN_ITEM_ATTEMPTS
from lms.db import db
from lms.models import Question, QuizAttempt

NOW = datetime(2026, 3, 15, 12, 0)
SPAN = Filters(start=date(2026, 1, 1), end=date(2026, 3, 31), preset="custom", now=NOW)
OPTIONS = ["Red", "Green", "Blue", "Yellow"]
# Per student, the answer to each of four questions (correct: Red, Green, Blue, Yellow); the
# pattern gives items of different difficulty and totals that vary.
ANSWERS = [
    ("Red", "Green", "Blue", "Yellow"),
    ("Red", "Green", "Blue", "Red"),
    ("red ", "Green", "Green", "Yellow"),  # case and spaces still mark as right
    ("Red", "Blue", "Blue", "Red"),
    ("Red", "Green", "Red", "Red"),
    ("Green", "Green", "Blue", "Yellow"),
    ("Red", "Red", "Red", "Red"),
    ("Blue", "Green", "Yellow", "Green"),
    ("Red", "Yellow", "Blue", None),  # no answer to the last question
    ("Green", "Red", "Green", "Blue"),
    ("Red", "Green", "Blue", "Purple"),  # not an option
    ("Yellow", "Blue", "Red", "Green"),
]


def build_quiz(points=(1, 1, 1, 1)) -> str:
    quiz = fx.make_quiz(title="Colours")
    questions = [
        fx.make_question(quiz, options=OPTIONS, correct_answer=OPTIONS[n], points=p, order=n + 1)
        for n, p in enumerate(points)
    ]
    fx.make_question(quiz, type="essay", options=None, correct_answer=None, order=9)
    start = datetime(2026, 2, 1, 9, 0)
    for k, row in enumerate(ANSWERS):
        student = fx.make_user()
        answers = {q.id: a for q, a in zip(questions, row, strict=True) if a is not None}
        fx.make_attempt(quiz, student, started_at=start + timedelta(hours=k), answers=answers)
        # A later, perfect attempt: only the first counts.
        perfect = {q.id: q.correct_answer for q in questions}
        fx.make_attempt(quiz, student, started_at=start + timedelta(days=3), answers=perfect)
    db.session.commit()
    return quiz.id


def first_attempt_marks(quiz_id: str) -> tuple[list[Question], list[list[int]]]:
    """Each student's first attempt, marked in Python: points when the answer is right."""
    questions = (
        db.session.query(Question)
        .filter(Question.quiz_id == quiz_id, Question.correct_answer.isnot(None))
        .order_by(Question.order)
        .all()
    )
    first: dict[str, QuizAttempt] = {}
    for attempt in db.session.query(QuizAttempt).filter(QuizAttempt.quiz_id == quiz_id):
        mine = first.get(attempt.user_id)
        if mine is None or attempt.started_at < mine.started_at:
            first[attempt.user_id] = attempt
    marks = [
        [
            q.points
            if str(a.answers.get(q.id, "")).strip().lower() == q.correct_answer.strip().lower()
            else 0
            for q in questions
        ]
        for a in first.values()
    ]
    return questions, marks


def element_text(html: str, element_id: str) -> str:
    """The text of the element with that id (up to its first closing tag of a paragraph)."""
    match = re.search(rf'id="{element_id}">(.*?)</p>', html, re.DOTALL)
    return re.sub(r"<[^>]+>", "", match.group(1))


def variance(values: list[float]) -> float:
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / len(values)


def kr20(marks: list[list[int]]) -> float:
    """k/(k-1) × (1 − Σ p q / σ² of the totals), items scored 0 or 1."""
    k, n = len(marks[0]), len(marks)
    pq = 0.0
    for i in range(k):
        p = sum(row[i] for row in marks) / n
        pq += p * (1 - p)
    return k / (k - 1) * (1 - pq / variance([sum(row) for row in marks]))


def alpha(marks: list[list[int]]) -> float:
    k = len(marks[0])
    items = sum(variance([row[i] for row in marks]) for i in range(k))
    return k / (k - 1) * (1 - items / variance([sum(row) for row in marks]))


def test_kr20_of_right_or_wrong_questions_matches_the_raw_rows(app):
    with app.app_context():
        quiz_id = build_quiz()
        _, marks = first_attempt_marks(quiz_id)
        expected = kr20(marks)
        row = assessments.quiz_reliability(SPAN, quiz_id)
    assert len(marks) == len(ANSWERS) >= MIN_ITEM_ATTEMPTS
    assert row["method"] == "KR-20" and row["items"] == 4 and row["attempts"] == len(ANSWERS)
    assert float(row["reliability"]) == pytest.approx(expected, abs=0.0005)
    assert 0.0 < expected < 1.0  # the pattern is not degenerate


def test_questions_of_different_points_give_cronbachs_alpha(app):
    with app.app_context():
        quiz_id = build_quiz(points=(1, 2, 1, 3))
        _, marks = first_attempt_marks(quiz_id)
        row = assessments.quiz_reliability(SPAN, quiz_id)
    assert row["method"] == "Cronbach's alpha"
    assert float(row["reliability"]) == pytest.approx(alpha(marks), abs=0.0005)


def test_distractor_counts_match_the_first_attempts(app):
    with app.app_context():
        quiz_id = build_quiz()
        questions, _ = first_attempt_marks(quiz_id)
        rows = assessments.distractors(SPAN, quiz_id)
    assert [r["option"] for r in rows] == OPTIONS * 4
    for n, question in enumerate(questions):
        given = [answers[n] for answers in ANSWERS]
        mine = [r for r in rows if r["question_id"] == question.id]
        chosen = [sum(1 for a in given if a and a.strip().lower() == o.lower()) for o in OPTIONS]
        assert [r["chosen"] for r in mine] == chosen
        assert [r["correct"] for r in mine] == [o == question.correct_answer for o in OPTIONS]
        assert {r["other"] for r in mine} == {len(given) - sum(chosen)}
        assert {r["attempts"] for r in mine} == {len(ANSWERS)}
    last = [r for r in rows if r["question_id"] == questions[3].id]
    assert last[0]["other"] == 2  # no answer, and "Purple"
    assert float(last[3]["share"]) == pytest.approx(round(100 * 3 / 12, 1))


def test_the_page_shows_reliability_and_distractors_with_definitions(admin_client, app):
    with app.app_context():
        quiz_id = build_quiz()
        _, marks = first_attempt_marks(quiz_id)
        expected = kr20(marks)
    response = admin_client.get(
        f"/admin/analytics/assessments/?from=2026-01-01&to=2026-03-31&quiz={quiz_id}"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    value = re.search(r'id="reliability-value">([^<]+)<', html).group(1)
    assert float(value) == pytest.approx(expected, abs=0.0005)
    assert "KR-20" in element_text(html, "def-reliability")
    assert "Distractor analysis" in element_text(html, "def-distractors")
    table = html[html.index('id="distractor-table"') :]
    assert table.count("✓ correct") == 4


def test_reliability_below_the_minimum_sample_says_too_few_attempts(
    admin_client, dataset, frozen_now
):
    response = admin_client.get(
        f"/admin/analytics/assessments/?from=2026-01-01&to=2026-03-31&quiz={dataset.ids['quiz']}"
    )
    paragraph = element_text(response.get_data(as_text=True), "reliability")
    assert f"too few attempts (4 of the {MIN_ITEM_ATTEMPTS} needed)" in paragraph


def test_an_instructor_gets_nothing_for_another_instructors_quiz(app, dataset):
    with app.app_context():
        mine = dataset.mine((date(2025, 1, 1), date(2026, 3, 31)))
        assert assessments.quiz_reliability(mine, dataset.ids["quiz_c"])["items"] == 0
        assert assessments.distractors(mine, dataset.ids["quiz_c"]) == []

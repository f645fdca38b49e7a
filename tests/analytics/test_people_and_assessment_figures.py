"""People and assessment figures over the hand-made data set; item analysis checked by hand."""

import statistics
from datetime import date, datetime
from decimal import Decimal

import factories as fx
from conftest import Q1, WINTER, d

from lms.analytics import charts
from lms.analytics.live import assessments, people
from lms.analytics.views import item_reading
from lms.db import db


def test_signups_per_month_by_role(app, dataset):
    with app.app_context():
        rows = people.signups_series(dataset.filters(WINTER))
    students = [r["signups"] for r in rows if r["role"] == "STUDENT"]
    assert students == [0, 1, 2, 2, 2]  # Nov, Dec (s1), Jan (s2, s3), Feb (s4, s5), Mar (s6, s7)
    assert next(r["bucket"] for r in rows if r["role"] == "ADMIN") == datetime(2025, 11, 1)


def test_users_by_role_all_time_and_new(app, dataset):
    with app.app_context():
        rows = {
            r["role"]: (r["users"], r["new_in_range"])
            for r in people.users_by_role(dataset.filters(Q1))
        }
        mine = {r["role"]: r["users"] for r in people.users_by_role(dataset.mine(Q1))}
    assert rows == {"STUDENT": (7, 6), "INSTRUCTOR": (2, 0), "ADMIN": (0, 0)}
    # An instructor counts the people enrolled in their courses: s7 enrolled nowhere.
    assert mine == {"STUDENT": 6, "INSTRUCTOR": 0, "ADMIN": 0}


def test_pass_rate_by_quiz(app, dataset):
    with app.app_context():
        rows = assessments.quiz_pass_rates(dataset.filters(Q1))
        totals = assessments.assessment_totals(dataset.filters(Q1))
    assert [
        (r["title"], r["attempts"], r["passed"], r["pass_rate"], r["average_score"]) for r in rows
    ] == [
        ("Quiz A", 6, 4, Decimal("66.7"), Decimal("70.8")),
        ("Quiz C", 1, 0, Decimal("0.0"), Decimal("50.0")),
    ]
    # Starts: first attempts in the range (s1, s2, s3, s5 at Quiz A; s6 at Quiz C).
    assert (totals["attempts"], totals["starts"], totals["pass_rate"], totals["average_score"]) == (
        7,
        5,
        Decimal("57.1"),
        Decimal("67.9"),
    )


def test_score_distribution_and_attempts_per_student(app, dataset):
    with app.app_context():
        scores = assessments.score_distribution(dataset.filters(Q1))
        attempts = assessments.attempts_per_student(dataset.filters(Q1))
    assert {
        r["label"]: (r["passed"], r["failed"]) for r in scores if r["passed"] or r["failed"]
    } == {"20–29": (0, 2), "50–59": (0, 1), "70–79": (1, 0), "90–100": (3, 0)}
    # Per student and quiz first attempted in the range, every attempt at it counts.
    assert [(r["label"], r["students"]) for r in attempts] == [
        ("1", 3),
        ("2", 2),
        ("3", 0),
        ("4 or more", 0),
    ]


# First attempts' marks per question (q1, q2 worth 1; q3 worth 2); q4 is an essay, left out.
FIRST_ATTEMPT_MARKS = {"s1": (1, 1, 2), "s2": (1, 0, 2), "s3": (0, 1, 0), "s5": (1, 0, 0)}
POINTS = (1, 1, 2)


def moodle_indices(k: int) -> tuple[float, float, float]:
    """Facility, SD and discrimination of question k, computed here without SQL."""
    marks = [m[k] for m in FIRST_ATTEMPT_MARKS.values()]
    rest = [sum(m) - m[k] for m in FIRST_ATTEMPT_MARKS.values()]
    return (
        100 * statistics.mean(marks) / POINTS[k],
        100 * statistics.stdev(marks) / POINTS[k],
        100 * statistics.correlation(marks, rest),
    )


def test_item_analysis_on_first_attempts_matches_moodles_formulas(app, dataset):
    with app.app_context():
        rows = assessments.item_analysis(dataset.filters(Q1), dataset.ids["quiz"])
    assert [r["order"] for r in rows] == [1, 2, 3]  # the essay is not auto-marked
    assert [r["attempts"] for r in rows] == [4, 4, 4]  # first attempts only
    for k, row in enumerate(rows):
        facility, sd, discrimination = moodle_indices(k)
        assert row["facility"] == Decimal(f"{facility:.1f}")
        assert row["sd"] == Decimal(f"{sd:.1f}")
        assert row["discrimination"] == Decimal(f"{discrimination:.1f}")
    # And by hand: q2 is answered right by the weaker students, so it discriminates negatively.
    assert [(r["facility"], r["discrimination"]) for r in rows] == [
        (Decimal("75.0"), Decimal("25.8")),
        (Decimal("50.0"), Decimal("-19.2")),
        (Decimal("50.0"), Decimal("57.7")),
    ]


def test_item_analysis_counts_first_attempts_started_in_the_range(app, dataset):
    with app.app_context():
        february = assessments.item_analysis(
            dataset.filters((date(2026, 2, 1), date(2026, 2, 28))), dataset.ids["quiz"]
        )
    # s2's and s3's first attempts; s2's second attempt (8 Feb) is not a first attempt.
    assert [r["attempts"] for r in february] == [2, 2, 2]
    assert february[0]["facility"] == Decimal("50.0")


def test_item_analysis_is_scoped(app, dataset):
    with app.app_context():
        rows = assessments.item_analysis(dataset.mine(Q1), dataset.ids["quiz_c"])
        assert assessments.quiz_in_scope(dataset.mine(Q1), dataset.ids["quiz_c"]) == {}
        assert assessments.quiz_in_scope(dataset.mine(Q1), dataset.ids["quiz"])["title"] == "Quiz A"
    assert rows == []  # not even the other instructor's question texts


def test_assessments_in_an_empty_range(app, dataset):
    with app.app_context():
        empty = dataset.filters((date(2020, 1, 1), date(2020, 1, 2)))
        assert assessments.quiz_pass_rates(empty) == []
        assert assessments.assessment_totals(empty)["attempts"] == 0
        assert all(r["students"] == 0 for r in assessments.attempts_per_student(empty))


# --- item analysis below its minimum sample; month ticks ----------------------------------


def test_item_analysis_gives_no_verdict_on_too_few_attempts(app, dataset):
    with app.app_context():
        rows = assessments.item_analysis(dataset.filters(Q1), dataset.ids["quiz"])
    assert [r["attempts"] for r in rows] == [4, 4, 4]
    # q2 would read "misleading" on these four students: too few to say.
    assert [item_reading(r) for r in rows] == ["too few attempts (4 of the 10 needed)"] * 3


def test_item_analysis_reads_a_question_from_the_minimum_sample_on(app, dataset):
    with app.app_context():
        course = fx.make_course(title="Course Q", slug="course-q")
        quiz = fx.make_quiz(course, title="Quiz Q")
        easy = fx.make_question(quiz, correct_answer="yes", order=1)
        mixed = fx.make_question(quiz, correct_answer="yes", order=2)
        for n in range(10):
            fx.make_attempt(
                quiz,
                fx.make_user(email=f"q{n}@example.com"),
                started_at=d("2026-02-01"),
                answers={easy.id: "yes", mixed.id: "yes" if n % 2 else "no"},
            )
        db.session.commit()
        rows = assessments.item_analysis(dataset.filters(Q1), quiz.id)
    assert [(r["attempts"], item_reading(r)) for r in rows] == [
        (10, "too easy, discrimination needs varied marks"),
        (10, "discrimination needs varied marks"),
    ]


def test_month_ticks_fall_on_months_for_a_range_of_a_few_months(app, dataset):
    march_to_june = dataset.filters((date(2026, 3, 1), date(2026, 6, 30)))
    assert march_to_june.bucket == "month"
    with app.app_context():
        rows = people.signups_series(march_to_june)
    axis = charts.signups_over_time(rows, "month").layout.xaxis
    # Plotly's own ticks fell every two weeks here: "Mar, Mar, Apr, May".
    assert (axis.dtick, axis.tickformat) == ("M1", "%b %Y")

"""Every figure has a title, axis titles and hover text, plain JSON lists, and an empty state."""

import json
from datetime import datetime
from decimal import Decimal

import pytest

from lms.analytics import charts

JAN, FEB = datetime(2026, 1, 1), datetime(2026, 2, 1)

SAMPLES = {
    "revenue_over_time": (
        [
            {
                "bucket": JAN,
                "currency": "USD",
                "gross": Decimal("10.05"),
                "sales": 2,
                "refunded": Decimal(0),
                "refunds": 0,
                "net": Decimal("10.05"),
            }
        ],
        "month",
    ),
    "revenue_by_course": (
        [
            {
                "title": "A",
                "currency": "EUR",
                "gross": Decimal("3.10"),
                "sales": 1,
                "refunded": Decimal(0),
                "refunds": 0,
                "net": Decimal("3.10"),
            }
        ],
    ),
    "status_breakdown": (
        [{"status": "COMPLETED", "currency": "USD", "transactions": 2, "amount": Decimal("5.00")}],
    ),
    "enrollments_over_time": ([{"bucket": JAN, "status": "ACTIVE", "enrollments": 3}], "day"),
    "completion_vs_progress": (
        [
            {
                "title": "A",
                "enrollments": 4,
                "completion_rate": Decimal("25.0"),
                "average_progress": Decimal("50.0"),
            }
        ],
    ),
    "time_to_completion": (
        [
            {
                "label": "under 1 week",
                "completions": 1,
                "total": 1,
                "median_days": 2.0,
                "p90_days": 2.0,
            }
        ],
    ),
    "drop_off_funnel": (
        [
            {"pos": 0, "title": "Enrolled", "students": 3, "dropped": None},
            {"pos": 1, "title": "L1", "students": 1, "dropped": 2},
        ],
        "A",
    ),
    "cohort_completion": (
        [
            {
                "cohort": JAN,
                "enrolled": 2,
                "completed": 1,
                "comparable": True,
                "completion_rate": Decimal("50.0"),
            }
        ],
    ),
    "refunds_by_progress": ([{"label": "0%", "refunds": 1, "amount": Decimal("9.99")}],),
    "progress_distribution": ([{"label": "0%", "students": 1}],),
    "progress_by_course": ([{"title": "A", "students": 1, "average_progress": Decimal("10.0")}],),
    "lesson_engagement": (
        [
            {
                "pos": 1,
                "title": "L1",
                "started": 2,
                "completed": 1,
                "completion_rate": Decimal("50.0"),
                "minutes": 5,
                "average_watch_seconds": Decimal("90.0"),
            }
        ],
        "A",
    ),
    "signups_over_time": ([{"bucket": FEB, "role": "STUDENT", "signups": 4}], "month"),
    "users_by_role": ([{"role": "STUDENT", "users": 4, "new_in_range": 1}],),
    "pass_rate_by_quiz": (
        [
            {
                "title": "Q",
                "course": "A",
                "pass_rate": Decimal("50.0"),
                "attempts": 2,
                "average_score": Decimal("60.0"),
                "passing_score": 70,
            }
        ],
    ),
    "score_distribution": ([{"label": "60–69", "passed": 0, "failed": 1}],),
    "attempts_per_student": ([{"label": "1", "students": 3}],),
    "item_analysis": (
        [
            {
                "order": 1,
                "question": "Why?",
                "attempts": 3,
                "facility": Decimal("66.7"),
                "discrimination": Decimal("50.0"),
            }
        ],
        "Q",
    ),
    "course_analytics": (
        [{"title": "A", "total_enrollments": 2, "completion_rate": 50.0, "average_progress": 75.0}],
    ),
}


def empty_args(args: tuple) -> tuple:
    """The same call with no rows (and for time series, zero-filled rows)."""
    return ([], *args[1:])


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_figure_is_labelled_and_plain_json(name):
    fig = getattr(charts, name)(*SAMPLES[name])
    data = json.loads(fig.to_json())
    assert data["layout"]["title"]["text"]
    axis_titles = [
        v.get("title", {}).get("text")
        for k, v in data["layout"].items()
        if k.startswith(("xaxis", "yaxis"))
    ]
    assert any(axis_titles), name
    assert all(trace.get("hovertemplate") or trace["type"] == "funnel" for trace in data["data"])
    assert "bdata" not in fig.to_json()  # no typed arrays: plain lists only


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_no_rows_is_an_empty_state_not_an_error(name):
    data = json.loads(getattr(charts, name)(*empty_args(SAMPLES[name])).to_json())
    assert data["data"] == []
    assert data["layout"]["annotations"][0]["text"].startswith("No ")


def test_zero_filled_series_is_still_empty():
    zero = {"gross": Decimal(0), "sales": 0, "refunded": Decimal(0), "refunds": 0, "net": 0}
    rows = [{"bucket": JAN, "currency": "USD", **zero}]
    assert charts.revenue_over_time(rows, "month").data == ()


def test_money_reaches_the_figure_to_the_cent_in_its_currency():
    fig = charts.revenue_over_time(*SAMPLES["revenue_over_time"])
    assert list(fig.data[0].y) == [10.05]
    assert "%{y:,.2f} USD" in fig.data[0].hovertemplate


def test_each_currency_gets_a_panel_of_its_own():
    row = SAMPLES["revenue_over_time"][0][0]
    rows = [{**row, "currency": "EUR"}, row]
    fig = charts.revenue_over_time(rows, "month")
    assert [t.yaxis for t in fig.data] == ["y", "y", "y", "y2", "y2", "y2"]
    assert fig.layout.yaxis.title.text == "Amount (EUR)"
    assert fig.layout.yaxis2.title.text == "Amount (USD)"
    course = SAMPLES["revenue_by_course"][0][0]
    by_course = charts.revenue_by_course([course, {**course, "currency": "USD"}])
    assert [t.xaxis for t in by_course.data] == ["x", "x2"]
    assert by_course.layout.xaxis2.title.text == "Gross sales (USD)"


def test_funnel_calls_out_the_biggest_drop():
    fig = charts.drop_off_funnel(*SAMPLES["drop_off_funnel"])
    assert fig.layout.annotations[0].text == "biggest drop: −2 before this lesson"

"""The rollups give exactly the live figures for every shape of range; pages say when used."""

from datetime import date

import pytest
from conftest import NOW, Q1, WINTER

from lms.analytics import precomputed
from lms.analytics.contract import FIGURES
from lms.analytics.refresh import refresh_everything
from lms.analytics.sources import LIVE, ROLLUPS
from lms.db import db

SPANS = {
    "days": Q1,  # 90 days, charted per day
    "months": WINTER,  # whole months only
    "no whole month": (date(2026, 1, 15), date(2026, 2, 20)),
    "months with partial ends": (date(2025, 12, 15), date(2026, 3, 10)),
    "one day": (date(2026, 2, 6), date(2026, 2, 6)),
    "empty": (date(2020, 1, 1), date(2020, 3, 31)),
}


@pytest.fixture
def rolled_up(app, dataset):
    with app.app_context():
        refresh_everything(db.session, NOW)
        db.session.commit()
    return dataset


@pytest.mark.parametrize("span", sorted(SPANS))
def test_rollups_equal_the_live_queries(app, rolled_up, span):
    f = rolled_up.filters(SPANS[span])
    with app.app_context():
        for name in FIGURES:
            assert getattr(ROLLUPS, name)(f) == getattr(LIVE, name)(f), name


def test_rollups_hold_the_hand_computed_numbers(app, rolled_up):
    with app.app_context():
        revenue = precomputed.revenue_by_course(rolled_up.filters(WINTER))
        funnel_free = precomputed.time_to_completion(rolled_up.filters(Q1))
    assert [(r["title"], r["currency"], str(r["gross"]), str(r["net"])) for r in revenue] == [
        ("Course C", "EUR", "12.34", "12.34"),
        ("Course A", "USD", "150.27", "100.28"),
        ("Course C", "USD", "100.00", "100.00"),
        ("Course B", "USD", "19.99", "19.99"),
    ]
    assert (str(funnel_free[0]["median_days"]), str(funnel_free[0]["p90_days"])) == ("15.0", "19.0")


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (
            date(2026, 1, 1),
            date(2026, 3, 31),
            (
                (date(2026, 1, 1), date(2026, 4, 1)),
                (date(2026, 1, 1), date(2026, 1, 1)),
                (date(2026, 4, 1), date(2026, 4, 1)),
            ),
        ),
        (
            date(2025, 12, 15),
            date(2026, 3, 10),
            (
                (date(2026, 1, 1), date(2026, 3, 1)),
                (date(2025, 12, 15), date(2026, 1, 1)),
                (date(2026, 3, 1), date(2026, 3, 11)),
            ),
        ),
        (
            date(2026, 1, 15),
            date(2026, 2, 20),
            (
                (date(2026, 1, 15), date(2026, 1, 15)),
                (date(2026, 1, 15), date(2026, 2, 21)),
                (date(2026, 2, 21), date(2026, 2, 21)),
            ),
        ),
    ],
)
def test_a_range_splits_into_whole_months_and_edge_days(dataset, start, end, expected):
    p = precomputed.periods(dataset.filters((start, end)))
    assert (
        (p["month_start"], p["month_end"]),
        (p["head_start"], p["head_end"]),
        (p["tail_start"], p["tail_end"]),
    ) == expected


def test_pages_say_when_figures_are_precomputed(
    app, admin_client, instructor_client, rolled_up, frozen_now
):
    page = admin_client.get("/admin/analytics/revenue/").get_data(as_text=True)
    assert 'id="as-of"' not in page  # a small platform: live, never stale
    app.config["ANALYTICS_ROLLUPS_FROM_ENROLLMENTS"] = 0  # as if it were a large one
    page = admin_client.get("/admin/analytics/revenue/").get_data(as_text=True)
    assert 'id="as-of"' in page and "as of 15 Mar 2026 12:00 UTC" in page
    chosen = admin_client.get(f"/admin/analytics/revenue/?course={rolled_up.ids['A']}")
    assert 'id="as-of"' not in chosen.get_data(as_text=True)  # one course: live
    mine = instructor_client.get("/admin/analytics/revenue/").get_data(as_text=True)
    assert 'id="as-of"' not in mine  # an instructor's courses: live


def test_without_rollups_the_pages_are_live(admin_client, dataset, frozen_now):
    page = admin_client.get("/admin/analytics/enrollments/").get_data(as_text=True)
    assert 'id="as-of"' not in page

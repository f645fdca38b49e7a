"""The two figure sources: each implements every figure of the contract, both give the same rows
on the medium data, and the rollups are only ever chosen for an admin looking at every course."""

from datetime import date, datetime, timedelta

import pytest

from lms.analytics.contract import FIGURES, FigureSource
from lms.analytics.filters import Filters, months_back, preset_range, years_before
from lms.analytics.refresh import refresh_everything
from lms.analytics.sources import LIVE, ROLLUPS, figures_source
from lms.db import db
from lms.models import utcnow


def ranges(now: datetime) -> dict[str, Filters]:
    """Every preset, and custom ranges cut across the month boundaries the rollups add up by."""
    today = now.date()
    this_month = months_back(today, 0)
    custom = {
        "two years": (months_back(today, 23), today),
        "whole months": (months_back(today, 6), this_month - timedelta(days=1)),
        "partial months at both ends": (
            months_back(today, 5) + timedelta(days=14),
            months_back(today, 1) + timedelta(days=9),
        ),
        "no whole month": (
            months_back(today, 3) + timedelta(days=14),
            months_back(today, 2) + timedelta(days=19),
        ),
        "one day": (today - timedelta(days=40), today - timedelta(days=40)),
        "ten years": (years_before(today, 10), today),
        "before any data": (date(2001, 1, 1), date(2001, 12, 31)),
    }
    presets = {p: (*preset_range(p, today), p) for p in ("7d", "30d", "90d", "12m")}
    spans = {**presets, **{label: (*span, "custom") for label, span in custom.items()}}
    return {
        label: Filters(start=start, end=end, preset=preset, now=now)
        for label, (start, end, preset) in spans.items()
    }


@pytest.fixture
def medium_rolled_up(medium_app):
    """The medium data with its rollups rebuilt; yields "now" inside an app context."""
    now = utcnow()
    with medium_app.app_context():
        refresh_everything(db.session, now)
        db.session.commit()
        yield now


def test_the_contract_lists_the_figures_of_its_protocol():
    assert "revenue_series" in FIGURES and "revenue_months" in FIGURES
    for name in FIGURES:
        assert (getattr(FigureSource, name).__doc__ or "").strip(), f"{name} has no docstring"


@pytest.mark.parametrize("name", FIGURES)
def test_each_source_implements_every_figure_of_the_contract(name):
    live, rolled_up = getattr(LIVE, name, None), getattr(ROLLUPS, name, None)
    assert callable(live), f"the live queries lack {name}"
    assert callable(rolled_up), f"the rollups lack {name}"
    assert rolled_up is not live, f"the rollups hand back the live {name}"


def test_both_sources_give_the_same_figures_on_the_medium_data(medium_rolled_up):
    now = medium_rolled_up
    everything = ranges(now)
    # The comparison covers what the pages would do: on this data the admin reads the rollups.
    assert figures_source(everything["12m"])[0] is ROLLUPS
    totals, _ = LIVE.enrollment_overview(everything["12m"])
    assert totals["enrollments"] > 1000  # the data is there, so equal rows are not empty rows
    differ = [
        (label, name)
        for label, f in everything.items()
        for name in FIGURES
        if getattr(ROLLUPS, name)(f) != getattr(LIVE, name)(f)
    ]
    assert differ == []


def test_only_an_admin_viewing_every_course_reads_the_rollups(app, dataset):
    """So the rollups never need an instructor's or one course's figures."""
    everything = dataset.filters()
    scoped = {
        "an instructor": dataset.mine(),
        "one course": dataset.filters(course_id=dataset.ids["A"]),
    }
    with app.app_context():
        assert figures_source(everything) == (LIVE, None)  # never refreshed
        refresh_everything(db.session, dataset.filters().now)
        db.session.commit()
        assert figures_source(everything) == (LIVE, None)  # a small platform
        app.config["ANALYTICS_ROLLUPS_FROM_ENROLLMENTS"] = 0  # as if it were a large one
        assert figures_source(everything)[0] is ROLLUPS
        for who, f in scoped.items():
            assert figures_source(f) == (LIVE, None), who

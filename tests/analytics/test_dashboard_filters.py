"""The date-range selector and choice filters: presets, custom ranges, and bad input as messages."""

from datetime import date, datetime

import pytest

from lms.analytics.filters import Filters, months_back, parse_range, pick_choice

TODAY = date(2026, 3, 15)


@pytest.mark.parametrize(
    "preset, start",
    [
        ("7d", date(2026, 3, 9)),
        ("30d", date(2026, 2, 14)),
        ("90d", date(2025, 12, 16)),
        ("12m", date(2025, 4, 1)),
    ],
)
def test_presets_end_today_and_include_it(preset, start):
    assert parse_range({"range": preset}, TODAY) == (preset, start, TODAY, [])


def test_default_is_twelve_whole_months_charted_per_month():
    preset, start, end, messages = parse_range({}, TODAY)
    f = Filters(start=start, end=end, preset=preset)
    assert (preset, start, end, messages) == ("12m", date(2025, 4, 1), TODAY, [])
    assert f.bucket == "month"
    assert f.params()["end"] == datetime(2026, 3, 16)  # the last day is included


def test_short_ranges_are_charted_per_day():
    assert Filters(start=date(2026, 1, 1), end=date(2026, 3, 31)).bucket == "day"
    assert Filters(start=date(2026, 1, 1), end=date(2026, 4, 2)).bucket == "day"  # 92 days
    assert Filters(start=date(2026, 1, 1), end=date(2026, 4, 3)).bucket == "month"


def test_custom_range_from_dates_alone():
    assert parse_range({"from": "2026-01-01", "to": "2026-01-31"}, TODAY) == (
        "custom",
        date(2026, 1, 1),
        date(2026, 1, 31),
        [],
    )


@pytest.mark.parametrize(
    "args, start, end, says",
    [
        ({"range": "custom", "from": "garbage"}, date(2025, 4, 1), TODAY, "is not a date"),
        ({"range": "custom", "from": "2026-02-30"}, date(2025, 4, 1), TODAY, "is not a date"),
        ({"range": "custom", "to": "1900-01-01"}, date(2025, 4, 1), TODAY, "too early"),
        (
            {"range": "custom", "from": "2026-03-01", "to": "2026-01-01"},
            date(2026, 1, 1),
            date(2026, 3, 1),
            "swapped",
        ),
        (
            {"range": "custom", "from": "1971-01-01", "to": "2026-01-01"},
            date(2016, 1, 1),
            date(2026, 1, 1),
            "ten years",
        ),
        ({"range": "forever"}, date(2025, 4, 1), TODAY, "Unknown range"),
        ({"range": "custom", "from": "2026-01-01\x00"}, date(2026, 1, 1), TODAY, None),
    ],
)
def test_bad_input_becomes_a_message_and_a_sane_range(args, start, end, says):
    _preset, got_start, got_end, messages = parse_range(args, TODAY)
    assert (got_start, got_end) == (start, end)
    if says:
        assert any(says in m for m in messages), messages


def test_months_back_crosses_years():
    assert months_back(date(2026, 1, 31), 11) == date(2025, 2, 1)
    assert months_back(date(2026, 12, 1), 12) == date(2025, 12, 1)


def test_a_choice_not_offered_is_ignored_with_a_message():
    messages = []
    assert pick_choice("c1", {"c1"}, "course", messages) == "c1"
    assert pick_choice("someone-elses", {"c1"}, "course", messages) is None
    assert pick_choice("", {"c1"}, "course", messages) is None
    assert len(messages) == 1 and "course filter was ignored" in messages[0]

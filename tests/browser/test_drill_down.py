"""In chromium, on the demo data: clicking a chart's bar, or a tile, opens the list of the rows
behind it (lms/analytics/drill_down.py), with no console error."""

import json
import re

import pytest
from journeys import DEMO_PASSWORD, sign_in
from sqlalchemy import func, select

from lms.db import db
from lms.models import Enrollment

pytestmark = pytest.mark.browser

ALL_DRAWN = """() => {
    const charts = [...document.querySelectorAll('[data-figure]')];
    return charts.length > 0 && charts.every(el => el.querySelector('.main-svg'));
}"""


def listed_count(page) -> int:
    """Rows on the list the browser is on, read again page by page, 100 rows a page."""
    seen: set[str] = set()
    for number in range(50):
        response = page.request.get(f"{page.url}&page_size=100&page={number}")
        assert response.status == 200
        rows = set(re.findall(r'/admin/enrollment/details/\?id=([^&"]+)', response.text()))
        if not rows - seen:
            break
        seen |= rows
    return len(seen)


def test_a_bar_and_a_tile_open_the_rows_behind_them(demo_page, demo_app):
    page = demo_page
    with demo_app.app_context():
        first, last = db.session.execute(
            select(func.min(Enrollment.enrolled_at), func.max(Enrollment.enrolled_at))
        ).one()
    dashboard = f"/admin/analytics/enrollments/?from={first.date()}&to={last.date()}"
    sign_in(page, "admin@example.com", DEMO_PASSWORD)
    page.goto(dashboard)
    page.wait_for_function(ALL_DRAWN)

    # The tallest bar of the enrollments-over-time chart.
    data = json.loads(page.locator("#figure-series").text_content())["data"]
    bars = [t for t in data if t["type"] == "bar"]
    count, trace, point = max((y, t, i) for t, tr in enumerate(bars) for i, y in enumerate(tr["y"]))
    assert count > 0
    bar = page.locator("#chart-series g.trace.bars").nth(trace).locator("path").nth(point)
    page.locator("#chart-series").scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box and box["height"] > 2
    # Plotly finds the bar under the pointer: hover it, then click there.
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    with page.expect_navigation():
        page.mouse.click(x, y)
    assert "/admin/enrollment/" in page.url, page.url
    assert listed_count(page) == count

    page.go_back()
    page.wait_for_function(ALL_DRAWN)
    tile = page.locator("#card-enrollments a")
    total = int(tile.text_content().replace(",", ""))
    with page.expect_navigation():
        tile.click()
    assert "/admin/enrollment/" in page.url, page.url
    assert listed_count(page) == total

    assert page.console_errors == []
    assert page.server_errors == []

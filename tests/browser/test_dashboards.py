"""In chromium, on the demo data: every dashboard draws its charts, with no console error and no
request leaving 127.0.0.1. With SCREENSHOT_DIR set, full-page screenshots are saved there
(docs/screenshots/ holds the ones in the README)."""

import os
from pathlib import Path

import pytest
from sqlalchemy import select
from support import STAFF_PASSWORD

from lms.auth import accounts
from lms.db import db
from lms.models import Course, User, UserRole
from lms.seed.demo import load_demo

pytestmark = pytest.mark.browser

DASHBOARDS = ["revenue", "enrollments", "progress", "people", "assessments", "courses"]
ALL_DRAWN = """() => {
    const charts = [...document.querySelectorAll('[data-figure]')];
    return charts.length > 0 && charts.every(el => el.querySelector('.main-svg'));
}"""


@pytest.fixture
def demo_data(app):
    with app.app_context():
        with db.engine.begin() as conn:
            load_demo(conn)
        from lms.analytics.refresh import refresh_course_analytics

        refresh_course_analytics(db.session)
        db.session.commit()


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")


def open_dashboard(page, name: str, query: str = "") -> int:
    """Opens a dashboard, waits until every chart is drawn; returns how many there are."""
    page.goto(f"/admin/analytics/{name}/{query}")
    page.wait_for_function(ALL_DRAWN)
    return page.locator("[data-figure] .main-svg").count()


def screenshot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_every_dashboard_draws_its_charts_offline(page, make_staff, demo_data):
    page.set_viewport_size({"width": 1400, "height": 900})
    make_staff(UserRole.ADMIN, email="viewer@example.com", name="Viewer")
    sign_in(page, "viewer@example.com")
    for name in DASHBOARDS:
        charts = open_dashboard(page, name)
        figures = page.locator("script[type='application/json'][id^=figure-]").count()
        assert charts >= figures >= 1, name
        screenshot(page, name)
    assert page.console_errors == []
    assert page.external_requests == []


def test_filters_redraw_and_instructor_sees_own_courses(app, page, demo_data):
    with app.app_context():
        ada = db.session.scalars(select(User).where(User.email == "ada@example.com")).one()
        accounts.set_password(ada, STAFF_PASSWORD)
        db.session.commit()
        own = set(db.session.scalars(select(Course.title).where(Course.instructor_id == ada.id)))
    sign_in(page, "ada@example.com")
    open_dashboard(page, "revenue", "?range=30d")
    offered = set(page.locator("#course option").all_text_contents()) - {"All my courses"}
    assert offered == own and own
    assert "Last 30 days" in page.text_content("#range-note")
    page.select_option("#range", "7d")
    with page.expect_navigation():
        page.click("#filters button[type=submit]")
    assert "range=7d" in page.url, page.url
    page.wait_for_function(ALL_DRAWN)
    assert "Only your courses are counted" in page.text_content("#range-note")
    assert page.console_errors == []
    assert page.external_requests == []

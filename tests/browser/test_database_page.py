"""In chromium, on the demo data: an admin opens the Database page from the menu and reads the
tables, the PHASE 4 indexes with their use counts, and the schema check. With SCREENSHOT_DIR
set, a full-page screenshot is saved there."""

import os
import re
from pathlib import Path

import pytest
from journeys import sign_in
from playwright.sync_api import expect

from lms.database.health import PHASE4_INDEXES
from lms.models import PLATFORM_MODELS

pytestmark = pytest.mark.browser

USE_COUNT = re.compile(r"^\d{1,3}(,\d{3})*$")


def test_an_admin_reads_tables_phase4_index_use_and_no_drift(demo_page):
    page = demo_page
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, "admin@example.com")
    page.click("a.dropdown-toggle:text-is('System')")
    with page.expect_navigation():
        page.click("a.dropdown-item:text-is('Database')")
    expect(page.locator("h1")).to_have_text("Database")

    tables = page.locator("#tables tbody tr").evaluate_all("rows => rows.map(r => r.dataset.table)")
    assert set(PLATFORM_MODELS) <= set(tables)
    phase4 = page.locator("#phase4-indexes tbody tr")
    expect(phase4).to_have_count(len(PHASE4_INDEXES))
    for name in PHASE4_INDEXES:  # a use count, with thousands separators
        scans = page.locator(f"#phase4-indexes tr[data-index='{name}'] td[data-scans]")
        expect(scans).to_have_text(USE_COUNT)
    expect(page.locator("#schema-check")).to_contain_text("No drift")
    expect(page.locator("#slow-statements-missing")).to_contain_text("not installed")

    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / "database.png"), full_page=True)
    assert page.console_errors == []
    assert page.external_requests == []
    assert page.server_errors == []

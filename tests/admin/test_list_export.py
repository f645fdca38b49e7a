"""The lists' "Export CSV" buttons stream the matching report, scoped like the list."""

import csv
import io

import pytest

EXPORTING = ["enrollment", "course_progress", "transaction", "quiz_attempt", "certificate"]


@pytest.mark.parametrize("endpoint", [*EXPORTING, "user"])
def test_admin_lists_offer_the_export_and_it_downloads(admin_client, two_worlds, endpoint):
    page = admin_client.get(f"/admin/{endpoint}/").get_data(as_text=True)
    assert 'id="export-csv"' in page
    response = admin_client.get(f"/admin/{endpoint}/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) >= 2  # a header and data from both instructors' worlds


@pytest.mark.parametrize("endpoint", EXPORTING)
def test_instructor_exports_hold_only_their_courses(instructor_client, two_worlds, endpoint):
    text = instructor_client.get(f"/admin/{endpoint}/export.csv").get_data(as_text=True)
    assert "mine" in text and "theirs" not in text


def test_the_users_export_is_for_admins_only(instructor_client, two_worlds):
    assert instructor_client.get("/admin/user/export.csv").status_code == 403
    assert 'id="export-csv"' not in instructor_client.get("/admin/user/").get_data(as_text=True)

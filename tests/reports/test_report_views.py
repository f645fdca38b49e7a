"""The Reports page (lms/reports/views.py): downloads, file names, BOM, bad input, roles, audit."""

import pytest
from report_support import download, error_message, parse_csv
from sqlalchemy import select

from lms.db import db
from lms.models import AuditEntry, utcnow


def test_page_lists_the_reports_each_role_may_download(admin_client, instructor_client):
    admin_page = admin_client.get("/admin/reports/").get_data(as_text=True)
    instructor_page = instructor_client.get("/admin/reports/").get_data(as_text=True)
    assert 'id="download-users"' in admin_page and 'id="download-transactions"' in admin_page
    assert 'id="download-users"' not in instructor_page
    assert 'id="download-revenue-by-course"' in instructor_page


def test_page_suggests_only_the_instructors_own_courses(instructor_client, world):
    page = instructor_client.get("/admin/reports/").get_data(as_text=True)
    assert 'value="mine-101"' in page and "theirs-201" not in page


def test_download_is_a_dated_csv_attachment_not_cached(admin_client, world):
    response, _header, _rows = download(admin_client, "transactions")
    today = utcnow().date().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="transactions-{today}.csv"'
    )
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"


def test_bom_only_when_asked_and_the_content_is_the_same(admin_client, world):
    plain = admin_client.get("/admin/reports/enrollments.csv").get_data()
    with_bom = admin_client.get("/admin/reports/enrollments.csv?bom=1").get_data()
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert with_bom == b"\xef\xbb\xbf" + plain
    assert parse_csv(with_bom) == parse_csv(plain)


def test_lines_end_with_crlf(admin_client, world):
    body = admin_client.get("/admin/reports/enrollments.csv").get_data()
    assert body.startswith(b"enrollment_id,user_email,") and body.endswith(b"\r\n")
    assert body.count(b"\r\n") == 4  # header and three enrollments


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=2024-13-01", "start date ('from') is not a day of the calendar: '2024-13-01'"),
        ("to=2023-02-29", "end date ('to') is not a day of the calendar"),
        ("from=yesterday", "start date ('from') must be a date written YYYY-MM-DD"),
        ("to=20240131", "end date ('to') must be a date written YYYY-MM-DD"),
        ("from=2024-02-01&to=2024-01-01", "start date ('from') is after the end date ('to')"),
        ("course=no-such-course", "There is no course with the slug 'no-such-course'"),
        ("course=" + "x" * 201, "course must be given by its slug"),
    ],
)
def test_bad_filters_get_a_400_with_a_clear_message(admin_client, query, message):
    response = admin_client.get(f"/admin/reports/transactions.csv?{query}")
    assert response.status_code == 400
    assert message in error_message(response)
    assert response.mimetype == "text/html"  # the form again, not a half-written file


def test_a_nul_in_a_filter_is_refused_before_the_report_runs(admin_client):
    response = admin_client.get("/admin/reports/transactions.csv?course=a%00b")
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "NUL character" in response.get_data(as_text=True)  # lms.security, at the edge


def test_lesson_progress_without_a_course_says_to_choose_one(admin_client):
    response = admin_client.get("/admin/reports/lesson-progress.csv")
    assert response.status_code == 400
    assert "is for one course" in error_message(response)


def test_unknown_report_is_404_and_anonymous_is_sent_to_sign_in(client, admin_client):
    assert admin_client.get("/admin/reports/passwords.csv").status_code == 404
    response = client.get("/admin/reports/transactions.csv")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_every_export_is_in_the_audit_log(app, admin_client, world):
    _response, _header, rows = download(
        admin_client, "transactions", course="mine-101", **{"from": "2020-01-01"}
    )
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert (entry.user_id, entry.user_email, entry.table_name) == (
        admin_client.user_id,
        "admin@example.com",
        "transactions",
    )
    assert entry.details["rows"] == len(rows) == 7 and entry.details["complete"] is True
    filters = entry.details["filters"]
    assert (filters["course_slug"], filters["date_from"]) == ("mine-101", "2020-01-01")
    assert entry.details["source"] == "reports page"


def test_refused_and_invalid_exports_are_not_logged_as_exports(app, instructor_client):
    instructor_client.get("/admin/reports/users.csv")
    instructor_client.get("/admin/reports/transactions.csv?from=nope")
    with app.app_context():
        assert db.session.scalars(select(AuditEntry)).all() == []

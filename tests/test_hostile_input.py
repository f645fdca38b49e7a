"""Input anyone can send is refused at the edge with a 400 or a message, never a 500."""

import pytest
from support import csrf_token_from, sign_in

from lms.seed.demo import DEMO_PASSWORD


@pytest.fixture
def admin(demo_app):
    client = demo_app.test_client()
    assert sign_in(client, "admin@example.com", DEMO_PASSWORD).status_code == 302
    return client


def test_a_nul_in_the_sign_in_email_is_a_400_not_a_500(demo_app):
    client = demo_app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": "admin@exam\x00ple.com", "password": "x", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/audit_log/?flt0_0=a%00b",
        "/admin/audit_log/?table=x%00&row=y",
        "/admin/course/ajax/lookup/?name=instructor_id&query=a%00",
        "/admin/analytics/assessments/?quiz=a%00",
        "/admin/enrollment/export.csv?flt0_0=%00",
        "/admin/course/?search=%00",
        "/admin/reports/enrollments.csv?course=%00",
    ],
)
def test_a_nul_in_any_query_parameter_is_a_400(admin, url):
    response = admin.get(url)
    assert response.status_code == 400, (url, response.status_code)


DASHBOARDS = ["revenue", "enrollments", "progress", "people", "assessments", "courses"]


@pytest.mark.parametrize("dashboard", DASHBOARDS)
@pytest.mark.parametrize("end", ["9999-12-31", "0001-01-01", "2026-02-30"])
def test_a_custom_range_at_the_ends_of_the_calendar_is_a_message(admin, dashboard, end):
    response = admin.get(
        f"/admin/analytics/{dashboard}/",
        query_string={"range": "custom", "from": "2026-01-01", "to": end},
    )
    assert response.status_code == 200, (dashboard, end, response.status_code)
    assert "ignored" in response.get_data(as_text=True)


def test_deeply_nested_json_is_a_message_on_the_form(demo_app, admin):
    from form_robot import FormPage

    html = admin.get("/admin/transaction/").get_data(as_text=True)
    import re

    row_id = re.search(r'/admin/transaction/edit/\?id=([^&"]+)', html).group(1)
    form = FormPage(admin, f"/admin/transaction/edit/?id={row_id}")
    form.set("details", "[" * 10_000 + "]" * 10_000)
    response = form.submit()
    assert response.status_code == 200
    assert "nested too deeply" in response.get_data(as_text=True)


def first_row(client, endpoint):
    import re

    html = client.get(f"/admin/{endpoint}/").get_data(as_text=True)
    return re.search(rf'/admin/{endpoint}/edit/\?id=([^&"]+)', html).group(1)


def test_a_nul_in_a_lookup_field_is_a_message_on_the_form(demo_app, admin):
    from form_robot import FormPage, audit_count

    form = FormPage(admin, f"/admin/course_module/edit/?id={first_row(admin, 'course_module')}")
    form.set("course_id", "\x00")
    logged = audit_count(demo_app)
    response = form.submit()
    assert response.status_code == 200 and "NUL character" in response.get_data(as_text=True)
    assert audit_count(demo_app) == logged


def test_an_unreadable_version_is_refused_not_a_500(demo_app, admin):
    from form_robot import FormPage, audit_count

    form = FormPage(admin, f"/admin/course/edit/?id={first_row(admin, 'course')}")
    form.set("title", "Changed behind a tampered version")
    form.set("row_version", "[" * 10_000 + "]" * 10_000)
    logged = audit_count(demo_app)
    response = form.submit()
    assert response.status_code == 200 and "version is unreadable" in response.get_data(
        as_text=True
    )
    assert audit_count(demo_app) == logged


def test_a_verification_token_can_be_revoked_through_the_preview(demo_app, admin):
    import re

    from sqlalchemy import func, select

    from lms.db import db
    from lms.models import VerificationToken

    html = admin.get("/admin/verification_token/").get_data(as_text=True)
    digest = re.search(r'name="id"[^>]*value="([0-9a-f]{64})"', html).group(1)
    token = csrf_token_from(html)
    preview = admin.post(
        "/admin/verification_token/delete/", data={"id": digest, "csrf_token": token}
    )
    assert preview.status_code == 200 and 'id="confirm-delete"' in preview.get_data(as_text=True)
    with demo_app.app_context():
        before = db.session.scalar(select(func.count()).select_from(VerificationToken))
    admin.post(
        "/admin/verification_token/delete/",
        data={"id": digest, "csrf_token": token, "confirmed": "yes"},
    )
    with demo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VerificationToken)) == before - 1


def test_the_longest_lesson_text_a_field_takes_is_saved_and_more_is_refused(demo_app, admin):
    from form_robot import SAVED, FormPage, page_text

    from lms.admin.fields import MAX_TEXT_LENGTH

    url = f"/admin/lesson/edit/?id={first_row(admin, 'lesson')}"
    form = FormPage(admin, url)
    form.set("content", "é" * MAX_TEXT_LENGTH)  # 1 MB in UTF-8
    response = form.submit()
    assert response.status_code == 302 and SAVED in page_text(admin.get(response.location))
    form = FormPage(admin, url)
    form.set("content", "é" * (MAX_TEXT_LENGTH + 1))
    assert "Too long" in page_text(form.submit())
    too_big = admin.post(url, data={"content": "x" * (9 * 1024 * 1024)})
    assert too_big.status_code == 413

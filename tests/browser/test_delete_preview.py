"""In chromium: delete a course through the preview page."""

import factories as f
import pytest

from lms.db import db
from lms.models import Course, Enrollment, Transaction, UserRole

pytestmark = pytest.mark.browser


def test_delete_a_course_through_the_preview(app, page, make_staff):
    make_staff(UserRole.ADMIN, email="root@example.com")
    with app.app_context():
        course = f.make_course(title="Doomed course")
        f.make_enrollment(course=course)
        f.make_transaction(course=course)
        db.session.commit()
        course_id = course.id
    page.goto("/login")
    page.fill("input[name=email]", "root@example.com")
    page.fill("input[name=password]", "correct-horse-battery")
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto("/admin/course/")
    with page.expect_navigation():
        page.click("button[title='Delete Record']")
    preview = page.locator("#delete-preview")
    assert "Doomed course" in preview.inner_text()
    assert page.locator("#deleted-with [data-table=enrollments]").inner_text() == "1"
    assert page.locator("#kept [data-table=transactions]").inner_text() == "1"
    with page.expect_navigation():
        page.click("#confirm-delete")
    assert "Deleted 1 row" in page.content()
    with app.app_context():
        assert db.session.get(Course, course_id) is None
        assert db.session.query(Enrollment).count() == 0
        assert db.session.query(Transaction).count() == 1
    assert page.console_errors == [] and page.external_requests == []

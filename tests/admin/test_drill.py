"""lms/admin/drill.py: a time-range filter that lists exactly the rows a figure counts.

Every TimeRange filter of every view (found, not named) is tried on the demo data with a
range that starts exactly at one row's timestamp (included) and ends exactly at another's
(excluded); the list must show the rows independent SQL finds, to the millisecond.
"""

import re
from contextlib import contextmanager

import pytest
from flask import g
from sqlalchemy import select
from support import STAFF_PASSWORD, sign_in

from lms.admin.drill import TimeRange, equals, in_range, list_url
from lms.auth.accounts import StaffUser
from lms.db import db
from lms.models import Course, Enrollment, UserRole


@contextmanager
def as_admin(app):
    """A request of a signed-in admin, for building links as a page would."""
    with app.test_request_context():
        g._login_user = StaffUser(
            user_id="admin", email="a@example.com", name=None, role=UserRole.ADMIN
        )
        yield


def time_range_filters(app):
    for admin in app.extensions["admin"]:
        for view in admin._views:
            for flt in getattr(view, "_filters", None) or ():
                if isinstance(flt, TimeRange):
                    yield view, flt


def listed_ids(client, url: str, view_url: str) -> set[str]:
    """The ids of the rows on the list page (each row links to its own details page)."""
    response = client.get(url + "&page_size=100")
    assert response.status_code == 200, url
    own_details = re.compile(re.escape(view_url.rstrip("/")) + r'/details/\?id=([^&"]+)')
    return set(own_details.findall(response.get_data(as_text=True)))


@pytest.fixture
def admin_client(demo_app, make_staff_on_demo):
    client = demo_app.test_client()
    sign_in(client, make_staff_on_demo(UserRole.ADMIN))
    return client


@pytest.fixture
def make_staff_on_demo(demo_app):
    from lms.auth import accounts
    from lms.models import User

    def make(role):
        with demo_app.app_context():
            user = User(email=f"drill-{role.value.lower()}@example.com", role=role)
            db.session.add(user)
            db.session.flush()
            accounts.set_password(user, STAFF_PASSWORD)
            db.session.commit()
            return user.email

    return make


def test_every_time_range_lists_exactly_the_rows_in_it(demo_app, admin_client):
    checked = 0
    with as_admin(demo_app):
        for view, flt in time_range_filters(demo_app):
            column = flt.column
            times = sorted(
                set(db.session.scalars(select(column).where(column.is_not(None)).distinct()))
            )
            if len(times) < 3:
                continue
            # A range of up to ~60 rows: from one row's time (included) to a later one's (excluded).
            start, end = times[len(times) // 3], times[min(len(times) // 3 + 40, len(times) - 1)]
            pk = view.model.__mapper__.primary_key[0]
            expected = set(
                map(str, db.session.scalars(select(pk).where(column >= start, column < end)))
            )
            assert 0 < len(expected) <= 100, (view.endpoint, column.key)
            url = list_url(view.endpoint, in_range(column.key, start, end))
            assert url is not None, (view.endpoint, column.key)
            assert listed_ids(admin_client, url, view.url) == expected, (view.endpoint, column.key)
            checked += 1
    assert checked >= 8  # enrollments, transactions, progress, attempts, users, ...


def test_a_range_and_an_equal_filter_together(demo_app, admin_client):
    with as_admin(demo_app):
        course = db.session.scalars(select(Course).order_by(Course.created_at)).first()
        times = sorted(
            db.session.scalars(
                select(Enrollment.enrolled_at).where(Enrollment.course_id == course.id)
            )
        )
        start, end = times[0], times[-1]
        expected = set(
            db.session.scalars(
                select(Enrollment.id).where(
                    Enrollment.course_id == course.id,
                    Enrollment.enrolled_at >= start,
                    Enrollment.enrolled_at < end,
                )
            )
        )
        url = list_url(
            "enrollment", in_range("enrolled_at", start, end), equals("course_id", course.id)
        )
    assert expected and listed_ids(admin_client, url, "/admin/enrollment") == expected


def test_no_link_rather_than_a_wrong_one(demo_app):
    with demo_app.test_request_context():  # nobody signed in: no view is theirs to open
        assert list_url("enrollment") is None
    with as_admin(demo_app):
        assert list_url("enrollment", ("no_such_column", "equals", "x")) is None
        assert list_url("no_such_view") is None


@pytest.mark.parametrize("value", ["", "yesterday", "2026-01-02T00:00:00.000", "a/b", "x" * 500])
def test_a_range_nobody_could_mean_is_ignored_not_a_500(demo_app, admin_client, value):
    with as_admin(demo_app):
        url = list_url("enrollment", ("enrolled_at", "in time range", value))
    response = admin_client.get(url)
    assert response.status_code == 200

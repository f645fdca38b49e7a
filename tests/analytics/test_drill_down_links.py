"""Drill-down on the demo data: a bar or a tile links to the list of exactly the rows it counts.

The range starts mid-month, so the first monthly bar is clipped to it; each bar's list is
compared with independent SQL over the same [start, end) and bucket.
"""

import json
import re
from datetime import datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select
from support import STAFF_PASSWORD, sign_in

from lms.db import db
from lms.models import Enrollment, EnrollmentStatus, QuizAttempt, User, UserRole


@pytest.fixture
def demo_admin(demo_app):
    from lms.auth import accounts

    with demo_app.app_context():
        user = User(email="drill-down@example.com", role=UserRole.ADMIN)
        db.session.add(user)
        db.session.flush()
        accounts.set_password(user, STAFF_PASSWORD)
        db.session.commit()
    client = demo_app.test_client()
    sign_in(client, "drill-down@example.com")
    return client


@pytest.fixture
def span(demo_app):
    """A custom range over the demo enrollments, from the 10th of the first month: (from, to)."""
    with demo_app.app_context():
        first, last = db.session.execute(
            select(func.min(Enrollment.enrolled_at), func.max(Enrollment.enrolled_at))
        ).one()
    return first.date().replace(day=10), last.date()


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def figure(html: str, name: str) -> dict:
    found = re.search(rf'<script type="application/json" id="figure-{name}">(.*?)</script>', html)
    assert found, name
    return json.loads(found.group(1))


def listed_ids(client, url: str, view_url: str) -> set[str]:
    """The ids of the rows on the list page (each row links to its own details page)."""
    html = page(client, unescape(url) + "&page_size=100")
    return set(re.findall(re.escape(view_url) + r'/details/\?id=([^&"]+)', html))


def bars(fig: dict) -> list[dict]:
    """The figure's bar traces (not the lines drawn over them)."""
    return [trace for trace in fig["data"] if trace["type"] == "bar"]


def ids(statement) -> set[str]:
    return set(map(str, db.session.scalars(statement)))


def test_every_enrollment_bar_lists_exactly_its_enrollments(demo_app, demo_admin, span):
    start, end = (
        datetime.combine(span[0], datetime.min.time()),
        datetime.combine(span[1] + timedelta(days=1), datetime.min.time()),
    )
    html = page(demo_admin, f"/admin/analytics/enrollments/?from={span[0]}&to={span[1]}")
    checked = 0
    with demo_app.app_context():
        for trace in bars(figure(html, "series")):
            status = EnrollmentStatus(trace["name"].upper())
            links = trace["meta"]["links"]
            assert len(links) == len(trace["x"])
            for x, count, url in zip(trace["x"], trace["y"], links, strict=True):
                month = datetime.fromisoformat(x)
                expected = ids(
                    select(Enrollment.id).where(
                        func.date_trunc("month", Enrollment.enrolled_at) == month,
                        Enrollment.enrolled_at >= start,
                        Enrollment.enrolled_at < end,
                        Enrollment.status == status,
                    )
                )
                assert len(expected) == count <= 100, (x, status)
                assert listed_ids(demo_admin, url, "/admin/enrollment") == expected, (x, status)
                checked += bool(count)
    assert checked >= 5


def test_the_tiles_list_the_enrollments_they_count(demo_app, demo_admin, span):
    start, end = (
        datetime.combine(span[0], datetime.min.time()),
        datetime.combine(span[1] + timedelta(days=1), datetime.min.time()),
    )
    html = page(demo_admin, f"/admin/analytics/enrollments/?from={span[0]}&to={span[1]}")
    in_range = (Enrollment.enrolled_at >= start, Enrollment.enrolled_at < end)
    with demo_app.app_context():
        for tile, extra in (
            ("card-enrollments", ()),
            ("card-completed", (Enrollment.status == EnrollmentStatus.COMPLETED,)),
        ):
            found = re.search(rf'id="{tile}"><a href="([^"]+)">([\d,]+)</a>', html)
            assert found, tile
            expected = ids(select(Enrollment.id).where(*in_range, *extra))
            assert int(found.group(2).replace(",", "")) == len(expected)
            if len(expected) <= 100:
                assert listed_ids(demo_admin, found.group(1), "/admin/enrollment") == expected


def test_pass_rate_bars_list_their_quiz_attempts(demo_app, demo_admin, span):
    html = page(demo_admin, f"/admin/analytics/assessments/?from={span[0]}&to={span[1]}")
    (trace,) = bars(figure(html, "pass_rates"))
    links = trace["meta"]["links"]
    assert len(links) == len(trace["y"]) and all(links)
    # The attempts tile's list has as many rows as the tile says.
    found = re.search(r'id="card-attempts"><a href="([^"]+)">([\d,]+)</a>', html)
    assert found
    listed = listed_ids(demo_admin, links[-1], "/admin/quiz_attempt")  # the top bar
    with demo_app.app_context():
        start = datetime.combine(span[0], datetime.min.time())
        (quiz,) = set(
            db.session.scalars(select(QuizAttempt.quiz_id).where(QuizAttempt.id.in_(listed)))
        )
        expected = ids(
            select(QuizAttempt.id).where(
                QuizAttempt.quiz_id == quiz, QuizAttempt.started_at >= start
            )
        )
    assert len(expected) == trace["customdata"][-1][0] <= 100
    assert listed == expected


def test_revenue_and_signup_bars_link_to_their_lists(demo_app, demo_admin, span):
    html = page(demo_admin, f"/admin/analytics/revenue/?from={span[0]}&to={span[1]}")
    gross, refunds = bars(figure(html, "revenue"))[:2]
    assert all("/admin/transaction/" in url for url in gross["meta"]["links"])
    assert all("/admin/transaction/" in url for url in refunds["meta"]["links"])
    people = bars(figure(page(demo_admin, "/admin/analytics/people/"), "signups"))
    assert all("/admin/user/" in url for url in people[0]["meta"]["links"])

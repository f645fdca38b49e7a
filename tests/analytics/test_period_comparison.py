"""Every time series also draws the previous range of equal length, bucket over bucket; its
values are checked against a count in SQL of its own over the shifted range."""

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import factories as fx
from sqlalchemy import text

from lms.analytics.filters import Filters
from lms.db import db
from lms.models import PaymentStatus, UserRole

MARCH = "from=2026-03-01&to=2026-03-10"  # ten days, per day; before it 19–28 February
WINTER = "from=2025-11-01&to=2026-03-31"  # 151 days, per month; before it 3 Jun – 31 Oct 2025


def figure(client, page: str, args: str, name: str) -> tuple[dict, str]:
    response = client.get(f"/admin/analytics/{page}/?{args}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    body = re.search(
        rf'<script type="application/json" id="figure-{name}">(.*?)</script>', html, re.DOTALL
    ).group(1)
    return json.loads(body), html


def previous_trace(fig: dict) -> dict:
    (trace,) = [t for t in fig["data"] if t["name"].startswith("Previous period")]
    return trace


def counts_by_offset(sql: str, start: datetime, days: int, bucket: str = "day") -> list[int]:
    """Per bucket of [start, start + days): the independent count, the first bucket first."""
    end = start + timedelta(days=days)
    rows = db.session.execute(
        text(
            f"SELECT date_trunc('{bucket}', at) AS b, count(*) AS n FROM ({sql}) x "
            "WHERE at >= :start AND at < :end GROUP BY 1"
        ),
        {"start": start, "end": end},
    ).all()
    found: dict = dict(rows)
    if bucket == "day":
        return [found.get(start + timedelta(days=k), 0) for k in range(days)]
    months, month = [], start.replace(day=1)
    while month < end:
        months.append(found.get(month, 0))
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def test_previous_is_the_range_of_equal_length_just_before():
    f = Filters(start=date(2026, 3, 1), end=date(2026, 3, 10), preset="7d")
    before = f.previous()
    assert (before.start, before.end) == (date(2026, 2, 19), date(2026, 2, 28))
    assert before.bucket == f.bucket and before.preset == "custom"
    winter = Filters(start=date(2025, 11, 1), end=date(2026, 3, 31), course_id="c1").previous()
    assert (winter.start, winter.end, winter.course_id) == (
        date(2025, 6, 3),
        date(2025, 10, 31),
        "c1",
    )


def test_enrollments_previous_period_counts_the_shifted_days_and_lines_up(app, admin_client):
    with app.app_context():
        course = fx.make_course()
        for day in ("2026-02-18", "2026-02-19", "2026-02-19", "2026-02-23", "2026-02-28",
                    "2026-03-01", "2026-03-04"):  # fmt: skip
            fx.make_enrollment(fx.make_user(), course, enrolled_at=datetime.fromisoformat(day))
        db.session.commit()
        fig, html = figure(admin_client, "enrollments", MARCH, "series")
        expected = counts_by_offset(
            'SELECT "enrolledAt" AS at FROM enrollments', datetime(2026, 2, 19), 10
        )
    line = previous_trace(fig)
    assert line["name"] == "Previous period (19 Feb 2026 – 28 Feb 2026)"
    assert line["y"] == expected == [2, 0, 0, 0, 1, 0, 0, 0, 0, 1]  # 18 February is outside
    bars = [t for t in fig["data"] if t["type"] == "bar"]
    assert line["x"] == bars[0]["x"] and line["x"][0].startswith("2026-03-01")
    assert line["line"]["dash"] == "dash"
    assert "previous period (19 Feb 2026 – 28 Feb 2026)" in html


def test_signups_previous_period_by_month_lines_up_month_by_month(app, admin_client):
    with app.app_context():
        for day in ("2025-06-02", "2025-06-03", "2025-08-15", "2025-10-31", "2025-11-02"):
            fx.make_user(UserRole.STUDENT, created_at=datetime.fromisoformat(day))
        db.session.commit()
        fig, _ = figure(admin_client, "people", WINTER, "signups")
        expected = counts_by_offset(
            'SELECT "createdAt" AS at FROM users', datetime(2025, 6, 3), 151, "month"
        )
    line = previous_trace(fig)
    bars = [t for t in fig["data"] if t["type"] == "bar"]
    assert line["y"] == expected and expected[:3] == [1, 0, 1]  # 2 June is outside
    assert len(expected) == 5 and line["x"] == bars[0]["x"]  # June over November, …
    assert line["customdata"] == ["June 2025", "July 2025", "August 2025", "September 2025",
                                  "October 2025"]  # fmt: skip


def test_revenue_previous_period_is_net_revenue_of_the_shifted_days(app, admin_client):
    with app.app_context():
        course = fx.make_course(price=Decimal("10.00"))
        for day, amount in (("2026-02-20", "10.00"), ("2026-02-20", "5.50"), ("2026-03-02", "7")):
            fx.make_transaction(
                course=course,
                amount=Decimal(amount),
                currency="USD",
                status=PaymentStatus.COMPLETED,
                created_at=datetime.fromisoformat(day),
                updated_at=datetime.fromisoformat(day),
            )
        db.session.commit()
        fig, _ = figure(admin_client, "revenue", MARCH, "revenue")
        sums = dict(
            db.session.execute(
                text(
                    "SELECT date_trunc('day', \"createdAt\"), sum(amount) FROM transactions "
                    "WHERE status = 'COMPLETED' AND \"createdAt\" >= '2026-02-19' "
                    "AND \"createdAt\" < '2026-03-01' GROUP BY 1"
                )
            ).all()
        )
    expected = [float(sums.get(datetime(2026, 2, 19) + timedelta(days=k), 0)) for k in range(10)]
    line = previous_trace(fig)
    assert line["y"] == expected and expected[1] == 15.5
    assert line["x"] == fig["data"][0]["x"]

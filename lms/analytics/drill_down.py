"""Where the dashboards' bars, points and tiles lead: the admin list of the rows they count.

Each function returns one URL (or None: no link rather than a wrong one) per row of a figure,
in the rows' order, or one URL for a tile. The lists filter as the SQL counts: a bucket's bar
covers [bucket start, next bucket start) clipped to the range, to the millisecond
(lms/admin/drill.py), and `list_url` gives None for a list the viewer may not open.
"""

from datetime import datetime, timedelta

from lms.admin.drill import equals, in_range, list_url
from lms.analytics.filters import Filters

SALE_STATUSES = "COMPLETED,REFUNDED"  # a sale is a payment that completed (live/revenue.py)


def span(f: Filters) -> tuple[datetime, datetime]:
    """The range as [start, end) timestamps, as the queries bind it."""
    params = f.params()
    return params["start"], params["end"]


def next_bucket(start: datetime, bucket: str) -> datetime:
    if bucket == "day":
        return start + timedelta(days=1)
    return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)


def bucket_span(f: Filters, start: datetime, bucket: str) -> tuple[datetime, datetime]:
    """The day or month starting at `start`, clipped to the range (its first and last bucket
    may be partial)."""
    first, last = span(f)
    return max(start, first), min(next_bucket(start, bucket), last)


def course(f: Filters, column: str = "course_id") -> list[tuple[str, str, str]]:
    return [equals(column, f.course_id)] if f.course_id else []


# --- enrollments ---------------------------------------------------------------------------


def enrollments(f: Filters, *conditions: tuple[str, str, str]) -> str | None:
    """Enrollments made in the range (and the chosen course), with more conditions."""
    return list_url("enrollment", in_range("enrolled_at", *span(f)), *course(f), *conditions)


def enrollment_series(f: Filters, rows: list[dict]) -> list[str | None]:
    """Per (bucket, status) row: that bucket's enrollments whose status is that now."""
    return [
        list_url(
            "enrollment",
            in_range("enrolled_at", *bucket_span(f, row["bucket"], f.bucket)),
            equals("status", row["status"]),
            *course(f),
        )
        for row in rows
    ]


def enrollments_by_course(f: Filters, rows: list[dict]) -> list[str | None]:
    return [
        list_url(
            "enrollment", in_range("enrolled_at", *span(f)), equals("course_id", r["course_id"])
        )
        for r in rows
    ]


def cohorts(f: Filters, rows: list[dict]) -> list[str | None]:
    """Per monthly cohort: the enrollments of that month (the bar's count)."""
    return [
        list_url(
            "enrollment", in_range("enrolled_at", *bucket_span(f, r["cohort"], "month")), *course(f)
        )
        for r in rows
    ]


# --- revenue -------------------------------------------------------------------------------


def sales(f: Filters, currency: str, start: datetime, end: datetime) -> str | None:
    return list_url(
        "transaction",
        in_range("created_at", start, end),
        ("status", "in list", SALE_STATUSES),
        equals("currency", currency),
        *course(f),
    )


def refunds(f: Filters, currency: str, start: datetime, end: datetime) -> str | None:
    """Refunds are dated by updatedAt (lms/analytics/live/revenue.py)."""
    return list_url(
        "transaction",
        in_range("updated_at", start, end),
        equals("status", "REFUNDED"),
        equals("currency", currency),
        *course(f),
    )


def revenue_series(f: Filters, rows: list[dict]) -> list[tuple[str | None, str | None]]:
    """Per (currency, bucket) row: (its sales, its refunds)."""
    links = []
    for row in rows:
        start, end = bucket_span(f, row["bucket"], f.bucket)
        links.append(
            (sales(f, row["currency"], start, end), refunds(f, row["currency"], start, end))
        )
    return links


def revenue_tiles(f: Filters, currencies: list[str]) -> dict[str, dict[str, str | None]]:
    """Per currency: the gross sales tile's and the refunds tile's lists."""
    return {
        c: {"gross": sales(f, c, *span(f)), "refunds": refunds(f, c, *span(f))} for c in currencies
    }


# --- people and assessments ----------------------------------------------------------------


def signup_series(f: Filters, rows: list[dict]) -> list[str | None] | None:
    """Per (bucket, role) row: the users created then with that role. None with a course or
    instructor scope, which counts people enrolled in the courses (the user list cannot)."""
    if f.course_id or f.instructor_id:
        return None
    return [
        list_url(
            "user",
            in_range("created_at", *bucket_span(f, row["bucket"], f.bucket)),
            equals("role", row["role"]),
        )
        for row in rows
    ]


def attempts(f: Filters, *conditions: tuple[str, str, str]) -> str | None:
    """Quiz attempts started in the range; None with a course chosen (the attempt list has no
    course filter), unless a condition names the quiz."""
    if f.course_id and not conditions:
        return None
    return list_url("quiz_attempt", in_range("started_at", *span(f)), *conditions)


def pass_rates(f: Filters, rows: list[dict]) -> list[str | None]:
    return [attempts(f, equals("quiz_id", r["quiz_id"])) for r in rows]

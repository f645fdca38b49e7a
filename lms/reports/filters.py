"""Who is exporting and with which filters: parsing, validation, and the course lookup."""

import re
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time

from sqlalchemy import select

from lms.models import Course, utcnow
from lms.roles import Viewer
from lms.scoping import teaches

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_SLUG_LENGTH = 200


class ReportInputError(ValueError):
    """Input a person typed that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class ReportFilters:
    course_slug: str | None = None
    date_from: date | None = None
    date_to: date | None = None  # inclusive: the whole day
    # "Now" for reports relative to it (inactive students, pending payments), fixed once.
    as_of: datetime | None = None
    course_id: str | None = None  # resolved from course_slug by resolve_course()

    @property
    def starts_at(self) -> datetime | None:
        return datetime.combine(self.date_from, time.min) if self.date_from else None

    @property
    def ends_at(self) -> datetime | None:
        return datetime.combine(self.date_to, time.max) if self.date_to else None

    def for_audit(self) -> dict:
        """The filters as the person chose them (plus as_of), without empty ones."""
        values = asdict(self)
        values.pop("course_id")
        return {key: value for key, value in values.items() if value is not None}


def parse_date(value: str | None, label: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    shown = value if len(value) <= 40 else value[:40] + "…"
    # date.fromisoformat also takes 20240131 and week dates; one spelling keeps URLs readable.
    if not ISO_DATE.fullmatch(value):
        raise ReportInputError(
            f"{label} must be a date written YYYY-MM-DD, e.g. 2024-01-31 (got {shown!r})."
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ReportInputError(f"{label} is not a day of the calendar: {shown!r}.") from None


def parse_slug(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > MAX_SLUG_LENGTH or "\x00" in value:
        raise ReportInputError("The course must be given by its slug, e.g. intro-to-python.")
    return value


def parse_filters(
    course: str | None = None, date_from: str | None = None, date_to: str | None = None
) -> ReportFilters:
    """Filters from text (query string or command line); ReportInputError when unusable."""
    filters = ReportFilters(
        course_slug=parse_slug(course),
        date_from=parse_date(date_from, "The start date ('from')"),
        date_to=parse_date(date_to, "The end date ('to')"),
        as_of=utcnow(),
    )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ReportInputError("The start date ('from') is after the end date ('to').")
    return filters


def resolve_course(session, filters: ReportFilters, viewer: Viewer) -> ReportFilters:
    """Look up the course slug among the courses the viewer may export."""
    if filters.course_slug is None:
        return filters
    query = select(Course.id).where(Course.slug == filters.course_slug)
    if viewer.instructor_id is not None:
        query = query.where(teaches(Course, viewer.instructor_id))
    course_id = session.scalar(query)
    if course_id is None:
        yours = " among the courses you teach" if viewer.instructor_id else ""
        raise ReportInputError(f"There is no course with the slug {filters.course_slug!r}{yours}.")
    return replace(filters, course_id=course_id)


def course_choices(session, viewer: Viewer, limit: int = 200) -> list[tuple[str, str]]:
    """(slug, title) suggestions for the course field: an instructor's own courses, or the
    newest ones for an admin (capped, the field takes any slug)."""
    query = select(Course.slug, Course.title).order_by(Course.created_at.desc()).limit(limit)
    if viewer.instructor_id is not None:
        query = query.where(teaches(Course, viewer.instructor_id))
    return [tuple(row) for row in session.execute(query)]

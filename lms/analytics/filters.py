"""Dashboard filters from the query string: a UTC date range, a course; bad input is a message."""

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from lms.models import utcnow

PRESETS = {
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
    "12m": "Last 12 months",
    "custom": "Custom range",
}
DEFAULT_PRESET = "12m"  # the monthly charts need months to say anything
MAX_SPAN_YEARS = 10  # keeps the zero-filled series of buckets small
EARLIEST = date(1970, 1, 1)
LATEST = date(2100, 12, 31)  # past it, date arithmetic (the day after "To") overflows
DAY_BUCKETS_UP_TO = 92  # spans up to a quarter are charted per day, longer ones per month


@dataclass(frozen=True)
class Filters:
    """What every dashboard query is limited to. Dates are whole UTC days, both inclusive."""

    start: date
    end: date
    preset: str = DEFAULT_PRESET
    course_id: str | None = None
    instructor_id: str | None = None  # set for instructors: the SQL keeps to their courses
    quiz_id: str | None = None
    # "Now" for the figures that are not about the range (at-risk, pending, this month).
    now: datetime = field(default_factory=utcnow)

    @property
    def bucket(self) -> str:
        """'day' or 'month': the PostgreSQL date_trunc field the time series use."""
        return "day" if (self.end - self.start).days + 1 <= DAY_BUCKETS_UP_TO else "month"

    @property
    def span(self) -> str:
        return f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"

    @property
    def label(self) -> str:
        return self.span if self.preset == "custom" else f"{PRESETS[self.preset]} ({self.span})"

    def previous(self) -> "Filters":
        """The range of equal length just before this one (shifted back by its length), with
        the same course, instructor and quiz; its buckets line up with this range's by offset."""
        length = self.end - self.start + timedelta(days=1)
        return replace(self, start=self.start - length, end=self.end - length, preset="custom")

    def params(self) -> dict:
        """Bound parameters shared by the queries (the range as [start, end) timestamps)."""
        return {
            "start": datetime.combine(self.start, time.min),
            "end": datetime.combine(self.end + timedelta(days=1), time.min),
            "bucket": self.bucket,
            "step": f"1 {self.bucket}",
            "course_id": self.course_id,
            "instructor_id": self.instructor_id,
            "now": self.now,
        }

    def with_course(self, course_id: str | None) -> "Filters":
        return replace(self, course_id=course_id)


def months_back(day: date, months: int) -> date:
    """The first day of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def preset_range(preset: str, today: date) -> tuple[date, date]:
    if preset == "12m":
        return months_back(today, 11), today
    days = {"7d": 7, "30d": 30, "90d": 90}[preset]
    return today - timedelta(days=days - 1), today


def parse_day(text: str | None, name: str, messages: list[str]) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip()[:10])
    except ValueError:
        messages.append(f"“{text[:40]}” is not a date (use YYYY-MM-DD); {name} was ignored.")
        return None
    if day < EARLIEST:
        messages.append(f"{name} {day} is too early; {name} was ignored.")
        return None
    if day > LATEST:
        messages.append(f"{name} {day} is too far ahead; {name} was ignored.")
        return None
    return day


def custom_range(args, today: date, messages: list[str]) -> tuple[date, date]:
    start = parse_day(args.get("from"), "From", messages)
    end = parse_day(args.get("to"), "To", messages)
    default_start, _ = preset_range(DEFAULT_PRESET, today)
    start, end = start or default_start, end or today
    if start > end:
        messages.append("From was after To; the two dates were swapped.")
        start, end = end, start
    earliest = years_before(end, MAX_SPAN_YEARS)
    if start < earliest:
        messages.append("Ranges are limited to ten years; the start was moved forward.")
        start = earliest
    return start, end


def parse_range(args, today: date) -> tuple[str, date, date, list[str]]:
    """(preset, first day, last day, messages) from ?range=7d|30d|90d|12m|custom&from=&to=."""
    messages: list[str] = []
    preset = (args.get("range") or "").strip()
    if not preset and (args.get("from") or args.get("to")):
        preset = "custom"
    if preset and preset not in PRESETS:
        default = PRESETS[DEFAULT_PRESET].lower()
        messages.append(f"Unknown range “{preset[:20]}”; showing {default}.")
        preset = ""
    preset = preset or DEFAULT_PRESET
    if preset == "custom":
        start, end = custom_range(args, today, messages)
    else:
        start, end = preset_range(preset, today)
    return preset, start, end, messages


def pick_choice(
    value: str | None, choices: Collection[str], what: str, messages: list[str]
) -> str | None:
    """value if it is one of choices (ids the user may see), else None with a message."""
    if not value:
        return None
    if value in choices:
        return value
    messages.append(
        f"There is no {what} with that id among the ones you can see; "
        f"the {what} filter was ignored."
    )
    return None

"""Links from a figure to the list rows behind it: a time-range filter and the list's URL.

A dashboard counts rows with `start <= column < end` to the millisecond; Flask-Admin's own
date filters compare whole seconds and include both ends, so a drill-down through them would
list a few rows the figure did not count. `TimeRange` filters exactly as the figures do, and
`list_url` builds a list view's URL from (column, operation, value) conditions, so that a
figure never spells Flask-Admin's positional filter arguments (`flt0_12=…`) itself.
"""

from datetime import datetime
from typing import Any

from flask import current_app, url_for
from flask_admin.contrib.sqla.filters import BaseSQLAFilter

TIME_RANGE = "in time range"
EQUALS = "equals"
STAMP = "%Y-%m-%dT%H:%M:%S.%f"


def stamp(moment: datetime) -> str:
    return moment.strftime(STAMP)[:-3]  # milliseconds, as TIMESTAMP(3) keeps them


def parse_range(value: str) -> tuple[datetime, datetime] | None:
    """'2026-01-01T00:00:00.000/2026-02-01T00:00:00.000' -> (start, end); None if not that."""
    parts = str(value).split("/")
    if len(parts) != 2:
        return None
    try:
        start, end = (datetime.strptime(part.strip()[:30], STAMP) for part in parts)
    except ValueError:
        return None
    return (start, end) if start <= end else None


class TimeRange(BaseSQLAFilter):
    """`start <= column < end`, to the millisecond (the dashboards' ranges)."""

    def validate(self, value) -> bool:
        return parse_range(value) is not None

    def clean(self, value):
        return parse_range(value)

    def apply(self, query, value, alias=None):
        start, end = value
        column = self.get_column(alias)
        return query.filter(column >= start, column < end)

    def operation(self) -> str:
        return TIME_RANGE


def time_ranges(*columns) -> list[TimeRange]:
    """TimeRange filters for a view's `column_filters`, named like the columns' own."""
    return [TimeRange(column, column.key.replace("_", " ").capitalize()) for column in columns]


def in_range(column: str, start: datetime, end: datetime) -> tuple[str, str, str]:
    return (column, TIME_RANGE, f"{stamp(start)}/{stamp(end)}")


def equals(column: str, value) -> tuple[str, str, str]:
    return (column, EQUALS, str(value.value if hasattr(value, "value") else value))


def attribute_name(view, column) -> str | None:
    """The model attribute a filter works on (Flask-Admin gives table columns, named as in
    the database, for filters declared by name; ours give the attribute)."""
    if hasattr(column, "property"):
        return column.key
    try:
        return view.model.__mapper__.get_property_by_column(column).key
    except Exception:  # a column of a joined table: not one a figure links by
        return None


def list_url(endpoint: str, *conditions: tuple[str, str, str]) -> str | None:
    """The list of `endpoint` filtered by `conditions`; None when the view or a filter is
    missing (a figure then shows no link rather than a wrong one)."""
    view = next(
        (
            view
            for admin in current_app.extensions.get("admin", [])
            for view in admin._views
            if view.endpoint == endpoint
        ),
        None,
    )
    if view is None or not view.is_accessible():
        return None
    args: dict[str, Any] = {}  # url_for takes them as query arguments
    for position, (column, operation, value) in enumerate(conditions):
        index = next(
            (
                index
                for index, flt in enumerate(view._filters or ())
                if attribute_name(view, flt.column) == column and str(flt.operation()) == operation
            ),
            None,
        )
        if index is None:
            return None
        args[f"flt{position}_{view.get_filter_arg(index, view._filters[index])}"] = value
    return url_for(f"{endpoint}.index_view", **args)

"""The two shapes of report: rows of one table (also exported from its list view), summaries."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import FunctionType
from typing import TypeVar, cast

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, select
from sqlalchemy.orm import Query

from lms.reports.filters import ReportFilters
from lms.roles import STAFF, Viewer

T = TypeVar("T")


def declared(value: T | None, report: str, what: str) -> T:
    """The report's `what`, which this use of it needs; TypeError (as using None) if missing."""
    if value is None:
        raise TypeError(f"report {report} declares no {what}")
    return value


@dataclass(frozen=True)
class Report:
    """What every report declares; `build` returns the SELECT of its columns, one row per line.

    The columns are plain SQL values (numbers, timestamps, text); lms.reports.cells decides
    how each is written in the file.
    """

    name: str  # in the URL, the command line and the file name
    title: str
    description: str
    date_label: str  # which date the from/to filter applies to
    roles: frozenset = STAFF
    course_required: bool = False

    @property
    def headers(self) -> list[str]:
        raise NotImplementedError

    def allows(self, viewer: Viewer) -> bool:
        return viewer.role in self.roles

    def build(self, filters: ReportFilters, viewer: Viewer) -> Select:
        raise NotImplementedError


@dataclass(frozen=True)
class RowReport(Report):
    """One CSV line per row of `model`, with names looked up through outer joins.

    `columns` are (header, expression) pairs; each expression is formatted by its SQL type.
    An expression may be a function of the filters (e.g. a duration up to `as_of`).
    Joined tables are aliases private to reports, so they never clash with the joins a list
    view adds for its own filters and sorting.
    """

    model: type | None = None
    columns: tuple = ()
    joins: tuple = ()  # (target, on clause), outer joins in order
    date_column: SQLColumnExpression[datetime | None] | None = None
    order_by: tuple = ()
    # f(instructor_id) -> clause limiting rows to that instructor's courses; None: admins only.
    instructor_scope: Callable[[str], ColumnElement[bool]] | None = None
    course_filter: Callable[[str], ColumnElement[bool]] | None = None  # f(course_id) -> clause
    conditions: Callable = field(default=lambda filters: ())  # f(filters) -> clauses

    @property
    def headers(self) -> list[str]:
        return [header for header, _expr in self.columns]

    def selected(self, filters: ReportFilters) -> list:
        """The report's columns, unformatted (lms.reports.cells writes them)."""
        exprs = [
            expr(filters) if isinstance(expr, FunctionType) else expr
            for _header, expr in self.columns
        ]
        return [expr.label(f"c{i}") for i, expr in enumerate(exprs)]

    def with_joins(self, stmt: Select) -> Select:
        for target, on_clause in self.joins:
            stmt = stmt.outerjoin(target, on_clause)
        return stmt

    def scope(self, stmt: Select, viewer: Viewer) -> Select:
        """Instructors get the rows of their own courses only (lms.reports.export checked
        the role)."""
        if viewer.instructor_id is None:
            return stmt
        instructor_scope = declared(self.instructor_scope, self.name, "instructor_scope")
        return stmt.where(instructor_scope(viewer.instructor_id))

    def build(self, filters: ReportFilters, viewer: Viewer) -> Select:
        model = declared(self.model, self.name, "model")
        stmt = self.with_joins(select(*self.selected(filters)).select_from(model))
        clauses = list(self.conditions(filters))
        if filters.course_id is not None:
            course_filter = declared(self.course_filter, self.name, "course_filter")
            clauses.append(course_filter(filters.course_id))
        if filters.starts_at is not None or filters.ends_at is not None:
            date_column = declared(self.date_column, self.name, "date_column")
            if filters.starts_at is not None:
                clauses.append(date_column >= filters.starts_at)
            if filters.ends_at is not None:
                clauses.append(date_column <= filters.ends_at)
        if clauses:
            stmt = stmt.where(and_(*clauses))
        return self.scope(stmt, viewer).order_by(*self.order_by)

    def from_list(
        self, list_query: Query | Select, viewer: Viewer, filters: ReportFilters
    ) -> Select:
        """The report's columns over a list view's query: its filters, search and sort kept.

        The list's own scoping stays, and the report's is applied again: an export never
        depends on a view having remembered it.
        """
        if isinstance(list_query, Query):
            # Eager loads would join tables for ORM objects the export never builds. The cast:
            # `statement` is typed for any Query, and a list view's is a plain SELECT.
            list_query = cast(Select, list_query.enable_eagerloads(False).statement)
        stmt = (
            list_query.limit(None)
            .offset(None)
            .with_only_columns(*self.selected(filters), maintain_column_froms=True)
        )
        return self.scope(self.with_joins(stmt), viewer)


@dataclass(frozen=True)
class SummaryReport(Report):
    """Aggregates: `query(filters, viewer)` returns the whole SELECT."""

    column_headers: tuple = ()
    query: Callable[[ReportFilters, Viewer], Select] | None = None

    @property
    def headers(self) -> list[str]:
        return list(self.column_headers)

    def build(self, filters: ReportFilters, viewer: Viewer) -> Select:
        return declared(self.query, self.name, "query")(filters, viewer)

"""The two shapes of report: rows of one table (also exported from its list view), summaries."""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import FunctionType

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Query

from lms.models import UserRole
from lms.reports.filters import ReportFilters, Viewer

STAFF = frozenset({UserRole.ADMIN, UserRole.INSTRUCTOR})
ADMIN_ONLY = frozenset({UserRole.ADMIN})


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

    model: type = None
    columns: tuple = ()
    joins: tuple = ()  # (target, on clause), outer joins in order
    date_column: object = None
    order_by: tuple = ()
    # f(instructor_id) -> clause limiting rows to that instructor's courses; None: admins only.
    instructor_scope: Callable | None = None
    course_filter: Callable | None = None  # f(course_id) -> clause
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
        """The role rule, in SQL: instructors get the rows of their own courses only."""
        if viewer.role not in self.roles:
            raise PermissionError(f"{viewer.role.name} may not export {self.name}")
        if viewer.instructor_id is None:
            return stmt
        return stmt.where(self.instructor_scope(viewer.instructor_id))

    def build(self, filters: ReportFilters, viewer: Viewer) -> Select:
        stmt = self.with_joins(select(*self.selected(filters)).select_from(self.model))
        clauses = list(self.conditions(filters))
        if filters.course_id is not None:
            clauses.append(self.course_filter(filters.course_id))
        if filters.starts_at is not None:
            clauses.append(self.date_column >= filters.starts_at)
        if filters.ends_at is not None:
            clauses.append(self.date_column <= filters.ends_at)
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
            # Eager loads would join tables for ORM objects the export never builds.
            list_query = list_query.enable_eagerloads(False).statement
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
    query: Callable = None

    @property
    def headers(self) -> list[str]:
        return list(self.column_headers)

    def build(self, filters: ReportFilters, viewer: Viewer) -> Select:
        if viewer.role not in self.roles:
            raise PermissionError(f"{viewer.role.name} may not export {self.name}")
        return self.query(filters, viewer)

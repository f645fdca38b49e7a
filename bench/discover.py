"""What to measure, found in the app itself: list pages, one edit form per view, pages, reports.

Nothing is named here: a view added to the admin is measured on the next run. Rows, filter
values and search terms come from the database, scoped like the role would see them.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from flask import Flask, url_for
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_admin.model import BaseModelView

from lms.db import db
from lms.models import UserRole, utcnow
from lms.roles import AccessRules, admin_view_for, declared_access

# p95 budgets in ms (DESIGN.md section 4). Details pages are held to the edit form's budget.
BUDGETS = {
    "list": 150,
    "list+filter": 250,
    "list+search": 250,
    "edit": 100,
    "details": 100,
    ("page", UserRole.ADMIN): 300,
    ("page", UserRole.INSTRUCTOR): 150,
}
REPORT_ARGUMENT = "report_name"
RECENT = timedelta(days=30)


@dataclass(frozen=True)
class Target:
    kind: str  # list, list+filter, list+search, edit, details, page, report
    role: UserRole
    endpoint: str
    url: str
    budget_ms: float | None  # p95 budget; None: measured, held to none


@dataclass
class Discovery:
    targets: list[Target] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # endpoint, role, why


def budget(kind: str, role: UserRole) -> float | None:
    return BUDGETS.get(kind, BUDGETS.get((kind, role)))


def may_use(app: Flask, endpoint: str, role: UserRole) -> bool:
    access = declared_access(app, endpoint)
    return isinstance(access, frozenset) and role in access


def sample_row(view: BaseModelView, role: UserRole, user_id: str):
    """One row of the view's table that `role` may see (an instructor: one of their courses)."""
    query = db.session.query(view.model)
    if role is UserRole.INSTRUCTOR:
        query = type(view).instructor_scope(query, user_id)
    return query.limit(1).first()


def filter_choice(view: BaseModelView, row) -> tuple[str, str] | None:
    """(query argument, value) of the most common kind of filter the view offers, or None.

    Preference: a choice (enum) equal to the sample row's, a yes/no, "in the last 30 days",
    a number above zero, then any column equal to the sample row's value.
    """
    ranked = []
    for index, flt in enumerate(view._filters or ()):
        column = getattr(flt, "column", None)
        key = getattr(column, "key", None)
        value = getattr(row, key, None) if row is not None and key else None
        if isinstance(flt, sqla_filters.EnumEqualFilter) and value is not None:
            ranked.append((0, index, value.name))
        elif isinstance(flt, sqla_filters.BooleanEqualFilter):
            ranked.append((1, index, "1"))
        elif isinstance(flt, (sqla_filters.DateTimeGreaterFilter, sqla_filters.DateGreaterFilter)):
            ranked.append((2, index, (utcnow() - RECENT).strftime("%Y-%m-%d %H:%M:%S")))
        elif isinstance(flt, (sqla_filters.IntGreaterFilter, sqla_filters.FloatGreaterFilter)):
            ranked.append((3, index, "0"))
        elif type(flt) is sqla_filters.FilterEqual and isinstance(value, str) and value:
            ranked.append((4, index, value))
    if not ranked:
        return None
    _rank, index, value = min(ranked)
    return f"flt0_{view.get_filter_arg(index, view._filters[index])}", value


def search_term(view: BaseModelView, row) -> str | None:
    """A word of the sample row's first searchable column, as a person looking it up types it:
    the longest one with a digit (an id, a number), else the first one."""
    if not view._search_supported or row is None:
        return None
    for column in view.column_searchable_list or ():
        name = column if isinstance(column, str) else column.key
        value = str(getattr(row, name, "") or "").strip()
        words = re.findall(r"[A-Za-z0-9]{3,}", value)
        numbered = [word for word in words if any(c.isdigit() for c in word)]
        if words:
            return (max(numbered, key=len) if numbered else words[0])[:24]
        if value:
            return value[:24]
    return None


def list_targets(view: BaseModelView, endpoint: str, role: UserRole, row) -> list[Target]:
    targets = [Target("list", role, endpoint, url_for(endpoint), budget("list", role))]
    chosen = filter_choice(view, row)
    if chosen:
        targets.append(
            Target(
                "list+filter",
                role,
                endpoint,
                url_for(endpoint, **{chosen[0]: chosen[1]}),
                budget("list+filter", role),
            )
        )
    term = search_term(view, row)
    if term:
        targets.append(
            Target(
                "list+search",
                role,
                endpoint,
                url_for(endpoint, search=term),
                budget("list+search", role),
            )
        )
    return targets


def record_target(app: Flask, view: BaseModelView, role: UserRole, row) -> Target | str:
    """The edit form of the row, or its details page when the role may not edit; else why not."""
    if row is None:
        return "no row this role may see"
    for kind in ("edit", "details"):
        endpoint = f"{view.endpoint}.{kind}_view"
        if kind == "details" and not view.can_view_details:
            continue
        if may_use(app, endpoint, role):
            url = url_for(endpoint, id=view.get_pk_value(row))
            return Target(kind, role, endpoint, url, budget(kind, role))
    return "neither an edit form nor a details page for this role"


def report_targets(endpoint: str, role: UserRole, course_slug: str | None) -> list[Target]:
    from lms.reports.registry import reports_for
    from lms.roles import Viewer

    args = {"course": course_slug} if course_slug else {}
    return [
        Target(
            "report",
            role,
            endpoint,
            url_for(endpoint, **{REPORT_ARGUMENT: report.name}, **args),
            None,
        )
        for report in reports_for(Viewer(role))
    ]


def discover(app: Flask, users: dict[UserRole, str], course_slug: str | None = None) -> Discovery:
    """Every target for each role in `users` (role -> that user's id); call in an app context.

    Reports are requested for `course_slug` (a course every role may see) when given.
    """
    found = Discovery()
    with app.test_request_context():
        for role, user_id in users.items():
            for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
                endpoint, view = rule.endpoint, admin_view_for(app, rule.endpoint)
                if view is None or "GET" not in rule.methods or not may_use(app, endpoint, role):
                    continue
                if isinstance(view, BaseModelView) and endpoint.endswith(".index_view"):
                    row = sample_row(view, role, user_id)
                    found.targets += list_targets(view, endpoint, role, row)
                    record = record_target(app, view, role, row)
                    if isinstance(record, Target):
                        found.targets.append(record)
                    else:
                        found.skipped.append((view.endpoint, role.name, record))
                elif REPORT_ARGUMENT in rule.arguments:
                    found.targets += report_targets(endpoint, role, course_slug)
                elif (
                    isinstance(view, AccessRules)
                    and not isinstance(view, BaseModelView)
                    and not rule.arguments
                    and endpoint.endswith(".index")
                    and view.is_visible()
                ):
                    found.targets.append(
                        Target("page", role, endpoint, url_for(endpoint), budget("page", role))
                    )
    return found

"""A test robot that fills admin forms as a person would, from what the page shows.

It reads a form's controls from the HTML (tests/html_forms.py), knows each field's kind from
the view's form class, proposes values a person could type for that kind, and posts them with
the page's own CSRF token. Nothing here names a view: views are discovered from the app.
"""

import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import unquote

from flask_admin.contrib.sqla.fields import InlineModelFormList
from html_forms import form_controls, submission
from sqlalchemy import func, inspect, select
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DecimalField, FloatField, HiddenField, IntegerField, SelectField

from lms.admin.base import StaffModelView
from lms.admin.concurrency import inline_relations
from lms.admin.fields import (
    JsonField,
    MoneyField,
    ProseField,
    TextListField,
    TimestampField,
)
from lms.db import db
from lms.models import AuditEntry

SAVED = "Record was successfully saved."
CREATED = "Record was successfully created."
SKIPPED_COLUMNS = {"updatedAt", "search_vector"}
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def model_views(app, endpoint_name: str) -> list[StaffModelView]:
    """Every model view that registers `endpoint_name` (e.g. edit_view), from the URL map."""
    blueprints = {
        rule.endpoint.split(".")[0]
        for rule in app.url_map.iter_rules()
        if rule.endpoint.endswith("." + endpoint_name)
    }
    return [
        view
        for view in app.extensions["admin"][0]._views
        if isinstance(view, StaffModelView) and view.endpoint in blueprints
    ]


def field_kinds(app, view) -> dict[str, type]:
    """Top-level form field name -> field class, from the view's form class."""
    with app.test_request_context():
        form = view.get_form()()
        return {
            field.name: type(field)
            for field in form
            if not isinstance(field, (HiddenField, InlineModelFormList))
        }


# --- reading pages ----------------------------------------------------------------------------


def page_text(response) -> str:
    return response.get_data(as_text=True)


def alerts(html: str) -> str:
    """The text of the page's messages and form errors, for failure messages."""
    found = re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', html, re.S)
    found += re.findall(r'class="invalid-feedback"[^>]*>(.*?)</div>', html, re.S)
    return " | ".join(" ".join(re.sub(r"<[^>]+>", " ", f).split()) for f in found)


def assert_readable(html: str) -> None:
    """A refusal says why in words: never an empty 'Failed to save', never raw SQL."""
    said = alerts(html)
    assert said, "refused without a message"
    for leak in ("[SQL:", "psycopg", "INSERT INTO", "UPDATE ", "Traceback"):
        assert leak not in said, f"raw database error on the page: {said[:300]}"


def unique_column(model, attribute: str) -> bool:
    """Whether the attribute's column is unique on its own (a unique index or constraint)."""
    column = model.__mapper__.attrs[attribute].columns[0]
    table = model.__table__
    singles = [list(i.columns) for i in table.indexes if i.unique]
    singles += [
        list(c.columns) for c in table.constraints if c.__class__.__name__ == "UniqueConstraint"
    ]
    return column.unique or any(cols == [column] for cols in singles)


def fields_in_error(html: str) -> set[str]:
    """Ids of the fields the error summary links to."""
    summary = re.search(r'id="form-errors".*?</div>', html, re.S)
    return set(re.findall(r'href="#([^"]+)"', summary.group(0))) if summary else set()


def edit_ids_on_list(client, view, limit: int) -> list[str]:
    html = page_text(client.get(f"{view.url}/"))
    ids = re.findall(r'href="[^"]*/edit/\?id=([^&"]+)', html)
    return list(dict.fromkeys(unquote(i) for i in ids))[:limit]


# --- the database side ------------------------------------------------------------------------


def row_state(app, view, row_id: str) -> dict:
    """Every column of the row and of its inline child rows (what a save could change)."""
    model = view.model
    table = model.__table__
    pk = model.__mapper__.primary_key[0]
    with app.app_context():
        row = db.session.execute(select(table).where(pk == row_id)).mappings().first()
        state = {"row": {k: v for k, v in (row or {}).items() if k not in SKIPPED_COLUMNS}}
        for name in inline_relations(view):
            relation = inspect(model).relationships[name]
            child = relation.mapper.class_.__table__
            (parent_key,) = relation.remote_side
            rows = (
                db.session.execute(select(child).where(parent_key == row_id).order_by(child.c.id))
                .mappings()
                .all()
            )
            state[name] = [{k: v for k, v in r.items() if k not in SKIPPED_COLUMNS} for r in rows]
        db.session.remove()
    return state


def audit_count(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(AuditEntry))
        db.session.remove()
    return count


def audit_entries_since(app, count: int) -> list[AuditEntry]:
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id).offset(count)).all()
        db.session.expunge_all()
        db.session.remove()
    return entries


def biggest_rows(app, view, limit: int = 20) -> list[str]:
    """Parent ids with the most inline child rows first (the course with the most modules)."""
    relations = inline_relations(view)
    if not relations:
        return []
    relation = inspect(view.model).relationships[relations[0]]
    (parent_key,) = relation.remote_side
    with app.app_context():
        ids = db.session.scalars(
            select(parent_key)
            .group_by(parent_key)
            .order_by(func.count().desc(), parent_key)
            .limit(limit)
        ).all()
        db.session.remove()
    return list(ids)


# --- what a person would type -----------------------------------------------------------------


@dataclass
class Edit:
    name: str
    kind: type
    value: str


def new_token() -> str:
    return uuid.uuid4().hex[:8]


def proposals(kind: type, old: str, token: str, options=()) -> list[str]:
    """Values a person might type into a field of this kind, different from `old`."""
    if issubclass(kind, BooleanField):
        return []  # toggled by the caller
    if issubclass(kind, (MoneyField, DecimalField)):
        base = Decimal(old) if old.strip() else Decimal("10.00")
        return [f"{base + Decimal('1.25'):.2f}", "1.25"]
    if issubclass(kind, IntegerField):
        base = int(old) if old.strip() else 1
        return [str(base + 1), str(max(base - 1, 0)), "1", "2"]
    if issubclass(kind, FloatField):
        base = float(old) if old.strip() else 1.0
        return [str(base + 0.5), str(max(base - 0.5, 0.0)), "1.5"]
    if issubclass(kind, TimestampField):
        if old.strip():
            moved = datetime.strptime(old.strip(), TIME_FORMAT) - timedelta(days=1)
            return [moved.strftime(TIME_FORMAT)]
        return ["2026-01-02 03:04:05"]
    if issubclass(kind, JsonField):
        return ['["Option A", "Option B", "Option C"]', f'{{"edited": "{token}"}}']
    if issubclass(kind, TextListField):
        return [(old.strip() + f"\nEdited item {token}").strip()]
    if issubclass(kind, ProseField):
        return [(old.rstrip() + f"\nEdited text {token}.").strip()]
    if issubclass(kind, SelectField):
        return [option for option in options if option != old and option not in ("", "__None")]
    # Single-line text: the first the field's rules accept wins (slug, currency, email, URL).
    prefix = old.strip() or "New"
    return [
        f"{prefix} {token}",
        f"edited-{token}",
        "EUR" if old != "EUR" else "GBP",
        f"edited.{token}@example.com",
        f"https://media.example.com/{token}.png",
    ]


def lookup_choices(client, view, name: str, terms) -> list[str]:
    """Ids the field's lookup offers for a few typed words."""
    found = []
    for term in terms:
        response = client.get(
            f"{view.url}/ajax/lookup/", query_string={"name": name, "query": term}
        )
        assert response.status_code == 200, (view.endpoint, name, term, response.status_code)
        found += [row_id for row_id, _label in response.get_json()]
    return list(dict.fromkeys(found))


class FormPage:
    """One form as the browser has it: its controls, changeable by name, then submitted."""

    def __init__(self, client, url: str):
        self.client, self.url = client, url
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        self.controls = form_controls(page_text(response))
        assert self.controls, f"no form on {url}"

    def control(self, name):
        return next((c for c in self.controls if c.name == name), None)

    def set(self, name: str, value: str):
        control = self.control(name)
        if control.type == "checkbox":
            control.checked = value == "y"
        else:
            control.value = value

    def submit(self):
        return self.client.post(self.url, data=MultiDict(submission(self.controls)))


def shown_value(control) -> str:
    """A control's value as a person reads it (JSON compared by meaning, lines by content)."""
    if control.type == "checkbox":
        return "y" if control.checked else ""
    text = control.value.replace("\r\n", "\n").strip()
    try:
        return json.dumps(json.loads(text), sort_keys=True)
    except ValueError:
        return text

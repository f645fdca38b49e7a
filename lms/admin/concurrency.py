"""Conflict detection for edit forms: a save is refused if the row changed since the form opened.

The form carries a version: a short hash per column (and per column of its inline child rows).
On save, the row is re-read under a row lock and hashed again; any difference means someone
else saved in between, and nothing is written.
"""

import hashlib
import json

from flask import flash
from sqlalchemy import inspect, select
from wtforms import HiddenField

from lms.admin.mixin_base import ModelViewMixin
from lms.audit import jsonable
from lms.db import db
from lms.models import AuditEntry

SKIPPED = {"search_vector", "updatedAt"}  # derived, or stamped on every save


def digest(value) -> str:
    text = json.dumps(jsonable(value), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def row_digests(model, prefix: str = "") -> dict[str, str]:
    mapper = inspect(model).mapper
    return {
        prefix + attr.columns[0].name: digest(getattr(model, attr.key))
        for attr in mapper.column_attrs
        if attr.columns[0].name not in SKIPPED
    }


def inline_relations(view) -> list[str]:
    """Names of the parent's relationships edited inline in the form."""
    models = {entry[0] if isinstance(entry, tuple) else entry for entry in view.inline_models or ()}
    return [rel.key for rel in inspect(view.model).relationships if rel.mapper.class_ in models]


def version_of(view, model) -> dict[str, str]:
    digests = row_digests(model)
    for relation in inline_relations(view):
        for child in getattr(model, relation):
            digests |= row_digests(child, f"{relation}[{child.id}].")
    return digests


def describe_changes(model, opened: dict, current: dict) -> str:
    changed = sorted(
        key for key in opened.keys() | current.keys() if opened.get(key) != current.get(key)
    )
    parts = []
    for key in changed[:6]:
        if "[" in key:
            parts.append(f"{key.split('[')[0]} rows were added, removed or edited")
            continue
        attr = (
            inspect(model).mapper.columns[key].key if key in inspect(model).mapper.columns else None
        )
        value = getattr(model, attr) if attr else None
        shown = "" if value is None else str(jsonable(value))
        parts.append(f"{key} is now “{shown[:80]}”")
    more = f" and {len(changed) - 6} more" if len(changed) > 6 else ""
    return "; ".join(dict.fromkeys(parts)) + more


def last_writer(table: str, row_id: str) -> str:
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.table_name == table, AuditEntry.row_id == row_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if entry is None:
        return "Someone else"
    return f"{entry.user_email or 'The platform'} (at {entry.at:%Y-%m-%d %H:%M} UTC)"


class ConflictDetection(ModelViewMixin):
    """Mixin for ModelView: adds the version field and checks it on every save."""

    def scaffold_form(self):
        form_class = super().scaffold_form()
        form_class.row_version = HiddenField("Version of the row (for conflict detection)")
        return form_class

    def on_form_prefill(self, form, id):
        super().on_form_prefill(form, id)
        if not form.row_version.data:  # keep the version the form was first opened with
            form.row_version.data = json.dumps(version_of(self, self.get_one(id)))

    def update_model(self, form, model):
        db.session.refresh(model, with_for_update=True)  # current row, locked until commit
        try:
            opened = json.loads(form.row_version.data or "{}")
        except (ValueError, RecursionError):
            opened = None
        if not isinstance(opened, dict):  # not the version this form was given
            flash(
                "Not saved: this form's version is unreadable, so changes made by others "
                "could not be checked. Reload the page and make your change again.",
                "error",
            )
            db.session.rollback()
            return False
        current = version_of(self, model)
        if opened and opened != current:
            who = last_writer(model.__tablename__, str(getattr(model, "id", "")))
            flash(
                f"Not saved: {who} changed this row after you opened it — "
                f"{describe_changes(model, opened, current)}. Reload the page to see the "
                "current values, then make your change again.",
                "error",
            )
            db.session.rollback()
            return False
        return super().update_model(form, model)

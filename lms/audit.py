"""Writing to the audit log: one call per write, export or action done through the app."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask_login import current_user
from sqlalchemy import event, inspect

from lms.db import db
from lms.models import AuditEntry

# Values never written to the log, whatever table they come from.
SECRET_FIELDS = {
    "refresh_token",
    "access_token",
    "id_token",
    "session_state",
    "sessionToken",
    "session_token",
    "token",
    "passwordHash",
    "password_hash",
    "correctAnswer",
    "correct_answer",
}
MASK = "••••"


def jsonable(value):
    """JSON-safe form of a column value: money stays exact as a string, times in ISO 8601."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    return value


def mask_secrets(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {
        key: (MASK if key in SECRET_FIELDS and value is not None else jsonable(value))
        for key, value in values.items()
    }


def record(
    action: str,
    table: str,
    row_id: str | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    details: dict | None = None,
) -> AuditEntry:
    """Add an entry to the current transaction (the caller's commit makes it durable)."""
    signed_in = getattr(current_user, "is_authenticated", False)
    entry = AuditEntry(
        user_id=current_user.user_id if signed_in else None,
        user_email=current_user.email if signed_in else None,
        action=action,
        table_name=table,
        row_id=row_id,
        before=mask_secrets(before),
        after=mask_secrets(after),
        details=jsonable(details),
    )
    db.session.add(entry)
    return entry


def primary_key(model) -> str | None:
    # verification_tokens has no id and its key is a secret: name the row by its identifier.
    return getattr(model, "id", None) or getattr(model, "identifier", None)


def column_values(model) -> dict:
    """Every column of the row, by database column name."""
    mapper = inspect(model).mapper
    return {
        attr.columns[0].name: getattr(model, attr.key)
        for attr in mapper.column_attrs
        if attr.key != "search_vector"
    }


def column_changes(model) -> tuple[dict, dict]:
    """(before, after) of the columns changed in this unit of work."""
    state = inspect(model)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes() and history.deleted:
            name = attr.columns[0].name
            old, new = history.deleted[0], getattr(model, attr.key)
            if old != new:
                before[name], after[name] = old, new
    return before, after


def previous_value(model, attribute):
    """The value before this edit (None for a new row)."""
    state = inspect(model)
    if state.pending or state.transient:
        return None
    history = state.attrs[attribute].history
    return history.deleted[0] if history.deleted else getattr(model, attribute)


def record_create(model, **details) -> AuditEntry:
    return record(
        "create",
        model.__tablename__,
        primary_key(model),
        after=column_values(model),
        details=details or None,
    )


def record_update(model, **details) -> AuditEntry | None:
    """Only the changed columns, before and after; nothing when nothing changed."""
    before, after = column_changes(model)
    if not after:
        return None
    return record(
        "update",
        model.__tablename__,
        primary_key(model),
        before=before,
        after=after,
        details=details or None,
    )


def record_delete(model, **details) -> AuditEntry:
    return record(
        "delete",
        model.__tablename__,
        primary_key(model),
        before=column_values(model),
        details=details or None,
    )


class FormSave:
    """Audits every row one form save writes: its row and the inline child rows it brought.

    Listens to each flush of the save (a hook's query may flush early) and reads the changes
    there, before the flush clears their history; `finish()` flushes the rest and records
    them, created rows with their ids. Used as a context manager around the save.
    """

    def __init__(self):
        self.session = db.session()
        self.created, self.changed, self.deleted = {}, {}, {}

    def __enter__(self):
        event.listen(self.session, "before_flush", self.before_flush)
        return self

    def __exit__(self, *exc):
        event.remove(self.session, "before_flush", self.before_flush)

    def before_flush(self, session, _context, _instances):
        for row in session.new:
            if not isinstance(row, AuditEntry):
                self.created[id(row)] = row
        for row in session.dirty:
            before, after = column_changes(row)
            if after and id(row) not in self.created:
                earlier_before, earlier_after = self.changed.get(id(row), (row, ({}, {})))[1]
                self.changed[id(row)] = (
                    row,
                    ({**before, **earlier_before}, {**earlier_after, **after}),
                )
        for row in session.deleted:
            self.deleted[id(row)] = (row, column_values(row))

    def finish(self, first) -> None:
        """Flush, then add the audit entries (`first`, the form's own row, leads)."""
        self.session.flush()
        order = lambda row: (row is not first, row.__tablename__)  # noqa: E731
        for row in sorted(self.created.values(), key=order):
            if id(row) not in self.deleted:
                record_create(row)
        for row, (before, after) in sorted(self.changed.values(), key=lambda c: order(c[0])):
            if id(row) not in self.deleted:
                record("update", row.__tablename__, primary_key(row), before=before, after=after)
        for row, before in self.deleted.values():
            record("delete", row.__tablename__, primary_key(row), before=before)
        self.created, self.changed, self.deleted = {}, {}, {}

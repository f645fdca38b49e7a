"""Form fields for the schema's column types: money, JSON, text lists, and id lookups."""

import json
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import BaseForm, DateTimeField
from flask_admin.model.fields import AjaxSelectField
from flask_admin.model.form import converts
from flask_admin.model.widgets import AjaxSelect2Widget
from markupsafe import Markup
from wtforms import (
    DecimalField,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Regexp, ValidationError

MONEY_PATTERN = re.compile(r"^\d{1,8}(\.\d{1,2})?$")
MAX_LINE_LENGTH = 2_000  # single-line inputs: titles, names, emails, URLs, slugs
MAX_TEXT_LENGTH = 500_000  # long text: lesson content, descriptions
LONG_TEXT_COLUMNS = {"description", "content", "question", "correctAnswer"}


class LmsForm(BaseForm):
    """Every admin form: no NUL bytes, no absurdly long values, whatever the field.

    The rules reach into inline child rows (a course's modules) too. Hidden fields are written
    by the app, not typed (the conflict-detection version grows with the children), so the
    length meant for what people type does not apply to them; the long-text bound does.
    """

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for _where, field in leaf_fields(self):
            problem = text_problem(field)
            if problem and problem not in field.errors:  # an inline row checked itself already
                field.errors = [*field.errors, problem]
                valid = False
        return valid


def leaf_fields(form, prefix: str = ""):
    """(where, field) for every field of the form, inline child rows' fields included, each
    named as a person finds it ("Module #2 › Title")."""
    for field in form:
        where = f"{prefix}{field.label.text}"
        if isinstance(field, FieldList):
            for number, entry in enumerate(field.entries, 1):
                if isinstance(entry, FormField):
                    yield from leaf_fields(entry.form, f"{where} #{number} › ")
                else:
                    yield f"{where} #{number}", entry
        elif isinstance(field, FormField):
            yield from leaf_fields(field.form, f"{where} › ")
        else:
            yield where, field


def error_summary(form) -> list[tuple[str, str, str]]:
    """(where, field id, message) for every error of the form, inline rows and hidden fields
    included, so a refused save always says why (Flask-Admin shows only visible fields')."""
    found = [("Form", "", str(message)) for message in getattr(form, "form_errors", ())]
    return found + [
        (where, field.id, str(message))
        for where, field in leaf_fields(form)
        for message in field.errors
        if isinstance(message, str)
    ]


def text_problem(field) -> str | None:
    """Why the field's text cannot be stored, or None."""
    value = field.data
    limit = MAX_LINE_LENGTH
    if isinstance(field, (TextAreaField, HiddenField)):
        limit = MAX_TEXT_LENGTH
    for text in value if isinstance(value, list) else [value]:
        if not isinstance(text, str):
            continue
        if "\x00" in text:
            return "Contains a NUL character, which cannot be stored."
        if len(text) > limit:
            return f"Too long: at most {limit:,} characters."
    return None


# The form_args of every ISO 4217 currency column (courses, enrollments, transactions).
CURRENCY_CODE = {"validators": [Regexp(r"^[A-Z]{3}$", message="A 3-letter code, e.g. USD.")]}


class MoneyField(DecimalField):
    """An amount of money: exactly what was typed, at most two decimals, never negative."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "placeholder": "0.00"})
        super().__init__(label, validators, places=2, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        raw = valuelist[0].strip()
        if raw.startswith("-"):
            self.data = None
            raise ValueError("Must not be negative.")
        if not MONEY_PATTERN.match(raw):
            self.data = None
            raise ValueError(
                "Use a plain amount with at most two decimals, e.g. 49.99 (up to 99,999,999.99)."
            )
        try:
            self.data = Decimal(raw)
        except InvalidOperation as error:
            raise ValueError("Not an amount of money.") from error

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:.2f}"


MAX_JSON_DEPTH = 32
TOO_DEEP = f"The JSON is nested too deeply (at most {MAX_JSON_DEPTH} levels)."


def nesting(value) -> int:
    """How deeply lists and objects are nested in a parsed JSON value (without recursion)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, depth + 1)
            stack.extend(
                (child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)
            )
    return deepest


class JsonField(TextAreaField):
    """JSON edited as indented text; malformed input is refused with the parser's position."""

    def __init__(self, label=None, validators=None, required=False, **kwargs):
        kwargs.setdefault(
            "render_kw", {"rows": 8, "class": "form-control json-editor", "spellcheck": "false"}
        )
        super().__init__(label, validators, **kwargs)
        self.required = required

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else json.dumps(self.data, indent=2, ensure_ascii=False)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = json.loads(valuelist[0])
        except json.JSONDecodeError as error:
            self.data = None
            raise ValueError(
                f"Not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
            ) from error
        except RecursionError:
            self.data = None
            raise ValueError(TOO_DEEP) from None
        if nesting(self.data) > MAX_JSON_DEPTH:
            self.data = None
            raise ValueError(TOO_DEEP)

    def pre_validate(self, form):
        if self.required and self.data is None and not self.errors:
            raise ValidationError("Required: enter a JSON value (e.g. {} or []).")


class TextListField(TextAreaField):
    """A TEXT[] column edited as one item per line."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("description", "One per line.")
        kwargs.setdefault("render_kw", {"rows": 4})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "\n".join(self.data or [])

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = [line.strip() for line in valuelist[0].splitlines() if line.strip()]


class IdLookupWidget(AjaxSelect2Widget):
    """select2 lookup that shows the current value even when the row it names is gone."""

    def __call__(self, field, **kwargs):
        pair = field.display_pair()
        if pair is None:
            return super().__call__(field, **kwargs)
        kwargs["value"] = pair[0]
        kwargs["data-json"] = json.dumps(list(pair))
        kwargs.setdefault("data-role", "select2-ajax")
        kwargs.setdefault("data-url", field.lookup_url())
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("type", "hidden")
        kwargs.setdefault("data-placeholder", field.loader.options.get("placeholder", ""))
        kwargs.setdefault("data-minimum-input-length", 1)
        kwargs.setdefault("data-separator", ",")
        if field.allow_blank:
            kwargs["data-allow-blank"] = "1"
        from wtforms.widgets import html_params

        return Markup(f"<input {html_params(name=field.name, **kwargs)}>")


class IdLookupField(AjaxSelectField):
    """Edits an id column (e.g. courseId) with a scoped select2 lookup.

    A new choice must be a row the user may pick; an unchanged id is kept even when its row
    was deleted (transactions and certificates outlive their user and course).
    """

    widget = IdLookupWidget()

    def __init__(self, loader, label=None, validators=None, missing_label="deleted row", **kwargs):
        super().__init__(loader, label, validators, **kwargs)
        self.missing_label = missing_label
        self.original_id = None
        self.chosen_id = None

    def lookup_url(self):
        from flask_admin.helpers import get_url

        return get_url(".ajax_lookup", name=self.loader.name)

    def process_data(self, value):
        self.original_id = self.chosen_id = value

    def process_formdata(self, valuelist):
        if valuelist:
            raw = (valuelist[0] or "").strip()
            self.chosen_id = None if raw in ("", "__None") else raw

    def display_pair(self):
        if not self.chosen_id:
            return None
        row = self.loader.get_one(self.chosen_id)
        if row is not None:
            return self.loader.format(row)
        return (self.chosen_id, f"{self.missing_label} ({self.chosen_id})")

    @property
    def data(self):
        return self.chosen_id

    @data.setter
    def data(self, value):
        self.chosen_id = value

    def pre_validate(self, form):
        if self.chosen_id is None:
            if not self.allow_blank:
                raise ValidationError("Choose one.")
            return
        if self.chosen_id == self.original_id:
            return
        if len(self.chosen_id) > 200 or self.loader.get_one(self.chosen_id) is None:
            raise ValidationError("No such row, or not one you may choose.")

    def populate_obj(self, obj, name):
        setattr(obj, name, self.chosen_id)


class ProseField(TextAreaField):
    """Long text typed in a textarea. Browsers send its line breaks as CRLF; stored as LF, so
    saving a form unchanged leaves the text unchanged."""

    data: str | None  # WTForms sets it; declared because WTForms ships no types

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = self.data.replace("\r\n", "\n")


class TimestampField(DateTimeField):
    """A TIMESTAMP(3) edited to the second; an untouched value keeps its milliseconds."""

    data: datetime | None  # WTForms sets it; declared because WTForms ships no types

    def process_data(self, value):
        super().process_data(value)
        self.stored = value

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        stored = getattr(self, "stored", None)
        if stored is not None and self.data == stored.replace(microsecond=0):
            self.data = stored


class LmsModelConverter(AdminModelConverter):
    """Flask-Admin's converter, with fields that round-trip the platform's column types.

    SQLAlchemy 2.1's Float no longer derives from Numeric, so Flask-Admin 2.2.1 silently
    leaves Float/Double columns (quiz scores, completion rates) out of every form.
    """

    @converts("Float")
    def conv_float(self, column, field_args, **extra):
        return FloatField(**field_args)

    @converts("Text")
    def conv_text(self, column, field_args, **extra):
        # Prisma maps every String to TEXT; only real prose gets a textarea (and the long limit).
        self._string_common(column=column, field_args=field_args, **extra)  # empty -> NULL
        if column.name in LONG_TEXT_COLUMNS:
            field_args.setdefault("render_kw", {"rows": 6})
            return ProseField(**field_args)
        return StringField(**field_args)

    @converts("DateTime")
    def convert_datetime(self, field_args, **extra):  # the name replaces Flask-Admin's
        return TimestampField(**field_args)

"""Form fields for the schema's column types: money, JSON, text lists, and id lookups."""
import json
import re
from decimal import Decimal, InvalidOperation

from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import BaseForm
from flask_admin.model.form import converts
from flask_admin.model.fields import AjaxSelectField
from flask_admin.model.widgets import AjaxSelect2Widget
from markupsafe import Markup
from wtforms import DecimalField, FloatField, StringField, TextAreaField
from wtforms.validators import ValidationError

MONEY_PATTERN = re.compile(r"^\d{1,8}(\.\d{1,2})?$")
MAX_LINE_LENGTH = 2_000  # single-line inputs: titles, names, emails, URLs, slugs
MAX_TEXT_LENGTH = 500_000  # long text: lesson content, descriptions
LONG_TEXT_COLUMNS = {"description", "content", "question", "correctAnswer"}


class LmsForm(BaseForm):
    """Every admin form: no NUL bytes, no absurdly long values, whatever the field."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field in self:
            value = field.data
            texts = value if isinstance(value, list) else [value]
            for text in texts:
                if not isinstance(text, str):
                    continue
                limit = MAX_TEXT_LENGTH if isinstance(field, TextAreaField) else MAX_LINE_LENGTH
                if "\x00" in text:
                    field.errors = [*field.errors, "Contains a NUL character, which cannot be stored."]
                    valid = False
                elif len(text) > limit:
                    field.errors = [*field.errors, f"Too long: at most {limit:,} characters."]
                    valid = False
        return valid


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
            raise ValueError("Use a plain amount with at most two decimals, e.g. 49.99 "
                             "(up to 99,999,999.99).")
        try:
            self.data = Decimal(raw)
        except InvalidOperation as error:
            raise ValueError("Not an amount of money.") from error

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:.2f}"


class JsonField(TextAreaField):
    """JSON edited as indented text; malformed input is refused with the parser's position."""

    def __init__(self, label=None, validators=None, required=False, **kwargs):
        kwargs.setdefault("render_kw", {"rows": 8, "class": "form-control json-editor",
                                        "spellcheck": "false"})
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
            raise ValueError(f"Not valid JSON: {error.msg} at line {error.lineno}, "
                             f"column {error.colno}.") from error

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

    def __init__(self, loader, label=None, validators=None, missing_label="deleted row",
                 **kwargs):
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




class LmsModelConverter(AdminModelConverter):
    """Flask-Admin's converter, plus DOUBLE PRECISION columns.

    SQLAlchemy 2.1's Float no longer derives from Numeric, so Flask-Admin 2.2.1 silently
    leaves Float/Double columns (quiz scores, completion rates) out of every form.
    """

    @converts("Float")
    def conv_float(self, column, field_args, **extra):
        return FloatField(**field_args)

    @converts("Text")
    def conv_text(self, column, field_args, **extra):
        # Prisma maps every String to TEXT; only real prose gets a textarea (and the long limit).
        if column.name in LONG_TEXT_COLUMNS:
            field_args.setdefault("render_kw", {"rows": 6})
            return TextAreaField(**field_args)
        self._string_common(column=column, field_args=field_args, **extra)
        return StringField(**field_args)

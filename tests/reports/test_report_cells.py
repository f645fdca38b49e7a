"""Cell formatting and CSV quoting done in PostgreSQL (lms/reports/cells.py), read back with csv."""

import csv
import io
import json
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import Boolean, DateTime, Float, Integer, Numeric, Text, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from lms.db import db
from lms.models import EnrollmentStatus
from lms.models.common import Money, pg_enum
from lms.reports.cells import cell, csv_line


def cell_of(value, sql_type):
    return db.session.scalar(select(cell(literal(value, sql_type))))


def line_of(*typed_values) -> list[str]:
    """One CSV line built in SQL, parsed back with the csv module."""
    line = db.session.scalar(select(csv_line([literal(v, t) for v, t in typed_values])))
    [row] = list(csv.reader(io.StringIO(line, newline="")))
    return row


@pytest.mark.parametrize(
    "payload", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","y")']
)
def test_formula_starts_get_a_leading_apostrophe(app_ctx, payload):
    assert cell_of(payload, Text) == "'" + payload
    assert line_of((payload, Text)) == ["'" + payload]


@pytest.mark.parametrize("harmless", ["a=b", "O'Brien", "", " =1", "'=1", "€ 5"])
def test_other_text_is_left_alone(app_ctx, harmless):
    assert cell_of(harmless, Text) == harmless
    assert line_of((harmless, Text)) == [harmless]


def test_fields_are_quoted_as_rfc_4180_says(app_ctx):
    values = ['say "hi"', "a,b", "two\nlines", "cr\r\nlf", "", None, "plain"]
    assert line_of(*[(v, Text) for v in values]) == [
        'say "hi"',
        "a,b",
        "two\nlines",
        "cr\r\nlf",
        "",
        "",
        "plain",
    ]
    line = db.session.scalar(select(csv_line([literal("", Text), literal(None, Text)])))
    assert line == '"",'  # an empty string and NULL stay distinguishable


def test_timestamps_are_iso_8601_utc_with_milliseconds(app_ctx):
    assert cell_of(datetime(2024, 5, 1, 9, 30, 0, 120000), DateTime) == "2024-05-01T09:30:00.120Z"
    assert cell_of(datetime(2024, 12, 31, 23, 59, 59), DateTime) == "2024-12-31T23:59:59.000Z"
    assert cell_of(None, DateTime) is None


def test_money_has_exactly_two_decimals_and_negatives_stay_numbers(app_ctx):
    assert cell_of(Decimal("49"), Money) == "49.00"
    assert cell_of(Decimal("-5"), Money) == "-5.00"
    assert cell_of(Decimal("0.1"), Money) == "0.10"
    assert line_of((Decimal("-5.00"), Money)) == ["-5.00"]
    # Sums and other NUMERICs are rounded to cents, never through a float.
    total = db.session.scalar(
        select(cell(func.sum(literal(Decimal("0.10"), Money)) + literal(Decimal("0.20"), Money)))
    )
    assert total == "0.30"
    assert cell_of(Decimal("2.345"), Numeric(10, 3)) == "2.35"


def test_enums_booleans_and_numbers_are_plain(app_ctx):
    assert cell_of(EnrollmentStatus.COMPLETED, pg_enum(EnrollmentStatus)) == "COMPLETED"
    assert cell_of(True, Boolean) == "true" and cell_of(False, Boolean) == "false"
    assert cell_of(-3, Integer) == "-3"
    assert cell_of(90.5, Float) == "90.5"


def test_arrays_read_as_a_list_and_are_neutralised(app_ctx):
    assert cell_of(["Python", "SQL"], ARRAY(Text)) == "Python; SQL"
    assert cell_of(["=1+1", "x"], ARRAY(Text)) == "'=1+1; x"
    assert line_of((["a,b", 'c"d'], ARRAY(Text))) == ['a,b; c"d']


def test_json_is_one_line_of_valid_json(app_ctx):
    value = {"coupon": "=1+1", "items": [1, 2], "note": 'a,\n"b"'}
    [field] = line_of((value, JSONB))
    assert "\n" not in field and json.loads(field) == value
    assert cell_of([-1, 2], JSONB) == "[-1, 2]"

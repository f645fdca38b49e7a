"""SQL that turns report columns into CSV: each cell's text, each field quoted, each line joined.

Formatting and quoting happen in PostgreSQL so that Python only joins finished lines; the
csv module costs more per row than PostgreSQL's own COPY, which exports are measured against.
The rules:

- timestamps: ISO 8601 in UTC with milliseconds, `2024-05-01T09:30:00.000Z` (the database
  keeps UTC in TIMESTAMP(3) without time zone, so the Z is a statement of fact);
- money: exactly two decimals, from NUMERIC (never a float): `49.00`, `-5.00`;
- enums: their names; booleans: `true`/`false`; NULL: an empty field;
- arrays: elements joined with `; `; JSON: PostgreSQL's canonical jsonb text, one line;
- text: a cell starting with = + - @ tab or CR gets a leading apostrophe, so a spreadsheet
  shows it instead of running it as a formula.

Numbers (money, counts, scores) and JSON are not neutralised: the database renders them from
numeric and jsonb values, so they can only start with a digit or a minus sign (JSON also
with { [ " t f n), and a leading minus is a negative number, never a formula. Finance tools
must read `-5.00` as minus five, not as text.

Quoting is RFC 4180: every text field is enclosed in double quotes with inner quotes doubled
(allowed for any field, and it tells an empty string `""` from NULL); the other kinds never
contain a comma, quote or line break and are written bare. Lines end with CRLF.
"""

from sqlalchemy import (
    ARRAY,
    Boolean,
    ColumnClause,
    ColumnElement,
    DateTime,
    Enum,
    Float,
    Integer,
    Numeric,
    String,
    Text,
    case,
    cast,
    func,
    literal_column,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ISO_8601_UTC = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'
ARRAY_SEPARATOR = "; "


def sql_string(value: str):
    """A constant written into the SQL (no bind parameter: the same text runs under COPY)."""
    return literal_column("'" + value.replace("'", "''") + "'", Text)


QUOTE = sql_string('"')
FORMULA_CODES: list[ColumnClause[int]] = [literal_column(str(ord(c))) for c in FORMULA_STARTS]


def kind(sql_type) -> str:
    """How a column of this SQL type is written: time, plain, money, array, json or text."""
    if isinstance(sql_type, DateTime):
        return "time"
    if isinstance(sql_type, (Integer, Float, Boolean, Enum)):
        return "plain"
    if isinstance(sql_type, Numeric):  # after Float, which is a Numeric too
        return "money"
    if isinstance(sql_type, ARRAY):
        return "array"
    if sql_type.__class__.__name__ in ("JSON", "JSONB"):
        return "json"
    return "text"


def as_text(expr):
    return expr if isinstance(expr.type, String) else cast(expr, Text)


def neutralised(text):
    """Text a spreadsheet must not run: a leading = + - @ tab or CR gets an apostrophe.
    ascii() compares one integer, far cheaper per row than left() or a regex."""
    return case((func.ascii(text).in_(FORMULA_CODES), sql_string("'") + text), else_=text)


def cell(expr):
    """The text of the cell for `expr` (NULL stays NULL), chosen by its SQL type."""
    how = kind(expr.type)
    if how == "time":
        return func.to_char(expr, sql_string(ISO_8601_UTC))
    if how == "money":
        # round(x, 2) always has scale 2, whatever the value's own scale (a sum, a parameter).
        return cast(func.round(expr, literal_column("2")), Text)
    if how in ("plain", "json"):
        return cast(expr, Text)
    if how == "array":
        return neutralised(func.array_to_string(expr, sql_string(ARRAY_SEPARATOR)))
    return neutralised(as_text(expr))


def text_field(text):
    """A quoted field of neutralised text. Written as prefix || replace(text) || quote, which
    PostgreSQL evaluates faster than quoting the neutralised cell (measured, bench/)."""
    prefix = case((func.ascii(text).in_(FORMULA_CODES), sql_string("\"'")), else_=QUOTE)
    return prefix + func.replace(text, QUOTE, sql_string('""')) + QUOTE


def field(expr):
    """The CSV field for `expr`: its cell, quoted when it is text, an array or JSON."""
    how = kind(expr.type)
    if how == "text":
        return text_field(as_text(expr))
    if how == "array":
        return text_field(func.array_to_string(expr, sql_string(ARRAY_SEPARATOR)))
    if how == "json":
        return QUOTE + func.replace(cast(expr, Text), QUOTE, sql_string('""')) + QUOTE
    return cell(expr)


def csv_line(exprs):
    """One CSV line (without its CRLF); concat() writes NULL fields as empty ones."""
    parts: list[ColumnElement[str]] = []
    for expr in exprs:
        parts += [sql_string(","), field(expr)] if parts else [field(expr)]
    return func.concat(*parts)

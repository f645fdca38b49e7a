"""Reading exports back, and the expected cells of SQL rows, written without lms.reports."""

import csv
import html
import io
import json
import re
from datetime import datetime
from decimal import Decimal

from sqlalchemy import text

from lms.db import db

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Formula-injection payloads a student or instructor can type into a name or title.
HOSTILE_COURSE_TITLE = '=HYPERLINK("http://evil.example","click")'
HOSTILE_NAMES = ("+cmd|' /C calc'!A0", 'Bob "the builder", second\nline', "@SUM(1+1)")


def iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def safe(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def expected_cell(value):
    """The cell a spreadsheet should show for a value read with plain SQL."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (dict, list)):
        return value  # compared after parsing the cell as JSON
    return safe(value)


def parse_csv(body: bytes) -> tuple[list[str], list[list[str]]]:
    """Header and rows, read back with the csv module (a BOM, if any, is dropped)."""
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    return rows[0], rows[1:]


def download(client, report: str, **params):
    """GET a report as the signed-in client; returns (response, header, rows)."""
    response = client.get(f"/admin/reports/{report}.csv", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    header, rows = parse_csv(response.get_data())
    return response, header, rows


def sql_rows(app, sql: str, **params) -> list[tuple]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(text(sql), params)]


def expected_rows(rows: list[tuple]) -> list[list]:
    return [[expected_cell(value) for value in row] for row in rows]


def parse_json_columns(rows: list[list], columns: list[int]) -> list[list]:
    """JSON cells as values, so key order and spacing do not matter."""
    for row in rows:
        for i in columns:
            row[i] = json.loads(row[i]) if row[i] else ""
    return rows


def error_message(response) -> str:
    """The message the Reports page shows above its form."""
    match = re.search(r'id="report-error">(.*?)</div>', response.get_data(as_text=True), re.S)
    assert match, "no error message on the page"
    return html.unescape(match.group(1)).strip()

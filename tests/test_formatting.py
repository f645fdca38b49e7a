"""lms/formatting.py: one way to write money and percentages, in lists, pages and templates."""

from decimal import Decimal

from flask import render_template_string

from lms.formatting import amount, money, percent


def test_numbers_read_the_same_everywhere(app):
    assert amount(Decimal("1234.5")) == "1,234.50"
    assert amount(None) == ""
    assert money(Decimal("1234.5")) == "$1,234.50"
    assert money(None) == "–"
    assert percent(12.345) == "12.3%"
    assert percent(None) == "–"
    with app.test_request_context():
        page = render_template_string(
            "{{ a|amount }} {{ a|money }} {{ p|percent }}", a=Decimal("0.5"), p=Decimal("50")
        )
    assert page == "0.50 $0.50 50.0%"

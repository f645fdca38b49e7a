"""lms/formatting.py: one way to write money and percentages, in lists, pages and templates."""

from decimal import Decimal

import pytest
from flask import render_template_string

from lms.formatting import amount, money, percent


def test_numbers_read_the_same_everywhere(app):
    assert amount(Decimal("1234.5")) == "1,234.50"
    assert amount(None) == ""
    assert money(Decimal("1234.5"), "USD") == "$1,234.50"
    assert money(None, "USD") == "–"
    assert percent(12.345) == "12.3%"
    assert percent(None) == "–"
    with app.test_request_context():
        page = render_template_string(
            "{{ a|amount }} {{ a|money('USD') }} {{ p|percent }}", a=Decimal("0.5"), p=Decimal("50")
        )
    assert page == "0.50 $0.50 50.0%"


@pytest.mark.parametrize(
    "value, currency, written",
    [
        ("1234.5", "USD", "$1,234.50"),
        ("1234.5", "EUR", "€1,234.50"),
        ("0.05", "GBP", "£0.05"),
        ("1234.5", "CHF", "1,234.50 CHF"),  # no symbol of its own here: the ISO code
        ("-3", "EUR", "-€3.00"),  # a net figure can be negative
        ("-3", "SEK", "-3.00 SEK"),
    ],
)
def test_money_is_written_in_its_own_currency(app, value, currency, written):
    assert money(Decimal(value), currency) == written
    with app.test_request_context():
        assert render_template_string("{{ v|money(c) }}", v=Decimal(value), c=currency) == written


def test_money_never_guesses_a_currency():
    with pytest.raises(TypeError):
        money(Decimal("1"))  # type: ignore[call-arg]

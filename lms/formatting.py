"""How numbers read on every page: amounts of money and percentages.

Registered once as Jinja filters (`{{ value|amount }}`, `{{ value|money(currency) }}`,
`|percent`); list columns use the same functions through lms.admin.display.
"""

from decimal import Decimal

from flask import Flask

NOTHING = "–"  # a figure that does not exist (no sales, no attempts), not a zero


def amount(value) -> str:
    """1,234.50: two decimals and thousands separators; empty when there is no value."""
    return "" if value is None else f"{Decimal(value):,.2f}"


# Symbols only where they name one currency; any other is written with its ISO 4217 code.
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def money(value, currency: str) -> str:
    """$1,234.50, €1,234.50, 1,234.50 CHF, -€3.00; a dash when there is no value.

    The currency is required: an amount is never written in a currency it was not paid in.
    """
    if value is None:
        return NOTHING
    number = Decimal(value)
    sign, digits = ("-" if number < 0 else ""), f"{abs(number):,.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {currency}"


def percent(value, places: int = 1) -> str:
    """12.5%, or a dash when there is no value."""
    return NOTHING if value is None else f"{float(value):.{places}f}%"


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(amount=amount, money=money, percent=percent)

"""How numbers read on every page: amounts of money and percentages.

Registered once as Jinja filters (`{{ value|amount }}`, `|money`, `|percent`); list columns
use the same functions through lms.admin.display.
"""

from decimal import Decimal

from flask import Flask

NOTHING = "–"  # a figure that does not exist (no sales, no attempts), not a zero


def amount(value) -> str:
    """1,234.50: two decimals and thousands separators; empty when there is no value."""
    return "" if value is None else f"{Decimal(value):,.2f}"


def money(value) -> str:
    """$1,234.50, or a dash when there is no value."""
    return NOTHING if value is None else f"${Decimal(value):,.2f}"


def percent(value, places: int = 1) -> str:
    """12.5%, or a dash when there is no value."""
    return NOTHING if value is None else f"{float(value):.{places}f}%"


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(amount=amount, money=money, percent=percent)

"""Revenue in every currency, refunds dated when they happened, equal month spans: a hand-made
world with rows a millisecond either side of each boundary, checked against SQL written here.

"Now" is 15 March 2026, 12:00 UTC. The signed-in instructor ("me") teaches Course A (USD) and
Euro Course (EUR); another instructor teaches Course O (USD) and Pound Course (GBP); one GBP sale
names a course that no longer exists.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import factories as fx
import pytest
from conftest import NOW
from sqlalchemy import text

from lms.analytics import live, views
from lms.analytics.filters import Filters
from lms.analytics.refresh import refresh_course_analytics, refresh_everything
from lms.analytics.sources import LIVE, ROLLUPS
from lms.analytics.sql import month_spans
from lms.db import db
from lms.models import PaymentStatus as PS  # noqa: N817 (short in the row table)
from lms.models import User, UserRole

FEBRUARY = (date(2026, 2, 1), date(2026, 2, 28))
MARCH = (date(2026, 3, 1), date(2026, 3, 15))
WINTER = (date(2026, 1, 1), date(2026, 3, 31))
SECOND_OF_MARCH = (date(2026, 3, 2), date(2026, 3, 2))  # one EUR sale, nothing else
RANGES = {"february": FEBRUARY, "march": MARCH, "winter": WINTER, "2 march": SECOND_OF_MARCH}
CURRENCIES = ("EUR", "GBP", "USD")


def at(text_: str) -> datetime:
    return datetime.fromisoformat(text_)


# (course, status, amount, currency, created, updated or None for created + 4 s)
TRANSACTIONS = [
    # Last month, against the month cards' cut at 15 Feb 12:00 (the same offset as now).
    ("A", PS.COMPLETED, "10.00", "USD", "2026-02-01 00:00:00.000", None),  # first ms of Feb
    ("A", PS.COMPLETED, "20.00", "USD", "2026-02-15 11:59:59.999", None),  # just inside
    ("A", PS.COMPLETED, "40.00", "USD", "2026-02-15 12:00:00.000", None),  # just outside
    ("A", PS.COMPLETED, "80.00", "USD", "2026-02-15 18:00:00.000", None),  # same day, later
    # This month, up to now.
    ("A", PS.COMPLETED, "50.00", "USD", "2026-03-01 00:00:00.000", None),
    ("A", PS.COMPLETED, "25.00", "USD", "2026-03-15 11:59:59.999", None),
    ("O", PS.COMPLETED, "100.00", "USD", "2026-03-10 09:00:00.000", None),
    # Refunds: bought in one month, refunded in another, a millisecond either side of a range.
    ("A", PS.REFUNDED, "40.00", "USD", "2025-12-20 10:00:00.000", "2026-01-31 23:59:59.999"),
    ("A", PS.REFUNDED, "60.00", "USD", "2026-02-20 10:00:00.000", "2026-03-01 00:00:00.000"),
    ("E", PS.REFUNDED, "15.00", "EUR", "2026-01-20 10:00:00.000", "2026-02-03 10:00:00.000"),
    # Euros: sales, and payments that are not revenue.
    ("E", PS.COMPLETED, "12.00", "EUR", "2026-02-10 08:00:00.000", None),
    ("E", PS.COMPLETED, "30.00", "EUR", "2026-03-02 08:00:00.000", None),
    ("E", PS.PENDING, "99.00", "EUR", "2026-03-05 08:00:00.000", None),
    ("E", PS.FAILED, "77.00", "EUR", "2026-03-06 08:00:00.000", None),
    ("A", PS.PENDING, "33.00", "USD", "2026-02-12 08:00:00.000", None),
    # Pounds, either side of midnight on 1 March, and a sale of a deleted course.
    ("G", PS.COMPLETED, "7.50", "GBP", "2026-02-28 23:59:59.999", None),
    ("G", PS.COMPLETED, "2.50", "GBP", "2026-03-01 00:00:00.000", None),
    ("gone", PS.COMPLETED, "5.00", "GBP", "2026-03-03 08:00:00.000", None),
]


@dataclass
class World:
    me: str
    ids: dict = field(default_factory=dict)

    def everyone(self, span=WINTER, now=NOW) -> Filters:
        return Filters(start=span[0], end=span[1], preset="custom", now=now)

    def mine(self, span=WINTER, now=NOW) -> Filters:
        return Filters(start=span[0], end=span[1], preset="custom", now=now, instructor_id=self.me)


@pytest.fixture
def world(app, instructor_client) -> World:
    data = World(me=instructor_client.user_id)
    with app.app_context():
        me = db.session.get(User, instructor_client.user_id)
        other = fx.make_user(UserRole.INSTRUCTOR, email="other.seller@example.com")
        courses = {
            "A": fx.make_course(me, title="Course A", slug="a", currency="USD"),
            "E": fx.make_course(me, title="Euro Course", slug="e", currency="EUR"),
            "O": fx.make_course(other, title="Course O", slug="o", currency="USD"),
            "G": fx.make_course(other, title="Pound Course", slug="g", currency="GBP"),
            "gone": fx.make_course(other, title="Deleted Course", slug="gone", currency="GBP"),
        }
        for course, status, amount, currency, created, updated in TRANSACTIONS:
            created_at = at(created)
            updated_at = at(updated) if updated else created_at.replace(microsecond=0)
            fx.make_transaction(
                course=courses[course],
                status=status,
                amount=Decimal(amount),
                currency=currency,
                created_at=created_at,
                updated_at=max(updated_at, created_at),
            )
        data.ids = {key: course.id for key, course in courses.items()}
        db.session.delete(courses["gone"])  # its sale stays, naming a course that is gone
        db.session.commit()
    return data


@pytest.fixture
def now_is(monkeypatch):
    def set_now(moment: datetime) -> datetime:
        monkeypatch.setattr(views, "utcnow", lambda: moment)
        return moment

    set_now(NOW)
    return set_now


def page(client, span, **args) -> str:
    query = "&".join([f"from={span[0]}", f"to={span[1]}", *(f"{k}={v}" for k, v in args.items())])
    response = client.get(f"/admin/analytics/revenue/?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def card(html: str, card_id: str) -> str | None:
    """The card's value as text (a link's text when the value is a link)."""
    match = re.search(rf'id="{card_id}">(.*?)</div>', html, re.DOTALL)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else None


def definition(html: str, figure_id: str) -> str:
    """The sentence under a tile or chart: what the figure is."""
    match = re.search(rf'id="def-{figure_id}">(.*?)</p>', html, re.DOTALL)
    assert match, figure_id
    return " ".join(match.group(1).split())


# --- independent SQL: written here from the definitions, not taken from the app ------------

SCOPE = """AND (CAST(:me AS text) IS NULL
                OR "courseId" IN (SELECT id FROM courses WHERE "instructorId" = :me))"""


def sql_rows(sql: str, span, me: str | None) -> dict:
    params = {"start": datetime.combine(span[0], datetime.min.time()), "me": me}
    params["end"] = datetime.combine(date.fromordinal(span[1].toordinal() + 1), datetime.min.time())
    rows = db.session.execute(text(sql.replace("{scope}", SCOPE)), params).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def expected_totals(span, me: str | None = None) -> dict:
    """Per currency: gross, sales, refunded, refunds, net, refund rate, average order."""
    rows = sql_rows(
        """WITH g AS (
               SELECT currency, sum(amount) AS gross, count(*) AS sales FROM transactions
               WHERE status IN ('COMPLETED', 'REFUNDED')
                 AND "createdAt" >= :start AND "createdAt" < :end {scope} GROUP BY currency),
           r AS (
               SELECT currency, sum(amount) AS refunded, count(*) AS refunds FROM transactions
               WHERE status = 'REFUNDED' AND "updatedAt" >= :start AND "updatedAt" < :end {scope}
               GROUP BY currency)
           SELECT coalesce(g.currency, r.currency), coalesce(g.gross, 0), coalesce(g.sales, 0),
                  coalesce(r.refunded, 0), coalesce(r.refunds, 0),
                  coalesce(g.gross, 0) - coalesce(r.refunded, 0),
                  round(100 * coalesce(r.refunded, 0) / nullif(g.gross, 0), 1),
                  round(g.gross / nullif(g.sales, 0), 2)
           FROM g FULL JOIN r ON r.currency = g.currency""",
        span,
        me,
    )
    keys = ("gross", "sales", "refunded", "refunds", "net", "refund_rate", "average_order")
    return {currency: dict(zip(keys, values, strict=True)) for currency, values in rows.items()}


def expected_months(me: str | None = None) -> dict:
    """Per currency: sales this month to 12:00 on the 15th, last month to 12:00 on the 15th,
    and all of last month (now is 15 March 2026, 12:00)."""
    return sql_rows(
        """SELECT currency,
                  coalesce(sum(amount) FILTER (WHERE "createdAt" >= '2026-03-01'), 0),
                  coalesce(sum(amount) FILTER (WHERE "createdAt" < '2026-02-15 12:00'), 0),
                  coalesce(sum(amount) FILTER (WHERE "createdAt" < '2026-03-01'), 0)
           FROM transactions
           WHERE status IN ('COMPLETED', 'REFUNDED') AND "createdAt" >= '2026-02-01'
             AND "createdAt" < '2026-03-15 12:00' {scope}
           GROUP BY currency""",
        WINTER,
        me,
    )


# --- 1. change against the same span of last month ----------------------------------------


def test_month_cards_compare_equal_spans_to_the_minute(app, world):
    with app.app_context():
        everyone = {r["currency"]: r for r in live.revenue.revenue_months(world.everyone())}
        mine = {r["currency"]: r for r in live.revenue.revenue_months(world.mine())}
        independent, independent_mine = expected_months(), expected_months(world.me)
    as_tuples = {
        c: (r["this_month"], r["last_month_to_date"], r["last_month"]) for c, r in everyone.items()
    }
    assert as_tuples == independent
    assert as_tuples == {
        # 50 + 25 + 100 | 10 + 20 (not the 40 at 12:00:00.000, nor the 80 at 18:00) | + 60 refunded
        "USD": (Decimal("175.00"), Decimal("30.00"), Decimal("210.00")),
        "EUR": (Decimal("30.00"), Decimal("12.00"), Decimal("12.00")),
        "GBP": (Decimal("7.50"), Decimal(0), Decimal("7.50")),
    }
    assert {
        c: (r["this_month"], r["last_month_to_date"], r["last_month"]) for c, r in mine.items()
    } == independent_mine
    assert mine["USD"]["this_month"] == Decimal("75.00")


def test_the_instructors_change_has_the_right_sign(instructor_client, world, now_is):
    html = page(instructor_client, MARCH)
    # 75.00 this month against 30.00 over the same 14 days 12 hours of February: up, not down.
    assert card(html, "card-change-USD") == "+150.0%"
    assert card(html, "card-same-span-USD") == "$30.00"
    assert card(html, "card-change-EUR") == "+150.0%"  # 30.00 against 12.00
    note = " ".join(re.search(r'id="month-note">(.*?)</p>', html, re.DOTALL).group(1).split())
    assert "1 Mar 2026 00:00 – 15 Mar 2026 12:00 UTC" in note
    assert "1 Feb 2026 00:00 – 15 Feb 2026 12:00 UTC" in note


def test_the_admins_change_counts_no_hours_past_the_same_moment(admin_client, world, now_is):
    html = page(admin_client, MARCH)
    assert card(html, "card-change-USD") == "+483.3%"  # 175.00 against 30.00
    assert card(html, "card-change-GBP") == "–"  # nothing in the same span of February
    assert card(html, "card-last-month-GBP") == "£7.50"


@pytest.mark.parametrize(
    "now, last_cut, clipped",
    [
        (datetime(2026, 3, 15, 12, 0, 40), datetime(2026, 2, 15, 12, 0), False),  # to the minute
        (datetime(2026, 3, 28, 23, 59), datetime(2026, 2, 28, 23, 59), False),
        (datetime(2026, 3, 29, 0, 0), datetime(2026, 3, 1), False),  # exactly all of February
        (datetime(2026, 3, 31, 10, 0), datetime(2026, 3, 1), True),  # Feb has 28 days
        (datetime(2028, 3, 31, 10, 0), datetime(2028, 3, 1), True),  # 29 in a leap year
        (datetime(2028, 3, 29, 10, 0), datetime(2028, 2, 29, 10, 0), False),
        (datetime(2026, 5, 31, 8, 0), datetime(2026, 5, 1), True),  # April has 30
        (datetime(2026, 1, 31, 8, 0), datetime(2025, 12, 31, 8, 0), False),  # across a year
        (datetime(2026, 3, 1, 0, 0), datetime(2026, 2, 1), False),  # nothing yet this month
    ],
)
def test_the_same_span_of_last_month_stops_at_its_end(now, last_cut, clipped):
    spans = month_spans(now)
    assert spans.last_cut == last_cut and spans.clipped is clipped
    assert spans.cut == now.replace(second=0, microsecond=0)
    if not clipped:
        assert spans.last_cut - spans.last_start == spans.cut - spans.this_start


def test_a_shorter_last_month_is_said_on_the_page(admin_client, world, now_is):
    now_is(datetime(2026, 3, 31, 10, 0))
    html = page(admin_client, MARCH)
    note = " ".join(re.search(r'id="month-note">(.*?)</p>', html, re.DOTALL).group(1).split())
    assert "February 2026 has only 28 days" in note
    assert "all of February 2026" in note
    assert card(html, "card-same-span-USD") == "$210.00"  # the whole month, said above


# --- 2. a range whose sales are all in euros --------------------------------------------


def test_the_revenue_page_answers_when_every_sale_is_in_euros(
    admin_client, instructor_client, world, now_is
):
    for client in (admin_client, instructor_client):
        html = page(client, SECOND_OF_MARCH)
        assert card(html, "card-gross-EUR") == "€30.00"
        assert card(html, "card-gross-USD") is None  # no dollars in range: no dollar tiles
        assert "Currencies in this range: EUR." in " ".join(html.split())


def test_an_instructor_selling_only_in_euros_sees_their_euros(instructor_client, world, now_is):
    html = page(instructor_client, SECOND_OF_MARCH, course=world.ids["E"])
    assert card(html, "card-gross-EUR") == "€30.00"
    assert card(html, "card-aov-EUR") == "€30.00"


# --- 3. the course summary in each course's currency ---------------------------------------


def test_course_summary_prints_each_course_in_its_own_currency(app, admin_client, world):
    with app.app_context():
        refresh_course_analytics(db.session, NOW)
        db.session.commit()
    html = admin_client.get("/admin/analytics/courses/").get_data(as_text=True)
    rows = {
        re.sub(r"<.*?>", "", cells[0]).strip(): re.sub(r"<.*?>", "", cells[5]).strip()
        for cells in (
            re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
            for row in re.findall(
                r"<tr>(.*?)</tr>", html.split('id="course-analytics"')[1], re.DOTALL
            )
        )
        if cells
    }
    assert rows["Euro Course"] == "€42.00"  # 12.00 + 30.00, completed, in euros
    assert rows["Pound Course"] == "£10.00"
    assert rows["Course A"] == "$225.00"  # 10 + 20 + 40 + 80 + 50 + 25


# --- 4. every currency on its own, none dropped ------------------------------------------


@pytest.mark.parametrize("span", sorted(RANGES))
@pytest.mark.parametrize("who", ["admin", "instructor"])
def test_every_currency_is_shown_on_its_own(app, world, span, who):
    f = (world.everyone if who == "admin" else world.mine)(RANGES[span])
    with app.app_context():
        series = live.revenue.revenue_series(f)
        by_course = live.revenue.revenue_by_course(f)
        statuses = live.revenue.transactions_by_status(f)
        expected = expected_totals(RANGES[span], world.me if who == "instructor" else None)
        counted = sql_rows(
            """SELECT currency || '/' || status, count(*), sum(amount) FROM transactions
               WHERE "createdAt" >= :start AND "createdAt" < :end {scope}
               GROUP BY currency, status""",
            RANGES[span],
            world.me if who == "instructor" else None,
        )
    for currency, totals in expected.items():
        mine = [r for r in series if r["currency"] == currency]
        assert sum(r["gross"] for r in mine) == totals["gross"], currency
        assert sum(r["refunded"] for r in mine) == totals["refunded"], currency
        assert sum(r["net"] for r in mine) == totals["net"], currency
        assert sum(r["sales"] for r in mine) == totals["sales"], currency
        courses = [r for r in by_course if r["currency"] == currency]
        assert sum(r["gross"] for r in courses) == totals["gross"], currency
        assert sum(r["refunded"] for r in courses) == totals["refunded"], currency
    assert {r["currency"] for r in series} == set(expected)
    assert {r["currency"] for r in by_course} == set(expected)
    found = {f"{r['currency']}/{r['status']}": (r["transactions"], r["amount"]) for r in statuses}
    assert {k: v for k, v in found.items() if v[0]} == counted


def test_the_page_names_the_currencies_of_the_range(admin_client, world, now_is):
    html = " ".join(page(admin_client, WINTER).split())
    assert "Currencies in this range: EUR, GBP, USD." in html
    for currency in CURRENCIES:
        assert card(html, f"card-gross-{currency}") is not None


def test_a_sale_of_a_deleted_course_keeps_its_currency(app, admin_client, world, now_is):
    with app.app_context():
        rows = live.revenue.revenue_by_course(world.everyone(MARCH))
    assert (world.ids["gone"], None, "GBP", Decimal("5.00")) in [
        (r["course_id"], r["title"], r["currency"], r["gross"]) for r in rows
    ]
    html = page(admin_client, MARCH)
    assert card(html, "card-gross-GBP") == "£7.50"  # 2.50 + 5.00 of the deleted course
    assert "deleted course" in html


def test_pending_and_failed_payments_are_not_revenue(admin_client, world, now_is):
    html = page(admin_client, MARCH)
    assert card(html, "card-gross-EUR") == "€30.00"  # not the 99.00 pending nor the 77.00 failed


# --- 5. refunds dated by the refund, net revenue and refund rate ---------------------------


def test_refunds_are_dated_when_they_happened(app, world):
    with app.app_context():
        february = live.revenue.revenue_series(world.everyone(FEBRUARY))
        march = live.revenue.revenue_series(world.everyone(MARCH))

    def total(rows, currency, key):
        return sum(r[key] for r in rows if r["currency"] == currency)

    # Refunded 31 Jan 23:59:59.999 and 1 Mar 00:00:00.000: neither is February's.
    assert total(february, "USD", "refunded") == 0
    assert total(february, "USD", "gross") == Decimal("210.00")  # the 60.00 was sold in Feb
    assert total(february, "EUR", "refunded") == Decimal("15.00")  # bought in Jan, refunded Feb
    assert total(march, "USD", "refunded") == Decimal("60.00")
    assert total(march, "USD", "refunds") == 1


def test_net_revenue_and_refund_rate_stand_beside_gross(admin_client, world, now_is):
    html = page(admin_client, FEBRUARY)
    assert card(html, "card-gross-EUR") == "€12.00"
    assert card(html, "card-refunds-EUR") == "€15.00"
    assert card(html, "card-net-EUR") == "-€3.00"
    assert card(html, "card-refund-rate-EUR") == "125.0%"
    assert card(html, "card-net-USD") == "$210.00"
    assert card(html, "card-refund-rate-USD") == "0.0%"
    refund_note = " ".join(re.search(r'id="refund-dating">(.*?)</p>', html, re.DOTALL)[1].split())
    assert "updatedAt" in refund_note and "records no refund time" in refund_note


# --- 6. definitions on the page, numbers against independent SQL ----------------------------


@pytest.mark.parametrize("span", sorted(RANGES))
@pytest.mark.parametrize("who", ["admin", "instructor"])
def test_every_tile_matches_independent_sql(
    admin_client, instructor_client, world, now_is, span, who
):
    client = admin_client if who == "admin" else instructor_client
    html = page(client, RANGES[span])
    with admin_client.application.app_context():
        expected = expected_totals(RANGES[span], world.me if who == "instructor" else None)
    symbol = {"USD": "${}", "EUR": "€{}", "GBP": "£{}"}

    def money(currency, value):
        sign = "-" if value < 0 else ""
        return sign + symbol[currency].format(f"{abs(value):,.2f}")

    for currency, t in expected.items():
        assert card(html, f"card-gross-{currency}") == money(currency, t["gross"])
        assert card(html, f"card-refunds-{currency}") == money(currency, t["refunded"])
        assert card(html, f"card-net-{currency}") == money(currency, t["net"])
        rate = "–" if t["refund_rate"] is None else f"{t['refund_rate']}%"
        assert card(html, f"card-refund-rate-{currency}") == rate
        average = "–" if t["average_order"] is None else money(currency, t["average_order"])
        assert card(html, f"card-aov-{currency}") == average
    shown = set(re.findall(r'id="card-gross-([A-Z]{3})"', html))
    assert shown == set(expected)


def test_every_revenue_figure_says_what_it_is(admin_client, world, now_is):
    html = page(admin_client, WINTER)
    tiles = {
        "gross": "payments made in the range that completed",
        "refunds": "refunded in the range, by refund time",
        "net": "gross sales minus refunds",
        "refund-rate": "refunds ÷ gross sales",
        "aov": "gross sales ÷ number of sales",
        "this-month": "from 1 Mar 2026 00:00 to 15 Mar 2026 12:00 UTC",
        "same-span": "from 1 Feb 2026 00:00 to 15 Feb 2026 12:00 UTC",
        "change": "the same span of last month",
        "last-month": "in all of February 2026",
    }
    for currency in CURRENCIES:
        for tile, words in tiles.items():
            assert words.lower() in definition(html, f"card-{tile}-{currency}").lower(), tile
    assert "still pending 15 minutes" in definition(html, "card-pending").lower()
    for chart in ("revenue", "by_course", "status"):
        assert definition(html, f"chart-{chart}").endswith(".")  # one sentence under each chart


# --- the rollups agree -----------------------------------------------------------------------


REVENUE_FIGURES = [
    "revenue_series",
    "revenue_by_course",
    "transactions_by_status",
    "revenue_months",
]


@pytest.mark.parametrize("now", [NOW, datetime(2026, 3, 31, 10, 0), datetime(2026, 3, 1, 0, 0)])
def test_the_rollups_give_the_live_figures_in_every_currency(app, world, now):
    with app.app_context():
        refresh_everything(db.session, now)
        db.session.commit()
        for span in RANGES.values():
            f = world.everyone(span, now=now)
            for name in REVENUE_FIGURES:
                assert getattr(ROLLUPS, name)(f) == getattr(LIVE, name)(f), (name, span)

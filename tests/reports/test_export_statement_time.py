"""A CSV export may run longer than the bound on a page's statements (STATEMENT_TIMEOUT_MS)."""

import pytest
from report_support import parse_csv
from sqlalchemy import Integer, Text, cast, func, literal, select
from sqlalchemy.exc import OperationalError

from lms import create_app
from lms.db import db
from lms.reports import export

PAGE_BOUND_MS = 300
SLOW_SECONDS = 1.0  # a statement this slow is cancelled on a page


@pytest.fixture
def app(db_url):
    """A fresh app whose pages may run a statement for PAGE_BOUND_MS at most."""
    app = create_app(
        {"DATABASE_URL": db_url, "TESTING": True, "STATEMENT_TIMEOUT_MS": PAGE_BOUND_MS}
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def slow_row():
    """One row, after PostgreSQL has slept SLOW_SECONDS (when the cursor is first read)."""
    return select(literal(1, Integer).label("n")).where(
        cast(func.pg_sleep(SLOW_SECONDS), Text) == ""
    )


def test_an_export_outlasts_the_bound_that_cancels_a_page_statement(app, admin_client, monkeypatch):
    with app.test_request_context("/admin/reports/"):  # what a page's statement runs under
        with pytest.raises(OperationalError, match="canceling statement due to statement timeout"):
            db.session.execute(slow_row())
        db.session.remove()

    monkeypatch.setattr(export, "prepare", lambda *args, **kwargs: slow_row())
    response = admin_client.get("/admin/reports/transactions.csv")
    assert response.status_code == 200
    assert parse_csv(response.get_data())[1] == [["1"]]


def test_a_page_whose_statement_runs_past_the_bound_says_so_with_a_503(
    app, admin_client, monkeypatch
):
    monkeypatch.setattr(
        "lms.reports.views.course_choices",
        lambda session, viewer: session.execute(slow_row()).all(),
    )
    response = admin_client.get("/admin/reports/")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "took too long" in response.get_data(as_text=True)

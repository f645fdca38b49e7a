"""`flask export` (lms/reports/cli.py): the same CSV as the Reports page, written to a file."""

from report_support import parse_csv
from sqlalchemy import func, select

from lms.db import db
from lms.models import AuditEntry, User, utcnow


def test_writes_the_same_csv_as_the_download(app, admin_client, world, tmp_path):
    target = tmp_path / "tx.csv"
    result = app.test_cli_runner().invoke(args=["export", "transactions", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == admin_client.get("/admin/reports/transactions.csv").get_data()
    assert "Wrote 10 rows of transactions" in result.stderr
    assert not (tmp_path / "tx.csv.part").exists()


def test_filters_and_bom_like_the_page(app, admin_client, world, tmp_path):
    target = tmp_path / "lp.csv"
    args = [
        "export",
        "lesson-progress",
        "--course",
        "mine-101",
        "--from",
        "2000-01-01",
        "--to",
        "2999-12-31",
        "--bom",
        "-o",
        str(target),
    ]
    assert app.test_cli_runner().invoke(args=args).exit_code == 0
    page = admin_client.get(
        "/admin/reports/lesson-progress.csv?course=mine-101&bom=1&from=2000-01-01&to=2999-12-31"
    ).get_data()
    assert target.read_bytes() == page and page.startswith(b"\xef\xbb\xbf")
    assert len(parse_csv(page)[1]) == 4


def test_default_file_name_is_the_report_and_the_date(app, world, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert app.test_cli_runner().invoke(args=["export", "certificates"]).exit_code == 0
    written = tmp_path / f"certificates-{utcnow().date().isoformat()}.csv"
    assert len(parse_csv(written.read_bytes())[1]) == 3


def test_dash_writes_to_stdout(app, world):
    result = app.test_cli_runner().invoke(args=["export", "revenue-by-course", "-o", "-"])
    assert result.exit_code == 0
    assert result.stdout.startswith("course_title,course_slug,course_id,currency,")


def test_bad_input_fails_with_a_message_and_no_file(app, world, tmp_path):
    target = tmp_path / "x.csv"
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["export", "transactions", "--from", "31/01/2024", "-o", str(target)]
    )
    assert result.exit_code == 2 and "must be a date written YYYY-MM-DD" in result.output
    result = runner.invoke(args=["export", "lesson-progress", "-o", str(target)])
    assert result.exit_code == 2 and "is for one course" in result.output
    result = runner.invoke(args=["export", "nonsense"])
    assert result.exit_code == 2
    assert not target.exists()


def test_command_line_exports_are_audited(app, world, tmp_path):
    args = ["export", "users", "-o", str(tmp_path / "u.csv")]
    assert app.test_cli_runner().invoke(args=args).exit_code == 0
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry)).one()
        users = db.session.scalar(select(func.count()).select_from(User))
    assert (entry.action, entry.table_name, entry.user_id) == ("export", "users", None)
    assert entry.details["source"] == "command line" and entry.details["complete"] is True
    assert entry.details["rows"] == users == 5

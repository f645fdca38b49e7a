"""course_analytics refresh: one set-based statement, right numbers, the command, admin button."""

import re
from datetime import datetime
from decimal import Decimal

import factories as fx
import pytest
from sqlalchemy import event, select, text
from support import csrf_token_from

from lms.analytics.refresh import refresh_course_analytics, refresh_everything
from lms.db import db
from lms.models import AuditEntry, Course, CourseAnalytics, User

STALE = datetime(2020, 1, 1)


def analytics_by_title(app, dataset) -> dict:
    titles = {dataset.ids[k]: f"Course {k}" for k in "ABCD"}
    with app.app_context():
        rows = db.session.scalars(select(CourseAnalytics)).all()
        return {titles[r.course_id]: r for r in rows}


def test_refresh_computes_every_course_in_one_statement(app, dataset):
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        count = refresh_course_analytics(db.session, now=datetime(2026, 3, 15, 12))
        db.session.commit()
    assert count == 4
    assert len([s for s in statements if "course_analytics" in s]) == 1
    rows = analytics_by_title(app, dataset)
    a, b, c, d = (rows[f"Course {k}"] for k in "ABCD")
    assert (a.total_enrollments, a.active_enrollments) == (6, 4)
    assert round(a.completion_rate, 6) == round(100 / 6, 6)
    assert a.average_progress == 37.5  # (100 + 25 + 25 + 0 + 75 + 0) / 6
    assert a.total_revenue == Decimal("100.28")  # completed only; the refund is not revenue
    assert (b.total_enrollments, b.completion_rate, b.total_revenue) == (1, 100.0, Decimal("19.99"))
    # Course C sells in USD: its EUR sale is not added to a USD total.
    assert (c.active_enrollments, c.average_progress, c.total_revenue) == (
        1,
        25.0,
        Decimal("100.00"),
    )
    assert (d.total_enrollments, d.completion_rate, d.total_revenue) == (0, 0.0, Decimal(0))
    assert all(r.last_calculated_at == datetime(2026, 3, 15, 12) for r in rows.values())
    assert all(r.id.startswith("c") and len(r.id) == 25 for r in rows.values())


def test_refresh_updates_existing_rows_in_place(app, dataset):
    with app.app_context():
        db.session.add(
            CourseAnalytics(
                id="existing-row",
                course_id=dataset.ids["A"],
                total_enrollments=999,
                average_rating=4.5,
                last_calculated_at=STALE,
            )
        )
        db.session.commit()
        refresh_course_analytics(db.session)
        refresh_course_analytics(db.session)
        db.session.commit()
    rows = analytics_by_title(app, dataset)
    assert len(rows) == 4
    a = rows["Course A"]
    assert (a.id, a.total_enrollments, a.average_rating) == ("existing-row", 6, 4.5)
    assert a.last_calculated_at > STALE


def test_cli_command(app, dataset):
    result = app.test_cli_runner().invoke(args=["analytics", "refresh"])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"Updated 4 courses in [\d.]+ s; rebuilt the dashboards' rollups in", result.output
    ), result.output
    assert "course_sales" in result.output  # progress, step by step
    assert len(analytics_by_title(app, dataset)) == 4
    help_text = app.test_cli_runner().invoke(args=["analytics", "refresh", "--help"]).output
    assert "one SQL statement" in help_text


def test_admin_button_refreshes_audits_and_shows_when(app, admin_client, dataset):
    page = admin_client.get("/admin/analytics/courses/").get_data(as_text=True)
    assert "has not been calculated yet" in page
    response = admin_client.post(
        "/admin/analytics/refresh/",
        data={"csrf_token": csrf_token_from(page), "next": "/admin/analytics/courses/?course="},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/analytics/courses/?course="
    page = admin_client.get("/admin/analytics/courses/").get_data(as_text=True)
    assert "rollups recalculated (4 courses)" in page
    assert "all time, as of" in page and "Course A" in page
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.table_name, entry.details) == (
        "refresh",
        "course_analytics",
        {"courses": 4, "rollups": True},
    )


def test_button_needs_csrf_and_refuses_open_redirects(admin_client, dataset):
    assert admin_client.post("/admin/analytics/refresh/").status_code == 400
    page = admin_client.get("/admin/analytics/courses/").get_data(as_text=True)
    response = admin_client.post(
        "/admin/analytics/refresh/",
        data={"csrf_token": csrf_token_from(page), "next": "//evil.example.com/"},
    )
    assert response.headers["Location"] == "/admin/analytics/courses/"


def test_instructors_can_read_but_not_refresh(instructor_client, dataset):
    page = instructor_client.get("/admin/analytics/courses/").get_data(as_text=True)
    assert "refresh-analytics" not in page
    response = instructor_client.post(
        "/admin/analytics/refresh/", data={"csrf_token": csrf_token_from(page)}
    )
    assert response.status_code == 403


def test_rebuilt_tables_keep_the_migrated_shape(app, dataset):
    """The refresh builds new tables and swaps them in: names, types, keys must not drift."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import text

    with app.app_context():
        refresh_everything(db.session)
        db.session.commit()
        refresh_everything(db.session)  # and again, over the swapped-in tables
        db.session.commit()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            assert compare_metadata(context, db.metadata) == []
            kinds = dict(
                conn.execute(
                    text(
                        "SELECT relname, relpersistence FROM pg_class"
                        " WHERE relname LIKE 'analytics_%'"
                    )
                ).all()
            )
    assert kinds and set(kinds.values()) == {"u"}  # unlogged tables and their indexes
    assert not any(name.endswith("_next") or "_next_" in name for name in kinds)


def test_a_failed_refresh_changes_nothing_and_says_so(app, admin_client, dataset, monkeypatch):
    import lms.analytics.rollups as rollups

    monkeypatch.setattr(rollups, "STATEMENTS", [("broken", "SELECT * FROM no_such_table")])
    page = admin_client.get("/admin/analytics/courses/").get_data(as_text=True)
    response = admin_client.post(
        "/admin/analytics/refresh/", data={"csrf_token": csrf_token_from(page)}
    )
    assert response.status_code == 302
    page = admin_client.get("/admin/analytics/courses/").get_data(as_text=True)
    assert "The recalculation failed and nothing was changed" in page
    assert len(analytics_by_title(app, dataset)) == 0  # course_analytics rolled back too


def test_average_progress_counts_enrolled_students_without_progress_as_zero(app, dataset):
    with app.app_context():
        users = {u.email: u for u in db.session.scalars(select(User))}
        course_b = db.session.get(Course, dataset.ids["B"])
        course_d = db.session.get(Course, dataset.ids["D"])
        # s7 enrolls in B and D and opens neither: no course_progress rows.
        fx.make_enrollment(users["s7@example.com"], course_b)
        fx.make_enrollment(users["s7@example.com"], course_d)
        # A progress record without an enrollment is nobody's progress in the course.
        fx.make_progress(users["s6@example.com"], course_d, progress_percent=80)
        empty = fx.make_course(title="Course E", slug="course-e")  # nobody enrolled
        refresh_course_analytics(db.session, now=datetime(2026, 3, 15, 12))
        db.session.commit()
        stored = {
            r.course_id: r.average_progress for r in db.session.scalars(select(CourseAnalytics))
        }
        # Written apart: per course, the mean over its enrollments of the student's progress
        # in it, 0 when the student has no progress record; a course nobody enrolled in is 0.
        expected = dict(
            db.session.execute(
                text("""
                SELECT c.id, coalesce((
                    SELECT avg(coalesce(cp."progressPercent", 0))
                    FROM enrollments e LEFT JOIN course_progress cp
                         ON cp."userId" = e."userId" AND cp."courseId" = e."courseId"
                    WHERE e."courseId" = c.id), 0)
                FROM courses c""")
            ).all()
        )
        empty_id = empty.id
    assert stored == pytest.approx({key: float(value) for key, value in expected.items()})
    assert stored[dataset.ids["B"]] == 50.0  # (100 + 0) / 2, not 100
    assert stored[dataset.ids["D"]] == 0.0  # one enrollment, never started; not the stray 80
    assert stored[empty_id] == 0.0
    assert stored[dataset.ids["A"]] == 37.5  # unchanged: everyone in A has a record

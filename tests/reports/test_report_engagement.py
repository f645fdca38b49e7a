"""Never-started and stuck students (lms/reports/learners.py), row for row with SQL, scoped."""

from datetime import timedelta

import pytest
from report_support import download, error_message, expected_rows, iso, sql_rows

# Written without lms.reports: a lesson opened is a lesson_progress row, counted per course.
NEVER_STARTED_SQL = """
    SELECT u.email, u.name, c.title, c.slug, e."enrolledAt", e."enrolledAt" AS since
    FROM enrollments e JOIN users u ON u.id = e."userId" JOIN courses c ON c.id = e."courseId"
    LEFT JOIN (
        SELECT p."userId", p."courseId", count(lp.id) AS opened
        FROM course_progress p LEFT JOIN lesson_progress lp ON lp."progressId" = p.id
        GROUP BY p."userId", p."courseId"
    ) s ON s."userId" = e."userId" AND s."courseId" = e."courseId"
    WHERE e.status = 'ACTIVE' AND coalesce(s.opened, 0) = 0 AND {where}
    ORDER BY e."enrolledAt", e.id
"""

# The last completion and the lesson stopped at, as aggregates joined in (the report uses
# correlated subqueries).
STUCK_SQL = """
    WITH done AS (
        SELECT "progressId", max("completedAt") AS last_done
        FROM lesson_progress WHERE completed GROUP BY "progressId"
    ), open AS (
        SELECT DISTINCT ON (lp."progressId") lp."progressId", l.title
        FROM lesson_progress lp JOIN lessons l ON l.id = lp."lessonId"
        WHERE NOT lp.completed ORDER BY lp."progressId", lp."lastWatchedAt" DESC, lp.id
    )
    SELECT u.email, u.name, c.title, c.slug, p."progressPercent", p."lastAccessedAt",
           d.last_done, o.title, coalesce(d.last_done, p."startedAt") AS since
    FROM course_progress p
    JOIN enrollments e ON e."userId" = p."userId" AND e."courseId" = p."courseId"
    JOIN users u ON u.id = p."userId" JOIN courses c ON c.id = p."courseId"
    LEFT JOIN done d ON d."progressId" = p.id LEFT JOIN open o ON o."progressId" = p.id
    WHERE e.status = 'ACTIVE' AND p."progressPercent" BETWEEN 1 AND 99
      AND p."lastAccessedAt" >= :as_of - interval '30 days'
      AND p."startedAt" < :as_of - interval '14 days'
      AND (d.last_done IS NULL OR d.last_done < :as_of - interval '14 days')
      AND {where}
    ORDER BY since, p.id
"""


@pytest.fixture
def as_of(monkeypatch, unstarted_and_stuck):
    """Exports run at the world's `now`, so that its boundaries hold to the millisecond."""
    now = unstarted_and_stuck["now"]
    monkeypatch.setattr("lms.reports.filters.utcnow", lambda: now)
    return now


def expected(app, sql: str, as_of, where: str = "true", **params) -> list[list]:
    """The SQL rows as cells, their last value (a moment) made whole days up to `as_of`."""
    rows = sql_rows(app, sql.format(where=where), as_of=as_of, **params)
    return [[*expected_rows([row[:-1]])[0], str((as_of - row[-1]).days)] for row in rows]


def emails(rows) -> list[str]:
    return [row[0].removesuffix("@example.com") for row in rows]


def test_reports_page_offers_both_reports_to_admins_and_instructors(
    admin_client, instructor_client
):
    for client in (admin_client, instructor_client):
        page = client.get("/admin/reports/").get_data(as_text=True)
        assert 'id="download-never-started"' in page
        assert 'id="download-stuck-students"' in page
        assert "completed no lesson for 14 days" in page


def test_never_started_are_active_enrollments_without_a_lesson_opened(app, admin_client, as_of):
    _response, header, rows = download(admin_client, "never-started")
    assert header == [
        "user_email",
        "user_name",
        "course_title",
        "course_slug",
        "enrolled_at",
        "days_since_enrolled",
    ]
    assert rows == expected(app, NEVER_STARTED_SQL, as_of)
    # No progress row (dee, hal), a progress row without lessons (eve), a lesson opened in
    # another course only (ivy); not the cancelled or expired, nor whoever opened a lesson.
    assert emails(rows) == ["dee", "eve", "ivy", "hal"]
    assert [row[3] for row in rows] == ["habits-301"] * 3 + ["theirs-201"]
    assert [row[5] for row in rows] == ["20", "10", "7", "5"]


def test_instructor_never_started_holds_only_their_courses(app, instructor_client, as_of):
    _response, _header, rows = download(instructor_client, "never-started")
    where = f"c.\"instructorId\" = '{instructor_client.user_id}'"
    assert rows == expected(app, NEVER_STARTED_SQL, as_of, where)
    assert emails(rows) == ["dee", "eve", "ivy"]


def test_never_started_of_one_course_and_enrolled_between_two_dates(
    app, admin_client, unstarted_and_stuck, as_of
):
    _response, _header, rows = download(admin_client, "never-started", course="theirs-201")
    where = f"e.\"courseId\" = '{unstarted_and_stuck['theirs']}'"
    assert rows == expected(app, NEVER_STARTED_SQL, as_of, where)
    assert emails(rows) == ["hal"]

    day_from, day_to = ((as_of - timedelta(days=n)).date() for n in (12, 6))
    dates = {"from": day_from.isoformat(), "to": day_to.isoformat()}
    _response, _header, rows = download(admin_client, "never-started", **dates)
    where = 'e."enrolledAt" >= :day_from AND e."enrolledAt" < :day_to + interval \'1 day\''
    assert rows == expected(app, NEVER_STARTED_SQL, as_of, where, day_from=day_from, day_to=day_to)
    assert emails(rows) == ["eve", "ivy"]


def test_stuck_students_come_back_but_complete_nothing_for_14_days(app, admin_client, as_of):
    _response, header, rows = download(admin_client, "stuck-students")
    assert header == [
        "user_email",
        "user_name",
        "course_title",
        "course_slug",
        "progress_percent",
        "last_accessed_at",
        "last_lesson_completed_at",
        "stuck_on",
        "days_without_progress",
    ]
    assert rows == expected(app, STUCK_SQL, as_of)
    # Longest without progress first. Jo completed a lesson 14 days and 1 ms ago (Kim 1 ms
    # less: not stuck); Mo came back 30 days less 1 ms ago (Ned 1 ms earlier: inactive).
    assert emails(rows) == ["mo", "qin", "vic", "jo"]
    by_name = dict(zip(emails(rows), rows, strict=True))
    last_completed = iso(as_of - timedelta(days=14, milliseconds=1))
    assert by_name["jo"][6:] == [last_completed, "'=Hard part", "14"]
    assert by_name["qin"][6:] == ["", "'=Hard part", "21"]  # no lesson completed yet
    assert by_name["mo"][7:] == ["", "45"]  # every lesson opened is completed


def test_stuck_and_inactive_students_are_never_the_same(admin_client, as_of):
    _response, _header, stuck = download(admin_client, "stuck-students")
    _response, _header, inactive = download(admin_client, "inactive-students")
    assert "ned" in emails(inactive) and "ned" not in emails(stuck)
    assert not {(row[0], row[3]) for row in stuck} & {(row[0], row[3]) for row in inactive}


def test_instructor_stuck_students_hold_only_their_courses(app, instructor_client, as_of):
    _response, _header, rows = download(instructor_client, "stuck-students")
    where = f"c.\"instructorId\" = '{instructor_client.user_id}'"
    assert rows == expected(app, STUCK_SQL, as_of, where)
    assert emails(rows) == ["mo", "qin", "jo"]
    response = instructor_client.get("/admin/reports/stuck-students.csv?course=theirs-201")
    assert response.status_code == 400
    assert "among the courses you teach" in error_message(response)


def test_stuck_students_of_one_course_and_last_accessed_between_two_dates(
    app, admin_client, unstarted_and_stuck, as_of
):
    _response, _header, rows = download(admin_client, "stuck-students", course="theirs-201")
    where = f"p.\"courseId\" = '{unstarted_and_stuck['theirs']}'"
    assert rows == expected(app, STUCK_SQL, as_of, where)
    assert emails(rows) == ["vic"]

    day_from, day_to = ((as_of - timedelta(days=n)).date() for n in (31, 3))
    dates = {"from": day_from.isoformat(), "to": day_to.isoformat()}
    _response, _header, rows = download(admin_client, "stuck-students", **dates)
    where = 'p."lastAccessedAt" >= :day_from AND p."lastAccessedAt" < :day_to + interval \'1 day\''
    assert rows == expected(app, STUCK_SQL, as_of, where, day_from=day_from, day_to=day_to)
    assert emails(rows) == ["mo"]

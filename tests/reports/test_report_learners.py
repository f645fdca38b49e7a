"""Learner reports (lms/reports/learners.py), row for row with SQL, scoped and neutralised."""

from report_support import (
    HOSTILE_COURSE_TITLE,
    HOSTILE_NAMES,
    download,
    error_message,
    expected_rows,
    safe,
    sql_rows,
)

ENROLLMENTS_SQL = """
    SELECT e.id, u.email, u.name, c.title, c.slug, e.status::text, e."paymentStatus"::text,
           e."paymentAmount", e."paymentCurrency", e."enrolledAt", e."completedAt", e."expiresAt"
    FROM enrollments e JOIN users u ON u.id = e."userId" JOIN courses c ON c.id = e."courseId"
    WHERE {where} ORDER BY e."enrolledAt" DESC, e.id
"""


def test_enrollments_match_sql(app, admin_client, world):
    _response, header, rows = download(admin_client, "enrollments")
    assert header == [
        "enrollment_id",
        "user_email",
        "user_name",
        "course_title",
        "course_slug",
        "status",
        "payment_status",
        "payment_amount",
        "payment_currency",
        "enrolled_at",
        "completed_at",
        "expires_at",
    ]
    assert rows == expected_rows(sql_rows(app, ENROLLMENTS_SQL.format(where="true")))
    assert len(rows) == 3


def test_formula_payloads_in_titles_and_names_are_neutralised(admin_client, world):
    _response, header, rows = download(admin_client, "enrollments")
    titles = {row[header.index("course_title")] for row in rows}
    names = {row[header.index("user_name")] for row in rows}
    emails = {row[header.index("user_email")] for row in rows}
    assert "'" + HOSTILE_COURSE_TITLE in titles
    assert {"'" + HOSTILE_NAMES[0], HOSTILE_NAMES[1], "'" + HOSTILE_NAMES[2]} == names
    assert "'-bob@example.com" in emails
    # Quotes, a comma and a line break survive RFC 4180 quoting intact.
    assert 'Bob "the builder", second\nline' in names


def test_instructor_enrollments_hold_only_their_courses(app, instructor_client, world):
    _response, header, rows = download(instructor_client, "enrollments")
    where = f"c.\"instructorId\" = '{world['me']}'"
    assert rows == expected_rows(sql_rows(app, ENROLLMENTS_SQL.format(where=where)))
    assert {row[header.index("course_slug")] for row in rows} == {"mine-101"}


PROGRESS_SQL = """
    SELECT u.email, u.name, c.title, c.slug, p."completedLessons", p."totalLessons",
           p."progressPercent", p."startedAt", p."lastAccessedAt", p."completedAt"
    FROM course_progress p JOIN users u ON u.id = p."userId" JOIN courses c ON c.id = p."courseId"
    WHERE {where} ORDER BY p."lastAccessedAt" DESC, p.id
"""


def test_course_progress_matches_sql(app, admin_client, instructor_client, world):
    _response, _header, rows = download(admin_client, "course-progress")
    assert rows == expected_rows(sql_rows(app, PROGRESS_SQL.format(where="true")))
    _response, _header, rows = download(instructor_client, "course-progress")
    where = f"c.\"instructorId\" = '{world['me']}'"
    assert rows == expected_rows(sql_rows(app, PROGRESS_SQL.format(where=where)))
    assert len(rows) == 3


LESSON_PROGRESS_SQL = """
    SELECT u.email, u.name, m."order", m.title, l."order", l.title, lp.completed, lp."completedAt",
           lp."watchTimeSeconds", lp."lastWatchedAt"
    FROM lesson_progress lp JOIN course_progress p ON p.id = lp."progressId"
    JOIN users u ON u.id = p."userId" JOIN lessons l ON l.id = lp."lessonId"
    JOIN course_modules m ON m.id = l."moduleId"
    WHERE p."courseId" = :course ORDER BY u.email, m."order", l."order", lp.id
"""


def test_lesson_progress_of_one_course_matches_sql(app, instructor_client, world):
    _response, header, rows = download(instructor_client, "lesson-progress", course="mine-101")
    assert header[:6] == [
        "user_email",
        "user_name",
        "module_order",
        "module_title",
        "lesson_order",
        "lesson_title",
    ]
    assert rows == expected_rows(sql_rows(app, LESSON_PROGRESS_SQL, course=world["mine"]))
    assert [row[5] for row in rows] == ["'=Lesson one", "Lesson two"] * 2
    assert {row[3] for row in rows} == {"'-Intro"}


def test_lesson_progress_of_another_instructors_course_is_refused(instructor_client, world):
    response = instructor_client.get("/admin/reports/lesson-progress.csv?course=theirs-201")
    assert response.status_code == 400
    assert "no course with the slug 'theirs-201' among the courses you teach" in error_message(
        response
    )


QUIZ_SQL = """
    SELECT a.id, q.title, c.title, u.email, u.name, a.score, a.passed, a."startedAt",
           a."completedAt"
    FROM quiz_attempts a JOIN quizzes q ON q.id = a."quizId" JOIN courses c ON c.id = q."courseId"
    JOIN users u ON u.id = a."userId"
    WHERE {where} ORDER BY a."startedAt" DESC, a.id
"""


def test_quiz_attempts_match_sql_without_answers(app, admin_client, instructor_client, world):
    response, header, rows = download(admin_client, "quiz-attempts")
    assert rows == expected_rows(sql_rows(app, QUIZ_SQL.format(where="true")))
    assert "answers" not in header and '"q1"' not in response.get_data(as_text=True)
    _response, _header, rows = download(instructor_client, "quiz-attempts")
    where = f"c.\"instructorId\" = '{world['me']}'"
    assert rows == expected_rows(sql_rows(app, QUIZ_SQL.format(where=where)))
    assert [(row[1], row[5], row[6]) for row in rows] == [
        ("'+Quiz one", "90.5", "true"),
        ("'+Quiz one", "40", "false"),
    ]


CERTIFICATES_SQL = """
    SELECT x."certificateNo", x."userId", COALESCE(u.email, '(deleted user)'), u.name,
           x."courseId", COALESCE(c.title, '(deleted course)'), x."issuedAt", x."expiresAt",
           x."pdfUrl"
    FROM certificates x LEFT JOIN users u ON u.id = x."userId"
    LEFT JOIN courses c ON c.id = x."courseId"
    WHERE {where} ORDER BY x."issuedAt" DESC, x.id
"""


def test_certificates_match_sql_and_outlive_their_course(app, admin_client, world):
    _response, _header, rows = download(admin_client, "certificates")
    assert rows == expected_rows(sql_rows(app, CERTIFICATES_SQL.format(where="true")))
    assert rows[-1][:1] + rows[-1][2:3] + rows[-1][5:6] == [
        "CERT-GONE",
        "(deleted user)",
        "(deleted course)",
    ]
    assert rows[1][0] == "'=CERT-1"


def test_instructor_certificates_hold_only_their_courses(app, instructor_client, world):
    _response, _header, rows = download(instructor_client, "certificates")
    where = f"c.\"instructorId\" = '{world['me']}'"
    assert rows == expected_rows(sql_rows(app, CERTIFICATES_SQL.format(where=where)))
    assert len(rows) == 1


USERS_SQL = """
    SELECT id, email, name, role::text, "emailVerified", "createdAt", "updatedAt"
    FROM users WHERE {where} ORDER BY "createdAt" DESC, id
"""


def test_users_report_matches_sql_and_holds_no_secrets(app, admin_client, world):
    response, header, rows = download(admin_client, "users")
    assert header == [
        "user_id",
        "email",
        "name",
        "role",
        "email_verified",
        "created_at",
        "updated_at",
    ]
    assert rows == expected_rows(sql_rows(app, USERS_SQL.format(where="true")))
    body = response.get_data(as_text=True)
    for secret in ("SECRET-ACCESS", "SECRET-REFRESH", "SECRET-SESSION", "SECRET-ANSWER", "$argon2"):
        assert secret not in body


def test_users_report_with_a_course_lists_its_students(app, admin_client, world):
    _response, _header, rows = download(admin_client, "users", course="mine-101")
    where = f"""id IN (SELECT "userId" FROM enrollments WHERE "courseId" = '{world["mine"]}')"""
    assert rows == expected_rows(sql_rows(app, USERS_SQL.format(where=where)))
    assert len(rows) == 2


def test_users_report_is_refused_to_instructors(instructor_client, world):
    assert instructor_client.get("/admin/reports/users.csv").status_code == 403


INACTIVE_SQL = """
    SELECT u.email, u.name, c.title, c.slug, p."progressPercent", p."lastAccessedAt"
    FROM course_progress p JOIN users u ON u.id = p."userId" JOIN courses c ON c.id = p."courseId"
    WHERE p."lastAccessedAt" < now() AT TIME ZONE 'UTC' - interval '30 days'
      AND p."progressPercent" < 100 AND {where}
    ORDER BY p."lastAccessedAt", p.id
"""


def test_inactive_students_are_unfinished_and_away_30_days(
    app, admin_client, instructor_client, world
):
    _response, header, rows = download(admin_client, "inactive-students")
    assert header[-1] == "days_inactive"
    assert [row[:6] for row in rows] == expected_rows(
        sql_rows(app, INACTIVE_SQL.format(where="true"))
    )
    assert [row[6] for row in rows] == ["60", "45"]
    _response, _header, rows = download(instructor_client, "inactive-students")
    assert [(row[0], row[2]) for row in rows] == [("'-bob@example.com", safe(HOSTILE_COURSE_TITLE))]

"""lms/scoping.py: every form of the instructor rule selects the same rows, row for row.

The forms: the admin scopes (id lists, used by lists, details, edits, actions, exports and
lookups), the SQL text fragment (analytics), the report scope through the reports' own
course alias, and the report course lookups. Checked on the demo data and on `medium` for
every instructor (and a student id, who teaches nothing).
"""

import pytest
from sqlalchemy import select, text

from lms import scoping
from lms.db import db
from lms.models import (
    Certificate,
    Course,
    CourseAnalytics,
    CourseModule,
    CourseProgress,
    Enrollment,
    Lesson,
    LessonProgress,
    Question,
    Quiz,
    QuizAttempt,
    Transaction,
    User,
    UserRole,
    utcnow,
)
from lms.reports.base import RowReport
from lms.reports.filters import ReportFilters, course_choices, resolve_course
from lms.reports.registry import REPORTS
from lms.roles import Viewer

# Each scoped table, its admin scope, and how SQL text reaches its course id from alias `t`.
TABLES = [
    (Course, scoping.courses, "t.id"),
    (CourseModule, scoping.modules, 't."courseId"'),
    (Enrollment, scoping.enrollments, 't."courseId"'),
    (CourseProgress, scoping.course_progress, 't."courseId"'),
    (Transaction, scoping.transactions, 't."courseId"'),
    (Quiz, scoping.quizzes, 't."courseId"'),
    (Certificate, scoping.certificates, 't."courseId"'),
    (CourseAnalytics, scoping.course_analytics, 't."courseId"'),
    (
        Lesson,
        scoping.lessons,
        '(SELECT m."courseId" FROM course_modules m WHERE m.id = t."moduleId")',
    ),
    (
        LessonProgress,
        scoping.lesson_progress,
        '(SELECT m."courseId" FROM lessons l JOIN course_modules m ON m.id = l."moduleId"'
        ' WHERE l.id = t."lessonId")',
    ),
    (Question, scoping.questions, '(SELECT q."courseId" FROM quizzes q WHERE q.id = t."quizId")'),
    (
        QuizAttempt,
        scoping.quiz_attempts,
        '(SELECT q."courseId" FROM quizzes q WHERE q.id = t."quizId")',
    ),
]


def instructors_and_a_student() -> list[str]:
    teachers = list(db.session.scalars(select(User.id).where(User.role == UserRole.INSTRUCTOR)))
    student = db.session.scalar(select(User.id).where(User.role == UserRole.STUDENT).limit(1))
    return [*teachers, student]


def by_admin_scope(model, scope, instructor_id) -> set[str]:
    return {row.id for row in scope(db.session.query(model), instructor_id)}


def by_sql_text(model, course_of_row: str, instructor_id) -> set[str]:
    condition = scoping.taught_course_sql(course_of_row)
    sql = f"SELECT t.id FROM {model.__tablename__} t WHERE {condition}"
    return set(db.session.scalars(text(sql), {"instructor_id": instructor_id}))


def by_report(report: RowReport, instructor_id) -> set[str]:
    pk = report.model.__mapper__.primary_key[0]
    stmt = report.with_joins(select(pk).select_from(report.model))
    return set(db.session.scalars(report.scope(stmt, Viewer(UserRole.INSTRUCTOR, instructor_id))))


def row_reports() -> dict[type, list[RowReport]]:
    reports: dict[type, list[RowReport]] = {}
    for report in REPORTS.values():
        if isinstance(report, RowReport) and UserRole.INSTRUCTOR in report.roles:
            reports.setdefault(report.model, []).append(report)
    return reports


@pytest.fixture(params=["demo", "medium"])
def data_app(request):
    return request.getfixturevalue(f"{request.param}_app")


def test_every_form_of_the_rule_selects_the_same_rows(data_app):
    with data_app.app_context():
        people = instructors_and_a_student()
        reports = row_reports()
        assert set(reports) <= {model for model, _, _ in TABLES}, "a report's table is unchecked"
        rows_seen = 0
        for instructor_id in people:
            courses = set(scoping.taught_course_ids(instructor_id))
            assert set(db.session.scalars(scoping.taught_courses(instructor_id))) == courses
            viewer = Viewer(UserRole.INSTRUCTOR, instructor_id)
            slugs = {slug for slug, _title in course_choices(db.session, viewer, limit=10**6)}
            resolved = {
                resolve_course(db.session, ReportFilters(course_slug=slug), viewer).course_id
                for slug in slugs
            }
            assert resolved == courses
            for model, scope, course_of_row in TABLES:
                rows = by_admin_scope(model, scope, instructor_id)
                assert by_sql_text(model, course_of_row, instructor_id) == rows, model
                for report in reports.get(model, []):
                    reached = by_report(report, instructor_id)
                    # A report with conditions of its own (pending payments) keeps to a subset.
                    if tuple(report.conditions(ReportFilters(as_of=utcnow()))):
                        assert reached <= rows, report.name
                    else:
                        assert reached == rows, report.name
                rows_seen += len(rows)
        # Not a vacuous pass: instructors have rows in every data set.
        assert rows_seen > 0


def test_the_rule_is_written_once():
    """No module outside lms/scoping.py compares a course's instructor with a user."""
    import pathlib

    root = pathlib.Path(scoping.__file__).parent
    spellings = ("instructor_id ==", '"instructorId" =', 'instructorId" = :')
    offenders = [
        f"{path.relative_to(root.parent)}: {line.strip()}"
        for path in root.rglob("*.py")
        if path.name != "scoping.py"
        for line in path.read_text().splitlines()
        if any(spelling in line for spelling in spellings)
    ]
    assert offenders == []

"""What an instructor may see: the courses they teach, and the rows that belong to those courses.

The rule is written once, in `teaches`; every other form here is built from it, in the shape
a layer needs:

- `taught_courses(instructor_id)`: a Core SELECT of the course ids (reports, lookups);
- `taught_course_ids(instructor_id)`: the ids as a list (admin lists, which pass literal
  lists: see `_ids`);
- `taught_course_sql(column)`: a SQL fragment for the hand-written analytics queries, with an
  `:instructor_id` parameter;
- the per-table admin scopes at the bottom, f(query, instructor_id) -> query.

tests/test_scoping.py checks that the forms agree row for row on the demo and medium data.
"""

from sqlalchemy import Select, bindparam, select
from sqlalchemy.engine.default import DefaultDialect

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
)


def teaches(course, instructor_id):
    """The rule: an instructor's courses are those naming them as instructor.

    `course` is the Course entity or an alias of it (reports join their own).
    """
    return course.instructor_id == instructor_id


def taught_courses(instructor_id) -> Select:
    """SELECT id FROM courses WHERE the instructor teaches it."""
    return select(Course.id).where(teaches(Course, instructor_id))


# The text form: the Core SELECT compiled once, with a named parameter for text() queries.
_TAUGHT_COURSES_SQL = " ".join(
    str(
        taught_courses(bindparam("instructor_id")).compile(
            dialect=DefaultDialect(paramstyle="named")
        )
    ).split()
)


def taught_course_sql(column: str) -> str:
    """`column IN (the instructor's course ids)`, for SQL text bound with :instructor_id."""
    return f"{column} IN ({_TAUGHT_COURSES_SQL})"


# The instructor's course, module, lesson and quiz ids are fetched first (a few hundred at
# most) and passed as literal lists: with nested IN subqueries PostgreSQL misjudged how many
# rows match and walked a million-row sort index for 25 of them (bench: 589 ms -> 2.4 ms).


def _ids(statement) -> list[str]:
    return list(db.session.scalars(statement))


def taught_course_ids(instructor_id: str) -> list[str]:
    return _ids(taught_courses(instructor_id))


def taught_module_ids(instructor_id: str) -> list[str]:
    return _ids(
        select(CourseModule.id).where(CourseModule.course_id.in_(taught_courses(instructor_id)))
    )


def taught_lesson_ids(instructor_id: str) -> list[str]:
    return _ids(
        select(Lesson.id)
        .join(CourseModule, CourseModule.id == Lesson.module_id)
        .where(CourseModule.course_id.in_(taught_courses(instructor_id)))
    )


def taught_quiz_ids(instructor_id: str) -> list[str]:
    return _ids(select(Quiz.id).where(Quiz.course_id.in_(taught_courses(instructor_id))))


# --- admin scopes: f(query, instructor_id) -> the query limited to that instructor's rows ---


def courses(query, instructor_id):
    return query.filter(teaches(Course, instructor_id))


def by_course_id(column):
    """A scope for any table with a courseId column."""

    def scope(query, instructor_id):
        return query.filter(column.in_(taught_course_ids(instructor_id)))

    return scope


modules = by_course_id(CourseModule.course_id)
enrollments = by_course_id(Enrollment.course_id)
course_progress = by_course_id(CourseProgress.course_id)
transactions = by_course_id(Transaction.course_id)
quizzes = by_course_id(Quiz.course_id)
certificates = by_course_id(Certificate.course_id)
course_analytics = by_course_id(CourseAnalytics.course_id)


def lessons(query, instructor_id):
    return query.filter(Lesson.module_id.in_(taught_module_ids(instructor_id)))


def lesson_progress(query, instructor_id):
    return query.filter(LessonProgress.lesson_id.in_(taught_lesson_ids(instructor_id)))


def questions(query, instructor_id):
    return query.filter(Question.quiz_id.in_(taught_quiz_ids(instructor_id)))


def quiz_attempts(query, instructor_id):
    return query.filter(QuizAttempt.quiz_id.in_(taught_quiz_ids(instructor_id)))


def students(query, instructor_id):
    """Instructors see the users enrolled in their courses (and themselves)."""
    enrolled = select(Enrollment.user_id).where(
        Enrollment.course_id.in_(taught_course_ids(instructor_id))
    )
    return query.filter(User.id.in_(enrolled) | (User.id == instructor_id))


def ALL_ROWS(query, _instructor_id):  # noqa: N802 (reads as a constant in view declarations)
    """The scope of tables every instructor may read in full."""
    return query

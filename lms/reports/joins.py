"""Table aliases private to reports, and how a report shows a name whose row was deleted."""

from sqlalchemy import func
from sqlalchemy.orm import aliased

from lms.models import Course, CourseModule, CourseProgress, Lesson, Quiz, User
from lms.scoping import teaches

# Aliases never clash with the tables a list view joins for its own filters and sort.
USER = aliased(User, name="report_user")
COURSE = aliased(Course, name="report_course")
PROGRESS = aliased(CourseProgress, name="report_progress")
LESSON = aliased(Lesson, name="report_lesson")
MODULE = aliased(CourseModule, name="report_module")
QUIZ = aliased(Quiz, name="report_quiz")

# Payments and certificates outlive their user and course (no foreign key): say so in the cell.
DELETED_USER = "(deleted user)"
DELETED_COURSE = "(deleted course)"


def user_email():
    return func.coalesce(USER.email, DELETED_USER)


def course_title():
    return func.coalesce(COURSE.title, DELETED_COURSE)


def taught_by(instructor_id: str):
    """The instructor scope of every report that reaches its course through COURSE."""
    return teaches(COURSE, instructor_id)

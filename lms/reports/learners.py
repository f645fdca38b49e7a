"""Reports on learners: enrollments, progress, quiz attempts, certificates, users, inactivity."""

from datetime import timedelta

from sqlalchemy import Integer, cast, exists, func

from lms.models import (
    Certificate,
    CourseProgress,
    Enrollment,
    LessonProgress,
    QuizAttempt,
    User,
)
from lms.reports.base import RowReport
from lms.reports.joins import (
    COURSE,
    LESSON,
    MODULE,
    PROGRESS,
    QUIZ,
    USER,
    course_title,
    taught_by,
    user_email,
)
from lms.roles import ADMIN

INACTIVE_AFTER = timedelta(days=30)

enrollments = RowReport(
    name="enrollments",
    title="Enrollments",
    description="Every enrollment with the student, the course, its statuses and the amount paid.",
    date_label="enrolled",
    model=Enrollment,
    columns=(
        ("enrollment_id", Enrollment.id),
        ("user_email", user_email()),
        ("user_name", USER.name),
        ("course_title", course_title()),
        ("course_slug", COURSE.slug),
        ("status", Enrollment.status),
        ("payment_status", Enrollment.payment_status),
        ("payment_amount", Enrollment.payment_amount),
        ("payment_currency", Enrollment.payment_currency),
        ("enrolled_at", Enrollment.enrolled_at),
        ("completed_at", Enrollment.completed_at),
        ("expires_at", Enrollment.expires_at),
    ),
    joins=((USER, USER.id == Enrollment.user_id), (COURSE, COURSE.id == Enrollment.course_id)),
    date_column=Enrollment.enrolled_at,
    order_by=(Enrollment.enrolled_at.desc(), Enrollment.id),
    instructor_scope=taught_by,
    course_filter=lambda course_id: Enrollment.course_id == course_id,
)

PROGRESS_COLUMNS = (
    ("user_email", user_email()),
    ("user_name", USER.name),
    ("course_title", course_title()),
    ("course_slug", COURSE.slug),
    ("completed_lessons", CourseProgress.completed_lessons),
    ("total_lessons", CourseProgress.total_lessons),
    ("progress_percent", CourseProgress.progress_percent),
    ("started_at", CourseProgress.started_at),
    ("last_accessed_at", CourseProgress.last_accessed_at),
    ("completed_at", CourseProgress.completed_at),
)
PROGRESS_JOINS = (
    (USER, USER.id == CourseProgress.user_id),
    (COURSE, COURSE.id == CourseProgress.course_id),
)

course_progress = RowReport(
    name="course-progress",
    title="Course progress",
    description="How far each student has got in each course.",
    date_label="last accessed",
    model=CourseProgress,
    columns=PROGRESS_COLUMNS,
    joins=PROGRESS_JOINS,
    date_column=CourseProgress.last_accessed_at,
    order_by=(CourseProgress.last_accessed_at.desc(), CourseProgress.id),
    instructor_scope=taught_by,
    course_filter=lambda course_id: CourseProgress.course_id == course_id,
)


def inactive_conditions(filters):
    """The spec's re-engagement query: untouched for 30 days and not finished."""
    return (
        CourseProgress.last_accessed_at < filters.as_of - INACTIVE_AFTER,
        CourseProgress.progress_percent < 100,
    )


def days_inactive(filters):
    """Whole days since the last access, counted from the moment of the export."""
    return cast(func.extract("day", filters.as_of - CourseProgress.last_accessed_at), Integer)


inactive_students = RowReport(
    name="inactive-students",
    title="Inactive students",
    description="Students who have not opened an unfinished course for 30 days or more.",
    date_label="last accessed",
    model=CourseProgress,
    columns=(
        *PROGRESS_COLUMNS[:4],
        ("progress_percent", CourseProgress.progress_percent),
        ("last_accessed_at", CourseProgress.last_accessed_at),
        ("days_inactive", days_inactive),
    ),
    joins=PROGRESS_JOINS,
    date_column=CourseProgress.last_accessed_at,
    order_by=(CourseProgress.last_accessed_at, CourseProgress.id),
    instructor_scope=taught_by,
    course_filter=lambda course_id: CourseProgress.course_id == course_id,
    conditions=inactive_conditions,
)

lesson_progress = RowReport(
    name="lesson-progress",
    title="Lesson progress (one course)",
    description="Each student's progress through each lesson of one course.",
    date_label="last watched",
    model=LessonProgress,
    course_required=True,
    columns=(
        ("user_email", user_email()),
        ("user_name", USER.name),
        ("module_order", MODULE.order),
        ("module_title", MODULE.title),
        ("lesson_order", LESSON.order),
        ("lesson_title", LESSON.title),
        ("completed", LessonProgress.completed),
        ("completed_at", LessonProgress.completed_at),
        ("watch_time_seconds", LessonProgress.watch_time_seconds),
        ("last_watched_at", LessonProgress.last_watched_at),
    ),
    joins=(
        (PROGRESS, PROGRESS.id == LessonProgress.progress_id),
        (USER, USER.id == PROGRESS.user_id),
        (LESSON, LESSON.id == LessonProgress.lesson_id),
        (MODULE, MODULE.id == LESSON.module_id),
        (COURSE, COURSE.id == PROGRESS.course_id),
    ),
    date_column=LessonProgress.last_watched_at,
    order_by=(USER.email, MODULE.order, LESSON.order, LessonProgress.id),
    instructor_scope=taught_by,
    course_filter=lambda course_id: PROGRESS.course_id == course_id,
)

quiz_attempts = RowReport(
    name="quiz-attempts",
    title="Quiz attempts",
    description="Every quiz attempt with its score (answers are not exported).",
    date_label="started",
    model=QuizAttempt,
    columns=(
        ("attempt_id", QuizAttempt.id),
        ("quiz_title", QUIZ.title),
        ("course_title", course_title()),
        ("user_email", user_email()),
        ("user_name", USER.name),
        ("score", QuizAttempt.score),
        ("passed", QuizAttempt.passed),
        ("started_at", QuizAttempt.started_at),
        ("completed_at", QuizAttempt.completed_at),
    ),
    joins=(
        (QUIZ, QUIZ.id == QuizAttempt.quiz_id),
        (COURSE, COURSE.id == QUIZ.course_id),
        (USER, USER.id == QuizAttempt.user_id),
    ),
    date_column=QuizAttempt.started_at,
    order_by=(QuizAttempt.started_at.desc(), QuizAttempt.id),
    instructor_scope=taught_by,
    course_filter=lambda course_id: QUIZ.course_id == course_id,
)

certificates = RowReport(
    name="certificates",
    title="Certificates",
    description="Certificates issued, with the student and course (kept after either is deleted).",
    date_label="issued",
    model=Certificate,
    columns=(
        ("certificate_no", Certificate.certificate_no),
        ("user_id", Certificate.user_id),
        ("user_email", user_email()),
        ("user_name", USER.name),
        ("course_id", Certificate.course_id),
        ("course_title", course_title()),
        ("issued_at", Certificate.issued_at),
        ("expires_at", Certificate.expires_at),
        ("pdf_url", Certificate.pdf_url),
    ),
    joins=((USER, USER.id == Certificate.user_id), (COURSE, COURSE.id == Certificate.course_id)),
    date_column=Certificate.issued_at,
    order_by=(Certificate.issued_at.desc(), Certificate.id),
    instructor_scope=taught_by,
    course_filter=lambda course_id: Certificate.course_id == course_id,
)

users = RowReport(
    name="users",
    title="Users",
    description="Every user account (admins only). No passwords, tokens or sessions.",
    date_label="created",
    model=User,
    roles=ADMIN,
    columns=(
        ("user_id", User.id),
        ("email", User.email),
        ("name", User.name),
        ("role", User.role),
        ("email_verified", User.email_verified),
        ("created_at", User.created_at),
        ("updated_at", User.updated_at),
    ),
    date_column=User.created_at,
    order_by=(User.created_at.desc(), User.id),
    # With a course: the users enrolled in it.
    course_filter=lambda course_id: exists().where(
        Enrollment.user_id == User.id, Enrollment.course_id == course_id
    ),
)

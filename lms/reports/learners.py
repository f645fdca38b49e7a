"""Reports on learners: enrollments, progress, quiz attempts, certificates, users, engagement."""

from datetime import timedelta

from sqlalchemy import Integer, cast, exists, false, func, select, true

from lms.models import (
    Certificate,
    CourseProgress,
    Enrollment,
    EnrollmentStatus,
    Lesson,
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
# Stuck: back within INACTIVE_AFTER (else inactive, a report of its own), yet no lesson
# completed for STUCK_AFTER, in a course begun more than STUCK_AFTER ago (newcomers get time).
STUCK_AFTER = timedelta(days=14)

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


def days_since(moment):
    """f(filters): whole days from `moment` up to the moment of the export."""
    return lambda filters: cast(func.extract("day", filters.as_of - moment), Integer)


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
        ("days_inactive", days_since(CourseProgress.last_accessed_at)),
    ),
    joins=PROGRESS_JOINS,
    date_column=CourseProgress.last_accessed_at,
    order_by=(CourseProgress.last_accessed_at, CourseProgress.id),
    instructor_scope=taught_by,
    course_filter=lambda course_id: CourseProgress.course_id == course_id,
    conditions=inactive_conditions,
)

# --- engagement: enrolled but never started, started but stuck ----------------------------

# A course_progress row of the enrollment's student and course that has a lesson_progress row.
# Per enrollment, two index lookups (course_progress_userId_courseId_key, then
# lesson_progress_progressId_idx); over all courses, the nested EXISTS lets PostgreSQL take
# each progressId once before the anti-join (medium, interleaved runs: 193-327 ms against
# 282-497 ms for one EXISTS over the join).
COURSE_STARTED = exists().where(
    CourseProgress.user_id == Enrollment.user_id,
    CourseProgress.course_id == Enrollment.course_id,
    exists().where(LessonProgress.progress_id == CourseProgress.id),
)

never_started = RowReport(
    name="never-started",
    title="Never started",
    description="Active enrollments whose student has not opened a single lesson of the course.",
    date_label="enrolled",
    model=Enrollment,
    columns=(
        ("user_email", user_email()),
        ("user_name", USER.name),
        ("course_title", course_title()),
        ("course_slug", COURSE.slug),
        ("enrolled_at", Enrollment.enrolled_at),
        ("days_since_enrolled", days_since(Enrollment.enrolled_at)),
    ),
    joins=((USER, USER.id == Enrollment.user_id), (COURSE, COURSE.id == Enrollment.course_id)),
    date_column=Enrollment.enrolled_at,
    order_by=(Enrollment.enrolled_at, Enrollment.id),
    instructor_scope=taught_by,
    course_filter=lambda course_id: Enrollment.course_id == course_id,
    conditions=lambda filters: (Enrollment.status == EnrollmentStatus.ACTIVE, ~COURSE_STARTED),
)

# Per progress row through lesson_progress_progressId_idx (a few lessons each).
LAST_LESSON_COMPLETED = (
    select(func.max(LessonProgress.completed_at))
    .where(LessonProgress.progress_id == CourseProgress.id, LessonProgress.completed == true())
    .correlate(CourseProgress)
    .scalar_subquery()
)
# `completed = false`, spelled as lesson_progress_incomplete_idx (progressId, lastWatchedAt
# DESC) is, so that the first row of that index is the answer.
STUCK_ON = (
    select(Lesson.title)
    .select_from(LessonProgress)
    .join(Lesson, Lesson.id == LessonProgress.lesson_id)
    .where(LessonProgress.progress_id == CourseProgress.id, LessonProgress.completed == false())
    .order_by(LessonProgress.last_watched_at.desc(), LessonProgress.id)
    .limit(1)
    .correlate(CourseProgress)
    .scalar_subquery()
)
# The last progress made: the last lesson completed, else the start of the course.
PROGRESS_SINCE = func.coalesce(LAST_LESSON_COMPLETED, CourseProgress.started_at)


def stuck_conditions(filters):
    """Unfinished, opened within INACTIVE_AFTER, begun and without a completion for STUCK_AFTER.

    The first three are a range of course_progress_incomplete_idx; the rest are index
    lookups per candidate.
    """
    return (
        CourseProgress.progress_percent > 0,
        CourseProgress.progress_percent < 100,
        CourseProgress.last_accessed_at >= filters.as_of - INACTIVE_AFTER,
        CourseProgress.started_at < filters.as_of - STUCK_AFTER,
        exists().where(
            Enrollment.user_id == CourseProgress.user_id,
            Enrollment.course_id == CourseProgress.course_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
        ),
        ~exists().where(
            LessonProgress.progress_id == CourseProgress.id,
            LessonProgress.completed == true(),
            LessonProgress.completed_at >= filters.as_of - STUCK_AFTER,
        ),
    )


stuck_students = RowReport(
    name="stuck-students",
    title="Stuck students",
    description=f"Active students part-way through a course (above 0 %, below 100 %), begun over "
    f"{STUCK_AFTER.days} days ago and opened in the last {INACTIVE_AFTER.days} days (so not "
    f"inactive), who have completed no lesson for {STUCK_AFTER.days} days.",
    date_label="last accessed",
    model=CourseProgress,
    columns=(
        *PROGRESS_COLUMNS[:4],
        ("progress_percent", CourseProgress.progress_percent),
        ("last_accessed_at", CourseProgress.last_accessed_at),
        ("last_lesson_completed_at", LAST_LESSON_COMPLETED),
        ("stuck_on", STUCK_ON),
        ("days_without_progress", days_since(PROGRESS_SINCE)),
    ),
    joins=PROGRESS_JOINS,
    date_column=CourseProgress.last_accessed_at,
    order_by=(PROGRESS_SINCE, CourseProgress.id),  # stuck longest first
    instructor_scope=taught_by,
    course_filter=lambda course_id: CourseProgress.course_id == course_id,
    conditions=stuck_conditions,
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

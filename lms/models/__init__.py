"""All models, one module per domain; importing this registers every table on the metadata."""

from lms.models.analytics import CourseAnalytics
from lms.models.assessments import Certificate, Question, Quiz, QuizAttempt
from lms.models.auth import Account, Session, User, VerificationToken
from lms.models.catalog import Course, CourseModule, Lesson, Media
from lms.models.common import Difficulty, EnrollmentStatus, PaymentStatus, UserRole, cuid, utcnow
from lms.models.learning import CourseProgress, Enrollment, LessonProgress
from lms.models.payments import Transaction

# The 17 tables of the platform's Prisma schema, by table name.
PLATFORM_MODELS = {
    model.__tablename__: model
    for model in (
        Account,
        Session,
        User,
        VerificationToken,
        Course,
        CourseModule,
        Lesson,
        Enrollment,
        CourseProgress,
        LessonProgress,
        Transaction,
        CourseAnalytics,
        Media,
        Quiz,
        Question,
        QuizAttempt,
        Certificate,
    )
}

__all__ = [
    "PLATFORM_MODELS",
    "Account",
    "Certificate",
    "Course",
    "CourseAnalytics",
    "CourseModule",
    "CourseProgress",
    "Difficulty",
    "Enrollment",
    "EnrollmentStatus",
    "Lesson",
    "LessonProgress",
    "Media",
    "PaymentStatus",
    "Question",
    "Quiz",
    "QuizAttempt",
    "Session",
    "Transaction",
    "User",
    "UserRole",
    "VerificationToken",
    "cuid",
    "utcnow",
]

# Tables the admin app owns (its own migrations, after the platform's two).
from lms.models.access import (  # noqa: E402
    AdminSession,
    FormSubmission,
    LoginThrottle,
    StaffCredential,
)

__all__ += ["AdminSession", "FormSubmission", "LoginThrottle", "StaffCredential"]
from lms.models.audit import AuditEntry  # noqa: E402

__all__ += ["AuditEntry"]

"""Database errors turned into messages a person understands (never the raw SQL)."""

from sqlalchemy.exc import DataError, IntegrityError, OperationalError

# Unique indexes and constraints, by Prisma name.
UNIQUE_MESSAGES = {
    "users_email_key": "A user with this email already exists.",
    "courses_slug_key": "A course with this slug already exists; choose another slug.",
    "enrollments_userId_courseId_key": "This user is already enrolled in this course.",
    "course_progress_userId_courseId_key": "This user already has progress for this course.",
    "lesson_progress_progressId_lessonId_key": "This lesson already has a progress row for "
    "this course progress.",
    "accounts_provider_providerAccountId_key": "This provider account is already linked.",
    "sessions_sessionToken_key": "This session token is already in use.",
    "verification_tokens_token_key": "This token already exists.",
    "verification_tokens_identifier_token_key": "This token already exists.",
    "transactions_providerTxnId_key": "A transaction with this provider transaction id "
    "already exists.",
    "certificates_certificateNo_key": "A certificate with this number already exists.",
    "course_analytics_courseId_key": "This course already has an analytics row.",
}

FOREIGN_KEY_MESSAGES = {
    "userId": "The chosen user does not exist (any more).",
    "courseId": "The chosen course does not exist (any more).",
    "moduleId": "The chosen module does not exist (any more).",
    "lessonId": "The chosen lesson does not exist (any more).",
    "progressId": "The chosen course progress does not exist (any more).",
    "quizId": "The chosen quiz does not exist (any more).",
}


def constraint_name(error) -> str | None:
    diag = getattr(getattr(error, "orig", None), "diag", None)
    return getattr(diag, "constraint_name", None)


def column_name(error) -> str | None:
    diag = getattr(getattr(error, "orig", None), "diag", None)
    return getattr(diag, "column_name", None)


def friendly_message(error: Exception) -> str:
    """What to tell the person whose change failed."""
    if isinstance(error, IntegrityError):
        name = constraint_name(error) or ""
        if name in UNIQUE_MESSAGES:
            return UNIQUE_MESSAGES[name]
        if name.endswith("_fkey"):
            column = name.rsplit("_", 2)[-2]
            return FOREIGN_KEY_MESSAGES.get(column, "A referenced row does not exist.")
        if column_name(error):
            return f"{column_name(error)} is required."
        return "The change conflicts with existing data and was not saved."
    if isinstance(error, DataError):
        return "A value is out of range or in the wrong format; nothing was saved."
    if isinstance(error, OperationalError):
        return "The database is not reachable right now; nothing was saved. Try again."
    return "The change could not be saved."

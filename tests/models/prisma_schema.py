"""The shape schema.prisma gives the platform's 17 tables, written out by hand from the spec.

Read from spec/schema.prisma (not from lms/models), with PostgreSQL's own spelling of types and
defaults, so that test_schema.py compares the migrated database against Prisma, not against us.
"""

TEXT, INT, FLOAT, BOOL = "text", "integer", "double precision", "boolean"
TS, MONEY, JSONB, TEXTS = "timestamp(3) without time zone", "numeric(10,2)", "jsonb", "text[]"
NOW = "CURRENT_TIMESTAMP"


def req(name, type_, default=None):
    """A NOT NULL column (Prisma field without `?`)."""
    return (name, type_, False, default)


def opt(name, type_):
    """A nullable column (`Type?`, and Prisma's scalar lists)."""
    return (name, type_, True, None)


ID = req("id", TEXT)
CREATED_AT = req("createdAt", TS, NOW)
UPDATED_AT = req("updatedAt", TS)  # @updatedAt: stamped by the client, no database default

COLUMNS = {
    "accounts": [
        ID,
        req("userId", TEXT),
        req("type", TEXT),
        req("provider", TEXT),
        req("providerAccountId", TEXT),
        opt("refresh_token", TEXT),
        opt("access_token", TEXT),
        opt("expires_at", INT),
        opt("token_type", TEXT),
        opt("scope", TEXT),
        opt("id_token", TEXT),
        opt("session_state", TEXT),
    ],
    "sessions": [ID, req("sessionToken", TEXT), req("userId", TEXT), req("expires", TS)],
    "users": [
        ID,
        opt("name", TEXT),
        req("email", TEXT),
        opt("emailVerified", TS),
        opt("image", TEXT),
        req("role", '"UserRole"', "'STUDENT'::\"UserRole\""),
        CREATED_AT,
        UPDATED_AT,
    ],
    "verification_tokens": [req("identifier", TEXT), req("token", TEXT), req("expires", TS)],
    "courses": [
        ID,
        req("title", TEXT),
        req("description", TEXT),
        req("slug", TEXT),
        req("price", MONEY),
        req("currency", TEXT, "'USD'::text"),
        req("durationHours", INT),
        req("difficulty", '"Difficulty"'),
        req("published", BOOL, "false"),
        req("featured", BOOL, "false"),
        opt("learningObjectives", TEXTS),
        opt("prerequisites", TEXTS),
        opt("thumbnailUrl", TEXT),
        opt("videoUrl", TEXT),
        opt("instructorId", TEXT),
        CREATED_AT,
        UPDATED_AT,
        opt("search_vector", "tsvector"),  # PHASE 4, generated (checked below)
    ],
    "course_modules": [
        ID,
        req("courseId", TEXT),
        req("title", TEXT),
        req("description", TEXT),
        req("order", INT),
        req("duration", INT),
        opt("videoUrl", TEXT),
        opt("content", TEXT),
        CREATED_AT,
        UPDATED_AT,
    ],
    "lessons": [
        ID,
        req("moduleId", TEXT),
        req("title", TEXT),
        req("content", TEXT),
        opt("videoUrl", TEXT),
        req("order", INT),
        req("duration", INT),
        CREATED_AT,
        UPDATED_AT,
    ],
    "enrollments": [
        ID,
        req("userId", TEXT),
        req("courseId", TEXT),
        req("status", '"EnrollmentStatus"', "'ACTIVE'::\"EnrollmentStatus\""),
        req("enrolledAt", TS, NOW),
        opt("completedAt", TS),
        opt("expiresAt", TS),
        req("paymentStatus", '"PaymentStatus"', "'PENDING'::\"PaymentStatus\""),
        req("paymentAmount", MONEY),
        req("paymentCurrency", TEXT, "'USD'::text"),
    ],
    "course_progress": [
        ID,
        req("userId", TEXT),
        req("courseId", TEXT),
        req("completedLessons", INT, "0"),
        req("totalLessons", INT),
        req("progressPercent", INT, "0"),
        req("lastAccessedAt", TS, NOW),
        req("startedAt", TS, NOW),
        opt("completedAt", TS),
    ],
    "lesson_progress": [
        ID,
        req("progressId", TEXT),
        req("lessonId", TEXT),
        req("completed", BOOL, "false"),
        opt("completedAt", TS),
        req("watchTimeSeconds", INT, "0"),
        req("lastWatchedAt", TS, NOW),
    ],
    "transactions": [
        ID,
        req("userId", TEXT),
        req("courseId", TEXT),
        req("amount", MONEY),
        req("currency", TEXT, "'USD'::text"),
        req("status", '"PaymentStatus"', "'PENDING'::\"PaymentStatus\""),
        req("provider", TEXT),
        opt("providerTxnId", TEXT),
        opt("metadata", JSONB),
        CREATED_AT,
        UPDATED_AT,
    ],
    "course_analytics": [
        ID,
        req("courseId", TEXT),
        req("totalEnrollments", INT, "0"),
        req("activeEnrollments", INT, "0"),
        req("completionRate", FLOAT, "0"),
        req("averageProgress", FLOAT, "0"),
        req("totalRevenue", MONEY, "0"),
        opt("averageRating", FLOAT),
        req("lastCalculatedAt", TS, NOW),
    ],
    "media": [
        ID,
        req("type", TEXT),
        req("url", TEXT),
        opt("provider", TEXT),
        opt("providerId", TEXT),
        opt("title", TEXT),
        opt("duration", INT),
        opt("size", INT),
        opt("mimeType", TEXT),
        CREATED_AT,
        UPDATED_AT,
    ],
    "quizzes": [
        ID,
        req("courseId", TEXT),
        opt("moduleId", TEXT),
        req("title", TEXT),
        opt("description", TEXT),
        req("passingScore", INT, "70"),
        opt("timeLimit", INT),
        req("maxAttempts", INT, "3"),
        CREATED_AT,
        UPDATED_AT,
    ],
    "questions": [
        ID,
        req("quizId", TEXT),
        req("type", TEXT),
        req("question", TEXT),
        opt("options", JSONB),
        opt("correctAnswer", TEXT),
        req("points", INT, "1"),
        req("order", INT),
        CREATED_AT,
        UPDATED_AT,
    ],
    "quiz_attempts": [
        ID,
        req("quizId", TEXT),
        req("userId", TEXT),
        req("score", FLOAT),
        req("passed", BOOL),
        req("answers", JSONB),
        req("startedAt", TS, NOW),
        opt("completedAt", TS),
    ],
    "certificates": [
        ID,
        req("userId", TEXT),
        req("courseId", TEXT),
        req("certificateNo", TEXT),
        req("issuedAt", TS, NOW),
        opt("expiresAt", TS),
        opt("pdfUrl", TEXT),
    ],
}

ENUMS = {
    "UserRole": ["STUDENT", "INSTRUCTOR", "ADMIN"],
    "Difficulty": ["BEGINNER", "INTERMEDIATE", "ADVANCED", "EXPERT"],
    "EnrollmentStatus": ["ACTIVE", "COMPLETED", "EXPIRED", "CANCELLED"],
    "PaymentStatus": ["PENDING", "COMPLETED", "FAILED", "REFUNDED"],
}


def pk(*columns):
    return ("primary", "btree", columns, None)


def unique(*columns):
    return ("unique", "btree", columns, None)


def index(*columns, where=None, using="btree"):
    return ("index", using, columns, where)


# Prisma's names: <table>_pkey, <table>_<cols>_key for @unique, <table>_<cols>_idx for @@index.
INDEXES = {
    "accounts": {
        "accounts_pkey": pk("id"),
        "accounts_provider_providerAccountId_key": unique("provider", "providerAccountId"),
        "accounts_userId_idx": index("userId"),
    },
    "sessions": {
        "sessions_pkey": pk("id"),
        "sessions_sessionToken_key": unique("sessionToken"),
        "sessions_userId_idx": index("userId"),
    },
    "users": {
        "users_pkey": pk("id"),
        "users_email_key": unique("email"),
        "users_role_idx": index("role"),
        "users_role_createdAt_idx": index("role", "createdAt DESC"),
        "users_createdAt_idx": index("createdAt DESC"),
    },
    "verification_tokens": {  # no @id in Prisma, hence no primary key
        "verification_tokens_token_key": unique("token"),
        "verification_tokens_identifier_token_key": unique("identifier", "token"),
    },
    "courses": {
        "courses_pkey": pk("id"),
        "courses_slug_key": unique("slug"),
        "courses_published_featured_idx": index("published", "featured"),
        "courses_published_featured_createdAt_idx": index(
            "published", "featured", "createdAt DESC"
        ),
        "courses_instructorId_idx": index("instructorId"),
        "courses_difficulty_idx": index("difficulty"),
        "courses_price_idx": index("price"),
        "courses_createdAt_idx": index("createdAt DESC"),
        # PHASE 4
        "courses_published_catalog_idx": index(
            "featured DESC", "difficulty", "createdAt DESC", where="(published = true)"
        ),
        "courses_search_vector_idx": index("search_vector", using="gin"),
    },
    "course_modules": {
        "course_modules_pkey": pk("id"),
        "course_modules_courseId_order_idx": index("courseId", "order"),
    },
    "lessons": {
        "lessons_pkey": pk("id"),
        "lessons_moduleId_order_idx": index("moduleId", "order"),
    },
    "enrollments": {
        "enrollments_pkey": pk("id"),
        "enrollments_userId_courseId_key": unique("userId", "courseId"),
        "enrollments_userId_idx": index("userId"),
        "enrollments_courseId_idx": index("courseId"),
        "enrollments_status_idx": index("status"),
    },
    "course_progress": {
        "course_progress_pkey": pk("id"),
        "course_progress_userId_courseId_key": unique("userId", "courseId"),
        "course_progress_userId_idx": index("userId"),
        "course_progress_userId_lastAccessedAt_idx": index("userId", "lastAccessedAt DESC"),
        "course_progress_courseId_idx": index("courseId"),
        "course_progress_lastAccessedAt_idx": index("lastAccessedAt DESC"),
        # PHASE 4
        "course_progress_incomplete_idx": index(
            "progressPercent", "lastAccessedAt DESC", where='("progressPercent" < 100)'
        ),
    },
    "lesson_progress": {
        "lesson_progress_pkey": pk("id"),
        "lesson_progress_progressId_lessonId_key": unique("progressId", "lessonId"),
        "lesson_progress_progressId_idx": index("progressId"),
        "lesson_progress_lessonId_idx": index("lessonId"),
        "lesson_progress_lastWatchedAt_idx": index("lastWatchedAt DESC"),
        # PHASE 4 (the spec names it without columns; ours serve "where did they stop")
        "lesson_progress_incomplete_idx": index(
            "progressId", "lastWatchedAt DESC", where="(completed = false)"
        ),
    },
    "transactions": {
        "transactions_pkey": pk("id"),
        "transactions_providerTxnId_key": unique("providerTxnId"),
        "transactions_userId_idx": index("userId"),
        "transactions_userId_createdAt_idx": index("userId", "createdAt DESC"),
        "transactions_courseId_idx": index("courseId"),
        "transactions_status_idx": index("status"),
        "transactions_status_createdAt_idx": index("status", "createdAt DESC"),
        "transactions_createdAt_idx": index("createdAt DESC"),
    },
    "course_analytics": {
        "course_analytics_pkey": pk("id"),
        "course_analytics_courseId_key": unique("courseId"),
        "course_analytics_courseId_idx": index("courseId"),
    },
    "media": {
        "media_pkey": pk("id"),
        "media_type_idx": index("type"),
        "media_provider_idx": index("provider"),
    },
    "quizzes": {
        "quizzes_pkey": pk("id"),
        "quizzes_courseId_idx": index("courseId"),
        "quizzes_moduleId_idx": index("moduleId"),
    },
    "questions": {
        "questions_pkey": pk("id"),
        "questions_quizId_idx": index("quizId"),
    },
    "quiz_attempts": {
        "quiz_attempts_pkey": pk("id"),
        "quiz_attempts_quizId_idx": index("quizId"),
        "quiz_attempts_userId_idx": index("userId"),
        "quiz_attempts_userId_quizId_startedAt_idx": index("userId", "quizId", "startedAt DESC"),
        "quiz_attempts_userId_startedAt_idx": index("userId", "startedAt DESC"),
    },
    "certificates": {
        "certificates_pkey": pk("id"),
        "certificates_certificateNo_key": unique("certificateNo"),
        "certificates_userId_idx": index("userId"),
        "certificates_userId_issuedAt_idx": index("userId", "issuedAt DESC"),
        "certificates_courseId_idx": index("courseId"),
    },
}

# Every `@relation(fields: [col], references: [id], onDelete: Cascade)`:
# name -> (table, col, target).
FOREIGN_KEYS = {
    "accounts_userId_fkey": ("accounts", "userId", "users"),
    "sessions_userId_fkey": ("sessions", "userId", "users"),
    "course_modules_courseId_fkey": ("course_modules", "courseId", "courses"),
    "lessons_moduleId_fkey": ("lessons", "moduleId", "course_modules"),
    "enrollments_userId_fkey": ("enrollments", "userId", "users"),
    "enrollments_courseId_fkey": ("enrollments", "courseId", "courses"),
    "course_progress_userId_fkey": ("course_progress", "userId", "users"),
    "course_progress_courseId_fkey": ("course_progress", "courseId", "courses"),
    "lesson_progress_progressId_fkey": ("lesson_progress", "progressId", "course_progress"),
    "lesson_progress_lessonId_fkey": ("lesson_progress", "lessonId", "lessons"),
    "questions_quizId_fkey": ("questions", "quizId", "quizzes"),
    "quiz_attempts_quizId_fkey": ("quiz_attempts", "quizId", "quizzes"),
}

# References Prisma deliberately leaves without a foreign key (records outlive their subject).
NOT_FOREIGN_KEYS = [
    ("transactions", "userId"),
    ("transactions", "courseId"),
    ("certificates", "userId"),
    ("certificates", "courseId"),
    ("course_analytics", "courseId"),
    ("quiz_attempts", "userId"),
    ("quizzes", "courseId"),
    ("quizzes", "moduleId"),
    ("courses", "instructorId"),
]

# The spec's PHASE 4 generated column, as PostgreSQL prints it back (pg_get_expr).
SEARCH_VECTOR_EXPRESSION = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, ''::text)), 'A'::\"char\") || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(description, ''::text)), 'B'::\"char\"))"
)

"""init: the platform's 17 tables and 4 enums, exactly as Prisma creates them

Revision ID: 0001_init
Revises:
Create Date: 2026-11-25

The SQL below is the shape Prisma's own migration gives the platform database (names,
types, defaults, unique indexes, foreign keys with ON DELETE/UPDATE CASCADE), so the admin
app and the platform's Next.js app can share one database.
"""
from alembic import op

revision = "0001_init"
down_revision = None
branch_labels = None
depends_on = None

UPGRADE_SQL = r"""
-- CreateEnum
CREATE TYPE "UserRole" AS ENUM ('STUDENT', 'INSTRUCTOR', 'ADMIN');
CREATE TYPE "Difficulty" AS ENUM ('BEGINNER', 'INTERMEDIATE', 'ADVANCED', 'EXPERT');
CREATE TYPE "EnrollmentStatus" AS ENUM ('ACTIVE', 'COMPLETED', 'EXPIRED', 'CANCELLED');
CREATE TYPE "PaymentStatus" AS ENUM ('PENDING', 'COMPLETED', 'FAILED', 'REFUNDED');

-- CreateTable
CREATE TABLE "accounts" (
    id TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    type TEXT NOT NULL,
    provider TEXT NOT NULL,
    "providerAccountId" TEXT NOT NULL,
    refresh_token TEXT,
    access_token TEXT,
    expires_at INTEGER,
    token_type TEXT,
    scope TEXT,
    id_token TEXT,
    session_state TEXT,
    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    id TEXT NOT NULL,
    "sessionToken" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    expires TIMESTAMP(3) WITHOUT TIME ZONE NOT NULL,
    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    id TEXT NOT NULL,
    name TEXT,
    email TEXT NOT NULL,
    "emailVerified" TIMESTAMP(3) WITHOUT TIME ZONE,
    image TEXT,
    role "UserRole" DEFAULT 'STUDENT' NOT NULL,
    "createdAt" TIMESTAMP(3) WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    "updatedAt" TIMESTAMP(3) WITHOUT TIME ZONE NOT NULL,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "verification_tokens" (
    identifier TEXT NOT NULL,
    token TEXT NOT NULL,
    expires TIMESTAMP(3) WITHOUT TIME ZONE NOT NULL
);

-- CreateTable
CREATE TABLE "courses" (
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    slug TEXT NOT NULL,
    price NUMERIC(10, 2) NOT NULL,
    currency TEXT DEFAULT 'USD' NOT NULL,
    "durationHours" INTEGER NOT NULL,
    difficulty "Difficulty" NOT NULL,
    published BOOLEAN DEFAULT false NOT NULL,
    featured BOOLEAN DEFAULT false NOT NULL,
    "learningObjectives" TEXT[],
    prerequisites TEXT[],
    "thumbnailUrl" TEXT,
    "videoUrl" TEXT,
    "instructorId" TEXT,
    "createdAt" TIMESTAMP(3) WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    "updatedAt" TIMESTAMP(3) WITHOUT TIME ZONE NOT NULL,
    CONSTRAINT "courses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "course_modules" (
    id TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    "order" INTEGER NOT NULL,
    duration INTEGER NOT NULL,
    "videoUrl" TEXT,
    content TEXT,
    "createdAt" TIMESTAMP(3) WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    "updatedAt" TIMESTAMP(3) WITHOUT TIME ZONE NOT NULL,
    CONSTRAINT "course_modules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lessons" (
    id TEXT NOT NULL,
    "moduleId" TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    "videoUrl" TEXT,
    "order" INTEGER NOT NULL,
    duration INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    "updatedAt" TIMESTAMP(3) WITHOUT TIME ZONE NOT NULL,
    CONSTRAINT "lessons_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "enrollments" (
    id TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    status "EnrollmentStatus" DEFAULT 'ACTIVE' NOT NULL,
    "enrolledAt" TIMESTAMP(3) WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    "completedAt" TIMESTAMP(3) WITHOUT TIME ZONE,
    "expiresAt" TIMESTAMP(3) WITHOUT TIME ZONE,
    "paymentStatus" "PaymentStatus" DEFAULT 'PENDING' NOT NULL,
    "paymentAmount" NUMERIC(10, 2) NOT NULL,
    "paymentCurrency" TEXT DEFAULT 'USD' NOT NULL,
    CONSTRAINT "enrollments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "course_progress" (
    id TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "completedLessons" INTEGER DEFAULT 0 NOT NULL,
    "totalLessons" INTEGER NOT NULL,
    "progressPercent" INTEGER DEFAULT 0 NOT NULL,
    "lastAccessedAt" TIMESTAMP(3) WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    "startedAt" TIMESTAMP(3) WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    "completedAt" TIMESTAMP(3) WITHOUT TIME ZONE,
    CONSTRAINT "course_progress_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lesson_progress" (
    id TEXT NOT NULL,
    "progressId" TEXT NOT NULL,
    "lessonId" TEXT NOT NULL,
    completed BOOLEAN DEFAULT false NOT NULL,
    "completedAt" TIMESTAMP(3) WITHOUT TIME ZONE,
    "watchTimeSeconds" INTEGER DEFAULT 0 NOT NULL,
    "lastWatchedAt" TIMESTAMP(3) WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT "lesson_progress_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transactions" (
    id TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    amount NUMERIC(10, 2) NOT NULL,
    currency TEXT DEFAULT 'USD' NOT NULL,
    status "PaymentStatus" DEFAULT 'PENDING' NOT NULL,
    provider TEXT NOT NULL,
    "providerTxnId" TEXT,
    metadata JSONB,
    "createdAt" TIMESTAMP(3) WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    "updatedAt" TIMESTAMP(3) WITHOUT TIME ZONE NOT NULL,
    CONSTRAINT "transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "course_analytics" (
    id TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "totalEnrollments" INTEGER DEFAULT 0 NOT NULL,
    "activeEnrollments" INTEGER DEFAULT 0 NOT NULL,
    "completionRate" DOUBLE PRECISION DEFAULT 0 NOT NULL,
    "averageProgress" DOUBLE PRECISION DEFAULT 0 NOT NULL,
    "totalRevenue" NUMERIC(10, 2) DEFAULT 0 NOT NULL,
    "averageRating" DOUBLE PRECISION,
    "lastCalculatedAt" TIMESTAMP(3) WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT "course_analytics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "media" (
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    url TEXT NOT NULL,
    provider TEXT,
    "providerId" TEXT,
    title TEXT,
    duration INTEGER,
    size INTEGER,
    "mimeType" TEXT,
    "createdAt" TIMESTAMP(3) WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    "updatedAt" TIMESTAMP(3) WITHOUT TIME ZONE NOT NULL,
    CONSTRAINT "media_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quizzes" (
    id TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "moduleId" TEXT,
    title TEXT NOT NULL,
    description TEXT,
    "passingScore" INTEGER DEFAULT 70 NOT NULL,
    "timeLimit" INTEGER,
    "maxAttempts" INTEGER DEFAULT 3 NOT NULL,
    "createdAt" TIMESTAMP(3) WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    "updatedAt" TIMESTAMP(3) WITHOUT TIME ZONE NOT NULL,
    CONSTRAINT "quizzes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "questions" (
    id TEXT NOT NULL,
    "quizId" TEXT NOT NULL,
    type TEXT NOT NULL,
    question TEXT NOT NULL,
    options JSONB,
    "correctAnswer" TEXT,
    points INTEGER DEFAULT 1 NOT NULL,
    "order" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    "updatedAt" TIMESTAMP(3) WITHOUT TIME ZONE NOT NULL,
    CONSTRAINT "questions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quiz_attempts" (
    id TEXT NOT NULL,
    "quizId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    passed BOOLEAN NOT NULL,
    answers JSONB NOT NULL,
    "startedAt" TIMESTAMP(3) WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    "completedAt" TIMESTAMP(3) WITHOUT TIME ZONE,
    CONSTRAINT "quiz_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "certificates" (
    id TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "certificateNo" TEXT NOT NULL,
    "issuedAt" TIMESTAMP(3) WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    "expiresAt" TIMESTAMP(3) WITHOUT TIME ZONE,
    "pdfUrl" TEXT,
    CONSTRAINT "certificates_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "accounts_provider_providerAccountId_key" ON accounts (provider, "providerAccountId");

-- CreateIndex
CREATE INDEX "accounts_userId_idx" ON accounts ("userId");

-- CreateIndex
CREATE UNIQUE INDEX "sessions_sessionToken_key" ON sessions ("sessionToken");

-- CreateIndex
CREATE INDEX "sessions_userId_idx" ON sessions ("userId");

-- CreateIndex
CREATE INDEX "users_createdAt_idx" ON users ("createdAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX users_email_key ON users (email);

-- CreateIndex
CREATE INDEX "users_role_createdAt_idx" ON users (role, "createdAt" DESC);

-- CreateIndex
CREATE INDEX users_role_idx ON users (role);

-- CreateIndex
CREATE UNIQUE INDEX verification_tokens_identifier_token_key ON verification_tokens (identifier, token);

-- CreateIndex
CREATE UNIQUE INDEX verification_tokens_token_key ON verification_tokens (token);

-- CreateIndex
CREATE INDEX "courses_createdAt_idx" ON courses ("createdAt" DESC);

-- CreateIndex
CREATE INDEX courses_difficulty_idx ON courses (difficulty);

-- CreateIndex
CREATE INDEX "courses_instructorId_idx" ON courses ("instructorId");

-- CreateIndex
CREATE INDEX courses_price_idx ON courses (price);

-- CreateIndex
CREATE INDEX "courses_published_featured_createdAt_idx" ON courses (published, featured, "createdAt" DESC);

-- CreateIndex
CREATE INDEX courses_published_featured_idx ON courses (published, featured);

-- CreateIndex
CREATE UNIQUE INDEX courses_slug_key ON courses (slug);

-- CreateIndex
CREATE INDEX "course_modules_courseId_order_idx" ON course_modules ("courseId", "order");

-- CreateIndex
CREATE INDEX "lessons_moduleId_order_idx" ON lessons ("moduleId", "order");

-- CreateIndex
CREATE INDEX "enrollments_courseId_idx" ON enrollments ("courseId");

-- CreateIndex
CREATE INDEX enrollments_status_idx ON enrollments (status);

-- CreateIndex
CREATE UNIQUE INDEX "enrollments_userId_courseId_key" ON enrollments ("userId", "courseId");

-- CreateIndex
CREATE INDEX "enrollments_userId_idx" ON enrollments ("userId");

-- CreateIndex
CREATE INDEX "course_progress_courseId_idx" ON course_progress ("courseId");

-- CreateIndex
CREATE INDEX "course_progress_lastAccessedAt_idx" ON course_progress ("lastAccessedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "course_progress_userId_courseId_key" ON course_progress ("userId", "courseId");

-- CreateIndex
CREATE INDEX "course_progress_userId_idx" ON course_progress ("userId");

-- CreateIndex
CREATE INDEX "course_progress_userId_lastAccessedAt_idx" ON course_progress ("userId", "lastAccessedAt" DESC);

-- CreateIndex
CREATE INDEX "lesson_progress_lastWatchedAt_idx" ON lesson_progress ("lastWatchedAt" DESC);

-- CreateIndex
CREATE INDEX "lesson_progress_lessonId_idx" ON lesson_progress ("lessonId");

-- CreateIndex
CREATE INDEX "lesson_progress_progressId_idx" ON lesson_progress ("progressId");

-- CreateIndex
CREATE UNIQUE INDEX "lesson_progress_progressId_lessonId_key" ON lesson_progress ("progressId", "lessonId");

-- CreateIndex
CREATE INDEX "transactions_courseId_idx" ON transactions ("courseId");

-- CreateIndex
CREATE INDEX "transactions_createdAt_idx" ON transactions ("createdAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "transactions_providerTxnId_key" ON transactions ("providerTxnId");

-- CreateIndex
CREATE INDEX "transactions_status_createdAt_idx" ON transactions (status, "createdAt" DESC);

-- CreateIndex
CREATE INDEX transactions_status_idx ON transactions (status);

-- CreateIndex
CREATE INDEX "transactions_userId_createdAt_idx" ON transactions ("userId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "transactions_userId_idx" ON transactions ("userId");

-- CreateIndex
CREATE INDEX "course_analytics_courseId_idx" ON course_analytics ("courseId");

-- CreateIndex
CREATE UNIQUE INDEX "course_analytics_courseId_key" ON course_analytics ("courseId");

-- CreateIndex
CREATE INDEX media_provider_idx ON media (provider);

-- CreateIndex
CREATE INDEX media_type_idx ON media (type);

-- CreateIndex
CREATE INDEX "quizzes_courseId_idx" ON quizzes ("courseId");

-- CreateIndex
CREATE INDEX "quizzes_moduleId_idx" ON quizzes ("moduleId");

-- CreateIndex
CREATE INDEX "questions_quizId_idx" ON questions ("quizId");

-- CreateIndex
CREATE INDEX "quiz_attempts_quizId_idx" ON quiz_attempts ("quizId");

-- CreateIndex
CREATE INDEX "quiz_attempts_userId_idx" ON quiz_attempts ("userId");

-- CreateIndex
CREATE INDEX "quiz_attempts_userId_quizId_startedAt_idx" ON quiz_attempts ("userId", "quizId", "startedAt" DESC);

-- CreateIndex
CREATE INDEX "quiz_attempts_userId_startedAt_idx" ON quiz_attempts ("userId", "startedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "certificates_certificateNo_key" ON certificates ("certificateNo");

-- CreateIndex
CREATE INDEX "certificates_courseId_idx" ON certificates ("courseId");

-- CreateIndex
CREATE INDEX "certificates_userId_idx" ON certificates ("userId");

-- CreateIndex
CREATE INDEX "certificates_userId_issuedAt_idx" ON certificates ("userId", "issuedAt" DESC);

-- AddForeignKey
ALTER TABLE accounts ADD CONSTRAINT "accounts_userId_fkey" FOREIGN KEY("userId") REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE sessions ADD CONSTRAINT "sessions_userId_fkey" FOREIGN KEY("userId") REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE course_modules ADD CONSTRAINT "course_modules_courseId_fkey" FOREIGN KEY("courseId") REFERENCES courses (id) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE lessons ADD CONSTRAINT "lessons_moduleId_fkey" FOREIGN KEY("moduleId") REFERENCES course_modules (id) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE enrollments ADD CONSTRAINT "enrollments_courseId_fkey" FOREIGN KEY("courseId") REFERENCES courses (id) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE enrollments ADD CONSTRAINT "enrollments_userId_fkey" FOREIGN KEY("userId") REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE course_progress ADD CONSTRAINT "course_progress_userId_fkey" FOREIGN KEY("userId") REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE course_progress ADD CONSTRAINT "course_progress_courseId_fkey" FOREIGN KEY("courseId") REFERENCES courses (id) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE lesson_progress ADD CONSTRAINT "lesson_progress_lessonId_fkey" FOREIGN KEY("lessonId") REFERENCES lessons (id) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE lesson_progress ADD CONSTRAINT "lesson_progress_progressId_fkey" FOREIGN KEY("progressId") REFERENCES course_progress (id) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE questions ADD CONSTRAINT "questions_quizId_fkey" FOREIGN KEY("quizId") REFERENCES quizzes (id) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE quiz_attempts ADD CONSTRAINT "quiz_attempts_quizId_fkey" FOREIGN KEY("quizId") REFERENCES quizzes (id) ON DELETE CASCADE ON UPDATE CASCADE;
"""

TABLES = ['accounts', 'sessions', 'users', 'verification_tokens', 'courses', 'course_modules', 'lessons', 'enrollments', 'course_progress', 'lesson_progress', 'transactions', 'course_analytics', 'media', 'quizzes', 'questions', 'quiz_attempts', 'certificates']
ENUMS = ["UserRole", "Difficulty", "EnrollmentStatus", "PaymentStatus"]


def upgrade():
    op.execute(UPGRADE_SQL)


def downgrade():
    for table in reversed(TABLES):
        op.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    for enum in ENUMS:
        op.execute(f'DROP TYPE IF EXISTS "{enum}"')

"""Who is enrolled where, and how far each student has got, per course and per lesson."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Text, false, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Model
from lms.models.common import (
    CASCADE,
    CHILD_ROWS,
    EnrollmentStatus,
    Money,
    PaymentStatus,
    Timestamp,
    id_column,
    pg_enum,
    utcnow,
)


def _now_column(name: str):
    return mapped_column(
        name, Timestamp, nullable=False, default=utcnow, server_default=func.current_timestamp()
    )


class Enrollment(Model):
    __tablename__ = "enrollments"
    __table_args__ = (
        Index("enrollments_userId_courseId_key", "userId", "courseId", unique=True),
        Index("enrollments_userId_idx", "userId"),
        Index("enrollments_courseId_idx", "courseId"),
        Index("enrollments_status_idx", "status"),
    )

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(
        "userId", Text, ForeignKey("users.id", **CASCADE), nullable=False
    )
    course_id: Mapped[str] = mapped_column(
        "courseId", Text, ForeignKey("courses.id", **CASCADE), nullable=False
    )
    status: Mapped[EnrollmentStatus] = mapped_column(
        pg_enum(EnrollmentStatus),
        nullable=False,
        default=EnrollmentStatus.ACTIVE,
        server_default="ACTIVE",
    )
    enrolled_at: Mapped[datetime] = _now_column("enrolledAt")
    completed_at: Mapped[datetime | None] = mapped_column("completedAt", Timestamp)
    expires_at: Mapped[datetime | None] = mapped_column("expiresAt", Timestamp)
    payment_status: Mapped[PaymentStatus] = mapped_column(
        "paymentStatus",
        pg_enum(PaymentStatus),
        nullable=False,
        default=PaymentStatus.PENDING,
        server_default="PENDING",
    )
    payment_amount: Mapped[Decimal] = mapped_column("paymentAmount", Money, nullable=False)
    payment_currency: Mapped[str] = mapped_column(
        "paymentCurrency", Text, nullable=False, default="USD", server_default="USD"
    )

    user = relationship("User", back_populates="enrollments")
    course = relationship("Course", back_populates="enrollments")


class CourseProgress(Model):
    __tablename__ = "course_progress"
    __table_args__ = (
        Index("course_progress_userId_courseId_key", "userId", "courseId", unique=True),
        Index("course_progress_userId_idx", "userId"),
        Index("course_progress_courseId_idx", "courseId"),
    )

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(
        "userId", Text, ForeignKey("users.id", **CASCADE), nullable=False
    )
    course_id: Mapped[str] = mapped_column(
        "courseId", Text, ForeignKey("courses.id", **CASCADE), nullable=False
    )
    completed_lessons: Mapped[int] = mapped_column(
        "completedLessons", Integer, nullable=False, default=0, server_default=text("0")
    )
    total_lessons: Mapped[int] = mapped_column("totalLessons", Integer, nullable=False)
    progress_percent: Mapped[int] = mapped_column(
        "progressPercent", Integer, nullable=False, default=0, server_default=text("0")
    )
    last_accessed_at: Mapped[datetime] = _now_column("lastAccessedAt")
    started_at: Mapped[datetime] = _now_column("startedAt")
    completed_at: Mapped[datetime | None] = mapped_column("completedAt", Timestamp)

    user = relationship("User", back_populates="progress")
    course = relationship("Course", back_populates="progress")

    def __str__(self) -> str:
        # No related names here: lists would load them row by row.
        return f"{self.progress_percent}% · {self.id}"

    lesson_progress = relationship("LessonProgress", back_populates="progress", **CHILD_ROWS)


Index(
    "course_progress_userId_lastAccessedAt_idx",
    CourseProgress.user_id,
    CourseProgress.last_accessed_at.desc(),
)
Index("course_progress_lastAccessedAt_idx", CourseProgress.last_accessed_at.desc())
# PHASE 4 partial index: inactive-student queries only look at unfinished courses.
Index(
    "course_progress_incomplete_idx",
    CourseProgress.progress_percent,
    CourseProgress.last_accessed_at.desc(),
    postgresql_where=text('"progressPercent" < 100'),
)


class LessonProgress(Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (
        Index("lesson_progress_progressId_lessonId_key", "progressId", "lessonId", unique=True),
        Index("lesson_progress_progressId_idx", "progressId"),
        Index("lesson_progress_lessonId_idx", "lessonId"),
    )

    id: Mapped[str] = id_column()
    progress_id: Mapped[str] = mapped_column(
        "progressId", Text, ForeignKey("course_progress.id", **CASCADE), nullable=False
    )
    lesson_id: Mapped[str] = mapped_column(
        "lessonId", Text, ForeignKey("lessons.id", **CASCADE), nullable=False
    )
    completed: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    completed_at: Mapped[datetime | None] = mapped_column("completedAt", Timestamp)
    watch_time_seconds: Mapped[int] = mapped_column(
        "watchTimeSeconds", Integer, nullable=False, default=0, server_default=text("0")
    )
    last_watched_at: Mapped[datetime] = _now_column("lastWatchedAt")

    progress = relationship("CourseProgress", back_populates="lesson_progress")
    lesson = relationship("Lesson", back_populates="progress")


Index("lesson_progress_lastWatchedAt_idx", LessonProgress.last_watched_at.desc())
# PHASE 4 partial index: "where did this student stop" only needs unfinished lessons.
Index(
    "lesson_progress_incomplete_idx",
    LessonProgress.progress_id,
    LessonProgress.last_watched_at.desc(),
    postgresql_where=text("completed = false"),
)

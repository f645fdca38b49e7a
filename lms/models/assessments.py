"""Quizzes, their questions, students' attempts, and course certificates."""

from datetime import datetime

from sqlalchemy import Boolean, Double, ForeignKey, Index, Integer, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Model
from lms.models.common import (
    CASCADE,
    CHILD_ROWS,
    Json,
    Timestamp,
    created_at_column,
    id_column,
    updated_at_column,
    utcnow,
)


class Quiz(Model):
    __tablename__ = "quizzes"
    __table_args__ = (
        Index("quizzes_courseId_idx", "courseId"),
        Index("quizzes_moduleId_idx", "moduleId"),
    )

    id: Mapped[str] = id_column()
    # No foreign keys in Prisma for either.
    course_id: Mapped[str] = mapped_column("courseId", Text, nullable=False)
    module_id: Mapped[str | None] = mapped_column("moduleId", Text)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    passing_score: Mapped[int] = mapped_column(
        "passingScore", Integer, nullable=False, default=70, server_default=text("70")
    )
    time_limit: Mapped[int | None] = mapped_column("timeLimit", Integer)  # minutes
    max_attempts: Mapped[int] = mapped_column(
        "maxAttempts", Integer, nullable=False, default=3, server_default=text("3")
    )
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    questions = relationship(
        "Question", back_populates="quiz", **CHILD_ROWS, order_by="Question.order"
    )
    attempts = relationship("QuizAttempt", back_populates="quiz", **CHILD_ROWS)
    course = relationship(
        "Course", primaryjoin="foreign(Quiz.course_id) == Course.id", viewonly=True
    )
    module = relationship(
        "CourseModule", primaryjoin="foreign(Quiz.module_id) == CourseModule.id", viewonly=True
    )

    def __str__(self) -> str:
        return self.title


class Question(Model):
    __tablename__ = "questions"
    __table_args__ = (Index("questions_quizId_idx", "quizId"),)

    id: Mapped[str] = id_column()
    quiz_id: Mapped[str] = mapped_column(
        "quizId", Text, ForeignKey("quizzes.id", **CASCADE), nullable=False
    )
    type: Mapped[str] = mapped_column(Text, nullable=False)  # multiple_choice, true_false, essay
    question: Mapped[str] = mapped_column(Text, nullable=False)
    options: Mapped[list | dict | None] = mapped_column(Json)
    correct_answer: Mapped[str | None] = mapped_column("correctAnswer", Text)
    points: Mapped[int] = mapped_column(
        Integer, nullable=False, default=1, server_default=text("1")
    )
    order: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    quiz = relationship("Quiz", back_populates="questions")


class QuizAttempt(Model):
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        Index("quiz_attempts_quizId_idx", "quizId"),
        Index("quiz_attempts_userId_idx", "userId"),
    )

    id: Mapped[str] = id_column()
    quiz_id: Mapped[str] = mapped_column(
        "quizId", Text, ForeignKey("quizzes.id", **CASCADE), nullable=False
    )
    user_id: Mapped[str] = mapped_column("userId", Text, nullable=False)  # no FK in Prisma
    score: Mapped[float] = mapped_column(Double, nullable=False)
    passed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    answers: Mapped[dict | list] = mapped_column(Json, nullable=False)
    started_at: Mapped[datetime] = mapped_column(
        "startedAt",
        Timestamp,
        nullable=False,
        default=utcnow,
        server_default=func.current_timestamp(),
    )
    completed_at: Mapped[datetime | None] = mapped_column("completedAt", Timestamp)

    quiz = relationship("Quiz", back_populates="attempts")
    user = relationship(
        "User", primaryjoin="foreign(QuizAttempt.user_id) == User.id", viewonly=True
    )


Index(
    "quiz_attempts_userId_quizId_startedAt_idx",
    QuizAttempt.user_id,
    QuizAttempt.quiz_id,
    QuizAttempt.started_at.desc(),
)
Index("quiz_attempts_userId_startedAt_idx", QuizAttempt.user_id, QuizAttempt.started_at.desc())


class Certificate(Model):
    __tablename__ = "certificates"
    __table_args__ = (
        Index("certificates_certificateNo_key", "certificateNo", unique=True),
        Index("certificates_userId_idx", "userId"),
        Index("certificates_courseId_idx", "courseId"),
    )

    id: Mapped[str] = id_column()
    # No foreign keys in Prisma: certificates outlive the user and course (compliance).
    user_id: Mapped[str] = mapped_column("userId", Text, nullable=False)
    course_id: Mapped[str] = mapped_column("courseId", Text, nullable=False)
    certificate_no: Mapped[str] = mapped_column("certificateNo", Text, nullable=False)
    issued_at: Mapped[datetime] = mapped_column(
        "issuedAt",
        Timestamp,
        nullable=False,
        default=utcnow,
        server_default=func.current_timestamp(),
    )
    expires_at: Mapped[datetime | None] = mapped_column("expiresAt", Timestamp)
    pdf_url: Mapped[str | None] = mapped_column("pdfUrl", Text)

    user = relationship(
        "User", primaryjoin="foreign(Certificate.user_id) == User.id", viewonly=True
    )
    course = relationship(
        "Course", primaryjoin="foreign(Certificate.course_id) == Course.id", viewonly=True
    )


Index("certificates_userId_issuedAt_idx", Certificate.user_id, Certificate.issued_at.desc())

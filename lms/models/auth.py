"""NextAuth's tables: users, their OAuth accounts and sessions, and verification tokens."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Model
from lms.models.common import (
    CASCADE,
    CHILD_ROWS,
    Timestamp,
    UserRole,
    created_at_column,
    id_column,
    pg_enum,
    updated_at_column,
)


class User(Model):
    __tablename__ = "users"
    __table_args__ = (
        Index("users_email_key", "email", unique=True),
        Index("users_role_idx", "role"),
    )

    id: Mapped[str] = id_column()
    name: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str] = mapped_column(Text, nullable=False)
    email_verified: Mapped[datetime | None] = mapped_column("emailVerified", Timestamp)
    image: Mapped[str | None] = mapped_column(Text)
    role: Mapped[UserRole] = mapped_column(
        pg_enum(UserRole), nullable=False, default=UserRole.STUDENT, server_default="STUDENT"
    )
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    accounts = relationship("Account", back_populates="user", **CHILD_ROWS)
    sessions = relationship("Session", back_populates="user", **CHILD_ROWS)
    enrollments = relationship("Enrollment", back_populates="user", **CHILD_ROWS)
    progress = relationship("CourseProgress", back_populates="user", **CHILD_ROWS)

    def __str__(self) -> str:
        return self.email


# Indexes with a DESC column are declared on the mapped columns, after the class.
Index("users_role_createdAt_idx", User.role, User.created_at.desc())
Index("users_createdAt_idx", User.created_at.desc())


class Account(Model):
    __tablename__ = "accounts"
    __table_args__ = (
        Index(
            "accounts_provider_providerAccountId_key", "provider", "providerAccountId", unique=True
        ),
        Index("accounts_userId_idx", "userId"),
    )

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(
        "userId", Text, ForeignKey("users.id", **CASCADE), nullable=False
    )
    type: Mapped[str] = mapped_column(Text, nullable=False)
    provider: Mapped[str] = mapped_column(Text, nullable=False)
    provider_account_id: Mapped[str] = mapped_column("providerAccountId", Text, nullable=False)
    refresh_token: Mapped[str | None] = mapped_column(Text)
    access_token: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[int | None] = mapped_column(Integer)
    token_type: Mapped[str | None] = mapped_column(Text)
    scope: Mapped[str | None] = mapped_column(Text)
    id_token: Mapped[str | None] = mapped_column(Text)
    session_state: Mapped[str | None] = mapped_column(Text)

    user = relationship("User", back_populates="accounts")


class Session(Model):
    __tablename__ = "sessions"
    __table_args__ = (
        Index("sessions_sessionToken_key", "sessionToken", unique=True),
        Index("sessions_userId_idx", "userId"),
    )

    id: Mapped[str] = id_column()
    session_token: Mapped[str] = mapped_column("sessionToken", Text, nullable=False)
    user_id: Mapped[str] = mapped_column(
        "userId", Text, ForeignKey("users.id", **CASCADE), nullable=False
    )
    expires: Mapped[datetime] = mapped_column(Timestamp, nullable=False)

    user = relationship("User", back_populates="sessions")


class VerificationToken(Model):
    """No id in Prisma: the (identifier, token) pair and token alone are unique."""

    __tablename__ = "verification_tokens"
    __table_args__ = (
        Index("verification_tokens_token_key", "token", unique=True),
        Index("verification_tokens_identifier_token_key", "identifier", "token", unique=True),
    )
    # Prisma creates no primary key here; SQLAlchemy needs one to map, so the mapper uses the
    # unique token while the table itself keeps Prisma's shape.
    __mapper_args__ = {"primary_key": ["token"]}

    identifier: Mapped[str] = mapped_column(Text, nullable=False)
    token: Mapped[str] = mapped_column(Text, nullable=False)
    expires: Mapped[datetime] = mapped_column(Timestamp, nullable=False)

"""App-owned sign-in tables: staff credentials and failed-login counters.

No platform table changes.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Model
from lms.models.common import Timestamp, utcnow


class StaffCredential(Model):
    """A password for a user of the platform who may sign in to the admin."""

    __tablename__ = "admin_credentials"

    user_id: Mapped[str] = mapped_column(
        "userId",
        Text,
        ForeignKey("users.id", ondelete="CASCADE", onupdate="CASCADE"),
        primary_key=True,
    )
    password_hash: Mapped[str] = mapped_column("passwordHash", Text, nullable=False)
    password_changed_at: Mapped[datetime] = mapped_column(
        "passwordChangedAt", Timestamp, nullable=False, default=utcnow
    )
    created_at: Mapped[datetime] = mapped_column(
        "createdAt", Timestamp, nullable=False, default=utcnow
    )

    user = relationship("User")


class LoginThrottle(Model):
    """Failed sign-ins per key ("email:…" or "ip:…"), shared by every worker process."""

    __tablename__ = "admin_login_throttle"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    first_failure_at: Mapped[datetime] = mapped_column("firstFailureAt", Timestamp, nullable=False)
    last_failure_at: Mapped[datetime] = mapped_column("lastFailureAt", Timestamp, nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column("lockedUntil", Timestamp)


class AdminSession(Model):
    """A signed-in browser: revoking the row signs that browser out on its next request.

    The cookie holds a random token; this table holds only its SHA-256, so a copy of the
    table cannot be used to sign in.
    """

    __tablename__ = "admin_sessions"

    id: Mapped[str] = mapped_column(Text, primary_key=True)  # sha256 of the cookie's token
    user_id: Mapped[str] = mapped_column(
        "userId",
        Text,
        ForeignKey("users.id", ondelete="CASCADE", onupdate="CASCADE"),
        nullable=False,
        index=True,
    )
    created_at: Mapped[datetime] = mapped_column(
        "createdAt", Timestamp, nullable=False, default=utcnow
    )
    last_seen_at: Mapped[datetime] = mapped_column(
        "lastSeenAt", Timestamp, nullable=False, default=utcnow
    )
    revoked_at: Mapped[datetime | None] = mapped_column("revokedAt", Timestamp)
    user_agent: Mapped[str | None] = mapped_column("userAgent", Text)
    address: Mapped[str | None] = mapped_column(Text)


class FormSubmission(Model):
    """A submitted form's one-time token: a second submission of the same form (a double
    click, a resent request) is recognised and gives no second result."""

    __tablename__ = "admin_form_submissions"

    token: Mapped[str] = mapped_column(Text, primary_key=True)
    user_id: Mapped[str | None] = mapped_column("userId", Text)
    submitted_at: Mapped[datetime] = mapped_column(
        "submittedAt", Timestamp, nullable=False, default=utcnow, index=True
    )

"""Staff accounts: who may sign in, checking a password, setting passwords and roles."""

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, cast

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CursorResult, func, select, update

from lms.auth import passwords
from lms.db import db
from lms.models import AdminSession, StaffCredential, User, UserRole, utcnow
from lms.roles import STAFF

WRONG_CREDENTIALS = "Email or password is incorrect."
STUDENT_REFUSED = (
    "This is a student account. The admin is for instructors and administrators; "
    "students use the learning site."
)


@dataclass(frozen=True)
class StaffUser(UserMixin):
    """The signed-in person, as Flask-Login sees them."""

    user_id: str
    email: str
    name: str | None
    role: UserRole
    session_token: str = ""  # the browser's session (admin_sessions); empty before sign-in

    def get_id(self) -> str:
        return self.session_token

    @property
    def display_name(self) -> str:
        return self.name or self.email


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _staff_row(where):
    return db.session.execute(
        select(User, StaffCredential)
        .join(StaffCredential, StaffCredential.user_id == User.id)
        .where(where)
    ).first()


def _to_staff(user: User, session_token: str = "") -> StaffUser:
    return StaffUser(user.id, user.email, user.name, user.role, session_token)


# --- sessions: started at sign-in, ended by the server ---------------------------------------

SEEN_EVERY = timedelta(minutes=1)  # how often a session's last request is written down


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(staff: StaffUser, user_agent: str | None, address: str | None) -> StaffUser:
    """A new server-side session for a person who just proved who they are. Commits."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        AdminSession(
            id=digest(token),
            user_id=staff.user_id,
            user_agent=(user_agent or "")[:300] or None,
            address=(address or "")[:100] or None,
        )
    )
    db.session.commit()
    return replace(staff, session_token=token)


def load_staff(token: str) -> StaffUser | None:
    """Flask-Login's user loader: the session's person, while the session is live (not ended,
    not idle too long, not too old) and their role still allows signing in."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(
        select(AdminSession, User)
        .join(User, User.id == AdminSession.user_id)
        .where(AdminSession.id == digest(token))
    ).first()
    if row is None:
        return None
    record, user = row
    now = utcnow()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    oldest = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    if (
        record.revoked_at
        or now - record.last_seen_at > idle
        or now - record.created_at > oldest
        or user.role not in STAFF
    ):
        return None
    if now - record.last_seen_at > SEEN_EVERY:
        # Its own short transaction: the request's session may be in the middle of its work.
        with db.engine.begin() as conn:
            conn.execute(
                update(AdminSession).where(AdminSession.id == record.id).values(last_seen_at=now)
            )
    return _to_staff(user, session_token=token)


def end_session(token: str) -> None:
    """Sign this browser out on the server (a copied cookie stops working). Caller commits."""
    db.session.execute(
        update(AdminSession)
        .where(AdminSession.id == digest(token), AdminSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def end_all_sessions(user_id: str) -> int:
    """Sign the person out everywhere; returns how many sessions ended. Caller commits."""
    # An UPDATE without RETURNING gives a CursorResult; Session.execute is typed as Result.
    ended = db.session.execute(
        update(AdminSession)
        .where(AdminSession.user_id == user_id, AdminSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return cast(CursorResult[Any], ended).rowcount


def authenticate(email: str, password: str) -> tuple[StaffUser | None, str | None]:
    """(staff, None) on success, else (None, the message to show)."""
    row = _staff_row(func.lower(User.email) == normalise_email(email))
    if row is None:
        passwords.verify_password(passwords.DUMMY_HASH, password)  # same cost either way
        return None, WRONG_CREDENTIALS
    user, credential = row
    if not passwords.verify_password(credential.password_hash, password):
        return None, WRONG_CREDENTIALS
    if user.role not in STAFF:
        return None, STUDENT_REFUSED
    if passwords.needs_rehash(credential.password_hash):
        credential.password_hash = passwords.hash_password(password)
        db.session.commit()
    return _to_staff(user), None


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def set_password(user: User, password: str) -> None:
    """Give the user credentials (or replace them). Caller commits."""
    problem = passwords.password_problem(password, user.email, user.name)
    if problem:
        raise ValueError(problem)
    credential = db.session.get(StaffCredential, user.id)
    if credential is None:
        credential = StaffCredential(user_id=user.id)
        db.session.add(credential)
    credential.password_hash = passwords.hash_password(password)
    credential.password_changed_at = utcnow()
    end_all_sessions(user.id)  # a new password signs out every browser using the old one


def check_password(user_id: str, password: str) -> bool:
    credential = db.session.get(StaffCredential, user_id)
    return credential is not None and passwords.verify_password(credential.password_hash, password)


def count_admins() -> int:
    return db.session.execute(
        select(func.count()).select_from(User).where(User.role == UserRole.ADMIN)
    ).scalar_one()

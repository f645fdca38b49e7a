"""Staff accounts: who may sign in, checking a password, setting passwords and roles."""
import hashlib
from dataclasses import dataclass

from flask_login import UserMixin
from sqlalchemy import func, select

from lms.auth import passwords
from lms.db import db
from lms.models import StaffCredential, User, UserRole, utcnow

STAFF_ROLES = (UserRole.ADMIN, UserRole.INSTRUCTOR)

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
    password_fingerprint: str

    def get_id(self) -> str:
        # Changing the password changes the id, which signs out every other session.
        return f"{self.user_id}:{self.password_fingerprint}"

    @property
    def is_admin(self) -> bool:
        return self.role is UserRole.ADMIN

    @property
    def is_instructor(self) -> bool:
        return self.role is UserRole.INSTRUCTOR

    @property
    def display_name(self) -> str:
        return self.name or self.email


def fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _staff_row(where):
    return db.session.execute(
        select(User, StaffCredential).join(StaffCredential, StaffCredential.user_id == User.id)
        .where(where)
    ).first()


def _to_staff(user: User, credential: StaffCredential) -> StaffUser:
    return StaffUser(user.id, user.email, user.name, user.role,
                     fingerprint(credential.password_hash))


def load_staff(session_id: str) -> StaffUser | None:
    """Flask-Login's user loader: a staff member whose password and role still allow it."""
    user_id, _, expected = session_id.partition(":")
    row = _staff_row(User.id == user_id)
    if row is None:
        return None
    staff = _to_staff(*row)
    if staff.role not in STAFF_ROLES or staff.password_fingerprint != expected:
        return None
    return staff


def authenticate(email: str, password: str) -> tuple[StaffUser | None, str | None]:
    """(staff, None) on success, else (None, the message to show)."""
    row = _staff_row(func.lower(User.email) == normalise_email(email))
    if row is None:
        passwords.verify_password(passwords.DUMMY_HASH, password)  # same cost either way
        return None, WRONG_CREDENTIALS
    user, credential = row
    if not passwords.verify_password(credential.password_hash, password):
        return None, WRONG_CREDENTIALS
    if user.role not in STAFF_ROLES:
        return None, STUDENT_REFUSED
    if passwords.needs_rehash(credential.password_hash):
        credential.password_hash = passwords.hash_password(password)
        db.session.commit()
    return _to_staff(user, credential), None


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def set_password(user: User, password: str) -> None:
    """Give the user credentials (or replace them). Caller commits."""
    problem = passwords.password_problem(password)
    if problem:
        raise ValueError(problem)
    credential = db.session.get(StaffCredential, user.id)
    if credential is None:
        credential = StaffCredential(user_id=user.id)
        db.session.add(credential)
    credential.password_hash = passwords.hash_password(password)
    credential.password_changed_at = utcnow()


def check_password(user_id: str, password: str) -> bool:
    credential = db.session.get(StaffCredential, user_id)
    return credential is not None and passwords.verify_password(credential.password_hash, password)


def count_admins() -> int:
    return db.session.scalar(select(func.count()).select_from(User)
                             .where(User.role == UserRole.ADMIN))

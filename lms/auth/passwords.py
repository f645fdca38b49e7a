"""Password hashing with Argon2id (salted, memory-hard), via argon2-cffi; strength rules."""

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()

MIN_LENGTH = 12
MIN_SCORE = 3  # zxcvbn's scale: 0 (guessed at once) … 4 (very hard to guess)
MAX_LENGTH = 1024  # hashing megabytes of "password" is a denial of service, not a password


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def personal_words(email: str = "", name: str | None = "") -> list[str]:
    """The words a password must not be built from: the email's parts and the name's."""
    local, _, domain = (email or "").lower().partition("@")
    words = re.split(r"[^a-z0-9]+", f"{local} {domain} {(name or '').lower()}")
    joined = "".join((name or "").lower().split())
    return sorted({w for w in [*words, local, joined] if len(w) >= 3}, key=len, reverse=True)


def password_problem(password: str, email: str = "", name: str | None = "") -> str | None:
    """Why a new password is not acceptable, or None. Strength is judged by zxcvbn (Dropbox's
    estimator, which knows common passwords, names, keyboard walks and dates), told the
    person's email and name."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if "\x00" in password:
        return "The password contains a NUL character."
    words = personal_words(email, name)
    letters = re.sub(r"[^a-z]", "", password.lower())
    for word in words:
        letters = letters.replace(word, "")
    if len(letters) < 4:
        return "Do not build the password from your email address or name."
    verdict = zxcvbn(password[:100], user_inputs=words)
    if verdict["score"] < MIN_SCORE:
        hint = verdict["feedback"]["warning"] or "It would be guessed quickly."
        return f"{hint} Use a longer phrase of uncommon words."
    return None


# A real hash to verify against when the email is unknown, so timing does not reveal it.
DUMMY_HASH = hash_password("not-a-real-password-but-the-same-cost")

"""Demo sign-in passwords for the seeded staff accounts (only where none is set yet)."""

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from lms.auth.passwords import hash_password


def give_demo_passwords(conn: Connection, emails: list[str], password: str) -> int:
    """Credentials for the users with these emails that have none; returns how many were added.

    Existing passwords are left alone, so a second seed changes nothing.
    """
    statement = text("""
        INSERT INTO admin_credentials ("userId", "passwordHash", "passwordChangedAt", "createdAt")
        SELECT id, :hash, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
        FROM users WHERE email IN :emails
        ON CONFLICT ("userId") DO NOTHING
    """).bindparams(bindparam("emails", expanding=True))
    return conn.execute(statement, {"hash": hash_password(password), "emails": emails}).rowcount

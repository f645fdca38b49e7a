"""Failed sign-in throttling, kept in PostgreSQL so every worker process sees the same counts.

Per key ("email:…", "ip:…"): the first few failures cost nothing; after that each new try
must wait an exponentially growing pause since the last failure (slowed), and past a limit the
key is locked for LOCK_MINUTES (refused). The same rules apply to unknown emails, so the
answers never reveal whether an email exists.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from lms.db import db
from lms.models import LoginThrottle, utcnow

ADVISORY_NAMESPACE = 7_345_001  # pg_advisory_xact_lock(namespace, key): sign-in attempts
FREE_FAILURES = 3
WINDOW = timedelta(minutes=15)
LOCK_MINUTES = 15
# (free failures, failures that lock) per kind of key: one office's NAT shares an address.
LIMITS = {"email": (FREE_FAILURES, 10), "ip": (FREE_FAILURES * 5, 50)}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds

    @property
    def message(self) -> str:
        minutes = math.ceil(self.retry_after / 60)
        wait = f"{self.retry_after} seconds" if self.retry_after < 120 else f"{minutes} minutes"
        return f"Too many failed sign-ins. Try again in {wait}."


def throttle_keys(email: str, address: str | None) -> list[str]:
    keys = [f"email:{email.strip().lower()}"]
    if address:
        keys.append(f"ip:{address}")
    return keys


def _limits(key: str) -> tuple[int, int]:
    return LIMITS[key.split(":", 1)[0]]


def _wait_for(row: LoginThrottle, now: datetime) -> int:
    """Seconds this key must still wait before another try (0: may try now)."""
    if row.locked_until and row.locked_until > now:
        return math.ceil((row.locked_until - now).total_seconds())
    if now - row.last_failure_at > WINDOW:
        return 0
    free, _lock_at = _limits(row.key)
    if row.failures < free:
        return 0
    pause = timedelta(seconds=2 ** (row.failures - free + 1))
    remaining = (row.last_failure_at + pause - now).total_seconds()
    return max(0, math.ceil(remaining))


def hold(keys: list[str]) -> None:
    """One sign-in attempt at a time per key, in every worker, until the transaction ends:
    parallel tries each see the failures counted before them (a burst gets no more guesses
    than a sequence). Keys are locked in one order, so two attempts never deadlock."""
    for key in sorted(keys):
        db.session.execute(
            select(func.pg_advisory_xact_lock(ADVISORY_NAMESPACE, func.hashtext(key)))
        )


def verdicts(keys: list[str], now: datetime | None = None) -> dict[str, Verdict]:
    """May a sign-in be attempted now, key by key?"""
    now = now or utcnow()
    rows = {
        row.key: row
        for row in db.session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys)))
    }
    waits = {key: _wait_for(rows[key], now) if key in rows else 0 for key in keys}
    return {key: Verdict(allowed=wait == 0, retry_after=wait) for key, wait in waits.items()}


def under_attack(email_key: str, now: datetime | None = None) -> bool:
    """Has this email had a failed sign-in lately? (Then an address limit applies to it too.)"""
    now = now or utcnow()
    row = db.session.get(LoginThrottle, email_key)
    return row is not None and row.failures > 0 and now - row.last_failure_at <= WINDOW


def record_failure(keys: list[str], now: datetime | None = None) -> None:
    """Count one failure per key, atomically (concurrent workers may record at once)."""
    now = now or utcnow()
    for key in keys:
        _free, lock_at = _limits(key)
        table = LoginThrottle.__table__
        stale = table.c.lastFailureAt < now - WINDOW
        statement = insert(table).values(
            key=key, failures=1, firstFailureAt=now, lastFailureAt=now, lockedUntil=None
        )
        failures = db.case((stale, 1), else_=table.c.failures + 1)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "failures": failures,
                "firstFailureAt": db.case((stale, now), else_=table.c.firstFailureAt),
                "lastFailureAt": now,
                "lockedUntil": db.case(
                    (failures >= lock_at, now + timedelta(minutes=LOCK_MINUTES)),
                    else_=table.c.lockedUntil,
                ),
            },
        )
        db.session.execute(statement)
    db.session.commit()


def record_success(email_key: str) -> None:
    """A correct password clears the email's count (not the address's)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == email_key))
    db.session.commit()

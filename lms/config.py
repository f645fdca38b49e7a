"""Settings read from the environment, and nothing else."""

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


def is_production(environ=os.environ) -> bool:
    """Production is chosen with LMS_ENV=production (the serving command in the README sets it)."""
    return environ.get("LMS_ENV", "development").strip().lower() == "production"


def load_secret_key(instance_path: Path, environ=os.environ) -> str:
    """SECRET_KEY from the environment; in development, one generated once and kept in instance/."""
    key = environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if is_production(environ):
        raise ConfigError(
            "SECRET_KEY is not set. In production (LMS_ENV=production) the app refuses to start "
            "without it: set SECRET_KEY to a long random string, e.g. "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`."
        )
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: two processes starting at once must end up with the same key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def number(environ, name: str, default: int) -> int:
    """A whole-number setting; a wrong value stops start-up with a message naming it."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative.")
    return value


def settings_from_environment(instance_path: Path, environ=os.environ) -> dict:
    """Every setting the app reads, as Flask config keys."""
    production = is_production(environ)
    statement_timeout_ms = number(environ, "LMS_STATEMENT_TIMEOUT_MS", 15_000)
    return {
        "LMS_PRODUCTION": production,
        "SECRET_KEY": load_secret_key(instance_path, environ),
        "DATABASE_URL": environ.get("DATABASE_URL", "").strip() or None,
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": True,
            "pool_size": int(environ.get("DATABASE_POOL_SIZE", "5")),
            "connect_args": {"connect_timeout": 5},
        },
        # Interactive pages never wait on one statement longer than this (lms.db); CSV
        # exports lift it for their own transaction (lms/reports/stream.py).
        "STATEMENT_TIMEOUT_MS": statement_timeout_ms,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Over plain http (python app.py on 127.0.0.1) a Secure cookie would never come back.
        "SESSION_COOKIE_SECURE": production
        or environ.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true", "yes"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        # bench/run.py sets LMS_BENCH_TIMING=1: responses carry their SQL time (Server-Timing).
        "BENCH_TIMING": environ.get("LMS_BENCH_TIMING") == "1",
        # Requests at least this slow are logged, one JSON line each (lms/request_timing.py).
        "SLOW_REQUEST_MS": number(environ, "LMS_SLOW_REQUEST_MS", 1000),
        "SEED_DEMO_IF_EMPTY": environ.get("LMS_SEED_DEMO", "1").lower() not in ("0", "false", "no"),
        # Behind a proxy: how many proxies in front of the app set X-Forwarded-For/-Proto.
        "TRUSTED_PROXIES": number(environ, "LMS_TRUSTED_PROXIES", 0),
        # Signed-in sessions end after this long without a request, and after this long at all.
        "SESSION_IDLE_MINUTES": number(environ, "LMS_SESSION_IDLE_MINUTES", 60),
        "SESSION_MAX_HOURS": number(environ, "LMS_SESSION_MAX_HOURS", 12),
        # CSV downloads at once (every worker process counts): per user, and in all.
        "EXPORTS_PER_USER": number(environ, "LMS_EXPORTS_PER_USER", 2),
        "EXPORTS_TOTAL": number(environ, "LMS_EXPORTS_TOTAL", 4),
        # A download whose client reads nothing for this long is ended.
        "EXPORT_STALL_SECONDS": number(environ, "LMS_EXPORT_STALL_SECONDS", 60),
    }

"""What `python app.py` does before serving: migrate, seed an empty database, say how to sign in."""

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from lms.db import db
from lms.models import User


def prepare_database(app: Flask) -> bool:
    """Apply migrations; load the demo data when there are no users. True if it seeded."""
    upgrade()
    if not app.config["SEED_DEMO_IF_EMPTY"]:
        return False
    if db.session.scalar(select(func.count()).select_from(User)):
        return False
    from lms.seed.demo import seed_demo

    seed_demo()
    return True


def sign_in_details(url: str, seeded: bool) -> str:
    from lms.seed.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    lines = [f"LMS Admin is running at {url}"]
    if seeded:
        lines.append("Demo data loaded. Sign in with:")
    else:
        lines.append("Demo accounts (if this database was seeded with the demo data):")
    for email, role in DEMO_ACCOUNTS:
        note = "  (students are refused: shows the message)" if role == "STUDENT" else ""
        lines.append(f"  {role:<10} {email:<28} password: {DEMO_PASSWORD}{note}")
    lines.append("Create your own with: flask --app app user create EMAIL --role ADMIN")
    return "\n".join(lines)

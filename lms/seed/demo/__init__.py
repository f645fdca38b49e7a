"""The demo data set: six AI courses, their students and a year of activity, loaded idempotently."""

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from lms.models import Account, CourseProgress, Session, User, VerificationToken, cuid
from lms.seed.credentials import give_demo_passwords
from lms.seed.demo import activity
from lms.seed.demo.catalog import load_catalog
from lms.seed.demo.plan import Student, at, plan
from lms.seed.upsert import ids_by, insert_ignore

# Staff who sign in to the admin. The credentials issue gives each DEMO_PASSWORD.
DEMO_ACCOUNTS = [
    ("admin@example.com", "ADMIN"),
    ("ada@example.com", "INSTRUCTOR"),
    ("grace@example.com", "INSTRUCTOR"),
    ("alan@example.com", "INSTRUCTOR"),
    ("student@example.com", "STUDENT"),  # to show that students are refused at sign-in
]
DEMO_PASSWORD = "demo-password-123"
DEMO_NAMES = {
    "admin@example.com": "Avery Admin",
    "ada@example.com": "Ada Lovelace",
    "grace@example.com": "Grace Hopper",
    "alan@example.com": "Alan Turing",
    "student@example.com": "Sam Student",
}


def anchor_today() -> datetime:
    """Midnight UTC today (naive): dates are offsets from it, so a day's runs agree."""
    return datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)


def seed_demo() -> dict[str, int]:
    """Load the demo into the current app's database in one transaction (app context needed)."""
    from lms.db import db

    with db.engine.begin() as conn:
        return load_demo(conn)


def load_demo(conn: Connection, anchor: datetime | None = None) -> dict[str, int]:
    """Upsert the demo data set on natural keys inside the caller's transaction.

    Returns the rows inserted per table: all zero when the demo is already there.
    """
    anchor = anchor or anchor_today()
    # Two seeds at once (a start-up auto-seed and a manual one) would race on the same keys.
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('lms-demo-seed'))"))
    staff_student = next(
        (email, DEMO_NAMES[email]) for email, role in DEMO_ACCOUNTS if role == "STUDENT"
    )
    students, enrollments = plan(staff_student)
    inserted, users = load_users(conn, anchor, students)
    catalog = load_catalog(conn, anchor, users)
    inserted |= catalog.inserted
    inserted |= activity.load_enrollments(conn, anchor, enrollments, users, catalog.courses)
    progress = progress_ids(conn, users, catalog.courses)
    inserted["lesson_progress"] = activity.load_lesson_progress(
        conn, anchor, enrollments, progress, catalog.lessons
    )
    inserted["transactions"] = activity.load_transactions(
        conn, anchor, enrollments, users, catalog.courses
    )
    inserted["certificates"] = activity.load_certificates(
        conn, anchor, enrollments, users, catalog.courses
    )
    inserted["quiz_attempts"] = activity.load_quiz_attempts(
        conn, anchor, enrollments, users, catalog.quizzes
    )
    inserted["course_analytics"] = activity.load_course_analytics(conn, anchor, catalog.courses)
    inserted |= load_sign_in_records(conn, anchor, users, students)
    inserted["admin_credentials"] = give_demo_passwords(
        conn, [email for email, _role in DEMO_ACCOUNTS], DEMO_PASSWORD
    )
    return inserted


def load_users(conn: Connection, anchor: datetime, students: list[Student]):
    staff = [
        (email, DEMO_NAMES[email], role, 450.0)
        for email, role in DEMO_ACCOUNTS
        if role != "STUDENT"
    ]
    people = staff + [(s.email, s.name, "STUDENT", s.days_ago) for s in students]
    rows = []
    for number, (email, name, role, days_ago) in enumerate(people):
        created = at(anchor, days_ago)
        rows.append(
            {
                "id": cuid(),
                "name": name,
                "email": email,
                "role": role,
                # Every seventh person never clicked the verification link.
                "emailVerified": None if number % 7 == 3 else created + timedelta(minutes=12),
                "image": None,
                "createdAt": created,
                "updatedAt": created,
            }
        )
    inserted = insert_ignore(conn, User.__table__, rows, ["email"])
    stored = ids_by(conn, User.__table__, ["email"], rows)
    users = {email: user_id for (email,), user_id in stored.items()}
    return {"users": inserted}, users


def progress_ids(conn: Connection, users: dict, courses: dict) -> dict[tuple, str]:
    """{(email, slug): course_progress id} for the demo's people and courses."""
    emails = {user_id: email for email, user_id in users.items()}
    slugs = {course_id: slug for slug, course_id in courses.items()}
    table = CourseProgress.__table__
    rows = conn.execute(
        select(table.c.userId, table.c.courseId, table.c.id).where(
            table.c.userId.in_(list(emails)), table.c.courseId.in_(list(slugs))
        )
    )
    return {(emails[u], slugs[c]): progress_id for u, c, progress_id in rows}


def load_sign_in_records(
    conn: Connection, anchor: datetime, users: dict, students: list[Student]
) -> dict[str, int]:
    """A few OAuth links, live sessions and pending e-mail verifications (NextAuth's tables)."""

    def token(*parts):
        return hashlib.sha256("|".join(("lms-demo", *parts)).encode()).hexdigest()

    accounts = [
        {
            "id": cuid(),
            "userId": users[s.email],
            "type": "oauth",
            "provider": "google" if n % 2 else "github",
            "providerAccountId": str(4_200_000 + n),
            "token_type": "bearer",
            "scope": "openid email profile",
        }
        for n, s in enumerate(students[:12])
    ]
    sessions = [
        {
            "id": cuid(),
            "sessionToken": token("session", s.email),
            "userId": users[s.email],
            "expires": anchor + timedelta(days=20 + n),
        }
        for n, s in enumerate(students[:5])
    ]
    verifications = [
        {
            "identifier": f"newcomer{n}@example.com",
            "token": token("verify", str(n)),
            "expires": anchor + timedelta(days=1),
        }
        for n in range(2)
    ]
    return {
        "accounts": insert_ignore(
            conn, Account.__table__, accounts, ["provider", "providerAccountId"]
        ),
        "sessions": insert_ignore(conn, Session.__table__, sessions, ["sessionToken"]),
        "verification_tokens": insert_ignore(
            conn, VerificationToken.__table__, verifications, ["token"]
        ),
    }

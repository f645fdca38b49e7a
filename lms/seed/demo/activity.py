"""Loads the planned demo activity: enrollments, progress, payments, quiz attempts, certificates."""

import hashlib
import json
import random
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.engine import Connection

from lms.models import (
    Certificate,
    CourseProgress,
    LessonProgress,
    QuizAttempt,
    Transaction,
    cuid,
)
from lms.models import (
    Enrollment as EnrollmentModel,
)
from lms.seed.demo.content import COURSES
from lms.seed.demo.plan import SEED, Enrollment, at
from lms.seed.upsert import insert_ignore, insert_missing

# A payment whose user has since been deleted: transactions keep the id (audit), nothing else.
DELETED_USER_ID = "clx0deleteduser0000000000"


def stable_id(*parts: object) -> str:
    """A cuid-shaped id derived from a natural key, for rows without a unique key of their own."""
    return "cd" + hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:23]


def load_enrollments(
    conn: Connection, anchor: datetime, plan: list[Enrollment], users: dict, courses: dict
) -> dict[str, int]:
    rows, progress = [], []
    for e in plan:
        key = {"userId": users[e.student.email], "courseId": courses[e.course.slug]}
        enrolled, last = at(anchor, e.days_ago), at(anchor, e.last_days_ago)
        done = last if e.finished else None
        expires = at(anchor, e.expires_days_ago) if e.expires_days_ago is not None else None
        rows.append(
            {
                **key,
                "id": cuid(),
                "status": e.status,
                "enrolledAt": enrolled,
                "completedAt": done,
                "expiresAt": expires,
                "paymentStatus": e.payment,
                "paymentAmount": e.amount,
                "paymentCurrency": "USD",
            }
        )
        total = e.course.lesson_count
        progress.append(
            {
                **key,
                "id": cuid(),
                "completedLessons": e.completed,
                "totalLessons": total,
                "progressPercent": 100 * e.completed // total,
                "lastAccessedAt": last,
                "startedAt": enrolled,
                "completedAt": done,
            }
        )
    table, progress_table = EnrollmentModel.__table__, CourseProgress.__table__
    return {
        "enrollments": insert_ignore(conn, table, rows, ["userId", "courseId"]),
        "course_progress": insert_ignore(conn, progress_table, progress, ["userId", "courseId"]),
    }


def load_lesson_progress(
    conn: Connection, anchor: datetime, plan: list[Enrollment], progress_ids: dict, lessons: dict
) -> int:
    """The first `started` lessons of the course, watched in order from enrolment to last visit."""
    rng = random.Random(SEED + 1)
    rows = []
    for e in plan:
        start, end = at(anchor, e.days_ago), at(anchor, e.last_days_ago)
        progress_id = progress_ids[(e.student.email, e.course.slug)]
        for position, (lesson_id, minutes) in enumerate(lessons[e.course.slug][: e.started], 1):
            watched = (start + (end - start) * position / e.started).replace(microsecond=0)
            done = position <= e.completed
            share = rng.uniform(0.85, 1.3) if done else rng.uniform(0.1, 0.9)
            rows.append(
                {
                    "id": cuid(),
                    "progressId": progress_id,
                    "lessonId": lesson_id,
                    "completed": done,
                    "completedAt": watched if done else None,
                    "watchTimeSeconds": int(minutes * 60 * share),
                    "lastWatchedAt": watched,
                }
            )
    return insert_ignore(conn, LessonProgress.__table__, rows, ["progressId", "lessonId"])


def load_transactions(
    conn: Connection, anchor: datetime, plan: list[Enrollment], users: dict, courses: dict
) -> int:
    rows = []
    for e in plan:
        created = at(anchor, e.days_ago)
        settled = {"REFUNDED": at(anchor, e.refunded_days_ago or 0), "PENDING": created}
        details = {"coupon": "SAVE20"} if e.coupon else {}
        details |= {
            "REFUNDED": {"refundReason": "requested_by_customer"},
            "FAILED": {"failureCode": "card_declined"},
        }.get(e.payment, {})
        rows.append(
            {
                "id": cuid(),
                "userId": users[e.student.email],
                "courseId": courses[e.course.slug],
                "amount": e.amount,
                "currency": "USD",
                "status": e.payment,
                "provider": e.provider,
                "providerTxnId": provider_txn_id(e.provider, e.number),
                "metadata": details or None,
                "createdAt": created,
                "updatedAt": settled.get(e.payment, created + timedelta(seconds=4)),
            }
        )
    rows.append(deleted_user_payment(anchor, courses))
    return insert_ignore(conn, Transaction.__table__, rows, ["providerTxnId"])


def provider_txn_id(provider: str, number: int) -> str:
    return f"pi_demo_{number:06d}" if provider == "stripe" else f"PAYID-DEMO-{number:06d}"


def deleted_user_payment(anchor: datetime, courses: dict) -> dict:
    course = COURSES[1]
    created = at(anchor, 200)
    return {
        "id": cuid(),
        "userId": DELETED_USER_ID,
        "courseId": courses[course.slug],
        "amount": course.price,
        "currency": "USD",
        "status": "COMPLETED",
        "provider": "stripe",
        "providerTxnId": "pi_demo_deleted_user",
        "metadata": {"note": "account deleted at the user's request"},
        "createdAt": created,
        "updatedAt": created + timedelta(seconds=4),
    }


def load_certificates(
    conn: Connection, anchor: datetime, plan: list[Enrollment], users: dict, courses: dict
) -> int:
    rows = []
    for e in plan:
        if not e.finished:
            continue
        issued = at(anchor, e.last_days_ago) + timedelta(minutes=5)
        number = f"LMS-{issued.year}-{100 + e.number:06d}"
        rows.append(
            {
                "id": cuid(),
                "userId": users[e.student.email],
                "courseId": courses[e.course.slug],
                "certificateNo": number,
                "issuedAt": issued,
                "expiresAt": None,
                "pdfUrl": f"https://media.example.com/certificates/{number}.pdf",
            }
        )
    # Keyed on (user, course): the number carries the issue year, which moves with the anchor.
    return insert_missing(conn, Certificate.__table__, rows, ["userId", "courseId"])


def load_quiz_attempts(
    conn: Connection, anchor: datetime, plan: list[Enrollment], users: dict, quizzes: dict
) -> int:
    """Students who reached a quiz take it; after a fail they retry, up to maxAttempts."""
    rng = random.Random(SEED + 2)
    rows = []
    for e in plan:
        for spec in e.course.quizzes:
            reached = reached_at(e, spec.module)
            if reached is None:
                continue
            questions = quizzes[(e.course.slug, spec.title)]
            for attempt in range(1, 4):
                skill = min(1.0, e.skill + 0.15 * (attempt - 1))
                answers, score = answer_quiz(rng, questions, skill)
                started = min(
                    at(anchor, reached) + timedelta(days=attempt - 1, hours=1),
                    anchor - timedelta(hours=1),
                )
                rows.append(
                    {
                        "id": stable_id(e.student.email, e.course.slug, spec.title, attempt),
                        "quizId": questions[0]["quizId"],
                        "userId": users[e.student.email],
                        "score": score,
                        "passed": score >= spec.passing_score,
                        "answers": answers,
                        "startedAt": started,
                        "completedAt": started + timedelta(minutes=rng.randint(4, 25)),
                    }
                )
                if score >= spec.passing_score:
                    break
    return insert_ignore(conn, QuizAttempt.__table__, rows, ["id"])


def reached_at(e: Enrollment, module: int | None) -> float | None:
    """Days ago the student finished the quiz's module (or the course, for a final exam)."""
    modules = e.course.modules
    needed = (
        sum(len(lessons) for _, lessons in modules[:module])
        if module
        else len([lesson for _, lessons in modules for lesson in lessons])
    )
    if e.completed < needed or e.started == 0:
        return None
    return e.days_ago - (e.days_ago - e.last_days_ago) * needed / e.started


def answer_quiz(rng: random.Random, questions: list[dict], skill: float) -> tuple[dict, float]:
    """{questionId: answer} and the score (0-100) those answers earn; essays earn part credit."""
    answers, earned, total = {}, 0.0, 0
    for q in questions:
        total += q["points"]
        if q["type"] == "essay":
            answers[q["id"]] = "I would start from a simple baseline and measure each change."
            earned += q["points"] * round(rng.uniform(skill - 0.3, 1.0) * 2) / 2
            continue
        right = rng.random() < skill
        wrong = [o for o in (q["options"] or ["true", "false"]) if o != q["correctAnswer"]]
        answers[q["id"]] = q["correctAnswer"] if right else rng.choice(wrong)
        earned += q["points"] if right else 0
    return answers, round(100 * max(0.0, earned) / total, 1)


def load_course_analytics(conn: Connection, anchor: datetime, courses: dict) -> int:
    """Per-course figures computed from the loaded rows, kept if already there."""
    ratings = {courses[c.slug]: c.rating for c in COURSES}
    result = conn.execute(
        text("""
        INSERT INTO course_analytics (id, "courseId", "totalEnrollments", "activeEnrollments",
            "completionRate", "averageProgress", "totalRevenue", "averageRating",
            "lastCalculatedAt")
        SELECT 'cda' || substr(md5(c.id), 1, 22), c.id,
               (SELECT count(*) FROM enrollments e WHERE e."courseId" = c.id),
               (SELECT count(*) FROM enrollments e WHERE e."courseId" = c.id
                                                     AND e.status = 'ACTIVE'),
               coalesce((SELECT 100.0 * count(*) FILTER (WHERE e.status = 'COMPLETED')
                                / nullif(count(*), 0)
                         FROM enrollments e WHERE e."courseId" = c.id), 0),
               coalesce((SELECT avg(p."progressPercent") FROM course_progress p
                         WHERE p."courseId" = c.id), 0),
               (SELECT coalesce(sum(t.amount), 0) FROM transactions t
                WHERE t."courseId" = c.id AND t.status = 'COMPLETED'),
               (CAST(:ratings AS jsonb) ->> c.id)::float8, :anchor
        FROM courses c WHERE c.id = ANY(:ids)
        ON CONFLICT ("courseId") DO NOTHING
    """),
        {"ratings": json.dumps(ratings), "anchor": anchor, "ids": list(ratings)},
    )
    return result.rowcount

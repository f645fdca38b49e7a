"""Loads the demo catalog: courses, modules, lessons, quizzes, questions and media."""

import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from lms.models import Course, CourseModule, Lesson, Media, Question, Quiz, cuid
from lms.seed.demo.content import COURSES, MEDIA, CourseSpec
from lms.seed.demo.plan import at
from lms.seed.upsert import ids_by, insert_ignore, insert_missing


@dataclass
class Catalog:
    """Ids of the demo catalog as stored, whichever run inserted them."""

    courses: dict[str, str] = field(default_factory=dict)  # slug -> id
    # slug -> [(lesson id, minutes)] in course order
    lessons: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    # (slug, quiz title) -> question rows, in order
    quizzes: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    inserted: dict[str, int] = field(default_factory=dict)


def load_catalog(conn: Connection, anchor: datetime, users: dict[str, str]) -> Catalog:
    catalog = Catalog()
    rows = [course_row(spec, anchor, users) for spec in COURSES]
    catalog.inserted["courses"] = insert_ignore(conn, Course.__table__, rows, ["slug"])
    catalog.courses = {k[0]: v for k, v in ids_by(conn, Course.__table__, ["slug"], rows).items()}
    load_modules_and_lessons(conn, anchor, catalog)
    load_quizzes(conn, anchor, catalog)
    media = [media_row(item, anchor, n) for n, item in enumerate(MEDIA)]
    catalog.inserted["media"] = insert_missing(conn, Media.__table__, media, ["url"])
    return catalog


def course_row(spec: CourseSpec, anchor: datetime, users: dict[str, str]) -> dict:
    created = at(anchor, spec.launched_days_ago + 20)
    return {
        "id": cuid(),
        "title": spec.title,
        "description": spec.description,
        "slug": spec.slug,
        "price": spec.price,
        "currency": "USD",
        "durationHours": max(1, round(sum(m for _, ls in spec.modules for _, m in ls) / 60)),
        "difficulty": spec.difficulty,
        "published": True,
        "featured": spec.featured,
        "learningObjectives": spec.objectives,
        "prerequisites": spec.prerequisites,
        "thumbnailUrl": f"https://media.example.com/courses/{spec.slug}.jpg",
        "videoUrl": None,
        "instructorId": users[spec.instructor],
        "createdAt": created,
        "updatedAt": at(anchor, spec.launched_days_ago),
    }


def load_modules_and_lessons(conn: Connection, anchor: datetime, catalog: Catalog) -> None:
    modules, lessons = [], []
    for spec in COURSES:
        created = at(anchor, spec.launched_days_ago + 20)
        for order, (title, items) in enumerate(spec.modules, 1):
            modules.append(
                {
                    "id": cuid(),
                    "courseId": catalog.courses[spec.slug],
                    "title": title,
                    "order": order,
                    "description": f"{title}: part {order} of {spec.title}.",
                    "duration": sum(minutes for _, minutes in items),
                    "videoUrl": None,
                    "content": None,
                    "createdAt": created,
                    "updatedAt": created,
                }
            )
    module_table, lesson_table = CourseModule.__table__, Lesson.__table__
    key = ["courseId", "order"]
    catalog.inserted["course_modules"] = insert_missing(conn, module_table, modules, key)
    module_ids = ids_by(conn, module_table, key, modules)
    for spec in COURSES:
        for order, (_, items) in enumerate(spec.modules, 1):
            module_id = module_ids[(catalog.courses[spec.slug], order)]
            for position, (title, minutes) in enumerate(items, 1):
                lessons.append(lesson_row(module_id, position, title, minutes, anchor, spec))
    catalog.inserted["lessons"] = insert_missing(conn, lesson_table, lessons, ["moduleId", "order"])
    catalog.lessons = course_lessons(conn, catalog)


def lesson_row(
    module_id: str, order: int, title: str, minutes: int, anchor: datetime, spec: CourseSpec
) -> dict:
    created = at(anchor, spec.launched_days_ago + 15)
    return {
        "id": cuid(),
        "moduleId": module_id,
        "title": title,
        "order": order,
        "content": f"# {title}\n\nNotes, code and exercises for this lesson.",
        "videoUrl": f"https://vimeo.com/{900_000_000 + zlib.crc32(title.encode()) % 10**8}",
        "duration": minutes,
        "createdAt": created,
        "updatedAt": created,
    }


def course_lessons(conn: Connection, catalog: Catalog) -> dict[str, list[tuple[str, int]]]:
    """Each course's lessons in course order (module order, then lesson order)."""
    module, lesson = CourseModule.__table__, Lesson.__table__
    slugs = {course_id: slug for slug, course_id in catalog.courses.items()}
    rows = conn.execute(
        select(module.c.courseId, lesson.c.id, lesson.c.duration)
        .join(module, module.c.id == lesson.c.moduleId)
        .where(module.c.courseId.in_(list(slugs)))
        .order_by(module.c.courseId, module.c.order, lesson.c.order)
    )
    ordered: dict[str, list[tuple[str, int]]] = {}
    for course_id, lesson_id, minutes in rows:
        ordered.setdefault(slugs[course_id], []).append((lesson_id, minutes))
    return ordered


def quiz_row(conn: Connection, anchor: datetime, catalog: Catalog, spec, quiz) -> dict:
    created = at(anchor, spec.launched_days_ago + 10)
    return {
        "id": cuid(),
        "courseId": catalog.courses[spec.slug],
        "moduleId": module_id(conn, catalog.courses[spec.slug], quiz.module),
        "title": quiz.title,
        "passingScore": quiz.passing_score,
        "description": f"{len(quiz.questions)} questions on {spec.title}.",
        "timeLimit": 15 if quiz.module else 45,
        "maxAttempts": 3,
        "createdAt": created,
        "updatedAt": created,
    }


def load_quizzes(conn: Connection, anchor: datetime, catalog: Catalog) -> None:
    quizzes = [
        quiz_row(conn, anchor, catalog, spec, quiz) for spec in COURSES for quiz in spec.quizzes
    ]
    key = ["courseId", "title"]
    catalog.inserted["quizzes"] = insert_missing(conn, Quiz.__table__, quizzes, key)
    quiz_ids = ids_by(conn, Quiz.__table__, key, quizzes)
    load_questions(conn, anchor, catalog, quiz_ids)


def module_id(conn: Connection, course_id: str, order: int | None) -> str | None:
    if order is None:
        return None
    table = CourseModule.__table__
    return conn.scalar(
        select(table.c.id).where(table.c.courseId == course_id, table.c.order == order)
    )


def load_questions(
    conn: Connection, anchor: datetime, catalog: Catalog, quiz_ids: dict[tuple, str]
) -> None:
    questions: list[dict[str, Any]] = []
    quiz_keys: dict[str, tuple[str, str]] = {}
    for spec in COURSES:
        created = at(anchor, spec.launched_days_ago + 10)
        for quiz in spec.quizzes:
            quiz_id = quiz_ids[(catalog.courses[spec.slug], quiz.title)]
            quiz_keys[quiz_id] = (spec.slug, quiz.title)
            for order, (kind, wording, options, answer) in enumerate(quiz.questions, 1):
                questions.append(
                    {
                        "id": cuid(),
                        "quizId": quiz_id,
                        "type": kind,
                        "question": wording,
                        "options": options,
                        "correctAnswer": answer,
                        "points": 3 if kind == "essay" else 1,
                        "order": order,
                        "createdAt": created,
                        "updatedAt": created,
                    }
                )
    key = ["quizId", "order"]
    catalog.inserted["questions"] = insert_missing(conn, Question.__table__, questions, key)
    stored = ids_by(conn, Question.__table__, key, questions)
    for row in questions:
        catalog.quizzes.setdefault(quiz_keys[row["quizId"]], []).append(
            {**row, "id": stored[(row["quizId"], row["order"])]}
        )


def media_row(item: tuple, anchor: datetime, number: int) -> dict:
    kind, url, provider, provider_id, title, duration, size, mime = item
    created = at(anchor, 330 - 25 * number)
    return {
        "id": cuid(),
        "type": kind,
        "url": url,
        "provider": provider,
        "providerId": provider_id,
        "title": title,
        "duration": duration,
        "size": size,
        "mimeType": mime,
        "createdAt": created,
        "updatedAt": created,
    }

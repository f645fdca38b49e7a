"""What a delete takes with it: row counts per table, following the database's cascades.

The cascade graph is read from the foreign keys in the metadata (ON DELETE CASCADE), so it
always matches what PostgreSQL will do. References without a foreign key (payments,
certificates, attempts, quizzes, analytics) are counted as what stays.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Table, false, func, select, union

from lms.db import db

# Columns that name a row without a foreign key: these rows stay when it is deleted.
KEPT_REFERENCES = {
    "users": [
        ("transactions", "userId"),
        ("certificates", "userId"),
        ("quiz_attempts", "userId"),
        ("courses", "instructorId"),
    ],
    "courses": [
        ("transactions", "courseId"),
        ("certificates", "courseId"),
        ("quizzes", "courseId"),
        ("course_analytics", "courseId"),
    ],
    "course_modules": [("quizzes", "moduleId")],
}
LABELS = {
    "accounts": "OAuth accounts",
    "sessions": "sessions",
    "enrollments": "enrollments",
    "course_progress": "course progress rows",
    "lesson_progress": "lesson progress rows",
    "course_modules": "modules",
    "lessons": "lessons",
    "questions": "questions",
    "quiz_attempts": "quiz attempts",
    "transactions": "transactions",
    "certificates": "certificates",
    "quizzes": "quizzes",
    "course_analytics": "analytics rows",
    "courses": "courses",
    "admin_credentials": "admin sign-in credentials",
}


@dataclass(frozen=True)
class Impact:
    table: str
    count: int

    @property
    def label(self) -> str:
        return LABELS.get(self.table, self.table)


def cascade_children(table: Table) -> list[tuple[Table, Column[Any], Column[Any]]]:
    """(child table, child column, parent column) for every ON DELETE CASCADE key to `table`."""
    return [
        (child, fk.parent, fk.column)
        for child in db.metadata.sorted_tables
        for fk in child.foreign_keys
        if fk.column.table is table and (fk.ondelete or "").upper() == "CASCADE"
    ]


def _conditions(table: Table, id_filter) -> dict[str, list]:
    """For each table the delete reaches: the conditions that select its doomed rows."""
    reached: dict[str, list] = {}
    queue = [(table, id_filter)]
    while queue:
        parent, condition = queue.pop()
        for child, child_column, parent_column in cascade_children(parent):
            doomed_parents = select(parent_column).where(condition)
            child_condition = child_column.in_(doomed_parents)
            reached.setdefault(child.name, []).append(child_condition)
            queue.append((child, child_condition))
    return reached


def count_reached(child: Table, conditions: list):
    """Rows matching any path. A UNION of per-path id sets lets each path use its index
    (one OR across paths made PostgreSQL scan all of lesson_progress)."""
    if len(conditions) == 1:
        return select(func.count()).select_from(child).where(conditions[0])
    child_pk = next(iter(child.primary_key.columns))
    reached = union(*(select(child_pk).where(condition) for condition in conditions))
    return select(func.count()).select_from(reached.subquery())


def deleted_with(table: Table, ids: list[str]) -> list[Impact]:
    """Rows of other tables that the database deletes along with these rows."""
    if not table.primary_key.columns:
        return []  # verification_tokens (Prisma gives it no key): nothing can reference it
    pk = next(iter(table.primary_key.columns))
    impacts = []
    for name, conditions in _conditions(table, pk.in_(ids)).items():
        count = db.session.scalar(count_reached(db.metadata.tables[name], conditions))
        if count:
            impacts.append(Impact(name, count))
    return sorted(impacts, key=lambda impact: -impact.count)


def kept(table: Table, ids: list[str]) -> list[Impact]:
    """Rows that keep naming the deleted rows (history that is never deleted)."""
    impacts = []
    for name, column in KEPT_REFERENCES.get(table.name, []):
        other = db.metadata.tables[name]
        count = db.session.scalar(
            select(func.count())
            .select_from(other)
            .where(other.c[column].in_(ids) if ids else false())
        )
        if count:
            impacts.append(Impact(name, count))
    return impacts

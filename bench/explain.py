"""Why a page is slow: replay it in-process, catch its SQL, EXPLAIN ANALYZE the slowest SELECTs."""

import re
import time
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import event

from bench.client import CSRF_FIELD
from lms.db import db

READ_ONLY = re.compile(r"^\s*(SELECT|WITH)\b", re.IGNORECASE)


@dataclass
class Statement:
    sql: str
    parameters: object
    ms: float
    plan: str = ""


@dataclass
class Diagnosis:
    url: str
    role: str
    statements: list[Statement] = field(default_factory=list)

    @property
    def sql_ms(self) -> float:
        return sum(s.ms for s in self.statements)


class StatementLog:
    """Every statement run on `engine` while active, with its time."""

    def __init__(self, engine):
        self.engine, self.statements, self.started = engine, [], []

    def before(self, conn, cursor, statement, parameters, context, executemany):
        self.started.append(time.perf_counter())

    def after(self, conn, cursor, statement, parameters, context, executemany):
        ms = (time.perf_counter() - self.started.pop()) * 1000
        self.statements.append(Statement(statement, parameters, ms))

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self.before)
        event.listen(self.engine, "after_cursor_execute", self.after)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self.before)
        event.remove(self.engine, "after_cursor_execute", self.after)


def signed_in_client(app: Flask, email: str, password: str):
    client = app.test_client()
    token = CSRF_FIELD.search(client.get("/login").data).group(1).decode()
    reply = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    if reply.status_code != 302:
        raise RuntimeError(f"in-process sign-in as {email} failed ({reply.status_code})")
    return client


def explain(app: Flask, statement: Statement) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a read-only statement, with the parameters it ran with."""
    with app.app_context(), db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            f"EXPLAIN (ANALYZE, BUFFERS) {statement.sql}", statement.parameters
        )
        plan = "\n".join(row[0] for row in rows)
        conn.rollback()
    return plan


def diagnose(app: Flask, client, url: str, role: str, top: int = 2) -> Diagnosis:
    """Request `url` twice (the first warms caches), log the second's SQL, explain the slowest.

    Call outside an app context: each test-client request must push its own.
    """
    client.get(url)
    with app.app_context():
        engine = db.engine
    with StatementLog(engine) as log:
        client.get(url)
    found = Diagnosis(url, role, sorted(log.statements, key=lambda s: -s.ms))
    for statement in [s for s in found.statements if READ_ONLY.match(s.sql)][:top]:
        statement.plan = explain(app, statement)
    return found


def as_text(found: Diagnosis, top: int = 2) -> str:
    lines = [
        (
            f"### {found.url} ({found.role.lower()}): {len(found.statements)} statements, "
            f"{found.sql_ms:.0f} ms of SQL in-process"
        )
    ]
    for statement in found.statements[:top]:
        lines += [
            f"-- {statement.ms:.1f} ms",
            statement.sql.strip(),
            f"-- parameters: {statement.parameters!r}",
        ]
        if statement.plan:
            lines += ["-- EXPLAIN (ANALYZE, BUFFERS):", statement.plan]
        lines.append("")
    return "\n".join(lines)

"""A database that cannot be reached: 503 with Retry-After and the app's own page, never a 500."""

import logging

import psycopg
from flask import Flask, current_app, jsonify, request
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from lms.db import db
from lms.security import wants_json

log = logging.getLogger(__name__)

# PostgreSQL restarts in about a second (embedded) to a minute (a managed failover).
RETRY_AFTER_SECONDS = 10
TITLE = "Service unavailable"
MESSAGE = (
    "The database is not reachable right now. It usually comes back within seconds: "
    "please try again shortly."
)

# SQLSTATEs of a database that is there but not answering: connection exceptions (class 08),
# shutting down, crashed, starting up (57P01-57P03), no connection slot left (53300).
UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03", "53300")


class DatabaseUnavailable(OperationalError):
    """The database cannot be reached or dropped the connection: try again later.

    An OperationalError still, so code that catches those (or SQLAlchemyError) keeps working.
    """

    message = MESSAGE


class DatabaseBusy(DatabaseUnavailable):
    """A page's statement ran past its bound (LMS_STATEMENT_TIMEOUT_MS) and was cancelled,
    or no pooled connection came free in time: the database is there but overloaded."""

    message = (
        "The database took too long to answer this page and the request was stopped. "
        "Please try again in a moment, or narrow the filters."
    )


SLOW_STATES = ("57014",)  # query_canceled: statement_timeout


def is_unavailable(context) -> bool:
    """A lost or refused connection, not a statement the database refused."""
    error = context.original_exception
    if context.is_pre_ping or not isinstance(error, psycopg.Error):
        return False  # a failed pre-ping is SQLAlchemy's to handle: it reconnects
    if context.is_disconnect:
        return True
    state = error.sqlstate
    return isinstance(error, psycopg.OperationalError) and (
        state is None or state.startswith(UNAVAILABLE_STATES)
    )


def as_unavailable(context):
    """SQLAlchemy's handle_error hook: an outage is raised as DatabaseUnavailable, a statement
    cancelled by its time bound as DatabaseBusy."""
    error = context.original_exception
    slow = isinstance(error, psycopg.Error) and error.sqlstate in SLOW_STATES
    if not slow and not is_unavailable(context):
        return None
    wrapped = context.sqlalchemy_exception
    return (DatabaseBusy if slow else DatabaseUnavailable)(
        getattr(wrapped, "statement", None),
        getattr(wrapped, "params", None),
        context.original_exception,
        hide_parameters=True,
        connection_invalidated=context.is_disconnect,
    )


def error_page(message: str = MESSAGE) -> str:
    """templates/errors/error.html without the context processors: Flask-Login's loads the
    signed-in user, which is a query. Flashed messages stay for the next page."""
    template = current_app.jinja_env.get_template("errors/error.html")
    return template.render(
        status=503, title=TITLE, message=message, get_flashed_messages=lambda **_kwargs: []
    )


def answer_unavailable(error: DatabaseUnavailable):
    log.warning(
        "database unavailable on %s %s: %s",
        request.method,
        request.path,
        " ".join(str(error.orig).split())[:300],
    )  # one line, no traceback
    return unavailable_answer(error.message)


def answer_pool_timeout(error: PoolTimeout):
    log.warning("no database connection free on %s %s", request.method, request.path)
    return unavailable_answer(DatabaseBusy.message)


def unavailable_answer(message: str):
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if wants_json():
        return jsonify(error=TITLE, message=message), 503, headers
    return error_page(message), 503, headers


def let_go_of_a_lost_connection(_error=None) -> None:
    """Runs before Flask-SQLAlchemy's teardown, whose rollback on a connection the database
    has dropped would raise after the response is made (a 500): invalidate it instead."""
    try:
        db.session.close()  # ends the transaction; unlike rollback(), expires no loaded row
    except DatabaseUnavailable:
        db.session().invalidate()  # (scoped_session does not pass this one on)


def init_outage(app: Flask) -> None:
    with app.app_context():
        for engine in db.engines.values():
            event.listen(engine, "handle_error", as_unavailable)
    app.register_error_handler(DatabaseUnavailable, answer_unavailable)
    app.register_error_handler(PoolTimeout, answer_pool_timeout)
    app.teardown_appcontext(let_go_of_a_lost_connection)  # runs before Flask-SQLAlchemy's

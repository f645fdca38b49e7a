"""How many CSV downloads run at once: slots held as PostgreSQL advisory locks.

A download holds two slots while it streams: one of its person's `EXPORTS_PER_USER` and one
of the `EXPORTS_TOTAL` of the whole app. A slot is a session-level advisory lock,
`pg_try_advisory_lock(hashtext(namespace), n)`, on the connection the download runs on, so
every worker process (and every app host) counts the same slots, and closing the connection
frees them: when the download ends however it ends, or when the process holding it dies and
PostgreSQL drops its session. A limit of 0 means no limit, as for STATEMENT_TIMEOUT_MS.
"""

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

TOTAL = "lms-exports"  # the app's slots; a person's are user_namespace(user_id)

# The first free slot of a namespace, now held; NULL when every one is taken. LIMIT 1 stops
# the scan at the first lock granted, so at most one lock is taken (tests count them).
TAKE = text("""
    SELECT n FROM generate_series(0, CAST(:slots AS integer) - 1) AS n
    WHERE pg_try_advisory_lock(hashtext(:namespace), n) LIMIT 1""")
GIVE_BACK = text("SELECT pg_advisory_unlock(hashtext(:namespace), :n)")
GIVE_ALL_BACK = text("SELECT pg_advisory_unlock_all()")

ONE_PERSON_FULL = (
    "You already have {limit} CSV downloads running, the most one person may run "
    "at once. Wait for one of them to finish, then try again."
)
ALL_FULL = (
    "{limit} CSV downloads are already running, the most the server runs at once. "
    "Please try again in a minute."
)


class ExportsBusy(Exception):
    """Every slot of one kind is taken; the message says which, for the person asking."""


def user_namespace(user_id: str | None) -> str:
    return f"{TOTAL}:{user_id}"


def take_slot(engine: Engine, user_id: str | None, per_user: int, total: int) -> Connection:
    """A connection of its own holding one of `user_id`'s slots and one of the app's.

    The connection is detached from the pool: a download never keeps a pooled connection from
    the pages, and closing it really closes it. The caller gives it back with give_back() when
    the download ends. ExportsBusy when either limit is reached; nothing stays held then.
    """
    wanted = ((user_namespace(user_id), per_user, ONE_PERSON_FULL), (TOTAL, total, ALL_FULL))
    conn = engine.connect()
    try:
        held: list[dict[str, object]] = []  # GIVE_BACK's parameters, one set per slot held
        for namespace, slots, refusal in wanted:
            if not slots:
                continue
            n = conn.scalar(TAKE, {"namespace": namespace, "slots": slots})
            if n is None:
                for taken in held:
                    conn.execute(GIVE_BACK, taken)
                conn.rollback()
                raise ExportsBusy(refusal.format(limit=slots))
            held.append({"namespace": namespace, "n": n})
        conn.rollback()  # session-level locks outlive the transaction
        conn.detach()
    except ExportsBusy:
        conn.close()  # back to the pool, holding nothing
        raise
    except BaseException:
        conn.invalidate()  # closed for good, with whatever it holds
        conn.close()
        raise
    return conn


def give_back(conn: Connection) -> None:
    """Free the slots of take_slot()'s connection, and close it.

    Unlocked before closing: a closed connection's locks go when its server process has
    exited, a moment later, and the person's next download must not be refused meanwhile.
    """
    try:
        conn.rollback()
        conn.execute(GIVE_ALL_BACK)
    except SQLAlchemyError:  # the connection is broken: its locks end with its session
        pass
    finally:
        conn.close()

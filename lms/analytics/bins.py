"""Histogram bins shared by the live queries and the rollups, so both count a row in the same bin.

Each bin function maps a SQL expression to a bin number; each *_LABELS constant is a VALUES
list (pos, label) to join on, which also yields the empty bins. The other definitions both
sources must apply alike (exact durations, the cohort window) are here too.
"""


def values(name: str, labels: list[str], first: int = 0) -> str:
    rows = ", ".join(f"({first + i}, '{label}')" for i, label in enumerate(labels))
    return f"{name}(pos, label) AS (VALUES {rows})"


def progress_bin(percent: str) -> str:
    """0%, 1–9%, 10–19% … 90–99%, 100%: bins 0 to 11."""
    return (
        f"(CASE WHEN {percent} <= 0 THEN 0 WHEN {percent} >= 100 THEN 11 "
        f"ELSE 1 + {percent} / 10 END)"
    )


PROGRESS_LABELS = values(
    "bins", ["0%", "1–9%", *(f"{10 * k}–{10 * k + 9}%" for k in range(1, 10)), "100%"]
)


def refund_bin(percent: str) -> str:
    """No progress record, 0%, 1–24%, 25–49%, 50–74%, 75–99%, 100%: bins 0 to 6."""
    return (
        f"(CASE WHEN {percent} IS NULL THEN 0 WHEN {percent} <= 0 THEN 1 "
        f"WHEN {percent} >= 100 THEN 6 ELSE 2 + {percent} / 25 END)"
    )


REFUND_LABELS = values(
    "bins", ["no progress record", "0%", "1–24%", "25–49%", "50–74%", "75–99%", "100%"]
)


def score_bin(score: str) -> str:
    """Scores in tens, 0–9 … 90–100 (a perfect score is in the last bin): bins 0 to 9."""
    return f"CAST(least(9, greatest(0, floor({score} / 10))) AS int)"


SCORE_LABELS = values("bins", [f"{10 * k}–{10 * k + 9}" for k in range(9)] + ["90–100"])


DAY_MS = 86_400_000


def duration_ms(start: str, end: str) -> str:
    """Milliseconds from start to end, exactly (timestamps keep milliseconds); never negative."""
    return f"CAST(greatest(0, round(EXTRACT(EPOCH FROM {end} - {start}) * 1000)) AS bigint)"


# Durations in days, [lo, hi), compared with exact durations in milliseconds.
DURATION_BINS = """bins(pos, label, lo, hi) AS (VALUES
    (1, 'under 1 week', 0, 7), (2, '1–2 weeks', 7, 14), (3, '2–4 weeks', 14, 30),
    (4, '1–2 months', 30, 60), (5, '2–3 months', 60, 90), (6, '3–6 months', 90, 180),
    (7, '6–12 months', 180, 365), (8, '1 year or more', 365, 2147483647))"""


def durations_figure(done: str) -> str:
    """The time-to-completion rows from `done`, a query of one `ms` per completion: the
    histogram, and percentile_cont's median and 90th percentile in days (to 0.1). Both sources
    end with this, so the same durations give the same figure."""
    return f"""
        WITH done AS ({done}),
        {DURATION_BINS},
        summary AS (
            SELECT count(*) AS total,
                   round(CAST(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) / {DAY_MS}
                              AS numeric), 1) AS median_days,
                   round(CAST(percentile_cont(0.9) WITHIN GROUP (ORDER BY ms) / {DAY_MS}
                              AS numeric), 1) AS p90_days
            FROM done)
        SELECT b.pos, b.label, count(d.ms) AS completions, s.total, s.median_days, s.p90_days
        FROM bins b LEFT JOIN done d
             ON d.ms >= CAST(b.lo AS bigint) * {DAY_MS} AND d.ms < CAST(b.hi AS bigint) * {DAY_MS}
             CROSS JOIN summary s
        GROUP BY b.pos, b.label, s.total, s.median_days, s.p90_days ORDER BY b.pos"""


# Cohorts are compared at the same age: completion within this many days of enrolling.
COHORT_WINDOW_DAYS = 30


def completed_within_window(enrolled: str, completed: str) -> str:
    return f"{completed} <= {enrolled} + interval '{COHORT_WINDOW_DAYS} days'"


def cohort_comparable(cohort: str) -> str:
    """Whether every enrollment of the month `cohort` (cut at the range's end) is at least
    COHORT_WINDOW_DAYS old by :now, so its completions within the window are all known."""
    return (
        f"(least({cohort} + interval '1 month', CAST(:end AS timestamp))"
        f" + interval '{COHORT_WINDOW_DAYS} days' <= CAST(:now AS timestamp))"
    )


ATTEMPT_LABELS = values("bins", ["1", "2", "3", "4 or more"], first=1)

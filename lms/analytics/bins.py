"""Histogram bins shared by the live queries and the rollups, so both count a row in the same bin.

Each bin function maps a SQL expression to a bin number; each *_LABELS constant is a VALUES
list (pos, label) to join on, which also yields the empty bins.
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


def whole_days(start: str, end: str) -> str:
    """Whole days from start to end (never negative)."""
    return f"CAST(greatest(0, floor(EXTRACT(EPOCH FROM {end} - {start}) / 86400)) AS int)"


# Durations in whole days: [lo, hi).
DURATION_BINS = """bins(pos, label, lo, hi) AS (VALUES
    (1, 'under 1 week', 0, 7), (2, '1–2 weeks', 7, 14), (3, '2–4 weeks', 14, 30),
    (4, '1–2 months', 30, 60), (5, '2–3 months', 60, 90), (6, '3–6 months', 90, 180),
    (7, '6–12 months', 180, 365), (8, '1 year or more', 365, 2147483647))"""

ATTEMPT_LABELS = values("bins", ["1", "2", "3", "4 or more"], first=1)

"""The long operations: generating a scale, the analytics refresh, and the CSV export vs COPY."""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
EXPORT_SCRIPT = ROOT / "bench" / "export_vs_copy.py"
# DESIGN.md section 4.
SEED_BUDGET_S = {"large": 300.0}
REFRESH_BUDGET_S = 10.0
EXPORT_SHARE_BUDGET = 0.5
EXPORT_RSS_BUDGET_MB = 100.0
SEED_DISK_GB = {"medium": 2, "large": 8}


@dataclass
class Timing:
    name: str
    seconds: float | None
    budget: str
    verdict: str  # PASS, MISS, INFO, SKIPPED, ERROR
    detail: str = ""
    output: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def run(command: list[str], env: dict, timeout: float = 3600) -> tuple[int, str, float]:
    """(exit status, stdout+stderr, wall seconds) of a command run from the repository root."""
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - started


def environment(database_env: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LMS_INSTANCE_PATH")}
    env.update(database_env)
    env.pop("LMS_BENCH_TIMING", None)
    return env


FLASK = [sys.executable, "-m", "flask", "--app", "app"]


def error_line(output: str) -> str:
    """The line of a command's output that says what went wrong (else its last line)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if "rror" in line]
    return (errors or lines or ["no output"])[0 if errors else -1][:200]


def time_refresh(database_env: dict) -> Timing:
    """`flask analytics refresh` on the measured database (it recomputes, nothing is lost)."""
    if importlib.util.find_spec("lms.analytics.refresh") is None:
        return Timing(
            "analytics refresh",
            None,
            f"≤{REFRESH_BUDGET_S:.0f} s",
            "SKIPPED",
            "lms/analytics/refresh.py does not exist yet",
        )
    status, output, wall = run([*FLASK, "analytics", "refresh"], environment(database_env))
    if status != 0:
        return Timing(
            "analytics refresh",
            None,
            f"≤{REFRESH_BUDGET_S:.0f} s",
            "ERROR",
            error_line(output),
            output,
        )
    # Its last line says e.g. "Updated 200 courses in 0.13 s; … (1.90 s in all)": the longest.
    match = re.search(r"Updated (\d+) courses.*", output)
    times = [float(t) for t in re.findall(r"([\d.]+) s\b", match.group(0))] if match else []
    seconds = max(times) if times else wall
    detail = f"{match.group(1)} courses" if match else "its own time not found in the output"
    steps = re.search(r"course_analytics\s+([\d.]+) s", output)
    if steps:  # the command also rebuilds the dashboards' rollups: say how the time splits
        detail += f" (course_analytics {steps.group(1)} s, the rest rollups)"
    detail += f"; command wall time {wall:.1f} s"
    verdict = "PASS" if seconds <= REFRESH_BUDGET_S else "MISS"
    return Timing(
        "analytics refresh", seconds, f"≤{REFRESH_BUDGET_S:.0f} s", verdict, detail, output
    )


def time_export(database_env: dict, runs: int) -> Timing:
    """bench/export_vs_copy.py (the reports' own benchmark), its figures held to DESIGN's."""
    budget = f"≥{EXPORT_SHARE_BUDGET:.0%} of COPY, RSS growth ≤{EXPORT_RSS_BUDGET_MB:.0f} MB"
    if not EXPORT_SCRIPT.exists():
        return Timing("CSV export vs COPY", None, budget, "SKIPPED", f"{EXPORT_SCRIPT} is missing")
    status, output, wall = run(
        [sys.executable, str(EXPORT_SCRIPT), "--runs", str(runs)], environment(database_env)
    )
    share = re.search(r"export / COPY throughput \(rows/s\): (\d+)%", output)
    growth = re.search(r"peak growth: max ([\d.]+) MB", output)
    if status != 0 or not share or not growth:
        return Timing(
            "CSV export vs COPY",
            None,
            budget,
            "ERROR",
            f"exit {status}; figures not found in its output",
            output,
        )
    ok = (
        int(share.group(1)) / 100 >= EXPORT_SHARE_BUDGET
        and float(growth.group(1)) <= EXPORT_RSS_BUDGET_MB
    )
    seconds = re.search(r"\| HTTP export via gunicorn \| ([\d.]+) \|", output)
    return Timing(
        "CSV export vs COPY",
        float(seconds.group(1)) if seconds else None,
        budget,
        "PASS" if ok else "MISS",
        f"{share.group(1)}% of COPY's rows/s, peak RSS growth {growth.group(1)} MB "
        f"({runs} runs, script wall {wall:.0f} s)",
        output,
    )


def time_seed(scale: str, database_env: dict) -> Timing:
    """`python seed.py --scale SCALE --reset` into a scratch database, deleted afterwards."""
    budget = f"≤{SEED_BUDGET_S[scale]:.0f} s" if scale in SEED_BUDGET_S else "–"
    try:
        with scratch_database(scale, database_env) as scratch_env:
            env = environment(scratch_env)
            status, output, _ = run([*FLASK, "db", "upgrade"], env)
            if status != 0:
                return Timing(f"seed {scale}", None, budget, "ERROR", "migration failed", output)
            status, output, wall = run(
                [sys.executable, "seed.py", "--scale", scale, "--reset"], env
            )
    except RuntimeError as error:
        return Timing(f"seed {scale}", None, budget, "SKIPPED", str(error))
    if status != 0:
        return Timing(f"seed {scale}", None, budget, "ERROR", error_line(output), output)
    limit = SEED_BUDGET_S.get(scale)
    verdict = "INFO" if limit is None else ("PASS" if wall <= limit else "MISS")
    return Timing(
        f"seed {scale}",
        wall,
        budget,
        verdict,
        "wall time of the command (its own step timings are in the output)",
        output,
    )


class scratch_database:  # noqa: N801 (used as a context manager, reads like a function)
    """An empty database for the seed timing: a new embedded instance, or a new database on
    DATABASE_URL's server; removed on exit."""

    def __init__(self, scale: str, database_env: dict):
        self.scale, self.database_env = scale, database_env
        self.name = f"lms_bench_seed_{uuid.uuid4().hex[:8]}"

    def __enter__(self) -> dict:
        if "DATABASE_URL" in self.database_env:
            self.url = make_url(self.database_env["DATABASE_URL"])
            self.admin("CREATE DATABASE")
            return {
                "DATABASE_URL": self.url.set(database=self.name).render_as_string(
                    hide_password=False
                )
            }
        self.path = Path("/tmp") / self.name
        free_gb = shutil.disk_usage("/tmp").free / 1e9
        if free_gb < SEED_DISK_GB.get(self.scale, 1):
            raise RuntimeError(f"only {free_gb:.1f} GB free in /tmp")
        return {"LMS_INSTANCE_PATH": str(self.path)}

    def admin(self, verb: str) -> None:
        from lms.db import sqlalchemy_url

        maintenance = sqlalchemy_url(
            self.url.set(database="postgres").render_as_string(hide_password=False)
        )
        engine = create_engine(maintenance, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            extra = " WITH (FORCE)" if verb.startswith("DROP") else ""
            conn.execute(text(f'{verb} "{self.name}"{extra}'))
        engine.dispose()

    def __exit__(self, *exc) -> None:
        if "DATABASE_URL" in self.database_env:
            self.admin("DROP DATABASE IF EXISTS")
            return
        # The embedded server stops when its last process exits; wait for that, then delete.
        pid_file = self.path / "pgdata" / "postmaster.pid"
        for _ in range(100):
            if not pid_file.exists():
                break
            time.sleep(0.2)
        shutil.rmtree(self.path, ignore_errors=True)

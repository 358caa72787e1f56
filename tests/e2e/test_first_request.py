"""Every feature works from a process's first request, whichever process it is: `stretch serve` without
its clock (cron runs `stretch tick`) must send an on-demand check-in before any tick has run.

It runs in a fresh interpreter on purpose: inside pytest every module is already imported, which is
exactly what hid a feature that only existed once some other module had been imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import BOT_TOKEN, SIGNING_SECRET, postgres_url
from tests.e2e.test_serve import free_port
from tests.fakeslack import FakeSlack
from tests.slackclient import SignedSlack
from tests.waiting import wait_healthy

pytestmark = pytest.mark.e2e


def test_checkin_on_demand_works_before_the_first_tick(
    tmp_path: Path, fake_slack: FakeSlack, db: Engine
) -> None:
    """`serve --no-scheduler`: `/stretch checkin` sends the check-in at once, never "try again later"."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.url,
        "DATABASE_URL": postgres_url() or f"sqlite:///{tmp_path / 'first.db'}",
        "STRETCH_DATA_DIR": str(tmp_path),
    }
    fake_slack.add_user("U0MAYA", "Maya")
    fake_slack.add_user("U0ANN", "Ann")
    cli = [sys.executable, "-m", "bot.cli"]
    for step in (
        ["db", "upgrade"],
        [
            "team",
            "create",
            "--name",
            "Northstar",
            "--channel",
            "C0TEAM",
            "--managers",
            "U0MAYA",
            "--reps",
            "U0ANN",
            # Every day from midnight, so today's check-in is open whenever the test runs.
            "--checkin-days",
            "mon,tue,wed,thu,fri,sat,sun",
            "--checkin-time",
            "00:00",
        ],
    ):
        done = subprocess.run(cli + step, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]

    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*cli, "serve", "--http", "--no-scheduler", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_healthy(base_url, process, name="stretch serve", log=log.read_text)
        slack = SignedSlack(
            f"{base_url}/slack/events", SIGNING_SECRET, response_url=fake_slack.response_url()
        )
        reply = slack.stretch("checkin", user="U0ANN", channel="D0ANN")
        assert reply.status == 200
        assert "try again later" not in reply.text, reply.text
        [sent] = fake_slack.wait_for("chat.postMessage", channel="U0ANN", timeout=15)
        assert sent.params.get("blocks"), "the check-in arrives with its questions"
        assert "no renderer" not in log.read_text()
    finally:
        process.kill()
        process.wait(timeout=10)

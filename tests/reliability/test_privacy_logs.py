"""Logs never carry tokens, the signing secret or people's answer text: a full scenario (setup, a check-in
answered with a note, the pie, a shout-out, ticks) runs at DEBUG with every log record captured."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.jobs.tick import tick
from bot.logs import configure_logging
from bot.models.checkins import CheckinAnswer
from bot.slack.app import make_client
from tests.checkins.test_answer_flow import _button, _question_buttons, _send_checkin, _tap, wait_for
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, Member, Running, seed_team
from tests.slackclient import state_values_from_view

SEEDED = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
MONDAY_0930_BERLIN = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
REP = "U0BER"
NOTE = "Lost the Zephyr deal because my kid was sick all week"
PIE_NOTE = "Quietly counting on the Zephyr renewal"
SHOUT = "Ann rescued the Orion account at midnight"


@pytest.fixture
def written_logs() -> Iterator[io.StringIO]:
    """What Stretch's own logging set-up (as `stretch serve` configures it, at DEBUG) writes."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    levels = {
        name: logging.getLogger(name).level for name in ("slack_sdk", "slack_bolt", "urllib3", "apscheduler")
    }
    configure_logging("DEBUG")
    buffer = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    yield buffer
    root.handlers[:], root.level = saved
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_a_full_scenario_logs_no_secret_and_no_answer_text(
    running: Running, written_logs: io.StringIO
) -> None:
    """Setup, check-in with a note, pie bake and claim with a note, a shout-out and ticks, logged at DEBUG:
    no token, no signing secret and none of what people typed appears in any log line."""
    seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[Member("U0MGR", "Mo", tz="Europe/London")],
        reps=[Member(REP, "Ben", tz="Europe/Berlin"), Member("U0ANN", "Ann", tz="Europe/Berlin")],
        now=SEEDED,
    )
    client = make_client(running.deps.settings)
    message = _send_checkin(running, client)
    _tap(running, message, _question_buttons(message["blocks"], 0)[3])
    _tap(running, message, _button(message["blocks"], prefix="checkin_add_note"))
    opened = wait_for(lambda: running.fake.calls_to("views.open"))[-1].json_param("view")
    note_block = next(b["block_id"] for b in opened["blocks"] if b.get("type") == "input")
    running.slack.submit_view(opened, state_values_from_view(opened, {note_block: {"value": NOTE}}), user=REP)

    def noted() -> bool:
        with running.deps.session_factory() as session:
            return NOTE in list(session.scalars(select(CheckinAnswer.value)))

    wait_for(noted)
    _tap(running, message, _button(message["blocks"], prefix="checkin_submit"))

    running.slack.command("/claim-pie", "new 100k Q4 push", user="U0MGR", channel="C0TEAM")
    running.fake.wait_for("response_url", count=1)
    running.slack.command("/claim-pie", f"20k {PIE_NOTE}", user=REP, channel="C0TEAM")
    running.fake.wait_for("response_url", count=2)
    running.slack.command("/shoutout", f"<@U0ANN|ann> {SHOUT}", user=REP, channel="C0TEAM")
    running.fake.wait_for("chat.postMessage", channel="C0TEAM")
    running.slack.stretch("help", user="U0STRANGER")
    for hours in (1, 5, 30):
        tick(
            session_factory=running.deps.session_factory,
            client=client,
            now=MONDAY_0930_BERLIN + timedelta(hours=hours),
        )

    logged = written_logs.getvalue()
    assert logged.count("\n") > 5, "the scenario really logged"
    for secret in (BOT_TOKEN, SIGNING_SECRET, "xoxb-"):
        assert secret not in logged
    for typed in (NOTE, "kid was sick", PIE_NOTE, SHOUT, "Orion"):
        assert typed not in logged, f"{typed!r} was logged"

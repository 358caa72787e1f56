"""Exactly once, even when Slack posted a DM but the sender never heard back: killed (SIGKILL) after the
call, a dropped connection, a 5xx. The row stays 'sending' and is settled against Slack's history."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.db import SessionFactory
from bot.jobs.tick import tick
from bot.models.checkins import Checkin
from bot.slack.app import make_client
from tests.conftest import Member, seed_team
from tests.fakeslack import FakeSlack
from tests.reliability.processes import checkin_rows, copies_in_slack, reps, stretch_env, until

MONDAY_0931 = datetime(2026, 11, 23, 9, 31, tzinfo=UTC)
MIA = Member("U0MIA", "Mia Manager", tz="UTC")


def _team(session_factory: SessionFactory, fake: FakeSlack, count: int = 3) -> None:
    seed_team(
        session_factory=session_factory,
        fake=fake,
        managers=[MIA],
        reps=reps(count),
        checkin_time="09:30",
        now=MONDAY_0931 - timedelta(days=1),
    )


def _tick_process(
    fake: FakeSlack, database_url: str, tmp_path: Path, now: datetime
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "tick", "--now", now.isoformat()],
        env=stretch_env(fake, database_url, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
    )


def test_a_tick_killed_after_slack_posted_does_not_send_the_dm_again(
    session_factory: SessionFactory, fake_slack: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    """SIGKILL between chat.postMessage and the commit: the next tick finds the DM in the rep's
    conversation (by its metadata) and records it as sent instead of sending a second one."""
    _team(session_factory, fake_slack)
    # The first DM reaches Slack, but its answer is held until the process is dead.
    fake_slack.fail(
        "chat.postMessage", status=500, error="internal_error", after_effect=True, delay=5, times=1
    )
    process = _tick_process(fake_slack, database_url, tmp_path, MONDAY_0931)
    try:
        until(lambda: len(fake_slack.posted_keys()) == 1, timeout=20, what="the first DM to reach Slack")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    [stranded] = [row for row in checkin_rows(session_factory) if row.status == "sending"]

    later = _tick_process(fake_slack, database_url, tmp_path, MONDAY_0931 + timedelta(minutes=3))
    assert later.wait(timeout=60) == 0

    rows = checkin_rows(session_factory)
    assert len(rows) == 3
    assert copies_in_slack(fake_slack, rows) == {row.dedupe_key: 1 for row in rows}
    assert {row.status for row in rows} == {"sent"}
    settled = next(row for row in rows if row.id == stranded.id)
    [in_slack] = fake_slack.posted(stranded.channel)
    assert (settled.message_ts, settled.message_channel) == (in_slack["ts"], "D" + stranded.channel[1:])
    with session_factory() as session:
        checkin = session.scalar(select(Checkin).where(Checkin.id == settled.ref_id))
        assert checkin is not None and checkin.message_ts == in_slack["ts"], "the DM can still be updated"


def test_a_dm_whose_answer_was_lost_is_checked_not_resent(
    session_factory: SessionFactory, fake_slack: FakeSlack, settings
) -> None:  # type: ignore[no-untyped-def]
    """Slack posts the DM, then the connection drops (or it answers 500): the next pass asks Slack's
    history, finds it, and the rep has one DM. A 500 where Slack did *not* post is sent again, once."""
    _team(session_factory, fake_slack)
    fake_slack.fail("chat.postMessage", after_effect=True, drop_connection=True, times=1)
    fake_slack.fail("chat.postMessage", status=500, error="internal_error", after_effect=True, times=1)
    fake_slack.fail("chat.postMessage", status=500, error="internal_error", times=1)
    client = make_client(settings)
    first = tick(session_factory=session_factory, client=client, now=MONDAY_0931)
    assert first.dispatch.sent == 0 and first.dispatch.retry_later == 3
    assert {row.status for row in checkin_rows(session_factory)} == {"sending"}

    second = tick(session_factory=session_factory, client=client, now=MONDAY_0931 + timedelta(minutes=2))
    assert (second.dispatch.recovered, second.dispatch.sent) == (2, 1)
    rows = checkin_rows(session_factory)
    assert {row.status for row in rows} == {"sent"}
    assert copies_in_slack(fake_slack, rows) == {row.dedupe_key: 1 for row in rows}
    for call in fake_slack.calls_to("conversations.open"):
        assert call.params["users"].startswith("U0R"), "a DM's history is read from its IM channel"
    assert all(c.params["channel"].startswith("D") for c in fake_slack.calls_to("conversations.history"))

"""SIGTERM during a slow fan-out: the send in flight is finished and recorded, no new one starts, and the
process exits well within 10 s; what was not sent stays pending for the next tick, nothing is lost."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from bot.db import SessionFactory
from tests.conftest import Member
from tests.fakeslack import FakeSlack
from tests.reliability.processes import (
    checkin_rows,
    copies_in_slack,
    reps,
    seed_due_now,
    start_replica,
    until,
    wait_healthy,
)

MIA = Member("U0MIA", "Mia Manager", tz="UTC")
REPS = 30
SEND_SECONDS = 0.5  # 30 sends take 15 s: far longer than a shutdown may last


def test_sigterm_mid_fan_out_finishes_the_send_in_flight_and_exits_within_ten_seconds(
    fake_slack: FakeSlack, session_factory: SessionFactory, database_url: str, tmp_path: Path
) -> None:
    """The tick notices the stop flag between sends instead of running out its 45 s budget."""
    fake_slack.slow("chat.postMessage", SEND_SECONDS)
    seed_due_now(session_factory=session_factory, fake=fake_slack, managers=[MIA], team_reps=reps(REPS))
    replica = start_replica(
        "solo", fake=fake_slack, database_url=database_url, tmp_path=tmp_path, STRETCH_TICK_SECONDS="1"
    )
    try:
        wait_healthy(replica)
        # A send is in flight: Slack has the request and takes its time answering.
        until(lambda: fake_slack.calls_to("chat.postMessage", ok_only=False), timeout=20, what="a first send")
        started = time.monotonic()
        replica.process.send_signal(signal.SIGTERM)
        code = replica.process.wait(timeout=10)
        took = time.monotonic() - started
    finally:
        replica.stop()

    assert code == 0
    assert took < 10
    log = replica.log.read_text()
    assert "Traceback" not in log, log[-3000:]
    rows = checkin_rows(session_factory)
    sent = [row for row in rows if row.status == "sent"]
    left = [row for row in rows if row.status != "sent"]
    assert 1 <= len(sent) < REPS // 2, "the fan-out stopped early, after finishing what was in flight"
    assert {row.status for row in left} == {"pending"}, "nothing is left half-sent"
    assert all(row.claimed_until is None for row in left), "released for the next tick to take at once"
    in_slack = copies_in_slack(fake_slack, rows)
    assert all(in_slack[row.dedupe_key] == 1 for row in sent)
    assert all(in_slack[row.dedupe_key] == 0 for row in left)

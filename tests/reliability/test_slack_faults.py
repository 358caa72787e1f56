"""Slack misbehaving for a share of calls during a fan-out (429 with Retry-After, 500, 503, timeouts,
dropped connections, some of them after the message was posted): nothing lost, nothing doubled, Stretch
stays healthy; and when Slack is down for the whole window, the give-up is recorded with the reason."""

from __future__ import annotations

import urllib.request
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.jobs.tick import tick
from bot.models.checkins import Checkin
from bot.slack.app import make_client
from tests.conftest import Member, Running, seed_team
from tests.reliability.processes import checkin_rows, copies_in_slack, reps

MONDAY_0931 = datetime(2026, 11, 23, 9, 31, tzinfo=UTC)
MIA = Member("U0MIA", "Mia Manager", tz="UTC")


def _team(running: Running, count: int) -> None:
    seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[MIA],
        reps=reps(count),
        checkin_time="09:30",
        now=MONDAY_0931 - timedelta(days=1),
    )


def test_a_fan_out_through_flaky_slack_reaches_every_rep_exactly_once(running: Running) -> None:
    """30 check-ins while Slack rate-limits, errors, stalls past the client's timeout and hangs up,
    sometimes after posting: passes a few minutes apart deliver every DM once, and Stretch stays up."""
    fake = running.fake
    _team(running, 30)
    fake.fail("chat.postMessage", status=429, retry_after=0, share=0.06)
    fake.fail("chat.postMessage", status=500, error="internal_error", share=0.08, after_effect=True)
    fake.fail("chat.postMessage", status=503, error="service_unavailable", share=0.08)
    fake.fail("chat.postMessage", drop_connection=True, share=0.06, after_effect=True)
    fake.fail("chat.postMessage", drop_connection=True, share=0.06)
    fake.fail("chat.postMessage", status=500, error="timeout", delay=1.2, share=0.03, after_effect=True)
    fake.fail("conversations.history", status=503, error="service_unavailable", share=0.2)
    client = make_client(running.deps.settings, timeout=1)

    now = MONDAY_0931
    for _ in range(25):
        tick(session_factory=running.deps.session_factory, client=client, now=now)
        if {row.status for row in checkin_rows(running.deps.session_factory)} == {"sent"}:
            break
        now += timedelta(minutes=5)

    rows = checkin_rows(running.deps.session_factory)
    assert len(rows) == 30 and {row.status for row in rows} == {"sent"}
    assert copies_in_slack(fake, rows) == {row.dedupe_key: 1 for row in rows}
    failed = [c for c in fake.calls_to("chat.postMessage", ok_only=False) if c.status != 200]
    assert len({c.status for c in failed}) >= 3, "Slack really misbehaved in several ways"
    with urllib.request.urlopen(f"{running.base_url}/healthz", timeout=5) as response:
        assert response.status == 200
    assert running.slack.stretch("help", user="U0R001").status == 200


def test_slack_down_for_the_whole_window_is_given_up_with_the_reason(running: Running) -> None:
    """Every send answers 503 until the check-in's window closes: each row ends 'expired' with the
    reason, the check-in doesn't count against the rep, and nobody got a DM (Slack's history says so)."""
    fake = running.fake
    _team(running, 3)
    fake.fail("chat.postMessage", status=503, error="service_unavailable")
    client = make_client(running.deps.settings)
    for hours in (0, 1, 2, 4):
        tick(
            session_factory=running.deps.session_factory,
            client=client,
            now=MONDAY_0931 + timedelta(hours=hours),
        )

    rows = checkin_rows(running.deps.session_factory)
    assert {row.status for row in rows} == {"expired"}
    assert {row.last_error for row in rows} == {"gave up after the delivery window: service_unavailable"}
    assert fake.posted_keys() == []
    with running.deps.session_factory() as session:
        statuses = set(session.scalars(select(Checkin.status)))
    assert statuses == {"skipped"}

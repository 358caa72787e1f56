"""A team with a Mon/Wed/Fri 10:00 (New York) huddle, and helpers to run huddles through the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.db import session_scope
from bot.jobs.tick import tick
from bot.models import Huddle, HuddleSettings, Person
from bot.services.huddles.replies import reply_counts
from tests.conftest import Member, Running, seed_team

# Monday 30 Nov 2026, 10:00 in New York.
FIRST_HUDDLE = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
MANAGER = "U0MIA"
REPS = ("U0ANA", "U0BEN", "U0CAL")
CHANNEL = "C0TEAM"


def set_huddle(
    running: Running, team_id: int, *, days: str = "mon,wed,fri", skip_notice: bool = False
) -> None:
    """Give the team its huddle schedule (as setup would)."""
    with session_scope(running.deps.session_factory) as session:
        session.merge(
            HuddleSettings(
                team_id=team_id,
                days=days,
                at="10:00",
                lead_minutes=30,
                skip_notice=skip_notice,
                updated_at=FIRST_HUDDLE,
            )
        )


@pytest.fixture
def team_id(running: Running) -> int:
    running.clock.set(FIRST_HUDDLE - timedelta(days=7))
    team = seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[Member(MANAGER, "Mia")],
        reps=[Member(user, user[3:].title()) for user in REPS],
        channel=CHANNEL,
        now=FIRST_HUDDLE - timedelta(days=30),
    )
    set_huddle(running, team)
    return team


def tick_at(running: Running, client: WebClient, now: datetime) -> None:
    """Move the app's clock and run the scheduler once."""
    running.clock.set(now)
    tick(session_factory=running.deps.session_factory, client=client, now=now)


def latest_huddle(running: Running) -> Huddle:
    """The most recent huddle, detached."""
    with session_scope(running.deps.session_factory) as session:
        huddle = session.scalar(select(Huddle).order_by(Huddle.id.desc()).limit(1))
        assert huddle is not None
        session.expunge(huddle)
        return huddle


def counts(running: Running, huddle_id: int) -> dict[str, int]:
    """Live replies per Slack user id."""
    with session_scope(running.deps.session_factory) as session:
        by_person = reply_counts(session=session, huddle_id=huddle_id)
        users = dict(session.execute(select(Person.id, Person.slack_user_id)).all())
        return {users[person_id]: n for person_id, n in by_person.items()}


def reply(running: Running, user: str, thread_ts: str, ts: str, **kwargs: object) -> None:
    """A person's reply in a thread, as a signed Events API request."""
    event = {
        "type": "message",
        "channel": CHANNEL,
        "channel_type": "channel",
        "user": user,
        "text": "secret words",
        "ts": ts,
        "thread_ts": thread_ts,
    }
    reply_status = running.slack.event(event, **kwargs)  # type: ignore[arg-type]
    assert reply_status.status == 200

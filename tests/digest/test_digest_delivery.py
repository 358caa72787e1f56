"""The weekly digest: who gets it, when, once per team and week; what it shows and what it never shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.db import session_scope
from bot.jobs.tick import tick
from bot.models import Delivery
from tests.conftest import Member, seed_team
from tests.digest.helpers import alert, answer
from tests.slackclient import flatten_text

FRIDAY_4PM_NY = datetime(2026, 11, 20, 21, 0, tzinfo=UTC)
MIA = Member("U0MIA", "Mia")  # manager, New York
REPS = [Member(f"U0R{i}", f"Rep{i}") for i in range(1, 6)]


def _digests(fake, user: str) -> list[str]:
    return [
        flatten_text(c.json_param("blocks"))
        for c in fake.messages_to(user)
        if "Weekly digest" in flatten_text(c.json_param("blocks"))
    ]


def test_each_manager_gets_one_digest_per_team_and_a_second_tick_sends_nothing(
    session_factory, fake_slack, slack_client
) -> None:
    """A manager of two teams gets two digests; reps get none; ticking again changes nothing."""
    one = seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[MIA],
        reps=REPS[:3],
        now=FRIDAY_4PM_NY - timedelta(days=30),
    )
    seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[MIA],
        reps=REPS[3:],
        name="Hunters",
        channel="C0HUNT",
        now=FRIDAY_4PM_NY - timedelta(days=30),
    )
    for rep in REPS[:3]:
        answer(session_factory, team_id=one, user_id=rep.user_id, due_at=FRIDAY_4PM_NY - timedelta(days=2))
    tick(session_factory=session_factory, client=slack_client, now=FRIDAY_4PM_NY)
    tick(session_factory=session_factory, client=slack_client, now=FRIDAY_4PM_NY + timedelta(minutes=1))
    digests = _digests(fake_slack, "U0MIA")
    assert len(digests) == 2
    assert any("Closers" in d for d in digests) and any("Hunters" in d for d in digests)
    for rep in REPS:
        assert _digests(fake_slack, rep.user_id) == []
    with session_scope(session_factory) as session:
        kinds = session.scalars(select(Delivery.dedupe_key).where(Delivery.kind == "digest")).all()
    assert len(kinds) == 2


def test_the_digest_waits_for_the_managers_own_clock(session_factory, fake_slack, slack_client) -> None:
    """Friday 16:00 in Sydney is not Friday 16:00 in New York."""
    seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[MIA, Member("U0SYD", "Syd", tz="Australia/Sydney")],
        reps=REPS[:1],
        now=FRIDAY_4PM_NY - timedelta(days=30),
    )
    sydney_friday_4pm = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)
    tick(session_factory=session_factory, client=slack_client, now=sydney_friday_4pm)
    assert len(_digests(fake_slack, "U0SYD")) == 1
    assert _digests(fake_slack, "U0MIA") == []
    tick(session_factory=session_factory, client=slack_client, now=FRIDAY_4PM_NY)
    assert len(_digests(fake_slack, "U0MIA")) == 1 and len(_digests(fake_slack, "U0SYD")) == 1


def test_dst_weeks_each_get_exactly_one_digest_at_local_four_pm(
    session_factory, fake_slack, slack_client
) -> None:
    """Across New York's fall-back the digest stays at 16:00 local: 20:00 UTC, then 21:00 UTC."""
    seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[MIA],
        reps=REPS[:1],
        now=datetime(2026, 10, 1, tzinfo=UTC),
    )
    hour = datetime(2026, 10, 30, 12, 0, tzinfo=UTC)
    sent_at: list[datetime] = []
    while hour < datetime(2026, 11, 7, tzinfo=UTC):
        before = len(_digests(fake_slack, "U0MIA"))
        tick(session_factory=session_factory, client=slack_client, now=hour)
        if len(_digests(fake_slack, "U0MIA")) > before:
            sent_at.append(hour)
        hour += timedelta(hours=1) if hour.weekday() == 4 else timedelta(hours=12)
    assert sent_at == [datetime(2026, 10, 30, 20, 0, tzinfo=UTC), datetime(2026, 11, 6, 21, 0, tzinfo=UTC)]


def test_a_digest_missed_by_more_than_the_window_is_not_sent_late(
    session_factory, fake_slack, slack_client
) -> None:
    """The bot down all Friday evening: Saturday morning's tick doesn't send last week's news."""
    seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[MIA],
        reps=REPS[:1],
        now=FRIDAY_4PM_NY - timedelta(days=30),
    )
    tick(session_factory=session_factory, client=slack_client, now=FRIDAY_4PM_NY + timedelta(hours=13))
    assert _digests(fake_slack, "U0MIA") == []


def test_with_two_answers_the_digest_shows_participation_but_no_team_averages(
    session_factory, fake_slack, slack_client
) -> None:
    """Small pods stay anonymous: no zones, readiness, goal feel or limiters below three people."""
    team = seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[MIA],
        reps=REPS,
        now=FRIDAY_4PM_NY - timedelta(days=30),
    )
    for rep in REPS[:2]:
        answer(
            session_factory,
            team_id=team,
            user_id=rep.user_id,
            due_at=FRIDAY_4PM_NY - timedelta(days=2),
            zone="snap",
            limiter="pipeline",
        )
    tick(session_factory=session_factory, client=slack_client, now=FRIDAY_4PM_NY)
    (digest,) = _digests(fake_slack, "U0MIA")
    assert "*2/2* answered" in digest
    assert "at least 3" in digest
    for hidden in ("Zones:", "Readiness:", "Goal feels:", "pipeline", "snap zone"):
        assert hidden not in digest


def test_with_three_answers_the_digest_shows_the_full_pulse_in_order(
    session_factory, fake_slack, slack_client
) -> None:
    """Pulse, watchlist, effort, pilots, pie, balance: in that order, with zones and limiters."""
    team = seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[MIA],
        reps=REPS,
        now=FRIDAY_4PM_NY - timedelta(days=30),
    )
    for i, rep in enumerate(REPS[:4]):
        answer(
            session_factory,
            team_id=team,
            user_id=rep.user_id,
            due_at=FRIDAY_4PM_NY - timedelta(days=2),
            zone="snap" if i < 2 else "stretch",
            limiter="pipeline" if i < 3 else "time",
            note="my dog is sick",
        )
        answer(session_factory, team_id=team, user_id=rep.user_id, due_at=FRIDAY_4PM_NY - timedelta(days=9))
    alert(session_factory, team_id=team, user_id="U0R5", now=FRIDAY_4PM_NY)
    tick(session_factory=session_factory, client=slack_client, now=FRIDAY_4PM_NY)
    (digest,) = _digests(fake_slack, "U0MIA")
    positions = [
        digest.index(s)
        for s in ("Pulse", "Watchlist", "Effort worth celebrating", "Pilots", "The pie", "Balance")
    ]
    assert positions == sorted(positions)
    assert "*4/4* answered" in digest and "last week 4/4" in digest
    assert "snap 2" in digest and "stretch 2" in digest
    assert "pipeline 3 of 4" in digest
    assert "2 of 4 reps in snap zone" in digest
    assert "<@U0R5>" in digest and "missed 3 of the last 3" in digest
    # Per-rep details only in the watchlist; answer text never.
    for rep in REPS[:4]:
        assert f"<@{rep.user_id}>" not in digest
    assert "dog" not in digest


def test_an_empty_team_and_a_team_with_no_answers_get_a_digest_that_reads_well(
    session_factory, fake_slack, slack_client
) -> None:
    """No reps: says how to add them. No answers yet: says answers will show up. No crash, no zeros."""
    seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[MIA],
        reps=[],
        now=FRIDAY_4PM_NY - timedelta(days=30),
    )
    seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[MIA],
        reps=REPS[:3],
        name="Hunters",
        channel="C0HUNT",
        now=FRIDAY_4PM_NY - timedelta(days=30),
    )
    tick(session_factory=session_factory, client=slack_client, now=FRIDAY_4PM_NY)
    digests = {("Closers" if "Closers" in d else "Hunters"): d for d in _digests(fake_slack, "U0MIA")}
    assert "No reps on this team yet" in digests["Closers"]
    assert "No check-ins have been due yet" in digests["Hunters"]
    assert "Nobody has gone quiet" in digests["Hunters"] and "No pie open" in digests["Hunters"]


def test_a_manager_away_that_week_gets_no_digest(session_factory, fake_slack, slack_client) -> None:
    """Away managers aren't sent the digest."""
    from bot.models import Person

    seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[MIA],
        reps=REPS[:1],
        now=FRIDAY_4PM_NY - timedelta(days=30),
    )
    with session_scope(session_factory) as session:
        mia = session.scalars(select(Person).where(Person.slack_user_id == "U0MIA")).one()
        mia.away_from, mia.away_until = date(2026, 11, 16), date(2026, 11, 27)
    tick(session_factory=session_factory, client=slack_client, now=FRIDAY_4PM_NY)
    assert _digests(fake_slack, "U0MIA") == []

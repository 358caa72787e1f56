"""Two weeks of huddles through the clock: the rep who stops posting is the one quiet signal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.db import session_scope
from bot.domain.huddles import RECAP_AFTER, HuddleTurn, quiet_in_huddles
from bot.models import Delivery, Person, QuietAlert
from bot.services.huddles.signals import huddle_quiet_signals
from tests.conftest import Running
from tests.huddles.conftest import CHANNEL, FIRST_HUDDLE, MANAGER, counts, latest_huddle, reply, tick_at
from tests.waiting import eventually

T0 = FIRST_HUDDLE


@pytest.mark.parametrize(
    ("history", "raised", "evidence"),
    [
        ("PPPP..", True, "posted in 4 of the previous 4 huddles, none of the last 2"),
        ("PPPPP.P..", True, "posted in 5 of the previous 6 huddles"),  # baseline window is 6
        ("PPPPPP.", False, None),  # one miss is not a pattern
        ("..P.P..", False, None),  # never a regular poster: their own baseline is low
        ("PP..", False, None),  # too little history
        ("", False, None),
        ("P.P.PP...", True, "none of the last 3"),
    ],
)
def test_quiet_rule_compares_a_rep_with_their_own_baseline(
    history: str, raised: bool, evidence: str | None
) -> None:
    turns = [HuddleTurn(starts_at=T0 + timedelta(days=i), posted=c == "P") for i, c in enumerate(history)]
    verdict = quiet_in_huddles(turns)
    assert (verdict is not None) == raised
    if verdict is not None:
        assert evidence is not None and evidence.split(", ")[0] in verdict.evidence
        silent = len(history) - len(history.rstrip("."))
        assert verdict.episode_start == turns[len(turns) - silent].starts_at


def test_the_episode_stays_the_same_while_the_silence_lasts_and_a_new_one_starts_later() -> None:
    def turns(text: str) -> list[HuddleTurn]:
        return [HuddleTurn(starts_at=T0 + timedelta(days=i), posted=c == "P") for i, c in enumerate(text)]

    first = quiet_in_huddles(turns("PPPP.."))
    longer = quiet_in_huddles(turns("PPPP...."))
    back_then_quiet = quiet_in_huddles(turns("PPPP....PPP.."))
    assert first and longer and back_then_quiet
    assert first.episode_start == longer.episode_start
    assert back_then_quiet.episode_start > first.episode_start
    assert quiet_in_huddles(turns("PPPP....P")) is None


def test_two_weeks_of_huddles_with_one_rep_going_quiet_signal_exactly_that_rep_once(
    running: Running, team_id: int, slack_client: WebClient
) -> None:
    # Mon/Wed/Fri for two and a half weeks: Ana posts in the first four, then stops; Ben always posts;
    # Cal never does (no baseline, so never "quiet").
    days = [0, 2, 4, 7, 9, 11, 14]
    seen: set[tuple[int, str]] = set()
    for number, offset in enumerate(days):
        start = T0 + timedelta(days=offset)
        tick_at(running, slack_client, start - timedelta(minutes=30))
        huddle = latest_huddle(running)
        assert huddle.message_ts, "the card is posted 30 minutes before"
        posters = ["U0BEN"] + (["U0ANA"] if number < 4 else [])
        for i, user in enumerate(posters):
            reply(running, user, huddle.message_ts, f"{huddle.message_ts[:-4]}{i + 2:04d}")
        eventually(lambda h=huddle, p=posters: set(counts(running, h.id)) == set(p))
        for hours in (2, 30):
            now = start + timedelta(hours=hours)
            tick_at(running, slack_client, now)
            with session_scope(running.deps.session_factory) as session:
                for signal in huddle_quiet_signals(session=session, now=now):
                    person = session.get(Person, signal.person_id)
                    assert person is not None and signal.team_id == team_id
                    seen.add((signal.person_id, signal.episode_start.isoformat()))
                    assert "posted in 4 of the previous 4 huddles" in signal.evidence
                    assert signal.suggested_step
    with session_scope(running.deps.session_factory) as session:
        ana = session.scalar(select(Person.id).where(Person.slack_user_id == "U0ANA"))
    assert seen == {(ana, (T0 + timedelta(days=9)).isoformat())}
    # The signal joins the alert rules: exactly one episode, one private DM to the manager, none to Ana.
    with session_scope(running.deps.session_factory) as session:
        episodes = session.scalars(select(QuietAlert).where(QuietAlert.signal == "huddle_quiet")).all()
        assert [(e.person_id, e.evidence) for e in episodes] == [(ana, episodes[0].evidence)]
        assert "posted in 4 of the previous 4 huddles" in episodes[0].evidence
        # (The reps here never answer a check-in, so the new-rep signals alert too: only this episode's DMs.)
        alert_dms = session.scalars(
            select(Delivery).where(
                Delivery.kind == "quiet_alert", Delivery.status == "sent", Delivery.ref_id == episodes[0].id
            )
        ).all()
        assert [d.channel for d in alert_dms] == [MANAGER]
    assert not any("quiet in huddles" in str(c.params) for c in running.fake.messages_to("U0ANA"))
    # Nothing was posted about it in the channel.
    assert all(
        "quiet" not in str(call.params.get("text", "")).lower() for call in running.fake.messages_to(CHANNEL)
    )


def test_a_huddle_is_not_judged_before_its_recap_time(
    running: Running, team_id: int, slack_client: WebClient
) -> None:
    for offset in (0, 2, 4, 7):
        start = T0 + timedelta(days=offset)
        tick_at(running, slack_client, start - timedelta(minutes=30))
        huddle = latest_huddle(running)
        assert huddle.message_ts
        reply(running, "U0ANA", huddle.message_ts, f"{huddle.message_ts[:-4]}0009")
        eventually(lambda h=huddle: "U0ANA" in counts(running, h.id))
    for offset in (9, 11):
        tick_at(running, slack_client, T0 + timedelta(days=offset, minutes=-30))
    with session_scope(running.deps.session_factory) as session:
        assert huddle_quiet_signals(session=session, now=T0 + timedelta(days=11)) == []
        assert len(huddle_quiet_signals(session=session, now=T0 + timedelta(days=11) + RECAP_AFTER)) == 1

"""A whole pilot over signed HTTP with the injected clock: kickoff, mid-point, review, late answers, the
summary, a tweak into v2 whose reminders keep their own dates; and a second tick never re-sends."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from bot.db import session_scope
from bot.jobs.tick import tick
from bot.models import Delivery, Person, Pilot, StretchMoment, TeamSkipDate
from bot.models.moments import MOMENT_PILOT_JOINED, MOMENT_PILOT_TRIED
from bot.slack.app import make_client
from tests.conftest import Member, Running, seed_team
from tests.fakeslack import Call
from tests.slackclient import flatten_text, state_values_from_view
from tests.waiting import eventually

MIA = Member("U0MIA", "Mia", tz="America/New_York")
RAJ = Member("U0RAJ", "Raj", tz="Asia/Kolkata")
ANN = Member("U0ANN", "Ann", tz="Europe/Berlin")
BOB = Member("U0BOB", "Bob", tz="America/New_York")


def at(text: str) -> datetime:
    """An instant in UTC from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def run_tick(running: Running, when: str) -> int:
    """One tick of the clock at `when` (UTC); returns how many pilot messages it sent (other features'
    messages, such as check-ins or shout-out drafts due at the same hour, are not counted)."""
    running.clock.set(at(when))
    before = _pilot_messages_sent(running)
    tick(
        session_factory=running.deps.session_factory,
        client=make_client(running.deps.settings),
        now=at(when),
    )
    return _pilot_messages_sent(running) - before


def _pilot_messages_sent(running: Running) -> int:
    with running.deps.session_factory() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.kind.like("pilot%"), Delivery.status == "sent")
            )
            or 0
        )


def last_view(running: Running) -> dict[str, Any]:
    opened = running.fake.calls_to("views.open")
    assert opened, "no modal was opened"
    return opened[-1].json_param("view")


# The first words of other features' DMs that land at the same check-in hour as pilot reminders.
OTHER_FEATURES = ("Your pulse check-in", "A gentle nudge: your check-in", "stretch moment")


def dm_texts(running: Running, user: str) -> list[str]:
    """Every pilot-related DM a user got, flattened to its visible text (check-ins and shout-out drafts
    sent at the same hour are left out, unless a pilot message rode along inside the check-in: the
    message budget merges a kickoff due with the day's check-in into one DM)."""
    return [
        flatten_text({"text": c.params.get("text"), "blocks": c.json_param("blocks")})
        for c in running.fake.messages_to(user)
        if not any(marker in (c.params.get("text") or "") for marker in OTHER_FEATURES) or _has_rider(c)
    ]


def _has_rider(call: Any) -> bool:
    """A check-in carrying another message above it (the check-in's own first block is its intro)."""
    blocks = call.json_param("blocks") or []
    return bool(blocks) and "Your pulse check-in" not in flatten_text(blocks[:1])


def setup_team(running: Running) -> int:
    team_id = seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[MIA],
        reps=[RAJ, ANN, BOB],
        now=at("2026-11-01 12:00"),
    )
    with session_scope(running.deps.session_factory) as session:
        session.add(
            TeamSkipDate(
                team_id=team_id,
                day=date(2026, 11, 26),
                reason="Thanksgiving",
                created_at=at("2026-11-01 12:00"),
            )
        )
    return team_id


def propose(running: Running, user: str, overrides: dict[str, Any], when: str = "2026-11-19 15:00") -> Any:
    running.clock.set(at(when))
    reply = running.slack.stretch("pilot", user=user, channel="C0TEAM")
    assert reply.status == 200 and reply.body in (b"", b"{}"), reply.text
    view = last_view(running)
    before = len(running.fake.messages_to(user))
    submitted = running.slack.submit_view(view, state_values_from_view(view, overrides), user=user)
    if submitted.body in (b"", b"{}"):  # saved: wait for the confirmation DM sent after the ack
        eventually(lambda: len(running.fake.messages_to(user)) > before)
    return submitted


PILOT_FIELDS = {
    "pilot_title": {"value": "Discovery first"},
    "pilot_not_goal": {"value": "40 demos booked"},
    "pilot_metric": {"value": "asking a second discovery question"},
    "pilot_observe": {"value": "Call notes show a second question"},
    "pilot_participants": {"selected_users": ["U0RAJ", "U0ANN", "U0BOB"]},
}


def answer_of(running: Running, method: str, send: Any) -> Call:
    """Do `send()` and wait for the call to `method` it makes (Bolt answers after ack, in a thread)."""
    before = len(running.fake.calls_to(method))
    send()
    return running.fake.wait_for(method, before + 1)[-1]


def click_in_last_dm(running: Running, user: str, action_id: str, expect: str = "response_url") -> Call:
    """Click a button of the newest DM `user` got that has it; returns the call Slack got in answer."""
    for call in reversed(running.fake.messages_to(user)):
        for block in call.json_param("blocks") or []:
            for element in block.get("elements", []):
                if element.get("action_id") == action_id:
                    value = element.get("value")
                    return answer_of(
                        running, expect, lambda: running.slack.action(action_id, user=user, value=value)
                    )
    raise AssertionError(f"{user} has no DM with {action_id}")


def review(running: Running, user: str, vote: str, learning: str, skill: str, when: str) -> None:
    running.clock.set(at(when))
    view = click_in_last_dm(running, user, f"pilot_review_{vote}", expect="views.open").json_param("view")
    assert view["callback_id"] == "pilot_review"
    values = state_values_from_view(
        view,
        {
            "pilot_review_learning": {"value": learning},
            "pilot_review_skill": {"selected_option": {"value": skill}},
        },
    )
    reply = running.slack.submit_view(view, values, user=user)
    assert reply.body in (b"", b"{}"), reply.text


def test_a_whole_pilot_runs_from_kickoff_to_a_tweaked_second_version(running: Running) -> None:
    """Kickoff at each person's check-in time, mid-point moved off a holiday and an absence, reviews,
    a summary two days on, a late answer, and a tweak whose v2 runs on its own dates."""
    setup_team(running)
    with session_scope(running.deps.session_factory) as session:
        bob = session.scalar(select(Person).where(Person.slack_user_id == "U0BOB"))
        assert bob is not None
        bob.away_from, bob.away_until = date(2026, 11, 25), date(2026, 11, 30)

    submitted = propose(running, "U0MIA", PILOT_FIELDS)
    assert submitted.body in (b"", b"{}"), submitted.text
    start_field = next(b for b in last_view(running)["blocks"] if b.get("block_id") == "pilot_start")
    assert start_field["element"]["initial_date"] == "2026-11-20"  # the team's next working day
    assert "Discovery first* starts Fri 20 Nov" in dm_texts(running, "U0MIA")[-1]
    with running.deps.session_factory() as session:
        joined = session.scalars(select(StretchMoment).where(StretchMoment.kind == MOMENT_PILOT_JOINED)).all()
        assert len(joined) == 3

    # Day 1. Raj's 09:30 in Kolkata comes first; Ann's and Bob's and the channel's later.
    assert run_tick(running, "2026-11-19 20:00") == 0
    assert run_tick(running, "2026-11-20 04:00") == 1
    assert "The goal is to get better at asking a second discovery question" in dm_texts(running, "U0RAJ")[0]
    assert run_tick(running, "2026-11-20 04:01") == 0
    assert run_tick(running, "2026-11-20 14:30") == 3  # Ann (08:30 UTC), Bob (14:30), channel card (14:30)
    card = running.fake.messages_to("C0TEAM")[-1]
    assert "The goal isn't" in flatten_text(card.json_param("blocks"))
    assert "40 demos booked" in flatten_text(card.json_param("blocks"))
    assert run_tick(running, "2026-11-20 14:31") == 0  # a second tick never re-sends

    # Day 7 is Thanksgiving (a skip date): the mid-point moves to Friday; Bob is away until Monday.
    assert run_tick(running, "2026-11-26 16:00") == 0
    # Every DM inside its recipient's hours: Raj's and Ann's mid-points at 15:30 in Kolkata.
    assert run_tick(running, "2026-11-27 10:00") == 2
    assert run_tick(running, "2026-11-27 15:00") == 0
    assert "how's it going?" in dm_texts(running, "U0RAJ")[-1]
    assert not any("how's it going" in t for t in dm_texts(running, "U0BOB"))
    running.clock.set(at("2026-11-27 15:05"))
    thanks = click_in_last_dm(running, "U0RAJ", "pilot_mid_4")
    assert "4/5" in flatten_text(thanks.params)
    assert run_tick(running, "2026-12-01 14:30") == 1  # Bob's mid-point, the first day he's back
    running.clock.set(at("2026-12-01 15:00"))
    click_in_last_dm(running, "U0BOB", "pilot_mid_2")

    # Day 14: the review for everyone.
    assert run_tick(running, "2026-12-03 10:00") == 2  # Raj and Ann; 05:00 is too early for Bob in New York
    assert run_tick(running, "2026-12-03 15:00") == 1
    review(running, "U0RAJ", "keep", "Second questions uncover budget early", "4", "2026-12-03 16:00")
    review(running, "U0ANN", "tweak", "Works better on inbound than outbound", "3", "2026-12-03 17:00")
    assert run_tick(running, "2026-12-04 15:00") == 0  # Bob hasn't answered: wait two days
    assert run_tick(running, "2026-12-05 15:00") == 0  # a Saturday: Mia's summary waits for Monday
    assert run_tick(running, "2026-12-07 14:30") == 1
    summary = dm_texts(running, "U0MIA")[-1]
    assert "Keep 1 · Tweak 1 · Drop 0" in summary
    assert "Second questions uncover budget early" in summary
    assert "Mid-point 3.0/5 (2 of 3 answered)" in summary
    assert not any(
        "Pilot summary" in t for member in ("U0RAJ", "U0ANN", "U0BOB") for t in dm_texts(running, member)
    )

    # Bob answers late: Mia hears about it on the next tick, once.
    review(running, "U0BOB", "drop", "Too slow for my territory", "2", "2026-12-07 20:00")
    assert run_tick(running, "2026-12-07 20:01") == 1
    assert "late review" in dm_texts(running, "U0MIA")[-1]
    assert run_tick(running, "2026-12-07 20:02") == 0

    # Mia tweaks: the modal comes pre-filled for v2 starting on the next working day.
    running.clock.set(at("2026-12-08 15:00"))
    view = click_in_last_dm(running, "U0MIA", "pilot_decide_tweak", expect="views.open").json_param("view")
    assert view["title"]["text"] == "Tweak the pilot"
    values = state_values_from_view(view, {"pilot_observe": {"value": "Inbound calls only this time"}})
    assert values["pilot_title"]["pilot_title_input"]["value"] == "Discovery first"
    assert values["pilot_start"]["pilot_start_input"]["selected_date"] == "2026-12-09"
    reply = running.slack.submit_view(view, values, user="U0MIA")
    assert reply.body in (b"", b"{}"), reply.text
    with running.deps.session_factory() as session:
        v1, v2 = session.scalars(select(Pilot).order_by(Pilot.id)).all()
        assert (v1.status, v2.status, v2.iteration, v2.previous_id, v2.root_id) == (
            "tweaked",
            "active",
            2,
            v1.id,
            v1.id,
        )

    # v2 runs on its own dates: kickoff 9 Dec, mid-point 15 Dec; v1 sends nothing more.
    # Three kickoffs and the channel card; Raj's in his Kolkata hours.
    assert run_tick(running, "2026-12-09 10:00") + run_tick(running, "2026-12-09 15:00") == 4
    assert "Day 1: Discovery first (v2)" in dm_texts(running, "U0RAJ")[-1]
    assert run_tick(running, "2026-12-14 15:00") == 0
    assert run_tick(running, "2026-12-15 10:00") + run_tick(running, "2026-12-15 15:00") == 3
    assert run_tick(running, "2026-12-15 15:01") == 0

    listing = running.slack.stretch("pilots", user="U0ANN", channel="C0TEAM")
    assert "v1 tweaked → v2 running" in listing.text
    assert "day 7 of 14" in listing.text
    assert "Too slow" not in listing.text  # learnings are for the owner and managers only


def test_everyone_answering_sends_the_summary_at_once_and_a_drop_celebrates_who_tried(
    running: Running,
) -> None:
    """No two-day wait when all have answered; dropping records a 'pilot tried' moment per participant."""
    setup_team(running)
    fields = dict(PILOT_FIELDS, pilot_participants={"selected_users": ["U0RAJ"]}, pilot_length={"value": "3"})
    propose(running, "U0MIA", fields)
    assert run_tick(running, "2026-11-20 04:00") == 1
    assert run_tick(running, "2026-11-20 14:30") == 1  # the channel card
    # Day 2 (Saturday) and day 3 (Sunday) both move to Monday: the review alone asks everything.
    assert run_tick(running, "2026-11-23 04:00") == 1
    assert "Review: Discovery first" in dm_texts(running, "U0RAJ")[-1]
    assert not any("how's it going" in t for t in dm_texts(running, "U0RAJ"))
    review(running, "U0RAJ", "drop", "Not for renewals", "2", "2026-11-23 05:00")
    assert run_tick(running, "2026-11-23 05:01") == 0  # midnight in New York: Mia hears at 08:00
    assert run_tick(running, "2026-11-23 13:00") == 1
    assert "Pilot summary" in dm_texts(running, "U0MIA")[-1]

    running.clock.set(at("2026-11-23 16:00"))
    dropped = click_in_last_dm(running, "U0MIA", "pilot_decide_drop")
    assert "dropped, with its learnings" in flatten_text(dropped.params)
    with running.deps.session_factory() as session:
        tried = session.scalars(select(StretchMoment).where(StretchMoment.kind == MOMENT_PILOT_TRIED)).all()
        assert len(tried) == 1
        assert session.scalar(select(Pilot.status)) == "dropped"

    # Deciding twice, or editing the closed pilot, is refused with a clear reply.
    again = click_in_last_dm(running, "U0MIA", "pilot_decide_keep")
    assert "is closed: it was dropped" in flatten_text(again.params)
    with running.deps.session_factory() as session:
        pilot_id = session.scalar(select(Pilot.id))
    edit = answer_of(
        running, "response_url", lambda: running.slack.action("pilot_edit", user="U0MIA", value=str(pilot_id))
    )
    assert "is closed" in flatten_text(edit.params)

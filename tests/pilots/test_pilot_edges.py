"""Bad input and edge cases of pilots: each answered with a modal field error or a clear reply, and
nothing half-written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, func, select

from bot.db import session_scope
from bot.models import Membership, Person, Pilot, StretchMoment
from tests.conftest import Member, Running, seed_team
from tests.pilots.test_pilot_flow import PILOT_FIELDS, answer_of, at, propose, run_tick, setup_team
from tests.slackclient import flatten_text


def _pilot_count(running: Running) -> int:
    with running.deps.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Pilot)) or 0


@pytest.mark.parametrize(
    ("user", "overrides", "field", "words"),
    [
        ("U0MIA", {"pilot_metric": {"value": "  "}}, "pilot_metric", "skill or behaviour"),
        ("U0MIA", {"pilot_length": {"value": "400"}}, "pilot_length", "3 to 90"),
        ("U0MIA", {"pilot_length": {"value": "0"}}, "pilot_length", "end before it starts"),
        ("U0MIA", {"pilot_start": {"selected_date": "2026-11-18"}}, "pilot_start", "in the past"),
        (
            "U0MIA",
            {"pilot_participants": {"selected_users": ["U0GHOST"]}},
            "pilot_participants",
            "can't find",
        ),
        ("U0MIA", {"pilot_participants": {"selected_users": ["U0BOT"]}}, "pilot_participants", "is a bot"),
        ("U0MIA", {"pilot_participants": {"selected_users": ["U0OTHER"]}}, "pilot_participants", "isn't on"),
        (
            "U0RAJ",
            {
                "pilot_participants": {
                    "selected_users": ["U0RAJ", "U0ANN", "U0BOB", "U0MIA", "U0CAT", "U0DAN"]
                }
            },
            "pilot_participants",
            "up to 5",
        ),
    ],
)
def test_bad_pilot_input_gets_a_field_error_and_saves_nothing(
    running: Running, user: str, overrides: dict[str, Any], field: str, words: str
) -> None:
    """The modal stays open with the message beside the field; no pilot, no moments."""
    setup_team(running)
    running.fake.add_user("U0BOT", "Robo", is_bot=True)
    running.fake.add_user("U0OTHER", "Olga")
    for extra in ("U0CAT", "U0DAN"):
        running.fake.add_user(extra, extra)
    if user == "U0RAJ":
        seed_team(
            session_factory=running.deps.session_factory,
            fake=running.fake,
            managers=[Member("U0MIA2", "Max")],
            reps=[Member("U0CAT", "Cat"), Member("U0DAN", "Dan")],
            channel="C0OTHER",
            name="Other",
        )
    reply = propose(running, user, dict(PILOT_FIELDS, **overrides))
    body = reply.json()
    assert body["response_action"] == "errors", body
    assert words in body["errors"][field]
    assert _pilot_count(running) == 0
    with running.deps.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(StretchMoment)) == 0


def test_someone_on_no_team_is_told_how_to_join(running: Running) -> None:
    """No modal for a stranger: they learn who can add them."""
    setup_team(running)
    running.fake.add_user("U0NEW", "Nia")
    reply = running.slack.stretch("pilot", user="U0NEW", channel="C0TEAM")
    assert "not on a Stretch team yet" in reply.text
    assert running.fake.calls_to("views.open") == []


def test_a_rep_can_propose_but_only_the_owner_or_a_manager_decides(running: Running) -> None:
    """Raj proposes; Ann can't decide it; once Raj leaves the team, Mia (a manager) decides."""
    setup_team(running)
    fields = dict(PILOT_FIELDS, pilot_participants={"selected_users": ["U0RAJ", "U0ANN"]})
    reply = propose(running, "U0RAJ", fields)
    assert reply.body in (b"", b"{}"), reply.text
    with running.deps.session_factory() as session:
        pilot_id = session.scalar(select(Pilot.id))
    running.clock.set(at("2026-11-21 15:00"))

    def decide(user: str, action: str = "pilot_decide_keep") -> str:
        call = answer_of(
            running, "response_url", lambda: running.slack.action(action, user=user, value=str(pilot_id))
        )
        return flatten_text(call.params)

    assert "Only the pilot's owner (<@U0RAJ>) or a manager" in decide("U0ANN")
    with session_scope(running.deps.session_factory) as session:
        raj = session.scalar(select(Person).where(Person.slack_user_id == "U0RAJ"))
        assert raj is not None
        session.execute(delete(Membership).where(Membership.person_id == raj.id))
    assert "no longer on *Closers*" in decide("U0RAJ")
    assert "kept: it's a standing practice" in decide("U0MIA")
    with running.deps.session_factory() as session:
        assert session.scalar(select(Pilot.status)) == "kept"


def test_reminders_stop_for_someone_who_left_the_team_and_the_summary_skips_a_departed_owner(
    running: Running,
) -> None:
    """A participant removed from the team gets no more DMs; the managers still get the summary."""
    setup_team(running)
    fields = dict(PILOT_FIELDS, pilot_participants={"selected_users": ["U0RAJ", "U0ANN"]})
    propose(running, "U0RAJ", fields)
    # Each DM inside its recipient's hours: both kickoffs by 17:30 in Kolkata, then the card at 09:30 NY.
    assert run_tick(running, "2026-11-20 12:00") == 2  # two kickoffs
    assert run_tick(running, "2026-11-20 14:30") == 1  # the card
    with session_scope(running.deps.session_factory) as session:
        raj = session.scalar(select(Person).where(Person.slack_user_id == "U0RAJ"))
        assert raj is not None
        session.execute(delete(Membership).where(Membership.person_id == raj.id))
    assert run_tick(running, "2026-11-26 15:00") == 0  # Thanksgiving
    assert run_tick(running, "2026-11-27 15:00") == 1  # Ann's mid-point only
    assert run_tick(running, "2026-12-03 15:00") == 1  # Ann's review only
    assert run_tick(running, "2026-12-07 15:00") == 1  # the summary, to Mia (the manager), not Raj
    assert any(
        "Pilot summary" in flatten_text(c.json_param("blocks")) for c in running.fake.messages_to("U0MIA")
    )
    assert not any(
        "Pilot summary" in flatten_text(c.json_param("blocks")) for c in running.fake.messages_to("U0RAJ")
    )


def test_the_app_home_shows_a_reps_own_pilots(running: Running) -> None:
    """Ann sees the pilot she takes part in, with where it's at."""
    setup_team(running)
    propose(running, "U0MIA", PILOT_FIELDS)
    running.clock.set(at("2026-11-24 15:00"))
    running.slack.event({"type": "app_home_opened", "user": "U0ANN", "tab": "home"})
    published = running.fake.wait_for("views.publish", user_id="U0ANN")
    text = flatten_text(published[-1].json_param("view"))
    assert "Your pilots" in text
    assert "Discovery first* · day 5 of 14 · owner <@U0MIA>" in text


def test_a_participant_adds_a_note_and_asks_for_a_tweak_now(running: Running) -> None:
    """The note is saved for the summary; 'Tweak now' tells the owner, who can open the tweak modal."""
    from tests.pilots.test_pilot_flow import click_in_last_dm

    setup_team(running)
    propose(running, "U0MIA", dict(PILOT_FIELDS, pilot_participants={"selected_users": ["U0RAJ"]}))
    # Kickoff and mid-point (Thanksgiving moved it to Friday), at 15:30 in Raj's Kolkata: inside his hours.
    run_tick(running, "2026-11-27 10:00")
    running.clock.set(at("2026-11-27 16:00"))
    view = click_in_last_dm(running, "U0RAJ", "pilot_mid_note", expect="views.open").json_param("view")
    reply = running.slack.submit_view(
        view,
        {"pilot_mid_note_text": {"pilot_note_input": {"value": "Prospects open up on Q2"}}},
        user="U0RAJ",
    )
    assert reply.body in (b"", b"{}")
    asked = click_in_last_dm(running, "U0RAJ", "pilot_tweak_now", expect="chat.postMessage")
    assert asked.params["channel"] == "U0MIA"
    assert "Prospects open up on Q2" in flatten_text(asked.json_param("blocks"))
    modal = click_in_last_dm(running, "U0MIA", "pilot_decide_tweak", expect="views.open").json_param("view")
    assert modal["title"]["text"] == "Tweak the pilot"

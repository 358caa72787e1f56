"""`/stretch setup`: the modal opens pre-filled, saves the team, and refuses people who may not."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.models import Membership, Team
from tests.conftest import Member, Running, seed_team
from tests.slackclient import state_values_from_view


def _opened_view(running: Running) -> dict[str, Any]:
    opened = running.fake.calls_to("views.open")
    assert opened, "no modal was opened"
    return opened[-1].json_param("view")


def _team_count(running: Running) -> int:
    with running.deps.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Team)) or 0


def test_setup_round_trip_creates_the_team_and_shows_it_again(running: Running) -> None:
    """Open → submit → stored → `/stretch setup` again is pre-filled with what was saved."""
    fake = running.fake
    fake.add_user("U0ADMIN", "Ada Admin", tz="Europe/Berlin", is_admin=True)
    fake.add_user("U0MIA", "Mia Manager", tz="Europe/Berlin")
    fake.add_user("U0REP1", "Raj Rep", tz="Asia/Kolkata")
    fake.add_user("U0REP2", "Ann Rep", tz="Australia/Adelaide")

    reply = running.slack.stretch("setup", user="U0ADMIN", channel="C0WEST", channel_name="west-sales")
    assert reply.status == 200
    view = _opened_view(running)
    assert view["callback_id"] == "team_setup"
    channel_block = next(b for b in view["blocks"] if b.get("block_id") == "team_channel")
    assert channel_block["element"]["initial_conversation"] == "C0WEST"

    values = state_values_from_view(
        view,
        {
            "team_name": {"value": "West Coast SDRs"},
            "team_managers": {"selected_users": ["U0MIA"]},
            "team_reps": {"selected_users": ["U0REP1", "U0REP2"]},
            "checkin_days": {
                "selected_options": [
                    {"text": {"type": "plain_text", "text": "Tuesday"}, "value": "tue"},
                    {"text": {"type": "plain_text", "text": "Thursday"}, "value": "thu"},
                ]
            },
            "checkin_time": {"selected_time": "08:45"},
        },
    )
    submitted = running.slack.submit_view(view, values, user="U0ADMIN")
    assert submitted.status == 200
    assert submitted.body in (b"", b"{}") or "errors" not in submitted.json()

    with running.deps.session_factory() as session:
        team = session.scalar(select(Team))
        assert team is not None
        assert (team.name, team.channel_id, team.checkin_days, team.checkin_time) == (
            "West Coast SDRs",
            "C0WEST",
            "tue,thu",
            "08:45",
        )
        roles = {m.person.slack_user_id: m.role for m in session.scalars(select(Membership))}
    assert roles == {"U0MIA": "manager", "U0REP1": "rep", "U0REP2": "rep"}
    confirmations = fake.wait_for("chat.postMessage", channel="U0ADMIN")  # sent after the modal closes
    assert "West Coast SDRs" in confirmations[-1].params["text"]

    # The manager runs setup again in the channel: the modal shows what was stored.
    running.slack.stretch("setup", user="U0MIA", channel="C0WEST", channel_name="west-sales")
    again = _opened_view(running)
    state = state_values_from_view(again)
    assert state["team_name"]["name_input"]["value"] == "West Coast SDRs"
    assert state["team_reps"]["reps_input"]["selected_users"] == ["U0REP1", "U0REP2"]
    assert state["checkin_time"]["checkin_time_input"]["selected_time"] == "08:45"
    assert [o["value"] for o in state["checkin_days"]["checkin_days_input"]["selected_options"]] == [
        "tue",
        "thu",
    ]
    assert again["title"]["text"] == "Edit your team"


def test_a_rep_cannot_open_the_setup_of_their_team(running: Running) -> None:
    """A rep gets a clear refusal, and no modal opens."""
    seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[Member("U0MIA", "Mia")],
        reps=[Member("U0REP1", "Raj")],
    )
    reply = running.slack.stretch("setup", user="U0REP1", channel="C0TEAM")
    assert reply.status == 200
    assert reply.json()["response_type"] == "ephemeral"
    assert "Only a manager of *Closers*" in reply.text
    assert running.fake.calls_to("views.open") == []


def test_a_stranger_cannot_create_a_team(running: Running) -> None:
    """Someone who is no admin and on no team is told who can create one."""
    running.fake.add_user("U0NOBODY", "Nobody")
    reply = running.slack.stretch("setup", user="U0NOBODY", channel="C0NEW")
    assert "Only a workspace admin or owner can create" in reply.text
    assert running.fake.calls_to("views.open") == []
    assert _team_count(running) == 0


def test_a_submission_by_a_non_manager_is_refused_and_writes_nothing(running: Running) -> None:
    """Even a forged submission of the modal by a rep changes nothing."""
    team_id = seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[Member("U0MIA", "Mia")],
        reps=[Member("U0REP1", "Raj")],
    )
    running.slack.stretch("setup", user="U0MIA", channel="C0TEAM")
    view = _opened_view(running)
    values = state_values_from_view(view, {"team_name": {"value": "Hijacked"}})
    reply = running.slack.submit_view(view, values, user="U0REP1")
    assert reply.json()["response_action"] == "errors"
    with running.deps.session_factory() as session:
        team = session.get(Team, team_id)
        assert team is not None and team.name == "Closers"


def _admin_modal(running: Running) -> dict[str, Any]:
    running.fake.add_user("U0ADMIN", "Ada", is_admin=True)
    running.slack.stretch("setup", user="U0ADMIN", channel="C0NEW")
    return _opened_view(running)


def test_setup_field_errors_land_beside_the_field(running: Running) -> None:
    """Bad input is answered with response_action=errors on the right block, and nothing is stored."""
    view = _admin_modal(running)
    running.fake.add_user("U0BOT", "Some Bot", is_bot=True)
    running.fake.add_user("U0MIA", "Mia")
    cases = [
        ({"team_name": {"value": "   "}}, "team_name"),
        ({"team_name": {"value": "X"}, "team_managers": {"selected_users": []}}, "team_managers"),
        (
            {
                "team_name": {"value": "X"},
                "team_managers": {"selected_users": ["U0MIA"]},
                "team_reps": {"selected_users": ["U0MIA"]},
            },
            "team_reps",
        ),
        ({"team_name": {"value": "X"}, "team_reps": {"selected_users": ["U0BOT"]}}, "team_reps"),
        ({"team_name": {"value": "X"}, "team_reps": {"selected_users": ["U0GHOST"]}}, "team_reps"),
        ({"team_name": {"value": "X"}, "checkin_days": {"selected_options": []}}, "checkin_days"),
    ]
    for overrides, field in cases:
        reply = running.slack.submit_view(view, state_values_from_view(view, overrides), user="U0ADMIN")
        body = reply.json()
        assert body.get("response_action") == "errors", overrides
        assert field in body["errors"], (overrides, body)
    assert _team_count(running) == 0


def test_a_channel_can_belong_to_one_team_only(running: Running) -> None:
    """Picking a channel another team uses is refused on the channel field."""
    seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[Member("U0MIA", "Mia")],
        reps=[],
        channel="C0TAKEN",
    )
    view = _admin_modal(running)
    values = state_values_from_view(
        view, {"team_name": {"value": "Second"}, "team_channel": {"selected_conversation": "C0TAKEN"}}
    )
    body = running.slack.submit_view(view, values, user="U0ADMIN").json()
    assert "already belongs to the team *Closers*" in body["errors"]["team_channel"]
    assert _team_count(running) == 1

"""Which team a person acts on, over signed HTTP: a command typed in a team's channel is about that
team (refused, with nothing written, for someone not on it); in a DM or a channel of no team, a person on
one team acts on it and a person on several picks one with the team picker."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.models import Pie, PieSlice
from tests.conftest import Member, Running, seed_team
from tests.pie.helpers import MIA, REPS, slices, team
from tests.reliability.authz_world import changed_tables, snapshot
from tests.slackclient import SignedSlack, flatten_text
from tests.waiting import eventually

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in New York
BO = Member("U0BOSS", "Bo Boss")
HANK = Member("U0HANK", "Hank Hunter")
_names = itertools.count(1)


def _two_teams(running: Running, *, both: list[Member] | None = None) -> None:
    """Closers (#C0TEAM: Mia manages, four reps) and Hunters (#C0HUNT: Bo manages, Hank; plus `both`)."""
    running.clock.set(NOW)
    team(running, now=NOW)
    seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[BO],
        reps=[HANK, *(both or [])],
        name="Hunters",
        channel="C0HUNT",
        now=NOW,
    )


def _send(
    running: Running, command: str, text: str, *, user: str, channel: str
) -> tuple[str, dict[str, Any]]:
    """Send a signed command; its answer (the ack's body, or the first reply at its response_url)."""
    name = f"team{next(_names)}"
    client = SignedSlack(
        running.slack.events_url,
        "test-signing-secret-0123456789abcdef",
        response_url=running.fake.response_url(name),
    )
    channel_name = "directmessage" if channel.startswith("D") else "some-channel"
    reply = client.command(command, text, user=user, channel=channel, channel_name=channel_name)
    assert reply.status == 200
    if reply.body and reply.json():
        return reply.text, reply.json()

    def answered() -> list[Any]:
        return [c for c in running.fake.calls_to("response_url") if c.params.get("_name") == name]

    calls = eventually(answered, timeout=10)
    body = calls[0].params
    return flatten_text(body), body


def _pies(running: Running) -> int:
    with running.deps.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Pie)) or 0


def test_a_manager_baking_in_another_teams_channel_is_refused_and_nothing_is_written(
    running: Running,
) -> None:
    """Mia (Closers) types `/claim-pie new 50k` in Hunters' channel: told whose channel it is and where
    to type instead; no pie is baked, so her own `/claim-pie new 100k` then works."""
    _two_teams(running)
    before = snapshot(running)
    text, body = _send(running, "/claim-pie", "new 50k", user=MIA.user_id, channel="C0HUNT")
    assert "This channel belongs to the team *Hunters*" in text
    assert "<#C0TEAM>" in text and "DM" in text
    assert body.get("response_type") == "ephemeral"
    assert changed_tables(before, snapshot(running)) == []
    assert running.fake.messages_to("C0HUNT") == [] and running.fake.messages_to("C0TEAM") == []
    text, _ = _send(running, "/claim-pie", "new 100k", user=MIA.user_id, channel="C0TEAM")
    assert "is baked" in text
    assert _pies(running) == 1


def test_a_rep_claiming_in_another_teams_channel_is_refused(running: Running) -> None:
    """A Closers rep claiming in Hunters' channel gets no slice of either pie."""
    _two_teams(running)
    _send(running, "/claim-pie", "new 100k", user=MIA.user_id, channel="C0TEAM")
    _send(running, "/claim-pie", "new 80k", user=BO.user_id, channel="C0HUNT")
    text, _ = _send(running, "/claim-pie", "20k", user=REPS[0].user_id, channel="C0HUNT")
    assert "belongs to the team *Hunters*" in text
    assert slices(running.deps.session_factory) == {}


@pytest.mark.parametrize(
    ("command", "text", "user"),
    [
        ("/stretch", "alerts", MIA.user_id),
        ("/stretch", "skip 2026-12-24", MIA.user_id),
        ("/stretch", "unskip 2026-12-24", MIA.user_id),
        ("/stretch", "questions", MIA.user_id),
        ("/stretch", "huddle", MIA.user_id),
        ("/stretch", "digest", MIA.user_id),
        ("/stretch", "pilot", MIA.user_id),
        ("/stretch", "pilots", REPS[0].user_id),
        ("/stretch", "checkin", REPS[0].user_id),
        ("/shoutout", f"<@{REPS[1].user_id}|ann> closed the Acme deal", REPS[0].user_id),
        ("/claim-pie", "", REPS[0].user_id),
        ("/claim-pie", "progress 5k", REPS[0].user_id),
    ],
)
def test_every_command_in_another_teams_channel_is_refused_with_nothing_written(
    running: Running, command: str, text: str, user: str
) -> None:
    """The same rule for every command: someone on Closers typing it in Hunters' channel is told whose
    channel it is; no row changes, nothing is posted, no modal opens."""
    _two_teams(running)
    before = snapshot(running)
    answer, _ = _send(running, command, text, user=user, channel="C0HUNT")
    assert "This channel belongs to the team *Hunters*" in answer, answer
    assert changed_tables(before, snapshot(running)) == []
    assert running.fake.calls_to("chat.postMessage") == []
    assert running.fake.calls_to("views.open") == []


def test_in_a_dm_someone_on_one_team_acts_on_it(running: Running) -> None:
    """Mia, on one team, bakes from her DM with Stretch: it's the Closers' pie."""
    _two_teams(running)
    text, _ = _send(running, "/claim-pie", "new 100k", user=MIA.user_id, channel="D0MIA")
    assert "is baked" in text and "Closers" in text


def test_someone_on_two_teams_picks_the_team_in_a_dm_and_the_command_runs_for_it(running: Running) -> None:
    """Raj is on both teams: `/claim-pie 20k` in a DM answers with one button per team (each its own
    action id); clicking Hunters claims 20k of Hunters' pie, not the Closers'."""
    raj = REPS[0]
    _two_teams(running, both=[raj])
    _send(running, "/claim-pie", "new 100k", user=MIA.user_id, channel="C0TEAM")
    _send(running, "/claim-pie", "new 80k", user=BO.user_id, channel="C0HUNT")
    text, body = _send(running, "/claim-pie", "20k M&A deal", user=raj.user_id, channel="D0RAJ")
    assert "You're on 2 teams" in text and "<#C0TEAM>" in text and "<#C0HUNT>" in text
    picker = next(b for b in body["blocks"] if b["type"] == "actions")
    ids = [e["action_id"] for e in picker["elements"]]
    assert len(ids) == len(set(ids)) == 2
    hunters = next(e for e in picker["elements"] if e["text"]["text"] == "Hunters")
    running.slack.action(hunters["action_id"], user=raj.user_id, value=hunters["value"], channel="D0RAJ")
    eventually(lambda: slices(running.deps.session_factory), timeout=10)
    with running.deps.session_factory() as session:
        rows = session.execute(
            select(Pie.target_minor, PieSlice.amount_minor, PieSlice.note)
            .join(PieSlice, PieSlice.pie_id == Pie.id)
            .where(PieSlice.amount_minor > 0)
        ).all()
    assert [tuple(r) for r in rows] == [(8_000_000, 2_000_000, "M&A deal")]
    # The answer to the click reached Raj privately at the click's response_url.
    claimed = eventually(
        lambda: [
            c
            for c in running.fake.calls_to("response_url")
            if "You claimed *$20,000*" in flatten_text(c.params)
        ],
        timeout=10,
    )
    assert claimed


def test_a_manager_of_two_teams_picks_which_teams_alerts_in_a_dm(running: Running) -> None:
    """The picker serves every command: Bo manages both teams; `/stretch alerts` in a DM asks which,
    and the Closers button shows the Closers' alert settings."""
    _two_teams(running)
    seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[BO],
        reps=[Member("U0OTTO", "Otto")],
        name="Openers",
        channel="C0OPEN",
        now=NOW,
    )
    text, body = _send(running, "/stretch", "alerts", user=BO.user_id, channel="D0BO")
    assert "You're on 2 teams" in text
    picker = next(b for b in body["blocks"] if b["type"] == "actions")
    openers = next(e for e in picker["elements"] if e["text"]["text"] == "Openers")
    running.slack.action(openers["action_id"], user=BO.user_id, value=openers["value"], channel="D0BO")
    shown = eventually(
        lambda: [c for c in running.fake.calls_to("response_url") if "Openers" in flatten_text(c.params)],
        timeout=10,
    )
    assert "Quiet-rep alerts for Openers" in flatten_text(shown[0].params)


def test_a_picker_button_for_a_team_the_clicker_left_is_refused(running: Running) -> None:
    """The picked team is checked like any other: a value naming a team the clicker isn't on changes
    nothing."""
    _two_teams(running)
    _send(running, "/claim-pie", "new 80k", user=BO.user_id, channel="C0HUNT")
    from bot.slack.payloads import picker_value

    with running.deps.session_factory() as session:
        hunters = session.scalar(select(Pie.team_id))
    assert hunters is not None
    value = picker_value(team_id=hunters, command="/claim-pie", text="20k")
    before = snapshot(running)
    running.slack.action(f"pick_team:{hunters}", user=REPS[0].user_id, value=value, channel="D0RAJ")
    refusal = eventually(
        lambda: [
            c for c in running.fake.calls_to("response_url") if "not on that team" in flatten_text(c.params)
        ],
        timeout=10,
    )
    assert refusal
    assert changed_tables(before, snapshot(running)) == []

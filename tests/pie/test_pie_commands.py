"""/claim-pie end to end over signed HTTP: baking, claiming, refusing, celebrating, and the deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.db import session_scope
from bot.jobs.tick import tick
from bot.models import Delivery, Pie, PieSlice, StretchMoment
from bot.services import pie_claims
from bot.services.people import find_person
from bot.services.teams import teams_of
from bot.slack.app import make_client
from tests.conftest import Member, Running, seed_team
from tests.fakeslack import Call
from tests.pie.helpers import MIA, REPS, open_pie_row, opened_view, pie, slices, team, wait_for
from tests.slackclient import flatten_text, state_values_from_view

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in New York


def _tick(running: Running, at: datetime) -> None:
    tick(session_factory=running.deps.session_factory, client=make_client(running.deps.settings), now=at)


def _baked(running: Running, text: str = "new 100k Q4 push") -> None:
    running.clock.set(NOW)
    team(running, now=NOW)
    assert "is baked" in pie(running, text, user="U0MIA").text


def _counts(running: Running) -> tuple[int, int, int]:
    with running.deps.session_factory() as session:
        return (
            session.scalar(select(func.count()).select_from(Pie)) or 0,
            session.scalar(select(func.count()).select_from(PieSlice)) or 0,
            session.scalar(select(func.count()).select_from(Delivery)) or 0,
        )


def test_reps_claim_change_and_release_slices_and_the_card_shows_them(running: Running) -> None:
    _baked(running)
    claimed = pie(running, "20k two renewals + Acme", user="U0REP1")
    assert claimed.status == 200
    assert "You claimed *$20,000*" in claimed.text
    pie(running, "$30,000", user="U0REP2")
    card = pie(running, user="U0REP3").text
    assert "$50,000 of $100,000" in card and "*$50,000* left to claim" in card
    assert "<@U0REP1>: *$20,000* · _two renewals + Acme_" in card
    assert "▓▓▓▓▓░░░░░" in card
    assert "Claim a slice" in card and "Change my slice" in card
    assert "Claims close at the end of Mon 30 Nov (America/New_York)" in card
    changed = pie(running, "25.5k", user="U0REP1")
    assert "now *$25,500* (was $20,000)" in changed.text
    assert "You gave back your $30,000 slice" in pie(running, "release", user="U0REP2").text
    assert slices(running.deps.session_factory) == {"U0REP1": 2_550_000}


def test_a_claim_that_does_not_fit_is_refused_with_what_is_left(running: Running) -> None:
    _baked(running)
    pie(running, "70k", user="U0REP1")
    refused = pie(running, "40k", user="U0REP2")
    assert "$30,000 is left of $100,000" in refused.text
    assert refused.body["response_type"] == "ephemeral"
    assert slices(running.deps.session_factory) == {"U0REP1": 7_000_000}


def test_over_claiming_when_allowed_shows_the_stretch(running: Running) -> None:
    _baked(running)
    with session_scope(running.deps.session_factory) as session:
        session.scalar(select(Pie)).allow_overclaim = True  # type: ignore[union-attr]
    pie(running, "80k", user="U0REP1")
    pie(running, "40k", user="U0REP2")
    assert "Stretched $20,000 past the target" in pie(running, user="U0REP3").text


def test_progress_and_manager_logging_for_a_rep(running: Running) -> None:
    _baked(running)
    pie(running, "50k", user="U0REP1")
    assert "Logged $5,000 closed for you" in pie(running, "progress 5k", user="U0REP1").text
    assert (
        "Logged $7,000 closed for <@U0REP1>" in pie(running, "progress <@U0REP1|raj> 7k", user="U0MIA").text
    )
    assert "Only a manager" in pie(running, "progress <@U0REP1> 7k", user="U0REP2").text
    assert "$12,000 closed" in pie(running, user="U0REP1").text


def test_the_channel_celebrates_when_claims_cover_the_pie_and_when_progress_eats_it(running: Running) -> None:
    _baked(running)
    for user in ("U0REP1", "U0REP2", "U0REP3", "U0REP4"):
        pie(running, "25k", user=user)
    pie(running, "progress 60k", user="U0REP1")
    pie(running, "progress 40k", user="U0REP2")
    _tick(running, NOW + timedelta(minutes=1))
    channel = [c.params["text"] for c in running.fake.messages_to("C0TEAM")]
    assert any("fresh pie is out of the oven" in t for t in channel)
    assert any("whole *Q4 push* pie is claimed" in t for t in channel)
    assert any("*Q4 push* is eaten!" in t for t in channel)
    # Nobody's slice size is named in public.
    assert not any("U0REP" in t for t in channel)
    _tick(running, NOW + timedelta(minutes=2))
    assert len(running.fake.messages_to("C0TEAM")) == 3


def test_a_big_slice_is_a_stretch_moment(running: Running) -> None:
    _baked(running)
    pie(running, "30k", user="U0REP1")
    pie(running, "10k", user="U0REP2")
    with running.deps.session_factory() as session:
        moments = list(session.scalars(select(StretchMoment)))
    assert [m.kind for m in moments] == ["big_slice"]
    assert "more than an equal share" in moments[0].summary


def test_a_snap_zone_rep_claiming_big_sends_managers_a_private_heads_up(running: Running) -> None:
    _baked(running)
    with session_scope(running.deps.session_factory) as session:
        role = next(r for r in teams_of(session=session, workspace_id=1, user_id="U0REP1"))
        person = find_person(session=session, workspace_id=1, user_id="U0REP1")
        assert person is not None
        seen: list[tuple[int, int]] = []

        def snapped(_session: object, team_id: int, person_id: int) -> str:
            seen.append((team_id, person_id))
            return "snap"

        pie_claims.claim_slice(
            session=session,
            role=role,
            person=person,
            amount_text="40k",
            note=None,
            now=NOW,
            latest_zone=snapped,
        )
    assert seen
    _tick(running, NOW + timedelta(minutes=1))
    heads_up = running.fake.messages_to("U0MIA")
    assert heads_up and "snap zone" in heads_up[0].params["text"]
    assert not any("snap" in c.params["text"] for c in running.fake.messages_to("C0TEAM"))


@pytest.mark.parametrize(
    ("text", "user", "says"),
    [
        ("-5", "U0REP1", "can't be negative"),
        ("0", "U0REP1", "more than zero"),
        ("abc", "U0REP1", "can't read"),
        ("1e309", "U0REP1", "can't read"),
        ("nan", "U0REP1", "can't read"),
        ("999999999999999999999999", "U0REP1", "more than"),
        ("20k; DROP TABLE pies", "U0REP1", "can't read"),
        ("20k " + "x" * 5000, "U0REP1", "Keep the note under 200"),
        ("€15k", "U0REP1", "counts in USD"),
        ("new 100k", "U0REP1", "Only a manager"),
        ("target 50k", "U0REP1", "Only a manager"),
        ("close", "U0REP1", "Only a manager"),
        ("20k", "U0MIA", "Slices are for the reps"),
        ("release", "U0REP1", "nothing to give back"),
        ("new 100k", "U0MIA", "already has an open pie"),
        ("target 5k", "U0MIA", "can't go below"),
    ],
)
def test_bad_input_gets_a_clear_private_reply_and_writes_nothing(
    running: Running, text: str, user: str, says: str
) -> None:
    _baked(running)
    pie(running, "10k", user="U0REP2")
    before = _counts(running)
    reply = pie(running, text, user=user)
    assert reply.status == 200
    assert reply.body["response_type"] == "ephemeral"
    assert says in reply.text
    assert "went wrong" not in reply.text
    assert _counts(running) == before
    assert slices(running.deps.session_factory) == {"U0REP2": 1_000_000}


def test_no_open_pie_and_no_team_say_what_to_do(running: Running) -> None:
    running.clock.set(NOW)
    team(running, now=NOW)
    assert "`/claim-pie new 100k" in pie(running, user="U0MIA").text
    assert "When your manager bakes one" in pie(running, "20k", user="U0REP1").text
    running.fake.add_user("U0NOBODY", "Nobody")
    assert "not on a Stretch team yet" in pie(running, user="U0NOBODY").text


def test_someone_on_two_teams_picks_one_in_a_dm(running: Running) -> None:
    running.clock.set(NOW)
    team(running, now=NOW)
    seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[Member("U0BOSS", "Bo")],
        reps=[REPS[0]],
        name="Hunters",
        channel="C0HUNT",
        now=NOW,
    )
    pie(running, "new 100k", user="U0MIA")
    asked = pie(running, "20k", user="U0REP1", channel="D0DM")
    assert "You're on 2 teams" in asked.text and "<#C0HUNT>" in asked.text
    picker = next(b for b in asked.body["blocks"] if b["type"] == "actions")
    closers = next(e for e in picker["elements"] if e["text"]["text"] == "Closers")
    running.slack.action(closers["action_id"], user="U0REP1", value=closers["value"])
    wait_for(lambda: slices(running.deps.session_factory))
    assert slices(running.deps.session_factory) == {"U0REP1": 2_000_000}


def test_the_claim_button_opens_a_modal_whose_submission_claims(running: Running) -> None:
    _baked(running)
    running.slack.action(
        "pie_claim", user="U0REP1", value=str(open_pie_row(running.deps.session_factory).team_id)
    )  # type: ignore[union-attr]
    view = opened_view(running, 1)
    values = state_values_from_view(view, {"pie_amount": {"value": "35k"}, "pie_note": {"value": "Acme"}})
    done = running.slack.submit_view(view, values, user="U0REP1")
    assert done.json()["response_action"] == "update"
    assert slices(running.deps.session_factory) == {"U0REP1": 3_500_000}
    too_much = running.slack.submit_view(
        view, {**values, "pie_amount": {"pie_amount_input": {"value": "90k"}}}, user="U0REP2"
    )
    assert "left of" in too_much.json()["errors"]["pie_amount"] or "fit" in str(too_much.json())


def test_new_without_an_amount_opens_a_modal_that_bakes_the_pie(running: Running) -> None:
    running.clock.set(NOW)
    team(running, now=NOW)
    pie(running, "new", user="U0MIA")
    view = opened_view(running, 1)
    values = state_values_from_view(
        view,
        {
            "pie_title": {"value": "December sprint"},
            "pie_target": {"value": "80k"},
            "pie_claim_by": {"selected_date": "2026-11-27"},
            "pie_overclaim": {"selected_options": [{"value": "yes"}]},
        },
    )
    done = running.slack.submit_view(view, values, user="U0MIA")
    assert done.json()["response_action"] == "update"
    row = open_pie_row(running.deps.session_factory)
    assert row is not None and (row.title, row.target_minor, row.allow_overclaim) == (
        "December sprint",
        8_000_000,
        True,
    )
    bad = running.slack.submit_view(
        view, {**values, "pie_target": {"pie_target_input": {"value": "lots"}}}, user="U0MIA"
    )
    assert "pie_target" in bad.json()["errors"]


def _pie_dms(running: Running, user: str, phrase: str) -> list[Call]:
    """DMs that carry `phrase`, alone or riding along with a check-in (the budget merges them)."""
    return [
        c
        for c in running.fake.messages_to(user)
        if phrase in (c.params.get("text") or "") or phrase in flatten_text(c.json_param("blocks") or [])
    ]


def test_reps_get_at_most_two_reminders_and_managers_a_private_note_at_the_deadline(running: Running) -> None:
    _baked(running)
    pie(running, "30k", user="U0REP1")
    for day in range(0, 9):
        for hour in (0, 6, 12, 15, 18):
            _tick(running, NOW.replace(hour=hour) + timedelta(days=day))
    # Other features (check-ins, shout-out drafts) DM the same people over these days: count the pie's.
    reminders = _pie_dms(running, "U0REP2", "closes for claims")
    assert len(reminders) == 2
    assert _pie_dms(running, "U0REP1", "closes for claims") == []
    notes = _pie_dms(running, "U0MIA", "unclaimed")
    assert len(notes) == 1
    note = flatten_text(notes[0].json_param("blocks"))
    assert "$70,000 unclaimed" in notes[0].params["text"] and "<@U0REP1>: $30,000" in note
    buttons = [
        e["action_id"] for b in notes[0].json_param("blocks") if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == ["pie_lower_target", "pie_extend", "pie_talk"]


def test_the_deadline_buttons_lower_the_target_extend_and_talk_it_through(running: Running) -> None:
    _baked(running)
    pie(running, "30k", user="U0REP1")
    pie_id = str(open_pie_row(running.deps.session_factory).id)  # type: ignore[union-attr]

    running.slack.action("pie_lower_target", user="U0MIA", value=pie_id)
    view = opened_view(running, 1)
    running.slack.submit_view(view, state_values_from_view(view), user="U0MIA")
    assert open_pie_row(running.deps.session_factory).target_minor == 3_000_000  # type: ignore[union-attr]

    running.slack.action("pie_extend", user="U0MIA", value=pie_id)
    view = opened_view(running, 2)
    running.slack.submit_view(view, state_values_from_view(view), user="U0MIA")
    assert open_pie_row(running.deps.session_factory).claim_deadline > datetime(2026, 12, 3, tzinfo=UTC)  # type: ignore[union-attr]

    running.slack.action("pie_talk", user="U0MIA", value=pie_id)
    view = opened_view(running, 3)
    running.slack.submit_view(view, state_values_from_view(view), user="U0MIA")
    posted = wait_for(
        lambda: [c for c in running.fake.messages_to("C0TEAM") if "unclaimed" in c.params["text"]]
    )
    assert posted and "still unclaimed" in posted[-1].params["text"]

    running.slack.action("pie_lower_target", user="U0REP1", value=pie_id)
    refusal = wait_for(
        lambda: [c for c in running.fake.calls_to("response_url") if "Only a manager" in str(c.params)]
    )
    assert refusal and len(running.fake.calls_to("views.open")) == 3  # a rep's click opens nothing


def test_close_keeps_history_and_wraps_up_without_names(running: Running) -> None:
    _baked(running)
    pie(running, "30k", user="U0REP1")
    summary = pie(running, "close", user="U0MIA")
    assert "is closed and kept as history" in summary.text and "<@U0REP1>" in summary.text
    assert open_pie_row(running.deps.session_factory) is None
    assert "is baked" in pie(running, "new 120k Q1", user="U0MIA").text
    pie(running, "40k", user="U0REP1")  # bigger than last time's 30k
    _tick(running, NOW + timedelta(minutes=1))
    wrap = [c.params["text"] for c in running.fake.messages_to("C0TEAM") if "is closed" in c.params["text"]]
    assert wrap and "U0REP1" not in wrap[0]
    with running.deps.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Pie)) == 2
        summaries = [m.summary for m in session.scalars(select(StretchMoment))]
    assert any("equal share" in s or "bigger slice" in s for s in summaries)


def test_the_app_home_shows_the_reps_slice_and_the_team_pie(running: Running) -> None:
    _baked(running)
    pie(running, "20k", user="U0REP1")
    pie(running, "progress 5k", user="U0REP1")
    running.slack.event({"type": "app_home_opened", "user": "U0REP1", "tab": "home"})
    published = wait_for(
        lambda: [
            c
            for c in running.fake.calls_to("views.publish")
            if c.params.get("user_id") == "U0REP1"
            and "$5,000 closed so far" in flatten_text(c.json_param("view"))
        ]
    )
    home = flatten_text(published[-1].json_param("view"))
    assert "Your slice: *$20,000*, $5,000 closed so far." in home
    assert "Closers · Q4 push" in home
    assert MIA.user_id

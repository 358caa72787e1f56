"""Managers' drafted shout-outs: one DM a day per manager, Post (edit in a modal → channel) and Skip,
stale buttons, and nothing ever reaching the rep or a channel before a manager posts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select

from bot.db import session_scope
from bot.jobs.tick import tick
from bot.models import Delivery, MomentDecision, Shoutout, StretchMoment
from bot.models.moments import MOMENT_BIG_SLICE, MOMENT_PILOT_JOINED, MOMENT_STRETCH_ANSWER
from bot.services.moments import record_moment
from bot.services.people import find_person, get_or_create_workspace
from bot.services.shoutouts.drafts import pending_drafts
from bot.services.shoutouts.effort import effort_leaderboard
from tests.conftest import Member, Running, seed_team
from tests.fakeslack import WORKSPACE_ID, Call
from tests.slackclient import flatten_text, state_values_from_view

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 10:00 New York, 16:00 Berlin: both after 09:30


def _person_id(running: Running, user_id: str) -> int:
    with running.deps.session_factory() as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=WORKSPACE_ID, now=NOW)
        person = find_person(session=session, workspace_id=workspace.id, user_id=user_id)
        assert person is not None
        return person.id


def _moment(running: Running, team_id: int, user_id: str, kind: str, summary: str, at: datetime) -> int:
    person_id = _person_id(running, user_id)
    with session_scope(running.deps.session_factory) as session:
        record_moment(
            session=session,
            team_id=team_id,
            person_id=person_id,
            kind=kind,
            summary=summary,
            dedupe_key=f"test:{user_id}:{kind}:{at.isoformat()}",
            now=at,
        )
    with running.deps.session_factory() as session:
        return int(session.scalar(select(func.max(StretchMoment.id))) or 0)


@pytest.fixture
def team(running: Running) -> dict[str, int]:
    running.clock.set(NOW)
    team_id = seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[Member("U0MIA", "Mia"), Member("U0MAX", "Max", tz="Europe/Berlin")],
        reps=[Member("U0RAJ", "Raj")],
        now=NOW - timedelta(days=30),
    )
    raj = _moment(
        running,
        team_id,
        "U0RAJ",
        MOMENT_BIG_SLICE,
        "claimed a bigger slice than last quarter",
        NOW - timedelta(hours=3),
    )
    mia = _moment(
        running,
        team_id,
        "U0MIA",
        MOMENT_PILOT_JOINED,
        "joined the video-prospecting pilot",
        NOW - timedelta(hours=2),
    )
    old = _moment(running, team_id, "U0RAJ", MOMENT_STRETCH_ANSWER, "an old swing", NOW - timedelta(days=15))
    return {"team": team_id, "raj": raj, "mia": mia, "old": old}


def _dm_text(call: Call) -> str:
    return flatten_text(call.json_param("blocks"))


def _dm(running: Running, user: str) -> tuple[Call, Delivery]:
    [call] = running.fake.messages_to(user)
    with running.deps.session_factory() as session:
        delivery = session.scalar(select(Delivery).where(Delivery.channel == user, Delivery.status == "sent"))
        assert delivery is not None
    return call, delivery


def _click(running: Running, action_id: str, user: str, moment_id: int, delivery: Delivery) -> None:
    reply = running.slack.action(
        action_id,
        user=user,
        value=str(moment_id),
        channel=delivery.message_channel,
        message={"type": "message", "ts": delivery.message_ts, "text": "", "blocks": []},
    )
    assert reply.status == 200


def test_each_manager_gets_one_dm_and_a_second_tick_sends_nothing_new(
    running: Running, team: dict[str, int], slack_client: WebClient
) -> None:
    report = tick(session_factory=running.deps.session_factory, client=slack_client, now=NOW)
    assert report.planned["shoutout_drafts"] == 2 and report.dispatch.sent == 2
    mia_dm, _ = _dm(running, "U0MIA")
    max_dm, _ = _dm(running, "U0MAX")
    # Mia never gets a draft about herself; Max (the other manager) does.
    assert "Raj" in _dm_text(mia_dm) and "claimed a bigger slice" in _dm_text(mia_dm)
    assert "video-prospecting" not in _dm_text(mia_dm)
    assert "video-prospecting" in _dm_text(max_dm) and "Shout-out to <@U0MIA>" in _dm_text(max_dm)
    # Moments older than two weeks are not offered; nothing reaches the rep or any channel.
    assert "an old swing" not in _dm_text(mia_dm) + _dm_text(max_dm)
    assert running.fake.messages_to("U0RAJ") == [] and running.fake.messages_to("C0TEAM") == []

    again = tick(
        session_factory=running.deps.session_factory, client=slack_client, now=NOW + timedelta(minutes=1)
    )
    assert again.planned["shoutout_drafts"] == 0 and again.dispatch.sent == 0
    # A moment later the same day waits for next week: at most one DM a week per manager (issue 17); the
    # digest and the dashboard list it meanwhile.
    _moment(
        running,
        team["team"],
        "U0RAJ",
        MOMENT_STRETCH_ANSWER,
        "asked for the enterprise deal",
        NOW + timedelta(hours=1),
    )
    later = tick(
        session_factory=running.deps.session_factory, client=slack_client, now=NOW + timedelta(hours=2)
    )
    assert later.dispatch.sent == 0
    tomorrow = NOW + timedelta(days=1)
    tick(session_factory=running.deps.session_factory, client=slack_client, now=tomorrow)
    assert len(running.fake.messages_to("U0MIA")) == 1
    next_week = NOW + timedelta(days=7)
    tick(session_factory=running.deps.session_factory, client=slack_client, now=next_week)
    mia_calls = running.fake.messages_to("U0MIA")
    assert len(mia_calls) == 2
    assert "asked for the enterprise deal" in _dm_text(mia_calls[-1])
    assert "claimed a bigger slice" not in _dm_text(mia_calls[-1])  # offered once per manager


def test_before_checkin_time_no_drafts_are_sent(
    running: Running, team: dict[str, int], slack_client: WebClient
) -> None:
    early = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 02:00 New York, 08:00 Berlin
    report = tick(session_factory=running.deps.session_factory, client=slack_client, now=early)
    assert report.dispatch.sent == 0


def test_post_opens_an_editable_draft_that_goes_to_the_channel_and_a_second_manager_is_told(
    running: Running, team: dict[str, int], slack_client: WebClient
) -> None:
    tick(session_factory=running.deps.session_factory, client=slack_client, now=NOW)
    _, mia_delivery = _dm(running, "U0MIA")
    _, max_delivery = _dm(running, "U0MAX")

    _click(running, "shoutout_post_draft", "U0MIA", team["raj"], mia_delivery)
    [opened] = running.fake.wait_for("views.open")
    view = opened.json_param("view")
    values = state_values_from_view(view)
    assert values["shoutout_text"]["shoutout_text_input"]["value"].startswith("Shout-out to <@U0RAJ>")
    assert running.fake.messages_to("C0TEAM") == []  # nothing public until she posts

    edited = "Shout-out to <@U0RAJ>: he asked for the biggest territory on the board. That took nerve!"
    values = state_values_from_view(view, {"shoutout_text": {"value": edited}})
    submitted = running.slack.submit_view(view, values, user="U0MIA")
    assert submitted.status == 200 and "errors" not in (submitted.json() if submitted.body else {})
    [post] = running.fake.messages_to("C0TEAM")
    assert edited in flatten_text(post.json_param("blocks")) and "From <@U0MIA>" in flatten_text(
        post.json_param("blocks")
    )
    updated = running.fake.wait_for("chat.update", channel=mia_delivery.message_channel)
    assert "Posted by <@U0MIA>" in flatten_text(updated[-1].json_param("blocks"))
    with running.deps.session_factory() as session:
        decision = session.get(MomentDecision, team["raj"])
        assert decision is not None and decision.decision == "posted" and decision.shoutout_id is not None
        assert session.get(Shoutout, decision.shoutout_id) is not None

    # Max's DM still shows the buttons; his click is answered privately, and nothing is posted twice.
    _click(running, "shoutout_post_draft", "U0MAX", team["raj"], max_delivery)
    [stale] = running.fake.wait_for("response_url")
    assert "Already handled: Posted by <@U0MIA>" in stale.params.get("text", "")
    assert len(running.fake.calls_to("views.open")) == 1
    assert len(running.fake.messages_to("C0TEAM")) == 1
    running.fake.wait_for("chat.update", channel=max_delivery.message_channel)


def test_skip_is_recorded_and_a_stale_skip_is_answered_politely(
    running: Running, team: dict[str, int], slack_client: WebClient
) -> None:
    tick(session_factory=running.deps.session_factory, client=slack_client, now=NOW)
    _, max_delivery = _dm(running, "U0MAX")
    _, mia_delivery = _dm(running, "U0MIA")
    _click(running, "shoutout_skip_draft", "U0MAX", team["raj"], max_delivery)
    updated = running.fake.wait_for("chat.update", channel=max_delivery.message_channel)
    assert "Skipped by <@U0MAX>" in flatten_text(updated[-1].json_param("blocks"))
    max_id = _person_id(running, "U0MAX")
    with running.deps.session_factory() as session:
        decision = session.get(MomentDecision, team["raj"])
        assert decision is not None and decision.decision == "skipped"
        assert decision.decided_by_person_id == max_id
    _click(running, "shoutout_skip_draft", "U0MIA", team["raj"], mia_delivery)
    [stale] = running.fake.wait_for("response_url")
    assert "Already handled: Skipped by <@U0MAX>" in stale.params.get("text", "")
    assert running.fake.messages_to("C0TEAM") == [] and running.fake.messages_to("U0RAJ") == []
    # A manager can't act on a draft about themselves, even with a crafted click.
    _click(running, "shoutout_skip_draft", "U0MIA", team["mia"], mia_delivery)
    running.fake.wait_for("response_url", count=2)
    assert "about you" in running.fake.calls_to("response_url")[-1].params.get("text", "")


def test_an_empty_edit_is_refused_in_the_modal(
    running: Running, team: dict[str, int], slack_client: WebClient
) -> None:
    tick(session_factory=running.deps.session_factory, client=slack_client, now=NOW)
    _, mia_delivery = _dm(running, "U0MIA")
    _click(running, "shoutout_post_draft", "U0MIA", team["raj"], mia_delivery)
    [opened] = running.fake.wait_for("views.open")
    view = opened.json_param("view")
    reply = running.slack.submit_view(
        view, state_values_from_view(view, {"shoutout_text": {"value": " "}}), user="U0MIA"
    )
    assert reply.json()["response_action"] == "errors" and "shoutout_text" in reply.json()["errors"]
    assert running.fake.messages_to("C0TEAM") == []
    with running.deps.session_factory() as session:
        assert session.get(MomentDecision, team["raj"]) is None


def test_leaderboard_and_pending_drafts_for_the_digest(running: Running, team: dict[str, int]) -> None:
    """Moments this month plus shout-outs received; nobody with zero; drafts never about the manager."""
    running.slack.command("/shoutout", "<@U0RAJ|raj> tried the new opener", user="U0MAX")
    mia_id = _person_id(running, "U0MIA")
    with running.deps.session_factory() as session:
        board = effort_leaderboard(session=session, team_id=team["team"], now=NOW)
        drafts = pending_drafts(session=session, team_id=team["team"], manager_person_id=mia_id, now=NOW)
    # Raj: this month's stretch claim, the 9 November stretch answer (too old to draft, still his
    # swing this month) and Max's shout-out.
    assert [(e.user_id, e.swings) for e in board] == [("U0RAJ", 3), ("U0MIA", 1)]
    assert board[0].described == "1 stretch claim, 1 shout-out received, 1 stretch answer"
    assert [d.moment_id for d in drafts] == [team["raj"]]

    running.slack.event({"type": "app_home_opened", "user": "U0MIA", "tab": "home"})
    home = flatten_text(running.fake.wait_for("views.publish", user_id="U0MIA")[-1].json_param("view"))
    assert "Swings taken this month · Closers" in home
    # Counts only: a swing's type (a comeback would tell the team someone was in the snap zone) is private.
    assert "*Raj*: 3 swings" in home and "*Mia*: 1 swing" in home and "pilot joined" not in home
    assert "1 stretch claim" not in home
    assert "*Max*" not in home  # zero swings: not listed
    assert "1 drafted shout-out waiting" in home
    running.slack.event({"type": "app_home_opened", "user": "U0RAJ", "tab": "home"})
    rep_home = flatten_text(running.fake.wait_for("views.publish", user_id="U0RAJ")[-1].json_param("view"))
    assert "*Raj*: 3 swings" in rep_home and "drafted shout-out" not in rep_home
    assert "*Max*" not in rep_home  # zero swings: not listed


def test_a_rep_sees_the_shout_outs_they_received_on_their_home(
    running: Running, team: dict[str, int]
) -> None:
    """Shout-outs received: the count, the latest words and who gave them; nothing for someone with none."""
    running.slack.command("/shoutout", "<@U0RAJ|raj> tried the new opener", user="U0MAX")
    running.slack.event({"type": "app_home_opened", "user": "U0RAJ", "tab": "home"})
    rep_home = flatten_text(running.fake.wait_for("views.publish", user_id="U0RAJ")[-1].json_param("view"))
    assert "Shout-outs you received* (1 in all)" in rep_home
    assert "tried the new opener" in rep_home and "from Max" in rep_home
    running.slack.event({"type": "app_home_opened", "user": "U0MAX", "tab": "home"})
    giver_home = flatten_text(running.fake.wait_for("views.publish", user_id="U0MAX")[-1].json_param("view"))
    assert "Shout-outs you received" not in giver_home

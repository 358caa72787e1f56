"""The huddle card, `/stretch huddle`, thread counting over signed events, the update modal, the recap."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk import WebClient
from sqlalchemy import func, select

from bot.db import session_scope
from bot.models import HuddleStuck, Person, TeamSkipDate
from tests.conftest import Running
from tests.huddles.conftest import (
    CHANNEL,
    FIRST_HUDDLE,
    MANAGER,
    counts,
    latest_huddle,
    reply,
    set_huddle,
    tick_at,
)
from tests.slackclient import flatten_text, state_values_from_view
from tests.waiting import eventually


def _card_posts(running: Running) -> list[str]:
    return [
        flatten_text(c.json_param("blocks")) + str(c.params.get("text"))
        for c in running.fake.messages_to(CHANNEL)
        if "huddle" in str(c.params.get("text", "")).lower() and not c.params.get("thread_ts")
    ]


def test_manager_posts_the_card_now_and_a_rep_is_refused(running: Running, team_id: int) -> None:
    running.clock.set(FIRST_HUDDLE)
    refused = running.slack.stretch("huddle", user="U0ANA", channel=CHANNEL)
    assert refused.status == 200 and "Only a manager" in refused.text
    assert _card_posts(running) == []

    done = running.slack.stretch("huddle", user=MANAGER, channel=CHANNEL)
    assert "huddle card is up" in done.text
    [card] = _card_posts(running)
    assert "What's one thing you'll stretch for this week?" in card
    assert "Post my update" in card
    assert "never what you write" in card


def test_thread_replies_count_once_through_retries_edits_and_deletes(running: Running, team_id: int) -> None:
    running.clock.set(FIRST_HUDDLE)
    running.fake.add_user("U0OUT", "Outsider")
    running.slack.stretch("huddle", user=MANAGER, channel=CHANNEL)
    huddle = latest_huddle(running)
    thread = huddle.message_ts
    assert thread

    reply(running, "U0ANA", thread, "1800000000.000001", event_id="EvANA1")
    eventually(lambda: counts(running, huddle.id) == {"U0ANA": 1})
    # Slack retries the same event: it counts once.
    reply(running, "U0ANA", thread, "1800000000.000001", event_id="EvANA1", retry_num=1)
    reply(running, "U0ANA", thread, "1800000000.000001", event_id="EvANA1", retry_num=2)
    # An edit of the same reply doesn't count again.
    edit = {
        "type": "message",
        "subtype": "message_changed",
        "channel": CHANNEL,
        "hidden": True,
        "ts": "1800000000.000009",
        "message": {
            "type": "message",
            "user": "U0ANA",
            "text": "edited",
            "ts": "1800000000.000001",
            "thread_ts": thread,
        },
        "previous_message": {
            "type": "message",
            "user": "U0ANA",
            "ts": "1800000000.000001",
            "thread_ts": thread,
        },
    }
    assert running.slack.event(edit).status == 200
    # A reply in some other message's thread, and one from someone outside the team, don't count.
    reply(running, "U0BEN", "1700000000.000500", "1800000000.000002")
    reply(running, "U0OUT", thread, "1800000000.000003")
    # Cal replies twice, then deletes one: one left.
    reply(running, "U0CAL", thread, "1800000000.000004")
    reply(running, "U0CAL", thread, "1800000000.000005")
    eventually(lambda: counts(running, huddle.id).get("U0CAL") == 2)
    delete = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": CHANNEL,
        "hidden": True,
        "ts": "1800000000.000010",
        "deleted_ts": "1800000000.000005",
        "previous_message": {
            "type": "message",
            "user": "U0CAL",
            "ts": "1800000000.000005",
            "thread_ts": thread,
        },
    }
    assert running.slack.event(delete, event_id="EvDEL").status == 200
    assert running.slack.event(delete, event_id="EvDEL", retry_num=1).status == 200
    eventually(lambda: counts(running, huddle.id) == {"U0ANA": 1, "U0CAL": 1})
    # A last marker event proves everything before it was processed, and still nothing else counted.
    reply(running, "U0BEN", thread, "1800000000.000006")
    eventually(lambda: counts(running, huddle.id) == {"U0ANA": 1, "U0CAL": 1, "U0BEN": 1})


def test_update_modal_posts_in_the_thread_and_stuck_only_reaches_managers(
    running: Running, team_id: int, slack_client: WebClient
) -> None:
    with session_scope(running.deps.session_factory) as session:
        cal = session.scalar(select(Person).where(Person.slack_user_id == "U0CAL"))
        assert cal is not None
        cal.away_from, cal.away_until = FIRST_HUDDLE.date(), FIRST_HUDDLE.date() + timedelta(days=3)
    tick_at(running, slack_client, FIRST_HUDDLE - timedelta(minutes=30))
    huddle = latest_huddle(running)
    assert huddle.message_ts

    running.slack.action("huddle_post_update", user="U0ANA", value=str(huddle.id), channel=CHANNEL)
    [opened] = running.fake.wait_for("views.open")
    view = opened.json_param("view")
    values = state_values_from_view(
        view,
        {
            "huddle_did": {"value": "Booked 4 demos"},
            "huddle_stretch": {"value": "Call the three accounts I've avoided"},
            "huddle_stuck": {"value": "pricing objections from Acme"},
        },
    )
    assert running.slack.submit_view(view, values, user="U0ANA").status == 200
    [post] = running.fake.wait_for("chat.postMessage", thread_ts=huddle.message_ts)
    text = flatten_text(post.json_param("blocks"))
    assert "Update from <@U0ANA>" in text and "posted for them by Stretch" in text
    assert "Call the three accounts" in text
    assert all("Acme" not in flatten_text(c.json_param("blocks")) for c in running.fake.messages_to(CHANNEL))
    eventually(lambda: counts(running, huddle.id) == {"U0ANA": 1})

    # After the huddle: the manager's private recap names who posted, who didn't, who was away, and the stuck note.
    tick_at(running, slack_client, FIRST_HUDDLE + timedelta(hours=2))
    [recap] = [c for c in running.fake.messages_to(MANAGER) if "huddle:" in str(c.params.get("text"))]
    body = flatten_text(recap.json_param("blocks"))
    assert "Posted in the thread* (1): <@U0ANA>" in body
    assert "Didn't post* (1): <@U0BEN>" in body
    assert "Away* (not expected): <@U0CAL>" in body
    assert "pricing objections from Acme" in body
    assert not any(
        "Acme" in str(c.params)
        for c in running.fake.calls_to("chat.postMessage")
        if c.params.get("channel") != MANAGER
    )
    # The stuck text is gone once the managers were told.
    with session_scope(running.deps.session_factory) as session:
        assert session.scalar(select(func.count()).select_from(HuddleStuck)) == 0


def test_an_empty_stretch_answer_is_refused_in_the_modal(running: Running, team_id: int) -> None:
    running.clock.set(FIRST_HUDDLE)
    running.slack.stretch("huddle", user=MANAGER, channel=CHANNEL)
    huddle = latest_huddle(running)
    running.slack.action("huddle_post_update", user="U0BEN", value=str(huddle.id), channel=CHANNEL)
    [opened] = running.fake.wait_for("views.open")
    view = opened.json_param("view")
    answer = running.slack.submit_view(
        view, state_values_from_view(view, {"huddle_stretch": {"value": "   "}}), user="U0BEN"
    )
    assert answer.json()["response_action"] == "errors" and "huddle_stretch" in answer.json()["errors"]
    assert counts(running, huddle.id) == {}


def test_a_team_day_off_posts_no_card_or_one_note_when_the_manager_chose_that(
    running: Running, team_id: int, slack_client: WebClient
) -> None:
    with session_scope(running.deps.session_factory) as session:
        session.add(TeamSkipDate(team_id=team_id, day=FIRST_HUDDLE.date(), created_at=FIRST_HUDDLE))
    tick_at(running, slack_client, FIRST_HUDDLE - timedelta(minutes=30))
    tick_at(running, slack_client, FIRST_HUDDLE + timedelta(hours=3))
    assert running.fake.messages_to(CHANNEL) == []

    set_huddle(running, team_id, skip_notice=True)
    tick_at(running, slack_client, FIRST_HUDDLE - timedelta(minutes=20))
    tick_at(running, slack_client, FIRST_HUDDLE - timedelta(minutes=10))
    tick_at(running, slack_client, FIRST_HUDDLE + timedelta(hours=3))
    [note] = running.fake.messages_to(CHANNEL)
    assert "No huddle today" in flatten_text(note.json_param("blocks"))
    assert "Wed 2 Dec" in flatten_text(note.json_param("blocks"))
    assert not [c for c in running.fake.messages_to(MANAGER) if "huddle:" in str(c.params.get("text"))]

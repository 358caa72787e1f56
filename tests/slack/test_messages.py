"""Messages Slack delivers: every one is acknowledged (even those Stretch ignores), and a person who writes
to Stretch in its Messages tab gets one short reply saying what works there; bots and edits get none."""

from __future__ import annotations

import time

from tests.conftest import Running
from tests.slackclient import flatten_text


def test_every_channel_message_and_unknown_event_is_acknowledged(running: Running) -> None:
    """Channel chatter, joins, edits, bot posts and an event type nobody listens to: 200, no 404, no reply."""
    events = [
        {"type": "message", "channel": "C0TEAM", "channel_type": "channel", "user": "U0A", "text": "hi",
         "ts": "1700000001.000100"},
        {"type": "message", "channel": "G0PRIV", "channel_type": "group", "user": "U0A", "text": "deal!",
         "ts": "1700000002.000100"},
        {"type": "message", "subtype": "channel_join", "channel": "C0TEAM", "user": "U0B",
         "ts": "1700000003.000100"},
        {"type": "message", "subtype": "bot_message", "channel": "C0TEAM", "bot_id": "B0X",
         "ts": "1700000004.000100"},
        {"type": "message", "subtype": "message_changed", "channel": "C0TEAM", "hidden": True,
         "message": {"type": "message", "user": "U0A", "text": "hi!", "ts": "1700000001.000100"},
         "ts": "1700000005.000100"},
        {"type": "reaction_added", "user": "U0A", "reaction": "tada",
         "item": {"type": "message", "channel": "C0TEAM", "ts": "1700000001.000100"}},
    ]  # fmt: skip
    for event in events:
        reply = running.slack.event(event)
        assert reply.status == 200, (event, reply.status, reply.body)
        retry = running.slack.event(event, retry_num=1)
        assert retry.status == 200
    _listeners_done(running)
    assert running.fake.calls_to("chat.postMessage") == []


def _dm(user: str, text: str = "hello?", **extra: object) -> dict[str, object]:
    return {"type": "message", "channel": "D0" + user[2:], "channel_type": "im", "user": user, "text": text,
            "ts": f"{time.time():.6f}", **extra}  # fmt: skip


def test_a_direct_message_gets_one_short_useful_reply(running: Running) -> None:
    """Someone writes in the Messages tab: one reply in that DM naming checkin, away and help; a retry of
    the same event gets no second reply."""
    reply = running.slack.event(_dm("U0RAJ"), event_id="EvDM1")
    assert reply.status == 200
    posted = running.fake.wait_for("chat.postMessage", channel="D0RAJ")
    text = flatten_text({"blocks": posted[0].json_param("blocks")})
    for command in ("/stretch checkin", "/stretch away", "/stretch help"):
        assert command in text and command in posted[0].params["text"]
    assert running.slack.event(_dm("U0RAJ"), event_id="EvDM1", retry_num=1).status == 200
    assert running.slack.event(_dm("U0ANN")).status == 200
    running.fake.wait_for("chat.postMessage", channel="D0ANN")
    assert [c.params["channel"] for c in running.fake.calls_to("chat.postMessage")] == ["D0RAJ", "D0ANN"]


def test_bots_edits_and_stretch_itself_get_no_reply_so_nothing_loops(running: Running) -> None:
    """Stretch's own reply (which Slack echoes as a message.im event), another bot, an edit, a deletion."""
    quiet = [
        _dm("UBOTSTRETCH", bot_id="BSTRETCH"),
        _dm("UBOTSTRETCH"),
        _dm("U0OTHERBOT", subtype="bot_message", bot_id="B0OTHER"),
        _dm("U0RAJ", subtype="message_changed", message={"type": "message", "user": "U0RAJ", "text": "x"}),
        _dm("U0RAJ", subtype="message_deleted", deleted_ts="1.0"),
    ]
    for event in quiet:
        assert running.slack.event(event).status == 200
    _listeners_done(running)
    assert running.fake.calls_to("chat.postMessage") == []


def _listeners_done(running: Running) -> None:
    """Listeners run after the ack on Bolt's pool: wait until every one of them has finished."""
    running.app.listener_runner.listener_executor.shutdown(wait=True)  # type: ignore[attr-defined]

"""Replies in huddle threads: Slack `message` events in team channels, counted as who and when.

Only thread replies (and their edits and deletions) reach this listener: its matcher lets every other
message event through to other listeners, since Bolt runs just the first listener that matches. The
message text is never read or stored.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.services.events import first_delivery_of
from bot.services.huddles.replies import record_reply_deleted, record_thread_reply
from bot.slack.deps import Deps
from bot.slack.guard import guarded

# Plain replies and "also send to channel" replies count; joins, bot posts and the like don't.
REPLY_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})
CHANGED = "message_changed"
DELETED = "message_deleted"


def thread_reply(event: dict[str, Any]) -> tuple[str, str, str] | None:
    """(thread_ts, user, message ts) of a person's reply in a thread, from a new or edited message."""
    subtype = event.get("subtype")
    message = event.get("message") if subtype == CHANGED else event
    if subtype not in REPLY_SUBTYPES and subtype != CHANGED:
        return None
    if not isinstance(message, dict) or message.get("bot_id") or message.get("subtype") not in REPLY_SUBTYPES:
        return None
    thread_ts, user, ts = message.get("thread_ts"), message.get("user"), message.get("ts")
    if not thread_ts or not user or not ts or ts == thread_ts:
        return None
    return str(thread_ts), str(user), str(ts)


def deleted_reply(event: dict[str, Any]) -> tuple[str, str] | None:
    """(thread_ts, message ts) of a deleted thread reply."""
    if event.get("subtype") != DELETED:
        return None
    previous = event.get("previous_message") or {}
    thread_ts, ts = previous.get("thread_ts"), event.get("deleted_ts") or previous.get("ts")
    if not thread_ts or not ts or ts == thread_ts:
        return None
    return str(thread_ts), str(ts)


def is_thread_activity(body: dict[str, Any]) -> bool:
    """Matcher: a thread reply, or its edit or deletion, in a channel."""
    event = body.get("event") or {}
    if not event.get("channel"):
        return False
    return thread_reply(event) is not None or deleted_reply(event) is not None


def register(app: App, deps: Deps) -> None:
    """Register the huddle thread listener."""

    @guarded("event")
    def huddle_thread_message(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        event = body.get("event") or {}
        channel = str(event.get("channel") or "")
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            # Slack retries an event it thinks was lost (X-Slack-Retry-Num): count each event once.
            if not first_delivery_of(
                session=session, event_id=str(body.get("event_id") or ""), kind="huddle_thread", now=now
            ):
                return
            reply = thread_reply(event)
            if reply is not None:
                thread_ts, user, ts = reply
                record_thread_reply(
                    session=session,
                    channel_id=channel,
                    thread_ts=thread_ts,
                    user_id=user,
                    message_ts=ts,
                    now=now,
                )
                return
            deleted = deleted_reply(event)
            if deleted is not None:
                record_reply_deleted(
                    session=session, channel_id=channel, thread_ts=deleted[0], message_ts=deleted[1], now=now
                )

    app.event({"type": "message"}, matchers=[is_thread_activity])(huddle_thread_message)

"""Messages written to Stretch in its Messages tab get a short reply saying what works there.

Stretch keeps the tab writable (manifest `messages_tab_read_only_enabled: false`) because check-ins,
nudges and recaps arrive in that DM and people naturally answer there; a read-only tab would leave them
typing into a box that isn't there with no idea why. The reply points at the slash commands instead.
The message text is never read or stored. Bot messages (Stretch's own included), edits and deletions
are acknowledged and left alone, so two bots can never answer each other in a loop.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.services.events import first_delivery_of
from bot.slack.blocks.messages import DM_REPLY_TEXT, build_dm_reply
from bot.slack.deps import Deps
from bot.slack.guard import guarded

# A person's own words: a plain message, or one with a file. Everything else (bot_message, edits,
# deletions, joins) is not someone talking to Stretch.
PERSON_SUBTYPES = frozenset({None, "file_share"})


def is_person_writing_to_me(body: dict[str, Any]) -> bool:
    """Matcher: a person's new message in their DM with Stretch (not a bot's, not an edit)."""
    event = body.get("event") or {}
    if event.get("channel_type") != "im" or event.get("subtype") not in PERSON_SUBTYPES:
        return False
    if event.get("bot_id") or event.get("bot_profile") or not event.get("user"):
        return False
    bot_user = next(
        (a.get("user_id") for a in body.get("authorizations") or [] if a.get("is_bot")),
        None,
    )
    return event.get("user") != bot_user


def register(app: App, deps: Deps) -> None:
    """Register the Messages-tab listener (before the channel message listeners)."""

    @guarded("event")
    def direct_message(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        event = body.get("event") or {}
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            # A retried delivery of the same message gets no second reply.
            if not first_delivery_of(
                session=session, event_id=str(body.get("event_id") or ""), kind="direct_message", now=now
            ):
                return
        client.chat_postMessage(
            channel=str(event.get("channel") or event.get("user")),
            text=DM_REPLY_TEXT,
            blocks=build_dm_reply(),
        )

    app.event({"type": "message"}, matchers=[is_person_writing_to_me])(direct_message)

"""Redrawing a manager's drafts DM after a click, shared by the Post / Skip buttons and the post modal."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.db import session_scope
from bot.services.shoutouts.drafts import draft_card, drafts_delivery_for
from bot.slack.blocks.shoutouts import build_drafts_dm
from bot.slack.deps import Deps

logger = logging.getLogger(__name__)


def refresh_drafts_card(*, deps: Deps, client: WebClient, channel_id: str, message_ts: str) -> None:
    """Redraw a drafts DM so handled drafts show who handled them instead of buttons."""
    if not channel_id or not message_ts:
        return
    with session_scope(deps.session_factory) as session:
        delivery_id = drafts_delivery_for(session=session, channel_id=channel_id, message_ts=message_ts)
        if delivery_id is None:
            return
        card = draft_card(session=session, delivery_id=delivery_id)
        if card is None:
            return
        text, blocks = build_drafts_dm(card)
    try:
        client.chat_update(channel=channel_id, ts=message_ts, text=text, blocks=blocks)
    except (SlackClientError, OSError):
        # The decision is saved; a card that keeps its buttons only answers "already handled".
        logger.warning("could not refresh a drafts DM", exc_info=True)

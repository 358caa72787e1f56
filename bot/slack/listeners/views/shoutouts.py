"""Posting a drafted shout-out after the manager edited it in the modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.errors import UserError
from bot.services.shoutouts.drafts import clean_post_text, post_draft
from bot.slack.blocks.shoutouts import build_manager_shoutout, read_post_metadata
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.ids import ShoutoutBlock, ShoutoutView
from bot.slack.listeners.shoutouts_common import refresh_drafts_card
from bot.slack.payloads import acting_user, asked_of_body
from bot.slack.posting import post_in_channel


def register(app: App, deps: Deps) -> None:
    """Register the post-draft modal's submission."""

    @guarded("view")
    def post_draft_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        view = body["view"]
        meta = read_post_metadata(view.get("private_metadata", ""))
        values = view.get("state", {}).get("values", {})
        raw = (values.get(ShoutoutBlock.TEXT, {}).get(ShoutoutBlock.TEXT_INPUT) or {}).get("value")
        text = clean_post_text(raw)
        moment_id = meta.get("moment_id")
        if not isinstance(moment_id, int):
            raise UserError(
                "This draft can't be found any more. Close the window and use the buttons in the DM."
            )
        now = deps.now()
        manager_user_id = acting_user(body)
        message, blocks = build_manager_shoutout(manager_user_id=manager_user_id, body=text)
        with session_scope(deps.session_factory) as session:
            post_draft(
                session=session,
                asked=asked_of_body(body),
                moment_id=moment_id,
                text=text,
                post=lambda channel_id: post_in_channel(
                    client, channel_id=channel_id, text=message, blocks=blocks
                ),
                now=now,
            )
        ack()
        refresh_drafts_card(
            deps=deps,
            client=client,
            channel_id=str(meta.get("channel") or ""),
            message_ts=str(meta.get("ts") or ""),
        )

    app.view(ShoutoutView.POST_DRAFT)(post_draft_submitted)

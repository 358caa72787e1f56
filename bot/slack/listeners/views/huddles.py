"""The "Post my update" modal: posted into the huddle thread by Stretch, quoting the rep; the stuck
part goes only to managers, in the after-huddle DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.db import session_scope
from bot.domain.errors import UserError
from bot.domain.huddles import clean_update
from bot.services.huddles.replies import record_update, update_target
from bot.slack.blocks.huddles import build_update_post, update_huddle_id
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.ids import HuddleInput, HuddleView
from bot.slack.payloads import acting_user


def _value(values: dict[str, Any], block_id: str, action_id: str) -> str:
    return clean_update((values.get(block_id, {}).get(action_id) or {}).get("value"))


def register(app: App, deps: Deps) -> None:
    """Register the update modal's submission."""

    @guarded("view")
    def update_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        view = body["view"]
        values = view.get("state", {}).get("values", {})
        did = _value(values, HuddleInput.DID_BLOCK, HuddleInput.DID)
        stretch = _value(values, HuddleInput.STRETCH_BLOCK, HuddleInput.STRETCH)
        stuck = _value(values, HuddleInput.STUCK_BLOCK, HuddleInput.STUCK)
        if not stretch:
            raise UserError("Write one thing you'll stretch for this week.", field=HuddleInput.STRETCH_BLOCK)
        huddle_id = update_huddle_id(view.get("private_metadata", ""))
        if huddle_id is None:
            raise UserError("This update lost its huddle. Close it and reply in the card's thread instead.")
        user_id = acting_user(body)
        with session_scope(deps.session_factory) as session:
            target = update_target(session=session, huddle_id=huddle_id, user_id=user_id)
        text, blocks = build_update_post(user_id=user_id, did=did, stretch=stretch, stuck_flagged=bool(stuck))
        try:
            response = client.chat_postMessage(
                channel=target.channel_id, thread_ts=target.thread_ts, text=text, blocks=blocks
            )
        except SlackApiError:
            raise UserError(
                "I couldn't post your update in the thread just now. Try again in a minute, or reply in "
                "the thread yourself.",
                field=HuddleInput.STRETCH_BLOCK,
            ) from None
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            record_update(
                session=session, target=target, message_ts=str(response.get("ts") or ""), stuck=stuck, now=now
            )
        ack()

    app.view(HuddleView.UPDATE)(update_submitted)

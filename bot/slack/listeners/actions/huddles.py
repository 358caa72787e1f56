"""The huddle card's "Post my update" button."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.errors import UserError
from bot.services.huddles.replies import update_target
from bot.slack.blocks.huddles import build_update_modal
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.ids import HuddleAction
from bot.slack.payloads import acting_user, action_value


def register(app: App, deps: Deps) -> None:
    """Register the huddle card's buttons."""

    @guarded("action")
    def post_update_clicked(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        value = action_value(body)
        if not value.isdigit():
            raise UserError("That button is out of date. Reply in the huddle card's thread instead.")
        with session_scope(deps.session_factory) as session:
            target = update_target(session=session, huddle_id=int(value), user_id=acting_user(body))
            view = build_update_modal(huddle_id=target.huddle_id, team_name=target.team_name)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    app.action(HuddleAction.POST_UPDATE)(post_update_clicked)

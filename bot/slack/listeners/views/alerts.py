"""Saving a team's quiet-rep alert thresholds from the modal (bad numbers come back as field errors)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.alert_settings import SETTING_RANGES, parse_setting
from bot.domain.errors import UserError
from bot.domain.text import escape
from bot.services.alerts.signals import save_team_settings
from bot.slack.blocks.alerts import read_settings_metadata
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.ids import AlertView
from bot.slack.listeners.common import action_team
from bot.slack.payloads import acting_user


def register(app: App, deps: Deps) -> None:
    """Register the thresholds modal's submission."""

    @guarded("view")
    def settings_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        view = body["view"]
        team_id = read_settings_metadata(view.get("private_metadata", ""))
        values = view.get("state", {}).get("values", {})
        typed = {
            name: parse_setting(name, (values.get(name, {}).get(name) or {}).get("value"))
            for name in SETTING_RANGES
        }
        if team_id is None:
            raise UserError("This window is out of date. Close it and type `/stretch alerts` again.")
        now = deps.now()
        user_id = acting_user(body)
        with session_scope(deps.session_factory) as session:
            team = action_team(session=session, body=body, team_id=team_id, now=now)
            save_team_settings(
                session=session,
                team_id=team.id,
                workspace_id=team.workspace_id,
                changes=typed,
                actor_user_id=user_id,
                now=now,
            )
            name = team.name
        ack()
        client.chat_postMessage(
            channel=user_id,
            text=f":white_check_mark: Saved the quiet-rep alert thresholds for *{escape(name)}*.",
        )

    app.view(AlertView.SETTINGS)(settings_submitted)

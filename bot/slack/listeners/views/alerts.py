"""Saving a team's quiet-rep alert thresholds from the modal (bad numbers come back as field errors)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.alert_settings import SETTING_RANGES, parse_setting
from bot.domain.errors import UserError
from bot.domain.text import escape
from bot.services.alerts.signals import save_team_settings, team_settings
from bot.services.people import find_person, get_or_create_workspace
from bot.services.teams import manager_team
from bot.slack.blocks.alerts import read_settings_metadata
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.ids import AlertView
from bot.slack.payloads import acting_user, slack_team_id


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
            workspace = get_or_create_workspace(session=session, slack_team_id=slack_team_id(body), now=now)
            team = manager_team(
                session=session, workspace=workspace, user_id=user_id, channel_id=None, team_id=team_id
            )
            actor = find_person(session=session, workspace_id=workspace.id, user_id=user_id)
            settings = replace(team_settings(session=session, team_id=team.id), **typed)  # type: ignore[arg-type]
            save_team_settings(
                session=session,
                team_id=team.id,
                settings=settings,
                actor_person_id=actor.id if actor else None,
                now=now,
            )
            name = team.name
        ack()
        client.chat_postMessage(
            channel=user_id,
            text=f":white_check_mark: Saved the quiet-rep alert thresholds for *{escape(name)}*.",
        )

    app.view(AlertView.SETTINGS)(settings_submitted)

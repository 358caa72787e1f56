"""The alert DM's buttons (I'll check in, Snooze a week, Not a concern) and the thresholds button.

After a click every manager's copy of the DM is redrawn: the one who clicked sees what they chose, the
others see who took it. A click on an alert that was already handled gets a polite ephemeral.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.db import session_scope
from bot.services.alerts.cards import (
    ACK,
    DISMISS,
    SNOOZE_ACTION,
    AlertHandledError,
    act_on_alert,
    alert_card,
    alert_copies,
)
from bot.services.alerts.signals import team_settings
from bot.services.people import get_or_create_workspace
from bot.slack.blocks.alerts import build_alert_dm, build_settings_modal
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.ids import AlertAction
from bot.slack.listeners.common import action_team, team_id_of_button
from bot.slack.payloads import acting_user, action_value, slack_team_id

logger = logging.getLogger(__name__)


def refresh_alert_copies(*, deps: Deps, client: WebClient, alert_id: int) -> None:
    """Redraw every manager's copy of an alert so it shows who took it (or still offers the buttons)."""
    with session_scope(deps.session_factory) as session:
        updates = []
        for copy in alert_copies(session=session, alert_id=alert_id):
            card = alert_card(session=session, alert_id=alert_id, viewer_tz=copy.tz, now=deps.now())
            if card is None:
                return
            text, blocks = build_alert_dm(card, viewer_person_id=copy.manager_person_id)
            updates.append((copy, text, blocks))
    for copy, text, blocks in updates:
        try:
            client.chat_update(channel=copy.channel, ts=copy.ts, text=text, blocks=blocks)
        except (SlackClientError, OSError):
            # The decision is saved; a copy that keeps its buttons only answers "already handled".
            logger.warning("could not refresh an alert DM", exc_info=True)


def register(app: App, deps: Deps) -> None:
    """Register the alert buttons and the thresholds button."""

    def handler(action: str) -> Any:
        @guarded("action")
        def act(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
            ack()
            value = action_value(body)
            alert_id = int(value) if value.isdigit() else 0
            now = deps.now()
            try:
                with session_scope(deps.session_factory) as session:
                    workspace = get_or_create_workspace(
                        session=session, slack_team_id=slack_team_id(body), now=now
                    )
                    act_on_alert(
                        session=session,
                        workspace_id=workspace.id,
                        alert_id=alert_id,
                        manager_user_id=acting_user(body),
                        action=action,
                        now=now,
                    )
            except AlertHandledError:
                refresh_alert_copies(deps=deps, client=client, alert_id=alert_id)
                raise
            refresh_alert_copies(deps=deps, client=client, alert_id=alert_id)

        act.__name__ = f"alert_{action}"
        return act

    @guarded("action")
    def edit_settings(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        with session_scope(deps.session_factory) as session:
            team = action_team(session=session, body=body, team_id=team_id_of_button(body), now=deps.now())
            view = build_settings_modal(
                team_id=team.id, team_name=team.name, settings=team_settings(session=session, team_id=team.id)
            )
        client.views_open(trigger_id=body["trigger_id"], view=view)

    app.action(AlertAction.ACKNOWLEDGE)(handler(ACK))
    app.action(AlertAction.SNOOZE)(handler(SNOOZE_ACTION))
    app.action(AlertAction.DISMISS)(handler(DISMISS))
    app.action(AlertAction.EDIT_SETTINGS)(edit_settings)

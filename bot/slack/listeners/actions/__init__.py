"""Button clicks and menu picks (block_actions)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.services.people import ensure_person, get_or_create_workspace
from bot.services.teams import setup_target
from bot.slack.blocks.common import modal
from bot.slack.blocks.help import build_help
from bot.slack.blocks.setup import build_setup_modal
from bot.slack.deps import Deps
from bot.slack.directory import fetcher_for
from bot.slack.guard import guarded
from bot.slack.ids import Action
from bot.slack.listeners.actions import alerts, checkins, digest, huddles, leads, pie, pilots, shoutouts
from bot.slack.payloads import acting_user, action_value, slack_team_id


def register(app: App, deps: Deps) -> None:
    """Register every action listener."""
    pilots.register(app, deps)

    @guarded("action")
    def open_setup(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        now = deps.now()
        value = action_value(body)
        with session_scope(deps.session_factory) as session:
            workspace = get_or_create_workspace(session=session, slack_team_id=slack_team_id(body), now=now)
            actor = ensure_person(
                session=session,
                workspace=workspace,
                user_id=acting_user(body),
                now=now,
                fetch=fetcher_for(client),
            )
            target = setup_target(
                session=session,
                workspace=workspace,
                actor=actor,
                channel_id=None,
                is_channel=False,
                team_id=int(value) if value.isdigit() else None,
            )
            view = build_setup_modal(target.draft, team_id=target.team.id if target.team else None)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @guarded("action")
    def open_help(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        client.views_open(
            trigger_id=body["trigger_id"],
            view=modal(
                callback_id="help",
                title="Stretch help",
                blocks=build_help(list(deps.wiring.help_entries)),
                submit=None,
                close="Close",
            ),
        )

    app.action(Action.OPEN_SETUP)(open_setup)
    app.action(Action.OPEN_HELP)(open_help)
    shoutouts.register(app, deps)
    pie.register(app, deps)
    checkins.register(app, deps)
    digest.register(app, deps)
    alerts.register(app, deps)
    huddles.register(app, deps)
    leads.register(app, deps)

"""Button clicks and menu picks (block_actions)."""

from __future__ import annotations

import json
import re
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.errors import UserError
from bot.services.teams import setup_target
from bot.slack.blocks.common import modal
from bot.slack.blocks.help import build_help
from bot.slack.blocks.setup import build_setup_modal
from bot.slack.deps import Deps
from bot.slack.directory import fetcher_for
from bot.slack.guard import guarded, tell_user
from bot.slack.ids import Action, Command
from bot.slack.listeners.actions import alerts, checkins, digest, huddles, leads, pie, pilots, shoutouts
from bot.slack.listeners.common import team_id_of_button
from bot.slack.payloads import action_value, asked_of_body, read_picker_value, rerun_body


def register(app: App, deps: Deps) -> None:
    """Register every action listener."""
    pilots.register(app, deps)

    @guarded("action")
    def open_setup(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            target = setup_target(
                session=session,
                asked=asked_of_body(body, team_id=team_id_of_button(body)),
                fetch=fetcher_for(client),
                now=now,
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

    @guarded("action")
    def pick_team(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        # The command runs again, as the person who clicked, for the team they picked: the same
        # listener answers it, and the resolver checks they are on that team.
        ack()
        picked = read_picker_value(action_value(body))
        if picked is None or picked.command not in set(Command):
            raise UserError("That button is out of date. Type the command again.")
        response = app.dispatch(BoltRequest(body=rerun_body(body, picked), mode="socket_mode"))
        reply = json.loads(response.body) if response.status == 200 and response.body else {}
        if isinstance(reply, dict) and reply.get("text"):
            tell_user(client, body, str(reply["text"]), list(reply.get("blocks") or []))

    app.action(Action.OPEN_SETUP)(open_setup)
    app.action(re.compile(f"^{Action.PICK_TEAM}:"))(pick_team)
    app.action(Action.OPEN_HELP)(open_help)
    shoutouts.register(app, deps)
    pie.register(app, deps)
    checkins.register(app, deps)
    digest.register(app, deps)
    alerts.register(app, deps)
    huddles.register(app, deps)
    leads.register(app, deps)

"""`/stretch alerts`: a manager sees the team's quiet-rep alert thresholds, with a button to change them."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.db import session_scope
from bot.services.alerts.cards import open_alerts
from bot.services.alerts.signals import team_settings
from bot.slack.blocks.alerts import build_settings_card
from bot.slack.blocks.common import ephemeral
from bot.slack.blocks.help import HelpEntry
from bot.slack.deps import Deps
from bot.slack.listeners.commands.registry import Subcommand
from bot.slack.listeners.common import command_team
from bot.slack.payloads import CommandRequest


def alerts_settings(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any]:
    """Show the team's thresholds to a manager."""
    now = deps.now()
    with session_scope(deps.session_factory) as session:
        team = command_team(session=session, req=req, now=now)
        blocks = build_settings_card(
            team_id=team.id,
            team_name=team.name,
            settings=team_settings(session=session, team_id=team.id),
            live=len(open_alerts(session=session, team_id=team.id, now=now)),
        )
        name = team.name
    return ephemeral(f"Quiet-rep alert thresholds for {name}", blocks)


# The `/stretch` words this module answers, listed in bot/features.py.
SUBCOMMANDS = (
    Subcommand(
        names=("alerts",),
        handler=alerts_settings,
        help=(
            HelpEntry(
                "/stretch alerts",
                "Managers: see and change when you're told a rep has gone quiet (only managers ever see these).",
                "Quiet-rep alerts",
            ),
        ),
    ),
)

"""`/stretch pilot` (propose a pilot in a modal) and `/stretch pilots` (the team's pilots and versions)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.db import session_scope
from bot.services.pilots.forms import new_pilot_form
from bot.services.pilots.lists import pilot_list
from bot.slack.blocks.common import ephemeral
from bot.slack.blocks.help import HelpEntry
from bot.slack.blocks.pilots.lists import build_pilot_list
from bot.slack.blocks.pilots.modals import build_form_modal
from bot.slack.deps import Deps
from bot.slack.directory import fetcher_for
from bot.slack.listeners.commands.registry import Subcommand
from bot.slack.payloads import CommandRequest, asked_of


def start_pilot(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any] | None:
    """Open the pilot modal for the asker's team."""
    with session_scope(deps.session_factory) as session:
        form = new_pilot_form(
            session=session,
            asked=asked_of(req),
            now=deps.now(),
        )
    client.views_open(trigger_id=req.trigger_id, view=build_form_modal(form))
    return None


def list_pilots(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any]:
    """The team's active and recent pilots with their iteration chains."""
    with session_scope(deps.session_factory) as session:
        listed = pilot_list(
            session=session,
            asked=asked_of(req),
            fetch=fetcher_for(client),
            now=deps.now(),
        )
    blocks = build_pilot_list(
        team_name=listed.team_name, chains=listed.chains, today=listed.today, editable=listed.editable
    )
    return ephemeral(f"Pilots of {listed.team_name}", blocks)


# The `/stretch` words this module answers, listed in bot/features.py.
SUBCOMMANDS = (
    Subcommand(
        names=("pilot",),
        handler=start_pilot,
        help=(
            HelpEntry(
                "/stretch pilot",
                "Start a two-week pilot: the goal isn't a number, it's getting better at a skill.",
                "Pilots",
            ),
        ),
    ),
    Subcommand(
        names=("pilots",),
        handler=list_pilots,
        help=(HelpEntry("/stretch pilots", "Your team's running and recent pilots, v1 → v2 → …", "Pilots"),),
    ),
)

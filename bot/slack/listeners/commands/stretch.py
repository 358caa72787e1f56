"""`/stretch`: the router for its subcommands, plus `help` and `setup`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.services.teams import setup_target
from bot.slack.blocks.common import ephemeral
from bot.slack.blocks.help import HelpEntry, build_help
from bot.slack.blocks.setup import build_setup_modal
from bot.slack.deps import Deps
from bot.slack.directory import fetcher_for
from bot.slack.guard import guarded
from bot.slack.ids import Command
from bot.slack.listeners.commands.registry import Subcommand
from bot.slack.payloads import CommandRequest, asked_of, command_request


def show_help(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any]:
    """The usage card."""
    return ephemeral("Stretch: what you can do", build_help(list(deps.wiring.help_entries)))


def open_setup(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any] | None:
    """Open the setup modal for this channel's team (or a new one)."""
    now = deps.now()
    with session_scope(deps.session_factory) as session:
        target = setup_target(session=session, asked=asked_of(req), fetch=fetcher_for(client), now=now)
        view = build_setup_modal(target.draft, team_id=target.team.id if target.team else None)
    client.views_open(trigger_id=req.trigger_id, view=view)
    return None


def register(app: App, deps: Deps) -> None:
    """Register `/stretch`."""

    @guarded("command")
    def stretch_command(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        req = command_request(body)
        handler = deps.wiring.subcommand(req.subcommand or "help")
        if handler is None:
            ack(
                **ephemeral(
                    f"I didn't recognise '{req.subcommand}'.",
                    build_help(list(deps.wiring.help_entries), unknown=req.subcommand),
                )
            )
            return
        reply = handler(req, deps, client)
        if reply is None:
            ack()
        else:
            ack(**reply)

    app.command(Command.STRETCH)(stretch_command)


# The `/stretch` words this module answers, listed in bot/features.py.
SUBCOMMANDS = (
    Subcommand(names=("help", "?"), handler=show_help, help=(HelpEntry("/stretch help", "This card."),)),
    Subcommand(
        names=("setup",),
        handler=open_setup,
        help=(
            HelpEntry(
                "/stretch setup",
                "Create or edit the team of this channel: name, managers, reps, check-in days and time.",
                "Managers",
            ),
        ),
    ),
)

"""`/stretch pilot` (propose a pilot in a modal) and `/stretch pilots` (the team's pilots and versions)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.schedule import local_date
from bot.services.people import ensure_person, get_or_create_workspace
from bot.services.pilots import facts_of, new_pilot_form, team_pilots
from bot.slack.blocks.common import ephemeral
from bot.slack.blocks.help import HelpEntry
from bot.slack.blocks.pilots import build_pilot_list
from bot.slack.deps import Deps
from bot.slack.directory import fetcher_for
from bot.slack.listeners.commands.registry import Subcommand
from bot.slack.listeners.pilots_common import open_pilot_modal
from bot.slack.payloads import CommandRequest


def start_pilot(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any] | None:
    """Open the pilot modal for the asker's team."""
    now = deps.now()
    with session_scope(deps.session_factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=req.slack_team_id, now=now)
        form = new_pilot_form(
            session=session,
            workspace_id=workspace.id,
            user_id=req.user_id,
            channel_id=None if req.is_dm else req.channel_id,
            now=now,
        )
    open_pilot_modal(client, req.trigger_id, form)
    return None


def list_pilots(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any]:
    """The team's active and recent pilots with their iteration chains."""
    now = deps.now()
    with session_scope(deps.session_factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=req.slack_team_id, now=now)
        person = ensure_person(
            session=session, workspace=workspace, user_id=req.user_id, now=now, fetch=fetcher_for(client)
        )
        role, chains = team_pilots(
            session=session,
            workspace_id=workspace.id,
            user_id=req.user_id,
            channel_id=None if req.is_dm else req.channel_id,
            now=now,
        )
        editable = {
            chain[-1].id
            for chain in chains
            if chain[-1].status == "active" and (role.is_manager or chain[-1].owner_id == person.id)
        }
        blocks = build_pilot_list(
            team_name=role.team.name,
            chains=[[facts_of(p) for p in chain] for chain in chains],
            today=local_date(now, person.tz),
            editable=editable,
        )
    return ephemeral(f"Pilots of {role.team.name}", blocks)


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

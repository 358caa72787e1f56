"""`/claim-leads`: a rep's accounts, adding and releasing claims, and claiming a whole association."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.leads.command import parse_leads_command
from bot.jobs.outbox import send_planned
from bot.services.leads.card import claim_leads
from bot.slack.blocks import leads as lead_blocks
from bot.slack.blocks.common import ephemeral
from bot.slack.blocks.help import HelpEntry, build_help
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.ids import LeadsCommand
from bot.slack.payloads import command_request

HELP = (
    HelpEntry(
        "/claim-leads",
        "Your claimed accounts, partners and splits, and overlaps waiting for you.",
        "Lead lists",
    ),
    HelpEntry(
        "/claim-leads add Acme Corp (acme.com), Globex",
        "Claim accounts (names, domains or both).",
        "Lead lists",
    ),
    HelpEntry("/claim-leads release Acme", "Give an account back.", "Lead lists"),
    HelpEntry("/claim-leads umbrella NAME", "Claim every member account of an association.", "Lead lists"),
)


def send_dms(*, deps: Deps, client: WebClient, keys: list[str]) -> None:
    """Send the overlap DMs just planned at once (the outbox sends any it can't now at the next tick)."""
    send_planned(
        session_factory=deps.session_factory,
        client=client,
        dedupe_keys=keys,
        now=deps.now(),
        kinds=deps.wiring.kinds,
    )


def run_leads_command(
    *, deps: Deps, client: WebClient, text: str, user_id: str, channel_id: str | None, slack_team_id: str
) -> tuple[dict[str, Any], list[str]]:
    """Do what `/claim-leads <text>` asks; returns the ephemeral reply and the DMs to send after commit."""
    command = parse_leads_command(lead_blocks.unescape(text))
    if command.kind == "help":
        return ephemeral("Lead lists: what you can type", build_help(list(HELP))), []
    with session_scope(deps.session_factory) as session:
        done = claim_leads(
            session=session,
            slack_team_id=slack_team_id,
            user_id=user_id,
            channel_id=channel_id,
            command=command,
            now=deps.now(),
        )
    if done.outcome is not None:
        note = lead_blocks.build_added(done.outcome)
    elif done.released is not None:
        note = f":leftwards_arrow_with_hook: You gave back *{lead_blocks.esc(done.released)}*."
    else:
        note = ""
    return ephemeral(*lead_blocks.build_card(done.card, me=user_id, note=note)), done.dm_keys


def register(app: App, deps: Deps) -> None:
    """Register `/claim-leads`."""

    @guarded("command")
    def claim_leads(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        req = command_request(body)
        reply, keys = run_leads_command(
            deps=deps,
            client=client,
            text=req.text,
            user_id=req.user_id,
            channel_id=None if req.is_dm else req.channel_id,
            slack_team_id=req.slack_team_id,
        )
        respond(replace_original=False, **reply)
        send_dms(deps=deps, client=client, keys=keys)

    app.command(LeadsCommand.CLAIM_LEADS)(claim_leads)

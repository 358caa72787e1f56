"""`/claim-leads`: a rep's accounts, adding and releasing claims, and claiming a whole association."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.leads import MAX_PASTED_LINES, parse_accounts, parse_leads_command, split_command_list
from bot.jobs.outbox import send_now
from bot.services import leads as leads_service
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
    now = deps.now()
    for key in keys:
        send_now(
            session_factory=deps.session_factory,
            client=client,
            dedupe_key=key,
            now=now,
            kinds=deps.wiring.kinds,
            asked_for=False,
        )


def run_leads_command(
    *, deps: Deps, client: WebClient, text: str, user_id: str, channel_id: str | None, slack_team_id: str
) -> tuple[dict[str, Any], list[str]]:
    """Do what `/claim-leads <text>` asks; returns the ephemeral reply and the DMs to send after commit."""
    command = parse_leads_command(lead_blocks.unescape(text))
    if command.kind == "help":
        return ephemeral("Lead lists: what you can type", build_help(list(HELP))), []
    now = deps.now()
    keys: list[str] = []
    note = ""
    with session_scope(deps.session_factory) as session:
        who = leads_service.asker(
            session=session, slack_team_id=slack_team_id, user_id=user_id, channel_id=channel_id
        )
        if command.kind == "add":
            leads_service.require_rep(who)
            accounts = parse_accounts(
                split_command_list(command.rest),
                limit=MAX_PASTED_LINES,
                how_to_import=leads_service.HOW_TO_IMPORT,
            )
            outcome = leads_service.add_claims(
                session=session, team=who.team, person=who.person, accounts=accounts, actor=user_id, now=now
            )
            keys, note = outcome.dm_keys, lead_blocks.build_added(outcome)
        elif command.kind == "umbrella":
            leads_service.require_rep(who)
            outcome, _association = leads_service.claim_umbrella(
                session=session,
                team=who.team,
                person=who.person,
                association_name=command.rest,
                actor=user_id,
                now=now,
            )
            keys, note = outcome.dm_keys, lead_blocks.build_added(outcome)
        elif command.kind == "release":
            leads_service.require_rep(who)
            label, keys = leads_service.release(
                session=session, team=who.team, person=who.person, text=command.rest, now=now
            )
            note = f":leftwards_arrow_with_hook: You gave back *{lead_blocks.esc(label)}*."
        card = leads_service.card(session=session, who=who)
        body = ephemeral(*lead_blocks.build_card(card, me=user_id, note=note))
    return body, keys


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

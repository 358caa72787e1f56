"""`/claim-pie`: the pie's card, claims, progress and the managers' subcommands."""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.domain.pie import parse_command, pie_dates
from bot.models import ROLE_MANAGER
from bot.services import pie as pie_service
from bot.services.pie import PickTeamError
from bot.services.teams import TeamRole
from bot.slack.blocks import pie as pie_blocks
from bot.slack.blocks.common import Block, ephemeral, section
from bot.slack.blocks.help import HelpEntry, build_help
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.home import HomeContext
from bot.slack.ids import Command
from bot.slack.payloads import command_request

logger = logging.getLogger(__name__)
# The pie's answers are worked out here, after the ack, so Bolt's listener threads only ever ack. Two
# workers: the work is Python under one GIL, and more threads slow everyone's acks without answering
# much sooner (bench/pie_latency.py, 20 concurrent: ack p99 55-57 ms with 2 workers, 69-78 with 3, 71-83
# with 4).
_WORKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="stretch-pie")

HELP = (
    HelpEntry("/claim-pie", "See the team's pie: target, slices, what's left, the deadline.", "The pie"),
    HelpEntry(
        "/claim-pie 20k [note]", "Claim your slice, or change it (20000, 20,000, $20k, 1.5m).", "The pie"
    ),
    HelpEntry("/claim-pie release", "Give your slice back.", "The pie"),
    HelpEntry("/claim-pie progress 5k", "Log closed revenue toward your slice.", "The pie"),
    HelpEntry(
        "/claim-pie new 100k [title]", "Bake a new pie (`/claim-pie new` alone opens a form).", "Managers"
    ),
    HelpEntry("/claim-pie target 120k", "Change the open pie's target.", "Managers"),
    HelpEntry("/claim-pie progress @rep 5k", "Log closed revenue for a rep.", "Managers"),
    HelpEntry("/claim-pie close", "End the period with a summary; the pie is kept as history.", "Managers"),
)


def run_pie_command(
    *,
    deps: Deps,
    client: WebClient,
    text: str,
    user_id: str,
    channel_id: str | None,
    slack_team_id: str,
    trigger_id: str,
    team_id: int | None = None,
) -> dict[str, Any] | None:
    """Do what `/claim-pie <text>` asks; returns the ephemeral body (None when a modal opened)."""
    command = parse_command(text)
    if command.kind == "help":
        return ephemeral("The pie: what you can type", build_help(list(HELP)))
    now = deps.now()
    with session_scope(deps.session_factory) as session:
        try:
            context = pie_service.pie_context(
                session=session,
                slack_team_id=slack_team_id,
                user_id=user_id,
                channel_id=channel_id,
                team_id=team_id,
            )
        except PickTeamError as error:
            return ephemeral(
                error.message, pie_blocks.build_team_picker(error.teams, message=error.message, text=text)
            )
        role, person = context.role, context.person
        if command.kind == "status":
            view = pie_service.require_open_view(session=session, role=role, pie=context.pie)
            return ephemeral(
                f"{view.title}: {view.money(view.claimed)} of {view.money(view.target)} claimed",
                pie_blocks.build_pie_card(view, viewer=user_id, is_manager=role.is_manager),
            )
        if command.kind == "claim":
            outcome = pie_service.claim_slice(
                session=session,
                role=role,
                person=person,
                amount_text=command.amount,
                note=command.note or None,
                now=now,
                pie=context.pie,
            )
            body = ephemeral(*pie_blocks.build_claim_reply(outcome, viewer=user_id))
        elif command.kind == "release":
            view, released = pie_service.release_slice(session=session, role=role, person=person, now=now)
            message = (
                f":pie: You gave back your {view.money(released)} slice. No problem: it's back in the pie."
            )
            body = ephemeral(
                message,
                [section(message), *pie_blocks.build_pie_card(view, viewer=user_id, is_manager=False)],
            )
        elif command.kind == "progress":
            shared: list[tuple[str, int]] = []

            def split(session: Session, team_id: int, rep: Any, amount: int) -> Any:
                # Lead lists (issue 18): progress on an account partners share is split between them.
                parts = leads_split(
                    session=session, team_id=team_id, rep=rep, amount=amount, account=command.note
                )
                shared.extend((p.slack_user_id, part) for p, part in parts or [])
                return parts

            view, whose, amount = pie_service.log_progress(
                session=session,
                role=role,
                person=person,
                amount_text=command.amount,
                for_user_id=command.for_user,
                now=now,
                split=split,
            )
            who = "you" if whose == user_id else f"<@{whose}>"
            message = f":moneybag: Logged {view.money(amount)} closed for {who}. Nice work."
            if shared:
                message += (
                    " Shared account, so it's split: "
                    + ", ".join(f"{view.money(part)} to <@{user}>" for user, part in shared)
                    + "."
                )
            body = ephemeral(
                message,
                [
                    section(message),
                    *pie_blocks.build_pie_card(view, viewer=user_id, is_manager=role.is_manager),
                ],
            )
        elif command.kind == "new":
            if not command.amount:
                client.views_open(
                    trigger_id=trigger_id, view=new_pie_modal(session=session, role=role, now=now)
                )
                return None
            view = pie_service.bake_pie(
                session=session,
                role=role,
                actor_user_id=user_id,
                target_text=command.amount,
                title=command.note,
                now=now,
            )
            message = f":pie: *{view.title}* is baked: {view.money(view.target)}. The channel has been told."
            body = ephemeral(
                message, [section(message), *pie_blocks.build_pie_card(view, viewer=user_id, is_manager=True)]
            )
        elif command.kind == "target":
            view, old = pie_service.set_target(
                session=session, role=role, target_text=command.amount, now=now
            )
            message = f":dart: Target changed from {view.money(old)} to *{view.money(view.target)}*."
            body = ephemeral(
                message, [section(message), *pie_blocks.build_pie_card(view, viewer=user_id, is_manager=True)]
            )
        else:  # close
            view = pie_service.close_pie(session=session, role=role, now=now)
            body = ephemeral(*pie_blocks.build_close_summary(view, viewer=user_id))
    return body


def leads_split(*, session: Session, team_id: int, rep: Any, amount: int, account: str) -> Any:
    """The partners' parts of progress on an account named in the note, if the rep shares it."""
    from bot.services import leads as leads_service
    from bot.slack.blocks.leads import unescape as lead_unescape

    shares = leads_service.progress_shares(
        session=session, team_id=team_id, person_id=rep.id, account_text=lead_unescape(account)
    )
    return leads_service.credit_parts(amount, shares) if shares else None


def new_pie_modal(*, session: Session, role: TeamRole, now: datetime) -> dict[str, Any]:
    """The 'bake a new pie' form for a manager of a team with no open pie (else a UserError)."""
    pie_service.require_manager(role, "bake a new pie")
    pie_service.require_no_open_pie(session=session, team=role.team)
    dates = pie_dates(now=now, tz_name=role.team.tz)
    return pie_blocks.build_new_pie_modal(
        team_id=role.team.id,
        currency=role.team.currency,
        claim_by=dates.claim_by,
        period_end=dates.period_end,
    )


def register(app: App, deps: Deps) -> None:
    """Register `/claim-pie`."""

    @guarded("command")
    def answer(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        req = command_request(body)
        reply = run_pie_command(
            deps=deps,
            client=client,
            text=req.text,
            user_id=req.user_id,
            channel_id=None if req.is_dm else req.channel_id,
            slack_team_id=req.slack_team_id,
            trigger_id=req.trigger_id,
        )
        if reply is not None:
            respond(replace_original=False, **reply)

    def claim_pie(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        # Ack at once, as Slack asks, and answer through response_url from the pie's own workers: when
        # many reps claim at the same instant Bolt's listener threads stay free to ack everyone within
        # milliseconds, and nobody meets Slack's 3-second timeout while the claims queue on the pie's
        # row lock. Errors after the ack reach the person through response_url (see guard.py). The App
        # Home isn't republished here: Slack sends app_home_opened whenever the Home tab is opened.
        ack()
        _WORKERS.submit(answer, ack=ack, body=body, client=client, respond=respond)

    app.command(Command.CLAIM_PIE)(claim_pie)


def pie_blocks_home(context: HomeContext) -> list[Block]:
    """The App Home section: each of the person's teams with an open pie."""
    blocks: list[Block] = []
    for team in context.model.teams:
        pie = pie_service.open_pie(session=context.session, team_id=team.team_id)
        if pie is None:
            continue
        view = pie_service.pie_view(session=context.session, pie=pie)
        blocks.extend(
            pie_blocks.build_home_pie(view, viewer=context.user_id, is_manager=team.role == ROLE_MANAGER)
        )
    return blocks


def pick_value(value: str) -> tuple[int | None, str]:
    """Read a team-picker button's value: the team id and the command text to run there."""
    try:
        data = json.loads(value)
        return int(data["team"]), str(data.get("text") or "")
    except (ValueError, KeyError, TypeError):
        return None, ""

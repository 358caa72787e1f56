"""`/claim-pie`: the pie's card, claims, progress and the managers' subcommands."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.domain.checkpoints import default_checkpoints, format_path
from bot.domain.pie import minor_exponent, parse_command, pie_dates
from bot.domain.schedule import local_date
from bot.domain.text import escape
from bot.models import ROLE_MANAGER
from bot.services import checkpoints as checkpoint_service
from bot.services import pie as pie_service
from bot.services import pressure as pressure_service
from bot.services.teams import TeamRole
from bot.slack.answers import AnswerQueue
from bot.slack.blocks import pie as pie_blocks
from bot.slack.blocks.common import Block, ephemeral, section
from bot.slack.blocks.help import HelpEntry, build_help
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.home import HomeContext
from bot.slack.ids import Command
from bot.slack.payloads import command_request

logger = logging.getLogger(__name__)
# The pie's answers are worked out by this queue's workers (bot/slack/answers.py): in the ack when ready
# in time, else through response_url; one team at a time in turn. Started on the first command.
_ANSWERS: AnswerQueue | None = None
_ANSWERS_LOCK = threading.Lock()
# Which team each person's last command was about, so the queue can give each team its turn (bounded).
_TEAM_OF: dict[tuple[str, str], int] = {}
_TEAM_OF_MAX = 10_000


def _answer_queue() -> AnswerQueue:
    global _ANSWERS
    with _ANSWERS_LOCK:
        if _ANSWERS is None:
            _ANSWERS = AnswerQueue(name="stretch-pie")
        return _ANSWERS


def _remember_team(who: tuple[str, str], team_id: int) -> None:
    if len(_TEAM_OF) >= _TEAM_OF_MAX:
        _TEAM_OF.clear()
    _TEAM_OF[who] = team_id


class _Captured:
    """Stands in for Bolt's ack and respond while the answer is worked out: keeps the reply."""

    def __init__(self) -> None:
        self.response: dict[str, Any] | None = None  # read by the guard: "already acked?"
        self.reply: dict[str, Any] | None = None

    def __call__(self, text: str = "", **kwargs: Any) -> None:
        self.reply = {"text": text, **kwargs} if text else dict(kwargs)
        self.response = self.reply


HELP = (
    HelpEntry("/claim-pie", "See the team's pie: target, slices, what's left, the deadline.", "The pie"),
    HelpEntry(
        "/claim-pie 20k [note]", "Claim your slice, or change it (20000, 20,000, $20k, 1.5m).", "The pie"
    ),
    HelpEntry("/claim-pie release", "Give your slice back.", "The pie"),
    HelpEntry("/claim-pie progress 5k", "Log closed revenue toward your slice.", "The pie"),
    HelpEntry(
        "/claim-pie checkpoints",
        "See the checkpoints; reshape your own path (managers: the team's, and the pressure question).",
        "The pie",
    ),
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
    team_seen: Callable[[int], None] | None = None,
) -> dict[str, Any] | None:
    """Do what `/claim-pie <text>` asks; returns the ephemeral body (None when a modal opened).

    `team_seen` is told which team the command turned out to be about."""
    command = parse_command(text)
    if command.kind == "help":
        return ephemeral("The pie: what you can type", build_help(list(HELP)))
    now = deps.now()
    with session_scope(deps.session_factory) as session:
        # Several teams and nothing says which: PickTeamError, answered with the team picker (guard.py).
        context = pie_service.pie_context(
            session=session,
            slack_team_id=slack_team_id,
            user_id=user_id,
            channel_id=channel_id,
            team_id=team_id,
        )
        role, person = context.role, context.person
        if team_seen is not None:
            team_seen(role.team.id)
        if command.kind == "status":
            view = pie_service.require_open_view(session=session, role=role, pie=context.pie, now=now)
            return ephemeral(
                f"{view.title}: {view.money(view.claimed)} of {view.money(view.target)} claimed",
                pie_blocks.build_pie_card(view, viewer=user_id, is_manager=role.is_manager, now=now),
            )
        if command.kind == "checkpoints":
            view = pie_service.require_open_view(session=session, role=role, pie=context.pie, now=now)
            client.views_open(
                trigger_id=trigger_id,
                view=checkpoints_modal(
                    session=session, view=view, person_id=person.id, is_manager=role.is_manager, now=now
                ),
            )
            return None
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
            body = ephemeral(*pie_blocks.build_claim_reply(outcome, viewer=user_id, now=now))
        elif command.kind == "release":
            view, released = pie_service.release_slice(session=session, role=role, person=person, now=now)
            message = (
                f":pie: You gave back your {view.money(released)} slice. No problem: it's back in the pie."
            )
            body = ephemeral(
                message,
                [
                    section(message),
                    *pie_blocks.build_pie_card(view, viewer=user_id, is_manager=False, now=now),
                ],
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
                    *pie_blocks.build_pie_card(view, viewer=user_id, is_manager=role.is_manager, now=now),
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
            message = f":pie: *{escape(view.title)}* is baked: {view.money(view.target)}. The channel has been told."
            body = ephemeral(
                message,
                [
                    section(message),
                    *pie_blocks.build_pie_card(view, viewer=user_id, is_manager=True, now=now),
                ],
            )
        elif command.kind == "target":
            view, old = pie_service.set_target(
                session=session, role=role, target_text=command.amount, now=now
            )
            message = f":dart: Target changed from {view.money(old)} to *{view.money(view.target)}*."
            body = ephemeral(
                message,
                [
                    section(message),
                    *pie_blocks.build_pie_card(view, viewer=user_id, is_manager=True, now=now),
                ],
            )
        else:  # close
            view = pie_service.close_pie(session=session, role=role, now=now)
            body = ephemeral(*pie_blocks.build_close_summary(view, viewer=user_id))
    return body


def leads_split(*, session: Session, team_id: int, rep: Any, amount: int, account: str) -> Any:
    """The partners' parts of progress on an account named in the note, if the rep shares it."""
    from bot.services.leads.credit import credit_parts, progress_shares
    from bot.slack.blocks.leads import unescape as lead_unescape

    shares = progress_shares(
        session=session, team_id=team_id, person_id=rep.id, account_text=lead_unescape(account)
    )
    return credit_parts(amount, shares) if shares else None


def new_pie_modal(*, session: Session, role: TeamRole, now: datetime) -> dict[str, Any]:
    """The 'bake a new pie' form for a manager of a team with no open pie (else a UserError)."""
    pie_service.require_manager(role, "bake a new pie")
    pie_service.require_no_open_pie(session=session, team=role.team)
    dates = pie_dates(now=now, tz_name=role.team.tz)
    start = local_date(now, role.team.tz)
    example = default_checkpoints(
        start=start,
        end=dates.period_end,
        target=100_000 * 10 ** minor_exponent(role.team.currency),
        days_off=checkpoint_service.team_days_off(
            session=session, team_id=role.team.id, start=start, end=dates.period_end
        ),
    )
    return pie_blocks.build_new_pie_modal(
        team_id=role.team.id,
        currency=role.team.currency,
        claim_by=dates.claim_by,
        period_end=dates.period_end,
        checkpoints_example="e.g. for 100k: " + format_path(example, role.team.currency),
    )


def checkpoints_modal(
    *, session: Session, view: pie_service.PieView, person_id: int, is_manager: bool, now: datetime
) -> dict[str, Any]:
    """The `/claim-pie checkpoints` form: the team's path for a manager, the rep's own path for a rep."""
    if is_manager:
        return pie_blocks.build_checkpoints_modal(
            view,
            path=view.path,
            is_manager=True,
            pressure_on=pressure_service.is_enabled(session=session, team_id=view.team_id),
        )
    mine = checkpoint_service.rep_pace(session=session, team_id=view.team_id, person_id=person_id, now=now)
    return pie_blocks.build_checkpoints_modal(
        view, path=mine.path if mine else (), is_manager=False, rep_pace=mine
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
            channel_id=req.channel,
            slack_team_id=req.slack_team_id,
            trigger_id=req.trigger_id,
            team_id=req.team_id,
            team_seen=lambda team_id: _remember_team((req.slack_team_id, req.user_id), team_id),
        )
        if reply is not None:
            respond(replace_original=False, **reply)

    def claim_pie(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        # The answer goes back in the ack when it is ready well within Slack's 3 s, else the ack leaves
        # empty and the answer follows through response_url (bot/slack/answers.py). Either way Bolt's
        # listener threads never do the pie's work, so when a whole team claims at the same instant
        # everyone is acked in time while the claims queue on the pie's row lock. Errors reach the
        # person the same two ways (the guard replies through the captured ack or respond). The App
        # Home isn't republished here: Slack sends app_home_opened whenever the Home tab is opened.
        req = command_request(body)
        who = (req.slack_team_id, req.user_id)

        def compute() -> dict[str, Any] | None:
            captured = _Captured()
            answer(ack=captured, body=body, client=client, respond=captured)
            return captured.reply

        _answer_queue().answer(
            ack=ack,
            key=(req.slack_team_id, _TEAM_OF.get(who, req.user_id)),
            compute=compute,
            response_url=str(body.get("response_url") or ""),
        )

    app.command(Command.CLAIM_PIE)(claim_pie)


def pie_blocks_home(context: HomeContext) -> list[Block]:
    """The App Home section: each of the person's teams with an open pie."""
    blocks: list[Block] = []
    for team in context.model.teams:
        pie = pie_service.open_pie(session=context.session, team_id=team.team_id)
        if pie is None:
            continue
        view = pie_service.pie_view(session=context.session, pie=pie, now=context.now)
        is_manager = team.role == ROLE_MANAGER
        mine = (
            checkpoint_service.rep_pace(
                session=context.session, team_id=team.team_id, person_id=context.person.id, now=context.now
            )
            if context.person is not None and not is_manager
            else None
        )
        blocks.extend(
            pie_blocks.build_home_pie(
                view, viewer=context.user_id, is_manager=is_manager, now=context.now, rep_pace=mine
            )
        )
    return blocks


def pick_value(value: str) -> tuple[int | None, str]:
    """Read a team-picker button's value: the team id and the command text to run there."""
    try:
        data = json.loads(value)
        return int(data["team"]), str(data.get("text") or "")
    except (ValueError, KeyError, TypeError):
        return None, ""

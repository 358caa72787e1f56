"""Lead lists' buttons: the card's Add and Release, the overlap DMs' choices and the managers' decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.domain.errors import UserError
from bot.models import ROLE_MANAGER
from bot.services.leads import claims as lead_claims
from bot.services.leads import decisions as lead_decisions
from bot.services.leads import people as lead_people
from bot.services.leads import settling as lead_settling
from bot.services.leads.overlaps import overlap_counts
from bot.slack.blocks import leads as lead_blocks
from bot.slack.blocks.common import Block
from bot.slack.deps import Deps
from bot.slack.guard import guarded, tell_user
from bot.slack.home import HomeContext
from bot.slack.ids import LeadAction
from bot.slack.listeners.commands.leads import send_dms
from bot.slack.payloads import acting_user, action_value, asked_of_body

OUT_OF_DATE = "That button is out of date. Type `/claim-leads` to see where things stand."


def _int(value: str) -> int:
    if not value.isdigit():
        raise UserError(OUT_OF_DATE)
    return int(value)


# (session, the payload) → the modal to open: a button that opens a form.
ModalFrom = Callable[[Session, dict[str, Any]], dict[str, Any]]


def register(app: App, deps: Deps) -> None:
    """Register the lead lists' action listeners."""

    def opens(build: ModalFrom) -> Callable[..., None]:
        @guarded("action")
        def listener(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
            ack()
            with session_scope(deps.session_factory) as session:
                view = build(session, body)
            client.views_open(trigger_id=body["trigger_id"], view=view)

        listener.__name__ = f"open_{build.__name__}"
        return listener

    def add(session: Session, body: dict[str, Any]) -> dict[str, Any]:
        team_id, fallback = lead_claims.add_form(
            session=session,
            asked=asked_of_body(body, team_id=_int(action_value(body))),
        )
        return lead_blocks.build_add_modal(team_id=team_id, fallback=fallback)

    def release(session: Session, body: dict[str, Any]) -> dict[str, Any]:
        team_id, claims = lead_claims.release_form(
            session=session,
            asked=asked_of_body(body, team_id=_int(action_value(body))),
        )
        return lead_blocks.build_release_modal(team_id=team_id, claims=claims)

    def partner(session: Session, body: dict[str, Any]) -> dict[str, Any]:
        view = lead_settling.partner_form(
            session=session, overlap_id=_int(action_value(body)), asked=asked_of_body(body)
        )
        return lead_blocks.build_split_modal(view, me=acting_user(body))

    def decide_split(session: Session, body: dict[str, Any]) -> dict[str, Any]:
        view = lead_decisions.decision_form(
            session=session, overlap_id=_int(action_value(body)), asked=asked_of_body(body)
        )
        return lead_blocks.build_split_modal(view, me=None, manager=True)

    def keep_both(session: Session, body: dict[str, Any]) -> dict[str, Any]:
        view = lead_decisions.decision_form(
            session=session, overlap_id=_int(action_value(body)), asked=asked_of_body(body)
        )
        return lead_blocks.build_keep_both_modal(view)

    def import_list(session: Session, body: dict[str, Any]) -> dict[str, Any]:
        who = lead_people.manager_asking(
            session=session,
            asked=asked_of_body(body, team_id=_int(action_value(body))),
            what="import lead lists",
        )
        return lead_blocks.build_import_modal(team_id=who.team.id, team_name=who.team.name)

    def rep_step(step: lead_settling.RepStep, done: str) -> Callable[..., None]:
        @guarded("action")
        def listener(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
            ack()
            with session_scope(deps.session_factory) as session:
                account, keys = lead_settling.rep_choice(
                    session=session,
                    overlap_id=_int(action_value(body).split(":")[0]),
                    step=step,
                    now=deps.now(),
                    asked=asked_of_body(body),
                )
            tell_user(client, body, done.format(account=lead_blocks.esc(account)), [])
            send_dms(deps=deps, client=client, keys=keys)

        listener.__name__ = step.__name__
        return listener

    @guarded("action")
    def accept(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        overlap_text, _sep, version_text = action_value(body).partition(":")
        with session_scope(deps.session_factory) as session:
            account, keys = lead_settling.accept_offer(
                session=session,
                overlap_id=_int(overlap_text),
                version=_int(version_text),
                now=deps.now(),
                asked=asked_of_body(body),
            )
        tell_user(
            client,
            body,
            f":handshake: Partners on *{lead_blocks.esc(account)}*. You'll both get the split in a DM.",
            [],
        )
        send_dms(deps=deps, client=client, keys=keys)

    def assign(side: str) -> Callable[..., None]:
        @guarded("action")
        def listener(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
            ack()
            with session_scope(deps.session_factory) as session:
                view, keys = lead_decisions.decide(
                    session=session,
                    overlap_id=_int(action_value(body)),
                    owner=side,
                    now=deps.now(),
                    asked=asked_of_body(body),
                )
            tell_user(client, body, lead_blocks.build_decided(view), [])
            send_dms(deps=deps, client=client, keys=keys)

        listener.__name__ = f"decide_{side}"
        return listener

    app.action(LeadAction.ADD)(opens(add))
    app.action(LeadAction.RELEASE)(opens(release))
    app.action(LeadAction.PARTNER)(opens(partner))
    app.action(LeadAction.ACCEPT)(accept)
    for action_id, step, done in (
        (
            LeadAction.YIELD,
            lead_settling.give_it_up,
            ":white_check_mark: *{account}* is your teammate's now. Thanks for sorting it out.",
        ),
        (
            LeadAction.ASK_MANAGER,
            lead_settling.ask_the_manager,
            ":scales: I've asked your manager to decide on *{account}*. You'll both hear back in a DM.",
        ),
        (
            LeadAction.SAME,
            lead_settling.same_company,
            ":mag: Same company: you'll both get the choices for *{account}* in a DM.",
        ),
        (
            LeadAction.DIFFERENT,
            lead_settling.different_companies,
            ":white_check_mark: Noted: *{account}* are two different companies.",
        ),
    ):
        app.action(action_id)(rep_step(step, done))
    app.action(LeadAction.DECIDE_A)(assign("a"))
    app.action(LeadAction.DECIDE_B)(assign("b"))
    app.action(LeadAction.DECIDE_SPLIT)(opens(decide_split))
    app.action(LeadAction.DECIDE_BOTH)(opens(keep_both))
    app.action(LeadAction.IMPORT)(opens(import_list))


def lead_home_section(context: HomeContext) -> list[Block]:
    """The managers' dashboard part: import a lead list (pasted CSV) and the overlaps in play."""
    blocks: list[Block] = []
    for team in context.model.teams:
        if team.role != ROLE_MANAGER:
            continue
        open_count, escalated = overlap_counts(session=context.session, team_id=team.team_id)
        blocks += lead_blocks.build_manager_home(
            team_id=team.team_id, team_name=team.name, open_count=open_count, escalated=escalated
        )
    return blocks

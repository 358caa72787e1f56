"""Lead lists' buttons: the card's Add and Release, the overlap DMs' choices and the managers' decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.domain.errors import UserError
from bot.services import leads as leads_service
from bot.slack.blocks import leads as lead_blocks
from bot.slack.blocks.common import Block
from bot.slack.deps import Deps
from bot.slack.guard import guarded, tell_user
from bot.slack.home import HomeContext
from bot.slack.ids import LeadAction
from bot.slack.listeners.commands.leads import send_dms
from bot.slack.payloads import acting_user, action_value, slack_team_id

OUT_OF_DATE = "That button is out of date. Type `/claim-leads` to see where things stand."


def _int(value: str) -> int:
    if not value.isdigit():
        raise UserError(OUT_OF_DATE)
    return int(value)


# (session, the overlap, the rep) → the delivery keys to send now.
RepStep = Callable[[Session, Any, Any], list[str]]


def register(app: App, deps: Deps) -> None:
    """Register the lead lists' action listeners."""

    def team_asker(session: Session, body: dict[str, Any]) -> leads_service.Asker:
        return leads_service.asker(
            session=session,
            slack_team_id=slack_team_id(body),
            user_id=acting_user(body),
            channel_id=None,
            team_id=_int(action_value(body)),
        )

    @guarded("action")
    def open_add(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        with session_scope(deps.session_factory) as session:
            who = team_asker(session, body)
            leads_service.require_rep(who)
            view = lead_blocks.build_add_modal(
                team_id=who.team.id,
                fallback=leads_service.settings_of(session=session, team_id=who.team.id).fallback,
            )
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @guarded("action")
    def open_release(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        with session_scope(deps.session_factory) as session:
            who = team_asker(session, body)
            leads_service.require_rep(who)
            claims = leads_service.my_claims(session=session, team_id=who.team.id, person_id=who.person.id)
        if not claims:
            raise UserError("You haven't claimed any accounts, so there's nothing to give back.")
        client.views_open(
            trigger_id=body["trigger_id"],
            view=lead_blocks.build_release_modal(team_id=who.team.id, claims=claims),
        )

    def rep_step(step: RepStep, done: str) -> Callable[..., None]:
        @guarded("action")
        def listener(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
            ack()
            with session_scope(deps.session_factory) as session:
                overlap, person = leads_service.overlap_for_rep(
                    session=session,
                    overlap_id=_int(action_value(body).split(":")[0]),
                    user_id=acting_user(body),
                    slack_team_id=slack_team_id(body),
                )
                keys = step(session, overlap, person)
                account = overlap.account
            tell_user(client, body, done.format(account=lead_blocks.esc(account)), [])
            send_dms(deps=deps, client=client, keys=keys)

        listener.__name__ = step.__name__
        return listener

    def give_up(session: Session, overlap: Any, person: Any) -> list[str]:
        return leads_service.give_up(session=session, overlap=overlap, person=person, now=deps.now())

    def ask(session: Session, overlap: Any, person: Any) -> list[str]:
        return leads_service.ask_manager(session=session, overlap=overlap, person=person, now=deps.now())

    def same(session: Session, overlap: Any, person: Any) -> list[str]:
        return leads_service.confirm_possible(
            session=session, overlap=overlap, person=person, same=True, now=deps.now()
        )

    def different(session: Session, overlap: Any, person: Any) -> list[str]:
        return leads_service.confirm_possible(
            session=session, overlap=overlap, person=person, same=False, now=deps.now()
        )

    @guarded("action")
    def accept(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        overlap_text, _sep, version_text = action_value(body).partition(":")
        with session_scope(deps.session_factory) as session:
            overlap, person = leads_service.overlap_for_rep(
                session=session,
                overlap_id=_int(overlap_text),
                user_id=acting_user(body),
                slack_team_id=slack_team_id(body),
            )
            keys = leads_service.accept_split(
                session=session, overlap=overlap, person=person, version=_int(version_text), now=deps.now()
            )
            account = overlap.account
        tell_user(
            client,
            body,
            f":handshake: Partners on *{lead_blocks.esc(account)}*. You'll both get the split in a DM.",
            [],
        )
        send_dms(deps=deps, client=client, keys=keys)

    @guarded("action")
    def open_partner(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        with session_scope(deps.session_factory) as session:
            overlap, _person = leads_service.overlap_for_rep(
                session=session,
                overlap_id=_int(action_value(body)),
                user_id=acting_user(body),
                slack_team_id=slack_team_id(body),
            )
            leads_service.require_open_for_reps(overlap)
            view = leads_service.overlap_view(session=session, overlap=overlap)
        client.views_open(
            trigger_id=body["trigger_id"], view=lead_blocks.build_split_modal(view, me=acting_user(body))
        )

    def manager_overlap(session: Session, body: dict[str, Any]) -> Any:
        overlap = leads_service.overlap_for_manager(
            session=session,
            overlap_id=_int(action_value(body)),
            user_id=acting_user(body),
            slack_team_id=slack_team_id(body),
        )
        leads_service.require_undecided(overlap)
        return overlap

    def assign(side: str) -> Callable[..., None]:
        @guarded("action")
        def listener(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
            ack()
            with session_scope(deps.session_factory) as session:
                overlap = manager_overlap(session, body)
                keys = leads_service.decide(
                    session=session,
                    overlap=overlap,
                    manager_user_id=acting_user(body),
                    owner=side,
                    now=deps.now(),
                )
                text = lead_blocks.build_decided(leads_service.overlap_view(session=session, overlap=overlap))
            tell_user(client, body, text, [])
            send_dms(deps=deps, client=client, keys=keys)

        listener.__name__ = f"decide_{side}"
        return listener

    @guarded("action")
    def open_decide_split(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        with session_scope(deps.session_factory) as session:
            view = leads_service.overlap_view(session=session, overlap=manager_overlap(session, body))
        client.views_open(
            trigger_id=body["trigger_id"], view=lead_blocks.build_split_modal(view, me=None, manager=True)
        )

    @guarded("action")
    def open_keep_both(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        with session_scope(deps.session_factory) as session:
            view = leads_service.overlap_view(session=session, overlap=manager_overlap(session, body))
        client.views_open(trigger_id=body["trigger_id"], view=lead_blocks.build_keep_both_modal(view))

    @guarded("action")
    def open_import(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        with session_scope(deps.session_factory) as session:
            who = team_asker(session, body)
            leads_service.require_manager(who, "import lead lists")
            view = lead_blocks.build_import_modal(team_id=who.team.id, team_name=who.team.name)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    app.action(LeadAction.ADD)(open_add)
    app.action(LeadAction.RELEASE)(open_release)
    app.action(LeadAction.PARTNER)(open_partner)
    app.action(LeadAction.ACCEPT)(accept)
    app.action(LeadAction.YIELD)(
        rep_step(give_up, ":white_check_mark: *{account}* is your teammate's now. Thanks for sorting it out.")
    )
    app.action(LeadAction.ASK_MANAGER)(
        rep_step(
            ask, ":scales: I've asked your manager to decide on *{account}*. You'll both hear back in a DM."
        )
    )
    app.action(LeadAction.SAME)(
        rep_step(same, ":mag: Same company: you'll both get the choices for *{account}* in a DM.")
    )
    app.action(LeadAction.DIFFERENT)(
        rep_step(different, ":white_check_mark: Noted: *{account}* are two different companies.")
    )
    app.action(LeadAction.DECIDE_A)(assign("a"))
    app.action(LeadAction.DECIDE_B)(assign("b"))
    app.action(LeadAction.DECIDE_SPLIT)(open_decide_split)
    app.action(LeadAction.DECIDE_BOTH)(open_keep_both)
    app.action(LeadAction.IMPORT)(open_import)


def lead_home_section(context: HomeContext) -> list[Block]:
    """The managers' dashboard part: import a lead list (pasted CSV) and the overlaps in play."""
    blocks: list[Block] = []
    for team in context.model.teams:
        if team.role != leads_service.ROLE_MANAGER:
            continue
        open_count, escalated = leads_service.overlap_counts(session=context.session, team_id=team.team_id)
        blocks += lead_blocks.build_manager_home(
            team_id=team.team_id, team_name=team.name, open_count=open_count, escalated=escalated
        )
    return blocks

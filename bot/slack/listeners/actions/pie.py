"""The pie's buttons: claim or change a slice, pick a team, and the managers' deadline options."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.errors import UserError
from bot.domain.pie import suggested_claim_by
from bot.services import pie_reads
from bot.slack.blocks import pie_modals
from bot.slack.deps import Deps
from bot.slack.guard import guarded, tell_user
from bot.slack.ids import CheckpointAction, PieAction
from bot.slack.listeners.commands.pie import checkpoints_modal, pick_value, run_pie_command
from bot.slack.payloads import acting_user, action_value, slack_team_id


def _int(value: str) -> int:
    if not value.isdigit():
        raise UserError("That button is out of date. Type `/claim-pie` to see the pie as it is now.")
    return int(value)


def register(app: App, deps: Deps) -> None:
    """Register the pie's action listeners."""

    def open_claim_modal(body: dict[str, Any], client: WebClient) -> None:
        team_id = _int(action_value(body))
        user_id = acting_user(body)
        with session_scope(deps.session_factory) as session:
            role, _ = pie_reads.role_in_team(session=session, team_id=team_id, user_id=user_id)
            if role.is_manager:
                raise UserError(
                    "Slices are for the reps. As a manager, use `/claim-pie target` or `/claim-pie close`."
                )
            view = pie_reads.require_open_view(session=session, role=role)
            modal = pie_modals.build_claim_modal(view, mine=view.slice_of(user_id))
        client.views_open(trigger_id=body["trigger_id"], view=modal)

    @guarded("action")
    def claim(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        open_claim_modal(body, client)

    @guarded("action")
    def pick_team(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        team_id, text = pick_value(action_value(body))
        if team_id is None:
            raise UserError("That button is out of date. Type `/claim-pie` again.")
        reply = run_pie_command(
            deps=deps,
            client=client,
            text=text,
            user_id=acting_user(body),
            channel_id=None,
            slack_team_id=slack_team_id(body),
            trigger_id=body["trigger_id"],
            team_id=team_id,
        )
        if reply is not None:
            tell_user(client, body, reply["text"], reply.get("blocks") or [])

    def manager_view(body: dict[str, Any]) -> pie_reads.PieView:
        pie_id = _int(action_value(body))
        with session_scope(deps.session_factory) as session:
            return pie_reads.open_pie_for_manager(session=session, pie_id=pie_id, user_id=acting_user(body))

    @guarded("action")
    def lower_target(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        view = manager_view(body)
        client.views_open(trigger_id=body["trigger_id"], view=pie_modals.build_target_modal(view))

    @guarded("action")
    def extend(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        view = manager_view(body)
        suggested = suggested_claim_by(
            claim_deadline=view.claim_deadline, period_end=view.period_end, tz_name=view.tz, now=deps.now()
        )
        client.views_open(
            trigger_id=body["trigger_id"], view=pie_modals.build_extend_modal(view, suggested=suggested)
        )

    @guarded("action")
    def talk(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        view = manager_view(body)
        client.views_open(trigger_id=body["trigger_id"], view=pie_modals.build_talk_modal(view))

    app.action(PieAction.CLAIM)(claim)
    app.action(PieAction.CHANGE)(claim)
    # Pickers posted before the team picker served every command (see Action.PICK_TEAM).
    app.action(PieAction.PICK_TEAM)(pick_team)
    app.action(PieAction.LOWER_TARGET)(lower_target)
    app.action(PieAction.EXTEND)(extend)
    app.action(PieAction.TALK)(talk)

    # --- checkpoints (issue 19): the pie card's Checkpoints button opens `/claim-pie checkpoints` ------
    @guarded("action")
    def open_checkpoints(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        team_id = _int(action_value(body))
        user_id = acting_user(body)
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            role, person = pie_reads.role_in_team(session=session, team_id=team_id, user_id=user_id)
            view = pie_reads.require_open_view(session=session, role=role, now=now)
            modal = checkpoints_modal(
                session=session, view=view, person_id=person.id, is_manager=role.is_manager, now=now
            )
        client.views_open(trigger_id=body["trigger_id"], view=modal)

    app.action(CheckpointAction.OPEN)(open_checkpoints)

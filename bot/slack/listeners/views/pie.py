"""The pie's modal submissions: a slice, a new pie, a new target or deadline, a message to the team."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.checkpoints import FIELD_CHECKPOINTS, path_summary
from bot.domain.errors import UserError
from bot.domain.pie import (
    FIELD_AMOUNT,
    FIELD_CLAIM_BY,
    FIELD_NOTE,
    FIELD_OVERCLAIM,
    FIELD_PERIOD_END,
    FIELD_TARGET,
    FIELD_TITLE,
)
from bot.domain.text import escape
from bot.services import checkpoints as checkpoint_service
from bot.services import pie as pie_service
from bot.services import pie_claims, pie_reads
from bot.services import pressure as pressure_service
from bot.slack.blocks import pie as pie_blocks
from bot.slack.blocks import pie_checkpoints, pie_modals
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.home import publish_home
from bot.slack.ids import CheckpointView, PieView
from bot.slack.payloads import acting_user, slack_team_id, state_values


def _ids(body: dict[str, Any]) -> tuple[int, int | None]:
    data = pie_modals.metadata(body["view"])
    if "team" not in data:
        raise UserError("This form is out of date. Type `/claim-pie` and try again.")
    return data["team"], data.get("pie")


def register(app: App, deps: Deps) -> None:
    """Register the pie's modal submissions."""

    @guarded("view")
    def claim_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        team_id, _pie = _ids(body)
        values = state_values(body)
        amount = str(pie_modals.state_value(values, FIELD_AMOUNT).get("value") or "")
        note = str(pie_modals.state_value(values, FIELD_NOTE).get("value") or "")
        user_id = acting_user(body)
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            role, person = pie_reads.role_in_team(session=session, team_id=team_id, user_id=user_id)
            outcome = pie_claims.claim_slice(
                session=session, role=role, person=person, amount_text=amount, note=note, now=now
            )
            text, _blocks = pie_blocks.build_claim_reply(outcome, viewer=user_id, now=deps.now())
        ack(response_action="update", view=pie_modals.build_done_modal("Your slice", text))
        publish_home(deps=deps, client=client, slack_team_id=slack_team_id(body), user_id=user_id)

    @guarded("view")
    def new_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        team_id, _pie = _ids(body)
        values = state_values(body)
        user_id = acting_user(body)
        now = deps.now()
        overclaim = bool(pie_modals.state_value(values, FIELD_OVERCLAIM).get("selected_options"))
        with session_scope(deps.session_factory) as session:
            role, _person = pie_reads.role_in_team(session=session, team_id=team_id, user_id=user_id)
            try:
                target_text = str(pie_modals.state_value(values, FIELD_TARGET).get("value") or "")
                view = pie_service.bake_pie(
                    session=session,
                    role=role,
                    actor_user_id=user_id,
                    target_text=target_text,
                    title=str(pie_modals.state_value(values, FIELD_TITLE).get("value") or ""),
                    now=now,
                    claim_by=pie_modals.parse_date(
                        pie_modals.state_value(values, FIELD_CLAIM_BY).get("selected_date"), FIELD_CLAIM_BY
                    ),
                    period_end=pie_modals.parse_date(
                        pie_modals.state_value(values, FIELD_PERIOD_END).get("selected_date"),
                        FIELD_PERIOD_END,
                    ),
                    allow_overclaim=overclaim,
                    checkpoints_text=str(
                        pie_modals.state_value(values, FIELD_CHECKPOINTS).get("value") or ""
                    ),
                )
            except UserError as error:
                # An amount complaint from the parser names the claim field; here it is the target.
                field = FIELD_TARGET if error.field in (None, "pie_amount") else error.field
                raise UserError(error.message, field=field) from None
        ack(
            response_action="update",
            view=pie_modals.build_done_modal(
                "Pie baked",
                f":pie: *{escape(view.title)}* is baked: {view.money(view.target)}, claims close at the "
                f"{pie_blocks.closes_text(view)}. The team channel has been told.",
            ),
        )

    @guarded("view")
    def target_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        team_id, pie_id = _ids(body)
        target_text = str(pie_modals.state_value(state_values(body), FIELD_TARGET).get("value") or "")
        with session_scope(deps.session_factory) as session:
            role, _person = pie_reads.role_in_team(
                session=session, team_id=team_id, user_id=acting_user(body)
            )
            view, old = pie_service.set_target(
                session=session, role=role, target_text=target_text, now=deps.now(), pie_id=pie_id
            )
        ack(
            response_action="update",
            view=pie_modals.build_done_modal(
                "Target changed",
                f":dart: *{escape(view.title)}*: target {view.money(old)} → *{view.money(view.target)}*. "
                f"{view.money(max(0, view.left))} left to claim.",
            ),
        )

    @guarded("view")
    def extend_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        team_id, pie_id = _ids(body)
        if pie_id is None:
            raise UserError("This form is out of date. Type `/claim-pie` and try again.")
        claim_by = pie_modals.parse_date(
            pie_modals.state_value(state_values(body), FIELD_CLAIM_BY).get("selected_date"), FIELD_CLAIM_BY
        )
        with session_scope(deps.session_factory) as session:
            role, _person = pie_reads.role_in_team(
                session=session, team_id=team_id, user_id=acting_user(body)
            )
            view = pie_service.extend_deadline(
                session=session, role=role, pie_id=pie_id, claim_by=claim_by, now=deps.now()
            )
        ack(
            response_action="update",
            view=pie_modals.build_done_modal(
                "Deadline extended",
                f":hourglass_flowing_sand: Claims for *{escape(view.title)}* now close at the "
                f"{pie_blocks.closes_text(view)}.",
            ),
        )

    @guarded("view")
    def talk_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        team_id, _pie_id = _ids(body)
        message = str(pie_modals.state_value(state_values(body), "pie_message").get("value") or "").strip()
        if not message:
            raise UserError("Write a few words for the team first.", field="pie_message")
        with session_scope(deps.session_factory) as session:
            role, _person = pie_reads.role_in_team(
                session=session, team_id=team_id, user_id=acting_user(body)
            )
            pie_reads.require_manager(role, "post about the pie")
            channel = role.team.channel_id
        if not channel:
            raise UserError(
                "The team has no channel yet. Set one with `/stretch setup`.", field="pie_message"
            )
        ack(
            response_action="update",
            view=pie_modals.build_done_modal(
                "Posted", f"Posted in <#{channel}>. Replies will come in there."
            ),
        )
        client.chat_postMessage(
            channel=channel, text=message, blocks=[pie_blocks.section(f"{message}\n— <@{acting_user(body)}>")]
        )

    app.view(PieView.CLAIM)(claim_submitted)
    app.view(PieView.NEW)(new_submitted)
    app.view(PieView.TARGET)(target_submitted)
    app.view(PieView.EXTEND)(extend_submitted)
    app.view(PieView.TALK)(talk_submitted)

    # --- checkpoints (issue 19): the lead moves this into bot/features.py with the pie's other parts ---
    @guarded("view")
    def checkpoints_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        team_id, pie_id = _ids(body)
        if pie_id is None:
            raise UserError("This form is out of date. Type `/claim-pie checkpoints` and try again.")
        values = state_values(body)
        text = str(pie_modals.state_value(values, FIELD_CHECKPOINTS).get("value") or "")
        pressure_on = bool(
            pie_modals.state_value(values, pie_checkpoints.PRESSURE_FIELD).get("selected_options")
        )
        user_id = acting_user(body)
        now = deps.now()
        team_form = bool(pie_modals.metadata(body["view"]).get("team_path"))
        with session_scope(deps.session_factory) as session:
            role, person = pie_reads.role_in_team(session=session, team_id=team_id, user_id=user_id)
            if team_form or role.is_manager:
                path = checkpoint_service.set_team_path(
                    session=session,
                    team=role.team,
                    is_manager=role.is_manager,
                    pie_id=pie_id,
                    text=text,
                    now=now,
                )
                pressure_service.set_enabled(session=session, team_id=team_id, enabled=pressure_on, now=now)
                message = f"📍 The team's checkpoints: {path_summary(path, role.team.currency)}. " + (
                    "The anonymous pressure question is on." if pressure_on else ""
                )
            else:
                path = checkpoint_service.set_rep_path(
                    session=session, team=role.team, person_id=person.id, pie_id=pie_id, text=text, now=now
                )
                message = f"📍 Your path: {path_summary(path, role.team.currency)}. Only you and your managers see it."
        ack(response_action="update", view=pie_modals.build_done_modal("Checkpoints", message))
        publish_home(deps=deps, client=client, slack_team_id=slack_team_id(body), user_id=user_id)

    app.view(CheckpointView.EDIT)(checkpoints_submitted)

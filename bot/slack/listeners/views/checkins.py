"""Check-in modals: the rep's notes, the App Home's Away date, and a manager's question editor."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.errors import UserError
from bot.services import checkins as service
from bot.services.people import get_or_create_workspace
from bot.services.teams import manager_team
from bot.slack.blocks.checkins import parse_note_state, parse_question_editor
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.home import publish_home
from bot.slack.ids import CheckinInput, CheckinView
from bot.slack.listeners.actions.checkins import update_checkin_message
from bot.slack.listeners.commands.checkins import questions_modal
from bot.slack.payloads import acting_user, slack_team_id


def _metadata(body: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(body["view"].get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def register(app: App, deps: Deps) -> None:
    """Register the check-in modal submissions."""

    @guarded("view")
    def note_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        meta = _metadata(body)
        checkin_id = meta.get("checkin_id")
        if not isinstance(checkin_id, int):
            raise service.CheckinClosed(service.CLOSED_MESSAGE)
        notes = parse_note_state(body["view"]["state"]["values"])
        with session_scope(deps.session_factory) as session:
            service.record_notes(
                session=session, checkin_id=checkin_id, user_id=acting_user(body), notes=notes, now=deps.now()
            )
        ack()
        update_checkin_message(
            deps=deps, client=client, checkin_id=checkin_id, channel=meta.get("channel"), ts=meta.get("ts")
        )

    @guarded("view")
    def away_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        values = body["view"]["state"]["values"]
        picked = (values.get(CheckinInput.AWAY_BLOCK, {}).get(CheckinInput.AWAY_UNTIL) or {}).get(
            "selected_date"
        )
        try:
            until = date.fromisoformat(str(picked))
        except ValueError:
            raise UserError("Pick the last day you're away.", field=CheckinInput.AWAY_BLOCK) from None
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            workspace = get_or_create_workspace(session=session, slack_team_id=slack_team_id(body), now=now)
            try:
                service.set_away_until(
                    session=session, workspace=workspace, user_id=acting_user(body), until=until, now=now
                )
            except UserError as error:
                raise UserError(error.message.split(" Try ")[0], field=CheckinInput.AWAY_BLOCK) from None
        ack()
        publish_home(deps=deps, client=client, slack_team_id=slack_team_id(body), user_id=acting_user(body))

    @guarded("view")
    def question_saved(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        meta = _metadata(body)
        prompt, kind, options = parse_question_editor(body["view"]["state"]["values"])
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            workspace = get_or_create_workspace(session=session, slack_team_id=slack_team_id(body), now=now)
            team_id = meta.get("team_id")
            team = manager_team(
                session=session,
                workspace=workspace,
                user_id=acting_user(body),
                channel_id=None,
                team_id=team_id if isinstance(team_id, int) else None,
            )
            key = meta.get("key")
            if isinstance(key, str) and key:
                service.reword_question(
                    session=session, team_id=team.id, key=key, prompt=prompt, options_text=options, now=now
                )
            else:
                service.add_question(
                    session=session,
                    team_id=team.id,
                    kind=kind or "",
                    prompt=prompt,
                    options_text=options,
                    now=now,
                )
            parent = questions_modal(session=session, team_id=team.id, team_name=team.name, now=now)
        ack()
        if meta.get("parent"):
            client.views_update(view_id=meta["parent"], view=parent)

    app.view(CheckinView.NOTE)(note_submitted)
    app.view(CheckinView.AWAY)(away_submitted)
    app.view(CheckinView.QUESTION_EDIT)(question_saved)

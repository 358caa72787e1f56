"""Check-in modals: the rep's notes, the App Home's Away date, and a manager's question editor."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.errors import UserError
from bot.services.checkins.answering import CLOSED_MESSAGE, CheckinClosed, record_notes
from bot.services.checkins.availability import set_away_until
from bot.services.checkins.questions import save_question
from bot.services.people import get_or_create_workspace
from bot.slack.blocks.checkins import parse_note_state, parse_question_editor
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.home import publish_home
from bot.slack.ids import CheckinInput, CheckinView
from bot.slack.listeners.actions.checkins import update_checkin_message
from bot.slack.listeners.checkin_questions import questions_modal
from bot.slack.listeners.common import action_team
from bot.slack.payloads import acting_user, private_metadata, slack_team_id


def register(app: App, deps: Deps) -> None:
    """Register the check-in modal submissions."""

    @guarded("view")
    def note_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        meta = private_metadata(body)
        checkin_id = meta.get("checkin_id")
        if not isinstance(checkin_id, int):
            raise CheckinClosed(CLOSED_MESSAGE)
        notes = parse_note_state(body["view"]["state"]["values"])
        with session_scope(deps.session_factory) as session:
            record_notes(
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
                set_away_until(
                    session=session, workspace=workspace, user_id=acting_user(body), until=until, now=now
                )
            except UserError as error:
                raise UserError(error.message.split(" Try ")[0], field=CheckinInput.AWAY_BLOCK) from None
        ack()
        publish_home(deps=deps, client=client, slack_team_id=slack_team_id(body), user_id=acting_user(body))

    @guarded("view")
    def question_saved(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        meta = private_metadata(body)
        prompt, kind, options = parse_question_editor(body["view"]["state"]["values"])
        now = deps.now()
        team_id, key = meta.get("team_id"), meta.get("key")
        with session_scope(deps.session_factory) as session:
            team = action_team(
                session=session, body=body, team_id=team_id if isinstance(team_id, int) else None, now=now
            )
            save_question(
                session=session,
                team_id=team.id,
                key=key if isinstance(key, str) and key else None,
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

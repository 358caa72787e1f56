"""Check-in buttons: one-tap answers, Add a note, Submit, Away/Back in the App Home, the questions menu."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.services import pressure as pressure_service
from bot.services.checkins import answering
from bot.services.checkins.answering import CLOSED_MESSAGE, CheckinClosed
from bot.services.checkins.availability import clear_away, today_of
from bot.services.checkins.questions import apply_menu_choice, find_question
from bot.services.people import get_or_create_workspace
from bot.slack.blocks.checkins import (
    build_away_modal,
    build_checkin_message,
    build_note_modal,
    build_question_editor,
    parse_answer_value,
)
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.home import publish_home
from bot.slack.ids import CheckinAction, PressureAction
from bot.slack.listeners.checkin_questions import questions_modal
from bot.slack.listeners.common import action_team
from bot.slack.payloads import acting_user, action_value, message_of, private_metadata, slack_team_id


def update_checkin_message(
    *, deps: Deps, client: WebClient, checkin_id: int, channel: str | None, ts: str | None
) -> None:
    """Redraw the check-in DM in place so the rep sees what they chose."""
    if not channel or not ts:
        return
    with session_scope(deps.session_factory) as session:
        text, blocks = build_checkin_message(
            answering.checkin_view(session=session, checkin_id=checkin_id, now=deps.now())
        )
    client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)


def _checkin_of_button(body: dict[str, Any]) -> int:
    """The check-in id a button carries; an odd one gets the polite "closed" reply."""
    value = action_value(body)
    if not value.isdigit():
        raise CheckinClosed(CLOSED_MESSAGE)
    return int(value)


def _team_of_view(body: dict[str, Any]) -> int | None:
    value = private_metadata(body).get("team_id")
    return value if isinstance(value, int) else None


def register(app: App, deps: Deps) -> None:
    """Register the check-in action listeners."""

    @guarded("action")
    def answer(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        parsed = parse_answer_value(action_value(body))
        if parsed is None:
            raise CheckinClosed(CLOSED_MESSAGE)
        checkin_id, question_id, value = parsed
        with session_scope(deps.session_factory) as session:
            answering.record_answer(
                session=session,
                checkin_id=checkin_id,
                user_id=acting_user(body),
                question_id=question_id,
                value=value,
                now=deps.now(),
            )
        channel, ts = message_of(body)
        update_checkin_message(deps=deps, client=client, checkin_id=checkin_id, channel=channel, ts=ts)

    @guarded("action")
    def add_note(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        checkin_id = _checkin_of_button(body)
        channel, ts = message_of(body)
        with session_scope(deps.session_factory) as session:
            view = build_note_modal(
                answering.answerable_view(
                    session=session, checkin_id=checkin_id, user_id=acting_user(body), now=deps.now()
                ),
                channel=channel,
                ts=ts,
            )
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @guarded("action")
    def submit(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        checkin_id = _checkin_of_button(body)
        with session_scope(deps.session_factory) as session:
            answering.submit_checkin(
                session=session, checkin_id=checkin_id, user_id=acting_user(body), now=deps.now()
            )
        channel, ts = message_of(body)
        update_checkin_message(deps=deps, client=client, checkin_id=checkin_id, channel=channel, ts=ts)

    @guarded("action")
    def away(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            workspace = get_or_create_workspace(session=session, slack_team_id=slack_team_id(body), now=now)
            today = today_of(session=session, workspace_id=workspace.id, user_id=acting_user(body), now=now)
        client.views_open(trigger_id=body["trigger_id"], view=build_away_modal(today=today))

    @guarded("action")
    def back(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            workspace = get_or_create_workspace(session=session, slack_team_id=slack_team_id(body), now=now)
            clear_away(session=session, workspace=workspace, user_id=acting_user(body), now=now)
        publish_home(deps=deps, client=client, slack_team_id=slack_team_id(body), user_id=acting_user(body))

    @guarded("action")
    def question_menu(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        verb, _sep, key = action_value(body).partition(":")
        opened: dict[str, Any] = body.get("view") or {}
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            team = action_team(session=session, body=body, team_id=_team_of_view(body), now=now)
            if verb == "reword":
                current = find_question(session=session, team_id=team.id, key=key, now=now)
                if current is None:
                    return
                editor = build_question_editor(
                    team_id=team.id, parent_view_id=str(opened.get("id") or ""), question=current
                )
                client.views_push(trigger_id=body["trigger_id"], view=editor)
                return
            apply_menu_choice(session=session, team_id=team.id, verb=verb, key=key, now=now)
            updated = questions_modal(session=session, team_id=team.id, team_name=team.name, now=now)
        client.views_update(view_id=opened.get("id"), view=updated)

    @guarded("action")
    def question_add(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        with session_scope(deps.session_factory) as session:
            team = action_team(session=session, body=body, team_id=_team_of_view(body), now=deps.now())
            editor = build_question_editor(
                team_id=team.id, parent_view_id=str((body.get("view") or {}).get("id") or ""), question=None
            )
        client.views_push(trigger_id=body["trigger_id"], view=editor)

    app.action(re.compile(f"^{CheckinAction.ANSWER}:"))(answer)
    app.action(CheckinAction.ADD_NOTE)(add_note)
    app.action(CheckinAction.SUBMIT)(submit)
    app.action(CheckinAction.AWAY)(away)
    app.action(CheckinAction.BACK)(back)
    app.action(CheckinAction.QUESTION_MENU)(question_menu)
    app.action(CheckinAction.QUESTION_ADD)(question_add)

    # --- the anonymous pressure question (issue 19): the lead moves this into bot/features.py ----------
    @guarded("action")
    def pressure_answer(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        raw_id, _sep, choice = action_value(body).partition(":")
        if not raw_id.isdigit():
            raise CheckinClosed(CLOSED_MESSAGE)
        with session_scope(deps.session_factory) as session:
            pressure_service.record_pressure(
                session=session,
                checkin_id=int(raw_id),
                user_id=acting_user(body),
                choice=choice,
                now=deps.now(),
            )
        channel, ts = message_of(body)
        update_checkin_message(deps=deps, client=client, checkin_id=int(raw_id), channel=channel, ts=ts)

    app.action(re.compile(f"^{PressureAction.ANSWER}:"))(pressure_answer)

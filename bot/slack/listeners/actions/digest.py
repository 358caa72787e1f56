"""The manager dashboard's buttons that had no listener yet: send the digest now, questions, new pie."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.services import pie_reads
from bot.slack.blocks.common import section
from bot.slack.deps import Deps
from bot.slack.guard import guarded, tell_user
from bot.slack.ids import DigestAction
from bot.slack.listeners.checkin_questions import questions_modal
from bot.slack.listeners.commands.digest import send_digests_now
from bot.slack.listeners.commands.pie import new_pie_modal
from bot.slack.listeners.common import action_team, team_id_of_button
from bot.slack.payloads import acting_user, slack_team_id


def register(app: App, deps: Deps) -> None:
    """Register the dashboard's own buttons."""

    @guarded("action")
    def send_now(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        result = send_digests_now(
            deps=deps,
            client=client,
            slack_team_id=slack_team_id(body),
            user_id=acting_user(body),
            channel_id=None,
            team_id=team_id_of_button(body),
        )
        if result.later:  # otherwise the digest itself, in the DM, is the answer
            tell_user(client, body, result.reply, [section(result.reply)])

    @guarded("action")
    def open_questions(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            team = action_team(session=session, body=body, team_id=team_id_of_button(body), now=now)
            view = questions_modal(session=session, team_id=team.id, team_name=team.name, now=now)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @guarded("action")
    def new_pie(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            role, _person = pie_reads.role_in_team(
                session=session, team_id=team_id_of_button(body) or 0, user_id=acting_user(body)
            )
            modal = new_pie_modal(session=session, role=role, now=now)
        client.views_open(trigger_id=body["trigger_id"], view=modal)

    app.action(DigestAction.SEND_NOW)(send_now)
    app.action(DigestAction.OPEN_QUESTIONS)(open_questions)
    app.action(DigestAction.NEW_PIE)(new_pie)

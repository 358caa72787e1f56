"""The "forget me" confirmation: only the person who opened it can confirm it, and only for themselves."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.errors import NotAllowedError, UserError
from bot.jobs.outbox import send_planned
from bot.services.people import find_person, get_or_create_workspace
from bot.services.privacy import forget_person
from bot.slack.blocks.privacy import build_forgotten_view, confirmed
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.ids import PrivacyInput, PrivacyView
from bot.slack.payloads import acting_user, slack_team_id


def register(app: App, deps: Deps) -> None:
    """Register the forget confirmation's submission."""

    @guarded("view")
    def forget_confirmed(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        view = body["view"]
        user_id = acting_user(body)
        if view.get("private_metadata", "") != user_id:
            raise NotAllowedError(
                "This confirmation belongs to someone else: only the person who opened it can confirm it.",
                field=PrivacyInput.CONFIRM_BLOCK,
            )
        if not confirmed(view.get("state", {}).get("values", {})):
            raise UserError("Tick the box to confirm, or close this window to keep your data.")
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            workspace = get_or_create_workspace(session=session, slack_team_id=slack_team_id(body), now=now)
            person = find_person(session=session, workspace_id=workspace.id, user_id=user_id)
            done = (
                forget_person(session=session, person=person, actor=user_id, now=now)
                if person is not None
                else None
            )
        ack(response_action="update", view=build_forgotten_view(forgotten=done is not None))
        send_planned(
            session_factory=deps.session_factory,
            client=client,
            dedupe_keys=done.notice_keys if done else (),
            now=now,
            kinds=deps.wiring.kinds,
        )

    app.view(PrivacyView.FORGET)(forget_confirmed)

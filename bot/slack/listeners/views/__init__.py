"""Modal submissions (view_submission)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.errors import UserError
from bot.models import ROLE_MANAGER, ROLE_REP
from bot.services.people import get_or_create_workspace
from bot.services.teams import save_team
from bot.slack.blocks.setup import build_setup_saved, parse_setup_state, setup_team_id
from bot.slack.deps import Deps
from bot.slack.directory import fetcher_for
from bot.slack.guard import guarded
from bot.slack.home import publish_home
from bot.slack.ids import View
from bot.slack.listeners.views import alerts, checkins, huddles, leads, pie, pilots, shoutouts
from bot.slack.listeners.views import privacy as privacy_views  # privacy (issue 20)
from bot.slack.payloads import acting_user, slack_team_id


def register(app: App, deps: Deps) -> None:
    """Register every modal submission listener."""
    pilots.register(app, deps)

    @guarded("view")
    def team_setup_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        view = body["view"]
        team_id = setup_team_id(view.get("private_metadata", ""))
        try:
            draft = parse_setup_state(view["state"]["values"])
        except UserError as error:
            raise UserError(error.message, field=error.field or "checkin_time") from None
        now = deps.now()
        user_id = acting_user(body)
        with session_scope(deps.session_factory) as session:
            workspace = get_or_create_workspace(session=session, slack_team_id=slack_team_id(body), now=now)
            team = save_team(
                session=session,
                workspace=workspace,
                actor_user_id=user_id,
                team_id=team_id,
                draft=draft,
                fetch=fetcher_for(client),
                now=now,
            )
            message = build_setup_saved(
                team_name=team.name,
                channel_id=team.channel_id,
                created=team_id is None,
                managers=sum(1 for m in team.memberships if m.role == ROLE_MANAGER),
                reps=sum(1 for m in team.memberships if m.role == ROLE_REP),
            )
        ack()
        client.chat_postMessage(channel=user_id, text=message)
        publish_home(deps=deps, client=client, slack_team_id=slack_team_id(body), user_id=user_id)

    app.view(View.TEAM_SETUP)(team_setup_submitted)
    shoutouts.register(app, deps)
    pie.register(app, deps)
    checkins.register(app, deps)
    alerts.register(app, deps)
    huddles.register(app, deps)
    privacy_views.register(app, deps)  # privacy (issue 20): the forget-me confirmation
    leads.register(app, deps)

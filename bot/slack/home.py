"""Publishing the App Home: gather with the service, build with the pure builder, send views.publish."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.db import session_scope
from bot.services.home import home_model
from bot.services.people import find_person, get_or_create_workspace
from bot.slack.blocks.home import build_home
from bot.slack.deps import Deps


def publish_home(*, deps: Deps, client: WebClient, slack_team_id: str, user_id: str) -> None:
    """Build and publish one person's App Home."""
    now = deps.now()
    with session_scope(deps.session_factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=slack_team_id, now=now)
        person = find_person(session=session, workspace_id=workspace.id, user_id=user_id)
        view = build_home(home_model(session=session, workspace=workspace, user_id=user_id, person=person))
    client.views_publish(user_id=user_id, view=view)

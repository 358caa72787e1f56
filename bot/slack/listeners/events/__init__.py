"""Events API: the App Home opening, profile changes, messages to Stretch and in huddle threads."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.services.events import first_delivery_of
from bot.services.people import get_or_create_workspace, update_from_profile
from bot.slack.deps import Deps
from bot.slack.directory import profile_from_user
from bot.slack.guard import guarded
from bot.slack.home import publish_home
from bot.slack.listeners.events import huddles, messages
from bot.slack.payloads import slack_team_id


def register(app: App, deps: Deps) -> None:
    """Register every event listener."""

    @guarded("event")
    def app_home_opened(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        event = body.get("event") or {}
        if event.get("tab", "home") != "home":
            return
        publish_home(deps=deps, client=client, slack_team_id=slack_team_id(body), user_id=event["user"])

    @guarded("event")
    def user_change(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        user = (body.get("event") or {}).get("user") or {}
        if not isinstance(user, dict) or not user.get("id"):
            return
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            if not first_delivery_of(
                session=session, event_id=str(body.get("event_id") or ""), kind="user_change", now=now
            ):
                return
            workspace = get_or_create_workspace(session=session, slack_team_id=slack_team_id(body), now=now)
            update_from_profile(
                session=session, workspace=workspace, profile=profile_from_user(user), now=now
            )

    app.event("app_home_opened")(app_home_opened)
    app.event("user_change")(user_change)
    # The Messages-tab reply first: Bolt runs only the first listener whose matchers accept an event.
    messages.register(app, deps)
    huddles.register(app, deps)

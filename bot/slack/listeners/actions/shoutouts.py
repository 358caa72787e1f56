"""The buttons of a manager's drafted shout-outs (Post opens an editable modal, Skip records it), and the
effort leaderboard's App Home section."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.errors import UserError
from bot.models import ROLE_MANAGER
from bot.models.shoutouts import DECISION_SKIPPED
from bot.services.shoutouts.drafts import (
    DraftHandledError,
    decide_draft,
    draft_to_post,
    pending_drafts,
)
from bot.services.shoutouts.effort import effort_leaderboard, shoutouts_received
from bot.slack.blocks.common import Block
from bot.slack.blocks.shoutouts import (
    build_effort_section,
    build_post_modal,
    build_received_section,
)
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.home import HomeContext
from bot.slack.ids import ShoutoutAction
from bot.slack.listeners.shoutouts_common import refresh_drafts_card
from bot.slack.payloads import action_value, asked_of_body, message_of


def effort_home_section(ctx: HomeContext) -> list[Block]:
    """Each of the person's teams: who took the most swings this month; for managers, drafts waiting."""
    blocks: list[Block] = []
    for team in ctx.model.teams:
        entries = effort_leaderboard(session=ctx.session, team_id=team.team_id, now=ctx.now)
        waiting = None
        if team.role == ROLE_MANAGER and ctx.person is not None:
            waiting = len(
                pending_drafts(
                    session=ctx.session, team_id=team.team_id, manager_person_id=ctx.person.id, now=ctx.now
                )
            )
        blocks.extend(build_effort_section(team_name=team.name, entries=entries, pending_drafts=waiting))
    if ctx.person is not None:
        total, latest = shoutouts_received(session=ctx.session, person_id=ctx.person.id)
        blocks.extend(build_received_section(total=total, latest=latest, tz=ctx.model.tz))
    return blocks


def _draft_id(body: dict[str, Any]) -> int:
    """The moment id a Post/Skip button carries; a mangled or stale value is a friendly "out of date"."""
    value = str(action_value(body) or "").strip()
    if not value.isdigit():
        raise UserError("That draft is out of date. Use the buttons on the newest drafts card in our DM.")
    return int(value)


def register(app: App, deps: Deps) -> None:
    """Register Post and Skip on drafted shout-outs."""

    @guarded("action")
    def post(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        channel_id, message_ts = message_of(body)
        moment_id = _draft_id(body)
        try:
            with session_scope(deps.session_factory) as session:
                to_post = draft_to_post(
                    session=session, asked=asked_of_body(body), moment_id=moment_id, now=deps.now()
                )
            view = build_post_modal(
                body=to_post.draft.text,
                person_name=to_post.draft.display_name,
                channel_id=to_post.channel_id,
                metadata={"moment_id": moment_id, "channel": channel_id, "ts": message_ts},
            )
        except DraftHandledError:
            # Show this manager's copy of the card as it stands, then say who got there first.
            refresh_drafts_card(deps=deps, client=client, channel_id=channel_id, message_ts=message_ts)
            raise
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @guarded("action")
    def skip(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        channel_id, message_ts = message_of(body)
        try:
            with session_scope(deps.session_factory) as session:
                decide_draft(
                    session=session,
                    asked=asked_of_body(body),
                    moment_id=_draft_id(body),
                    decision=DECISION_SKIPPED,
                    now=deps.now(),
                )
        finally:
            refresh_drafts_card(deps=deps, client=client, channel_id=channel_id, message_ts=message_ts)

    app.action(ShoutoutAction.POST_DRAFT)(post)
    app.action(ShoutoutAction.SKIP_DRAFT)(skip)

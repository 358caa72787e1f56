"""Pilot modal submissions: propose / edit / tweak, the review, and the mid-point note."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.text import escape
from bot.services.pilots.answers import record_mid_note, record_review
from bot.services.pilots.core import facts_of
from bot.services.pilots.forms import save_pilot
from bot.slack.blocks.pilots.modals import build_saved, parse_pilot_state, read_meta
from bot.slack.deps import Deps
from bot.slack.directory import fetcher_for
from bot.slack.guard import guarded
from bot.slack.home import publish_home
from bot.slack.ids import PilotBlock, PilotInput, PilotView
from bot.slack.listeners.pilots_common import pilot_id_of_view
from bot.slack.payloads import acting_user, asked_of_body, slack_team_id


def register(app: App, deps: Deps) -> None:
    """Register the pilot modal submissions."""

    @guarded("view")
    def pilot_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        view = body["view"]
        meta = read_meta(view.get("private_metadata", ""))
        draft = parse_pilot_state(view["state"]["values"])
        now = deps.now()
        user_id = acting_user(body)
        with session_scope(deps.session_factory) as session:
            saved = save_pilot(
                session=session,
                asked=asked_of_body(body, team_id=meta.get("team_id")),
                draft=draft,
                fetch=fetcher_for(client),
                now=now,
                pilot_id=meta.get("pilot_id"),
                previous_id=meta.get("previous_id"),
            )
            facts = facts_of(saved.pilot)
            previous = saved.pilot.title if meta.get("previous_id") else None
            message = build_saved(
                facts,
                created=saved.created,
                shared=saved.pilot.share and saved.pilot.team.channel_id is not None,
                tweaked_from=previous,
            )
        ack()
        client.chat_postMessage(channel=user_id, text=message)
        publish_home(deps=deps, client=client, slack_team_id=slack_team_id(body), user_id=user_id)

    @guarded("view")
    def review_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        view = body["view"]
        values = view["state"]["values"]
        vote = (
            (values.get(PilotBlock.VOTE, {}).get(PilotInput.VOTE) or {}).get("selected_option") or {}
        ).get("value")
        raw_skill = (
            (values.get(PilotBlock.SKILL, {}).get(PilotInput.SKILL) or {}).get("selected_option") or {}
        ).get("value")
        learning = (values.get(PilotBlock.LEARNING, {}).get(PilotInput.LEARNING) or {}).get("value") or ""
        now = deps.now()
        user_id = acting_user(body)
        with session_scope(deps.session_factory) as session:
            result = record_review(
                session=session,
                pilot_id=pilot_id_of_view(view),
                user_id=user_id,
                vote=vote,
                learning=learning,
                skill=int(str(raw_skill)) if str(raw_skill or "").isdigit() else None,
                now=now,
                vote_field=PilotBlock.VOTE,
                skill_field=PilotBlock.SKILL,
            )
            name = facts_of(result.pilot).name
        ack()
        client.chat_postMessage(
            channel=user_id,
            text=f":raised_hands: Thanks for reviewing *{escape(name)}*. Whatever happens next, you took the swing.",
        )

    @guarded("view")
    def note_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        view = body["view"]
        note = (view["state"]["values"].get(PilotBlock.NOTE, {}).get(PilotInput.NOTE) or {}).get(
            "value"
        ) or ""
        with session_scope(deps.session_factory) as session:
            record_mid_note(
                session=session,
                pilot_id=pilot_id_of_view(view),
                user_id=acting_user(body),
                note=note,
                now=deps.now(),
            )
        ack()

    app.view(PilotView.PILOT)(pilot_submitted)
    app.view(PilotView.REVIEW)(review_submitted)
    app.view(PilotView.NOTE)(note_submitted)

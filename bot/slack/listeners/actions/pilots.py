"""Pilot buttons: the mid-point answer, tweak now, the review, the owner's decision, edit and start."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain import pilots as rules
from bot.domain.schedule import local_date
from bot.domain.text import escape
from bot.services.pilots.answers import decide_pilot, note_form, record_midpoint, review_form, tweak_now
from bot.services.pilots.core import facts_of
from bot.services.pilots.forms import PilotForm, existing_pilot_form, new_pilot_form
from bot.services.pilots.lists import pilots_of_person
from bot.slack.blocks.common import Block
from bot.slack.blocks.pilots.lists import build_home_pilots
from bot.slack.blocks.pilots.messages import MID_ACTIONS, build_decided, build_mid_thanks, build_tweak_request
from bot.slack.blocks.pilots.modals import build_form_modal, build_note_modal, build_review_modal
from bot.slack.deps import Deps
from bot.slack.guard import guarded, tell_user
from bot.slack.home import HomeContext, publish_home
from bot.slack.ids import PilotAction
from bot.slack.listeners.common import team_id_of_button
from bot.slack.listeners.pilots_common import pilot_id_of
from bot.slack.payloads import acting_user, asked_of_body, slack_team_id

REVIEW_VOTES = {
    PilotAction.REVIEW_KEEP: rules.VOTE_KEEP,
    PilotAction.REVIEW_TWEAK: rules.VOTE_TWEAK,
    PilotAction.REVIEW_DROP: rules.VOTE_DROP,
}
DECISIONS = {PilotAction.DECIDE_KEEP: rules.STATUS_KEPT, PilotAction.DECIDE_DROP: rules.STATUS_DROPPED}


def home_section(ctx: HomeContext) -> list[Block]:
    """The App Home's 'Your pilots'."""
    if ctx.person is None:
        return []
    pilots = pilots_of_person(session=ctx.session, person=ctx.person, now=ctx.now)
    return build_home_pilots(
        [facts_of(p) for p in pilots], today=local_date(ctx.now, ctx.person.tz), user_id=ctx.user_id
    )


def register(app: App, deps: Deps) -> None:
    """Register the pilot buttons."""

    def action_id_of(body: dict[str, Any]) -> str:
        return str((body.get("actions") or [{}])[0].get("action_id") or "")

    @guarded("action")
    def start(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        # The dashboard's button names its team; the Home's generic one leaves it to the person's teams.
        asked = asked_of_body(body, team_id=team_id_of_button(body))
        with session_scope(deps.session_factory) as session:
            form = new_pilot_form(session=session, asked=asked, now=deps.now())
        client.views_open(trigger_id=body["trigger_id"], view=build_form_modal(form))

    @guarded("action")
    def edit_or_tweak(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        with session_scope(deps.session_factory) as session:
            form = existing_pilot_form(
                session=session,
                pilot_id=pilot_id_of(body),
                user_id=acting_user(body),
                tweak=action_id_of(body) != PilotAction.EDIT,
                now=deps.now(),
            )
        client.views_open(trigger_id=body["trigger_id"], view=build_form_modal(form))

    @guarded("action")
    def midpoint_score(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, **_: Any) -> None:
        ack()
        score = MID_ACTIONS.index(PilotAction(action_id_of(body))) + 1
        with session_scope(deps.session_factory) as session:
            pilot = record_midpoint(
                session=session,
                pilot_id=pilot_id_of(body),
                user_id=acting_user(body),
                score=score,
                now=deps.now(),
            )
            facts = facts_of(pilot)
        respond(replace_original=True, text=f"Thanks: {score}/5", blocks=build_mid_thanks(facts, score=score))

    @guarded("action")
    def midpoint_note(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        with session_scope(deps.session_factory) as session:
            facts, note = note_form(session=session, pilot_id=pilot_id_of(body), user_id=acting_user(body))
        client.views_open(trigger_id=body["trigger_id"], view=build_note_modal(facts, note=note))

    @guarded("action")
    def tweak(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        user_id = acting_user(body)
        with session_scope(deps.session_factory) as session:
            answer = tweak_now(session=session, pilot_id=pilot_id_of(body), user_id=user_id, now=deps.now())
        if isinstance(answer, PilotForm):
            client.views_open(trigger_id=body["trigger_id"], view=build_form_modal(answer))
            return
        facts = answer.pilot
        client.chat_postMessage(
            channel=facts.owner_id,
            text=f"A tweak request for {facts.name}",
            blocks=build_tweak_request(facts, user_id=user_id, note=answer.note),
        )
        text = f"Thanks: I've told <@{facts.owner_id}> you'd like to tweak *{escape(facts.name)}* now."
        tell_user(client, body, text, [{"type": "section", "text": {"type": "mrkdwn", "text": text}}])

    @guarded("action")
    def review(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        with session_scope(deps.session_factory) as session:
            facts = review_form(session=session, pilot_id=pilot_id_of(body), user_id=acting_user(body))
        vote = REVIEW_VOTES.get(PilotAction(action_id_of(body)))
        client.views_open(trigger_id=body["trigger_id"], view=build_review_modal(facts, vote=vote))

    @guarded("action")
    def decide(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, **_: Any) -> None:
        ack()
        user_id = acting_user(body)
        decision = DECISIONS[PilotAction(action_id_of(body))]
        with session_scope(deps.session_factory) as session:
            pilot = decide_pilot(
                session=session,
                pilot_id=pilot_id_of(body),
                user_id=user_id,
                decision=decision,
                now=deps.now(),
            )
            facts = facts_of(pilot)
        respond(
            replace_original=True,
            text=f"{facts.name}: {decision}",
            blocks=build_decided(facts, decision=decision, by=user_id),
        )
        publish_home(deps=deps, client=client, slack_team_id=slack_team_id(body), user_id=user_id)

    app.action(PilotAction.START)(start)
    for action_id in (PilotAction.EDIT, PilotAction.DECIDE_TWEAK):
        app.action(action_id)(edit_or_tweak)
    for action_id in MID_ACTIONS:
        app.action(action_id)(midpoint_score)
    app.action(PilotAction.MID_NOTE)(midpoint_note)
    app.action(PilotAction.TWEAK_NOW)(tweak)
    for action_id in REVIEW_VOTES:
        app.action(action_id)(review)
    for action_id in DECISIONS:
        app.action(action_id)(decide)

"""Pilot modals: propose / edit / tweak (built from a PilotForm, read back into a draft), the saved
confirmation, the mid-point note and the review."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.domain import pilots as rules
from bot.domain.errors import UserError
from bot.services.pilots.core import PilotFacts
from bot.services.pilots.forms import PilotForm
from bot.slack.blocks.common import (
    Block,
    clip,
    context,
    escape,
    input_block,
    modal,
    option,
    plain,
    section,
)
from bot.slack.blocks.pilots.messages import SCORE_LABELS, day_text, reframe
from bot.slack.ids import PilotBlock, PilotInput, PilotView


def _text(action_id: str, value: str, *, max_length: int, multiline: bool = False, placeholder: str = ""):
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": action_id,
        "max_length": max_length,
        "multiline": multiline,
    }
    if value:
        element["initial_value"] = value
    if placeholder:
        element["placeholder"] = plain(placeholder)
    return element


SHARE_OPTION = option("Post the reframe card in the team channel", "share")
WHOLE_TEAM_OPTION_VALUE = "whole_team"


def build_pilot_modal(
    *,
    draft: rules.PilotDraft,
    team_id: int,
    team_name: str,
    team_reps: int,
    is_manager: bool,
    pilot_id: int | None,
    previous_id: int | None,
    iteration: int,
) -> dict[str, Any]:
    """The modal to propose, edit or tweak a pilot, pre-filled from `draft`."""
    participants: dict[str, Any] = {"type": "multi_users_select", "action_id": PilotInput.PARTICIPANTS}
    if draft.participants:
        participants["initial_users"] = list(draft.participants)
    start: dict[str, Any] = {"type": "datepicker", "action_id": PilotInput.START}
    if draft.start:
        start["initial_date"] = draft.start.isoformat()
    share: dict[str, Any] = {"type": "checkboxes", "action_id": PilotInput.SHARE, "options": [SHARE_OPTION]}
    if draft.share:
        share["initial_options"] = [SHARE_OPTION]
    blocks: list[Block] = []
    if previous_id is not None:
        blocks.append(
            context(
                f":repeat: Version {iteration}: a new two-week iteration linked to the last one. "
                "Change what you learned needs changing."
            )
        )
    blocks += [
        input_block(
            rules.FIELD_TITLE,
            "Title",
            _text(PilotInput.TITLE, draft.title, max_length=rules.MAX_TITLE, placeholder="Discovery first"),
        ),
        input_block(
            rules.FIELD_NOT_GOAL,
            "The goal isn't…",
            _text(
                PilotInput.NOT_GOAL,
                draft.not_goal,
                max_length=rules.MAX_NOT_GOAL,
                placeholder="40 demos booked",
            ),
            optional=True,
            hint="The outcome number we usually chase. Optional.",
        ),
        input_block(
            rules.FIELD_METRIC,
            "The goal is to get better at…",
            _text(
                PilotInput.METRIC,
                draft.growth_metric,
                max_length=rules.MAX_METRIC,
                placeholder="asking a second discovery question",
            ),
            hint="A skill or behaviour you can practise every day.",
        ),
        input_block(
            rules.FIELD_OBSERVE,
            "How we'll know",
            _text(
                PilotInput.OBSERVE,
                draft.observe,
                max_length=rules.MAX_OBSERVE,
                multiline=True,
                placeholder="Notes show a second question on most first calls",
            ),
            optional=True,
            hint="What to notice while it runs.",
        ),
        input_block(rules.FIELD_PARTICIPANTS, "Participants", participants, optional=is_manager),
    ]
    if is_manager:
        whole = option(f"Everyone on {team_name} ({team_reps} reps)", WHOLE_TEAM_OPTION_VALUE)
        whole_team: dict[str, Any] = {
            "type": "checkboxes",
            "action_id": PilotInput.WHOLE_TEAM,
            "options": [whole],
        }
        if draft.whole_team:
            whole_team["initial_options"] = [whole]
        blocks.append(input_block(rules.FIELD_WHOLE_TEAM, "Whole team", whole_team, optional=True))
    blocks += [
        input_block(
            rules.FIELD_START, "Start date", start, hint="Kickoff DMs go out that day at check-in time."
        ),
        input_block(
            rules.FIELD_LENGTH,
            "Length (days)",
            {
                "type": "number_input",
                "action_id": PilotInput.LENGTH,
                "is_decimal_allowed": False,
                "initial_value": str(draft.length_days or rules.DEFAULT_LENGTH),
                "min_value": str(rules.MIN_LENGTH),
                "max_value": str(rules.MAX_LENGTH),
            },
            hint="Mid-point check halfway, review on the last day.",
        ),
        input_block(
            rules.FIELD_SHARE, "Share", share, optional=True, hint="Post it, share it, say it out loud."
        ),
    ]
    title = "Tweak the pilot" if previous_id else ("Edit the pilot" if pilot_id else "Start a pilot")
    submit = "Start v" + str(iteration) if previous_id else ("Save" if pilot_id else "Start pilot")
    return modal(
        callback_id=PilotView.PILOT,
        title=title,
        submit=submit,
        blocks=blocks,
        private_metadata=json.dumps({"team_id": team_id, "pilot_id": pilot_id, "previous_id": previous_id}),
    )


def read_meta(private_metadata: str) -> dict[str, int | None]:
    """The team, pilot and previous pilot ids a pilot modal was opened for."""
    try:
        data = json.loads(private_metadata or "{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    return {key: value if isinstance(value, int) else None for key, value in data.items()}


def parse_pilot_state(values: dict[str, dict[str, Any]]) -> rules.PilotDraft:
    """Read the pilot modal's state.values into a draft (the rules check it afterwards)."""

    def element(block_id: str, action_id: str) -> dict[str, Any]:
        return values.get(block_id, {}).get(action_id, {}) or {}

    raw_length = str(element(rules.FIELD_LENGTH, PilotInput.LENGTH).get("value") or "").strip()
    length: int | None = None
    if raw_length:
        try:
            length = int(raw_length)
        except ValueError:
            raise UserError(
                f"'{raw_length[:20]}' isn't a number of days. Try {rules.DEFAULT_LENGTH}.",
                field=rules.FIELD_LENGTH,
            ) from None
    raw_start = element(rules.FIELD_START, PilotInput.START).get("selected_date")
    start: date | None = None
    if raw_start:
        try:
            start = date.fromisoformat(str(raw_start))
        except ValueError:
            raise UserError("Pick the start date from the calendar.", field=rules.FIELD_START) from None

    def chosen(block_id: str, action_id: str) -> set[str]:
        return {str(o.get("value")) for o in element(block_id, action_id).get("selected_options") or []}

    return rules.PilotDraft(
        title=str(element(rules.FIELD_TITLE, PilotInput.TITLE).get("value") or ""),
        not_goal=str(element(rules.FIELD_NOT_GOAL, PilotInput.NOT_GOAL).get("value") or ""),
        growth_metric=str(element(rules.FIELD_METRIC, PilotInput.METRIC).get("value") or ""),
        observe=str(element(rules.FIELD_OBSERVE, PilotInput.OBSERVE).get("value") or ""),
        participants=tuple(
            element(rules.FIELD_PARTICIPANTS, PilotInput.PARTICIPANTS).get("selected_users") or ()
        ),
        whole_team=WHOLE_TEAM_OPTION_VALUE in chosen(rules.FIELD_WHOLE_TEAM, PilotInput.WHOLE_TEAM),
        start=start,
        length_days=length,
        share="share" in chosen(rules.FIELD_SHARE, PilotInput.SHARE),
    )


def build_form_modal(form: PilotForm) -> dict[str, Any]:
    """The propose / edit / tweak modal for a form from the pilot services."""
    return build_pilot_modal(
        draft=form.draft,
        team_id=form.team_id,
        team_name=form.team_name,
        team_reps=form.team_reps,
        is_manager=form.is_manager,
        pilot_id=form.pilot_id,
        previous_id=form.previous_id,
        iteration=form.iteration,
    )


def build_saved(pilot: PilotFacts, *, created: bool, shared: bool, tweaked_from: str | None) -> str:
    """The DM to whoever saved the pilot."""
    if not created:
        return f":white_check_mark: *{escape(pilot.name)}* is updated. Reminders follow the new dates."
    people = len(pilot.participants)
    where = " I'll post the reframe card in the team channel on day 1." if shared else ""
    previous = f" It follows on from *{tweaked_from}*, now closed as tweaked." if tweaked_from else ""
    return (
        f":test_tube: *{escape(pilot.name)}* starts {day_text(pilot.start)} and runs {pilot.length_days} days "
        f"(to {day_text(pilot.end)}) with {people} {'person' if people == 1 else 'people'}. Each gets a "
        f"kickoff DM on day 1, a mid-point check and a review at the end.{where}{previous}"
    )


def _answer_modal(
    pilot: PilotFacts, *, callback_id: str, title: str, submit: str, inputs: list[Block]
) -> dict[str, Any]:
    """A participant's answer modal: the pilot and its reframe on top, its id in the metadata."""
    return modal(
        callback_id=callback_id,
        title=title,
        submit=submit,
        blocks=[section(f"*{escape(clip(pilot.name, 200))}*\n{reframe(pilot)}"), *inputs],
        private_metadata=json.dumps({"pilot_id": pilot.id}),
    )


def build_note_modal(pilot: PilotFacts, *, note: str) -> dict[str, Any]:
    """A modal for the optional mid-point note."""
    return _answer_modal(
        pilot,
        callback_id=PilotView.NOTE,
        title="Mid-point note",
        submit="Save note",
        inputs=[
            input_block(
                PilotBlock.NOTE,
                "What's working, what isn't?",
                _text(PilotInput.NOTE, note, max_length=rules.MAX_NOTE, multiline=True),
            ),
        ],
    )


def build_review_modal(pilot: PilotFacts, *, vote: str | None) -> dict[str, Any]:
    """The review: vote, what you learned, how much better you feel (1–5)."""
    votes = [option(rules.VOTE_LABELS[v], v) for v in rules.VOTES]
    vote_element: dict[str, Any] = {"type": "radio_buttons", "action_id": PilotInput.VOTE, "options": votes}
    if vote in rules.VOTES:
        vote_element["initial_option"] = votes[rules.VOTES.index(vote)]
    return _answer_modal(
        pilot,
        callback_id=PilotView.REVIEW,
        title="Pilot review",
        submit="Send review",
        inputs=[
            input_block(PilotBlock.VOTE, "Keep, tweak or drop?", vote_element),
            input_block(
                PilotBlock.LEARNING,
                "What did you learn?",
                _text(PilotInput.LEARNING, "", max_length=rules.MAX_LEARNING, multiline=True),
                optional=True,
            ),
            input_block(
                PilotBlock.SKILL,
                "How much better at it do you feel?",
                {
                    "type": "static_select",
                    "action_id": PilotInput.SKILL,
                    "options": [option(SCORE_LABELS[n], str(n)) for n in range(1, 6)],
                },
                hint="1 no different, 5 a lot better.",
            ),
        ],
    )

"""Block Kit for check-ins: the DM with one-tap answers, the note modal, the nudge, the App Home pulse,
the away modal and the managers' questions modal. Pure: data in, Slack JSON out."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from bot.domain import questions as qrules
from bot.domain.schedule import format_local
from bot.domain.zones import ZONE_EMOJI, ZONE_LABEL, sparkline, trend
from bot.services.checkins.answering import CheckinView
from bot.services.checkins.pulse import Pulse
from bot.services.checkins.questions import QuestionView
from bot.slack.blocks.common import (
    Block,
    actions,
    button,
    context,
    divider,
    escape,
    modal,
    option,
    plain,
    section,
)
from bot.slack.ids import CheckinAction, CheckinInput, PressureAction
from bot.slack.ids import CheckinView as CheckinModal

MISSED_EMOJI = "⚪"


def _day(value: date) -> str:
    return f"{value.strftime('%a')} {value.day} {value.strftime('%b')}"


def answer_value(checkin_id: int, question_id: int, value: str) -> str:
    """The value carried by an answer button."""
    return f"{checkin_id}:{question_id}:{value}"


def parse_answer_value(value: str) -> tuple[int, int, str] | None:
    """(check-in id, question id, answer) from an answer button's value, or None if malformed."""
    parts = value.split(":", 2)
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    return int(parts[0]), int(parts[1]), parts[2]


def _label(question: QuestionView, value: str | None) -> str:
    return next((label for v, label in question.options if v == value), value or "")


def build_checkin_message(view: CheckinView) -> tuple[str, list[Block]]:
    """The check-in DM as it stands: every question, the chosen answers highlighted, notes and Submit."""
    intro = f"*Your pulse check-in* · {_day(view.local_date)}"
    if view.team_name:
        intro += f" · {escape(view.team_name)}"
    blocks: list[Block] = [*view.riders]
    blocks.append(section(intro + "\nAbout 30 seconds, one tap each. Only your managers see your answers."))
    if view.quiet:
        blocks.append(
            context(
                "I'll check in just once a week until you answer again. "
                "Need a proper break instead? `/stretch away 2w` pauses everything."
            )
        )
    number = 0
    text_questions = []
    for question in view.questions:
        if question.kind == qrules.TEXT:
            text_questions.append(question)
            continue
        number += 1
        chosen = f"  ✓ _{escape(_label(question, question.answer))}_" if question.answer else ""
        blocks.append(section(f"*{number}. {escape(question.prompt)}*{chosen}"))
        blocks.append(
            actions(
                *[
                    button(
                        label,
                        # By position: two labels may slug to the same value ("Yes" / "Yes!").
                        f"{CheckinAction.ANSWER}:{question.id}:{index}",
                        value=answer_value(view.id, question.id, value),
                        style="primary" if value == question.answer else None,
                    )
                    for index, (value, label) in enumerate(question.options)
                ],
                block_id=f"q_{question.id}",
            )
        )
    if text_questions:
        lines = []
        for question in text_questions:
            number += 1
            status = "  ✓ _noted_" if question.answer else "  _optional_"
            lines.append(f"*{number}. {escape(question.prompt)}*{status}")
        has_notes = any(q.answer for q in text_questions)
        blocks.append(section("\n".join(lines)))
        blocks.append(
            actions(
                button(
                    "Edit your notes" if has_notes else "Add a note",
                    CheckinAction.ADD_NOTE,
                    value=str(view.id),
                ),
                block_id="notes",
            )
        )
    blocks.extend(pressure_blocks(view))
    blocks.append(divider())
    until = format_local(view.closes_at, view.tz)
    if view.submitted:
        blocks.append(
            actions(button("Update my answers", CheckinAction.SUBMIT, value=str(view.id)), block_id="submit")
        )
        blocks.append(
            context(f":white_check_mark: Submitted, thank you! You can change answers until {until}.")
        )
        text = "Your pulse check-in is in. Thanks!"
    else:
        blocks.append(
            actions(
                button("Submit", CheckinAction.SUBMIT, value=str(view.id), style="primary"), block_id="submit"
            )
        )
        progress = f"{view.answered} of {len(view.questions)} answered · " if view.answered else ""
        blocks.append(context(f"{progress}You can change answers until {until}."))
        text = "Your pulse check-in: how does this week's goal feel?"
    return text, blocks


def build_note_modal(view: CheckinView, *, channel: str | None, ts: str | None) -> dict[str, Any]:
    """The 'Add a note' modal: one optional multi-line input per text question, pre-filled."""
    blocks: list[Block] = []
    for question in view.questions:
        if question.kind != qrules.TEXT:
            continue
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": CheckinInput.NOTE,
            "multiline": True,
            "max_length": 2000,
        }
        if question.answer:
            element["initial_value"] = question.answer
        blocks.append(
            {
                "type": "input",
                "block_id": f"note_{question.id}",
                "label": plain(question.prompt[:2000]),
                "element": element,
                "optional": True,
            }
        )
    blocks.append(context("Only your managers see these notes."))
    return modal(
        callback_id=CheckinModal.NOTE,
        title="Add a note",
        submit="Save notes",
        blocks=blocks,
        private_metadata=json.dumps({"checkin_id": view.id, "channel": channel, "ts": ts}),
    )


def parse_note_state(values: dict[str, dict[str, Any]]) -> dict[int, str]:
    """{question id: note} from the note modal's state."""
    notes: dict[int, str] = {}
    for block_id, elements in values.items():
        if block_id.startswith("note_") and block_id[5:].isdigit():
            notes[int(block_id[5:])] = str((elements.get(CheckinInput.NOTE) or {}).get("value") or "")
    return notes


def build_nudge(*, local_day: date) -> tuple[str, list[Block]]:
    """The one gentle nudge for an unanswered check-in."""
    text = f"A gentle nudge: your check-in from {_day(local_day)} is still open."
    return text, [
        section(
            f":wave: {text} It takes about 30 seconds: tap your answers in the message above, "
            "or type `/stretch checkin` to see it again."
        ),
        context("If today isn't a good day, that's fine. `/stretch away 1d` pauses check-ins for today."),
    ]


def build_closed_notice() -> str:
    """What a stale button says."""
    return "That check-in has closed, so nothing was changed. Your latest one is in our DM, or type `/stretch checkin`."


def build_pulse_section(pulse: Pulse, *, now: datetime) -> list[Block]:
    """The rep's App Home section: last check-ins' zones, readiness trend, next check-in, away status."""
    blocks: list[Block] = [section("*Your pulse*")]
    if pulse.is_rep:
        if pulse.zones:
            row = "".join(ZONE_EMOJI.get(z or "", MISSED_EMOJI) for z in pulse.zones)
            readings = [r for r in pulse.readiness if r is not None]
            readiness = (
                f"Readiness {sparkline(pulse.readiness)} {trend(pulse.readiness)}"
                if readings
                else "Readiness: no answers yet"
            )
            blocks.append(section(f"Last {len(pulse.zones)} check-ins (oldest first): {row}\n{readiness}"))
            blocks.append(
                context(
                    " · ".join(f"{ZONE_EMOJI[z]} {ZONE_LABEL[z]}" for z in ("stretch", "slack", "snap"))
                    + f" · {MISSED_EMOJI} not answered"
                )
            )
        else:
            blocks.append(section("Your first check-in will show up here once you've answered it."))
        nxt = format_local(pulse.next_checkin, pulse.tz) if pulse.next_checkin else "none scheduled"
        blocks.append(section(f"Next check-in: *{nxt}*"))
    if pulse.away_until is not None:
        blocks.append(
            section(
                f":palm_tree: You're away until *{_day(pulse.away_until)}*: no check-ins or nudges until then.",
                accessory=button("I'm back", CheckinAction.BACK, style="primary"),
            )
        )
    else:
        blocks.append(
            section(
                "Taking time off? Pause your check-ins while you're away.",
                accessory=button("I'm away…", CheckinAction.AWAY),
            )
        )
    return blocks


def build_away_modal(*, today: date) -> dict[str, Any]:
    """The App Home's Away modal: pick the last day away."""
    return modal(
        callback_id=CheckinModal.AWAY,
        title="Away",
        submit="Pause check-ins",
        blocks=[
            {
                "type": "input",
                "block_id": CheckinInput.AWAY_BLOCK,
                "label": plain("Away until (inclusive)"),
                "element": {
                    "type": "datepicker",
                    "action_id": CheckinInput.AWAY_UNTIL,
                    "initial_date": today.isoformat(),
                },
            },
            context("No check-ins, nudges or alerts about you until you're back."),
        ],
    )


def build_questions_modal(*, team_id: int, team_name: str, questions: list[QuestionView]) -> dict[str, Any]:
    """The managers' questions modal: each question with a menu (move, reword, remove) and Add."""
    blocks: list[Block] = [
        section(
            f"The questions *{escape(team_name)}* answers in each check-in. Changes apply from the next one."
        ),
        divider(),
    ]
    for number, question in enumerate(questions, start=1):
        detail = qrules.KIND_LABELS.get(question.kind, question.kind)
        if question.options and question.kind == qrules.CHOICE:
            detail += ": " + " · ".join(label for _, label in question.options)
        menu = [
            option("Reword", f"reword:{question.key}"),
            option("Move up", f"up:{question.key}"),
            option("Move down", f"down:{question.key}"),
            option("Remove", f"remove:{question.key}"),
        ]
        blocks.append(
            section(
                f"*{number}. {escape(question.prompt)}*\n_{escape(detail)}_",
                block_id=f"question_{question.key}",
                accessory={"type": "overflow", "action_id": CheckinAction.QUESTION_MENU, "options": menu},
            )
        )
    blocks.append(actions(button("Add a question", CheckinAction.QUESTION_ADD, style="primary")))
    blocks.append(context("Removed questions stop being asked; their past answers are kept."))
    return modal(
        callback_id=CheckinModal.QUESTIONS,
        title="Check-in questions",
        blocks=blocks[:100],
        submit=None,
        close="Done",
        private_metadata=json.dumps({"team_id": team_id}),
    )


def build_question_editor(
    *, team_id: int, parent_view_id: str, question: QuestionView | None
) -> dict[str, Any]:
    """The add/reword modal pushed over the questions modal."""
    prompt: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": CheckinInput.PROMPT,
        "max_length": qrules.MAX_PROMPT,
    }
    blocks: list[Block] = []
    if question is not None:
        prompt["initial_value"] = question.prompt
    blocks.append(
        {
            "type": "input",
            "block_id": CheckinInput.PROMPT_BLOCK,
            "label": plain("Question"),
            "element": prompt,
        }
    )
    if question is None:
        kinds = [option(label, kind) for kind, label in qrules.KIND_LABELS.items()]
        blocks.append(
            {
                "type": "input",
                "block_id": CheckinInput.KIND_BLOCK,
                "label": plain("Answered with"),
                "element": {
                    "type": "static_select",
                    "action_id": CheckinInput.KIND,
                    "options": kinds,
                    "initial_option": kinds[1],
                },
            }
        )
    else:
        blocks.append(context(f"Answered with: {qrules.KIND_LABELS.get(question.kind, question.kind)}"))
    if question is None or question.kind != qrules.TEXT:
        options_element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": CheckinInput.OPTIONS,
            "multiline": True,
        }
        if question is not None and question.kind == qrules.CHOICE:
            options_element["initial_value"] = "\n".join(label for _, label in question.options)
        blocks.append(
            {
                "type": "input",
                "block_id": CheckinInput.OPTIONS_BLOCK,
                "label": plain("Options"),
                "element": options_element,
                "optional": True,
                "hint": plain(
                    "Single choice: 2–6 options, one per line. Scale: two end labels (low, high) or none. "
                    "Text: leave empty."
                ),
            }
        )
    return modal(
        callback_id=CheckinModal.QUESTION_EDIT,
        title="Reword question" if question else "Add a question",
        submit="Save",
        blocks=blocks,
        private_metadata=json.dumps(
            {"team_id": team_id, "key": question.key if question else None, "parent": parent_view_id}
        ),
    )


def parse_question_editor(values: dict[str, dict[str, Any]]) -> tuple[str, str | None, str]:
    """(prompt, kind or None when rewording, options text) from the editor's state."""

    def element(block_id: str, action_id: str) -> dict[str, Any]:
        return values.get(block_id, {}).get(action_id, {}) or {}

    prompt = str(element(CheckinInput.PROMPT_BLOCK, CheckinInput.PROMPT).get("value") or "")
    kind_option = element(CheckinInput.KIND_BLOCK, CheckinInput.KIND).get("selected_option")
    kind = str(kind_option.get("value")) if isinstance(kind_option, dict) else None
    options = str(element(CheckinInput.OPTIONS_BLOCK, CheckinInput.OPTIONS).get("value") or "")
    return prompt, kind, options


# --- the anonymous pressure question (issue 19) -----------------------------------------------------

PRESSURE_PROMPT = "This week, did you feel pushed to cut corners with a customer?"
PRESSURE_CHOICES = (("never", "never"), ("a_little", "a little"), ("yes", "yes"))


def pressure_blocks(view: CheckinView) -> list[Block]:
    """The optional anonymous question: buttons until answered this week, then a thank-you."""
    if view.pressure == "answered":
        return [context(":lock: Your answer to the anonymous pressure question is counted. Thank you.")]
    if view.pressure != "ask":
        return []
    return [
        section(
            f"*{PRESSURE_PROMPT}*\n_Anonymous: only the team's counts are kept, never who said what, and your "
            "managers see them only once at least 3 people answer. One tap, and it can't be changed._"
        ),
        actions(
            *[
                button(label, f"{PressureAction.ANSWER}:{value}", value=f"{view.id}:{value}")
                for value, label in PRESSURE_CHOICES
            ],
            block_id="pressure",
        ),
    ]

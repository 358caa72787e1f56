"""Block Kit for the pie's modals (claim, bake, target, extend, talk it through) and reading their answers."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.domain.pie import (
    FIELD_AMOUNT,
    FIELD_CLAIM_BY,
    FIELD_NOTE,
    FIELD_OVERCLAIM,
    FIELD_PERIOD_END,
    FIELD_TARGET,
    FIELD_TITLE,
    MAX_NOTE,
    MAX_TITLE,
    example_amount,
)
from bot.services.pie_reads import PieView, SliceLine
from bot.slack.blocks.common import (
    Block,
    escape,
    input_block,
    modal,
    option,
    plain,
    section,
)
from bot.slack.blocks.pie import closes_text
from bot.slack.blocks.pie_checkpoints import checkpoints_input
from bot.slack.ids import PieInput
from bot.slack.ids import PieView as PieModal


def _text_input(
    action_id: str, *, initial: str = "", placeholder: str = "", max_length: int = 40
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": action_id, "max_length": max_length}
    if initial:
        element["initial_value"] = initial
    if placeholder:
        element["placeholder"] = plain(placeholder)
    return element


def _datepicker(action_id: str, initial: date) -> dict[str, Any]:
    return {"type": "datepicker", "action_id": action_id, "initial_date": initial.isoformat()}


def _amount_text(minor: int, view: PieView) -> str:
    return view.money(minor)


def build_claim_modal(view: PieView, *, mine: SliceLine | None) -> dict[str, Any]:
    """The 'Claim a slice' / 'Change my slice' modal, pre-filled with the current slice."""
    left = max(0, view.left + (mine.amount if mine else 0))
    intro = (
        f"*{escape(view.title)}*: {view.money(view.claimed)} of {view.money(view.target)} claimed. "
        f"An even cut is {view.money(view.equal_share)}"
        + (
            f"; up to {view.money(left)} fits."
            if not view.allow_overclaim
            else "; the team may stretch past 100 %."
        )
    )
    if mine and mine.amount:
        intro += f"\nYour slice now: *{view.money(mine.amount)}*. To give it back, type `/claim-pie release`."
    blocks: list[Block] = [
        section(intro),
        input_block(
            FIELD_AMOUNT,
            "Your slice",
            _text_input(
                PieInput.AMOUNT,
                initial=_amount_text(mine.amount, view) if mine and mine.amount else "",
                placeholder=example_amount(view.currency),
            ),
            hint="Like 20k, 20,000 or 1.5m. Take what fits your pipeline, time off and energy.",
        ),
        input_block(
            FIELD_NOTE,
            "Note (optional)",
            _text_input(PieInput.NOTE, initial=mine.note if mine else "", max_length=MAX_NOTE),
            hint="What's behind it, in a few words: 'two renewals + Acme upsell'.",
            optional=True,
        ),
    ]
    return modal(
        callback_id=PieModal.CLAIM,
        title="Change my slice" if mine and mine.amount else "Claim a slice",
        blocks=blocks,
        submit="Claim",
        private_metadata=json.dumps({"team": view.team_id}),
    )


def build_new_pie_modal(
    *, team_id: int, currency: str, claim_by: date, period_end: date, checkpoints_example: str = ""
) -> dict[str, Any]:
    """The manager's 'bake a pie' modal: title, target, claim-by, period end, checkpoints, over-claiming."""
    blocks: list[Block] = [
        input_block(
            FIELD_TITLE,
            "Title",
            _text_input(PieInput.TITLE, placeholder="Q4 new business", max_length=MAX_TITLE),
            optional=True,
            hint="Leave empty to call it after the quarter.",
        ),
        input_block(
            FIELD_TARGET,
            "Team target",
            _text_input(PieInput.TARGET, placeholder=f"{example_amount(currency)[:-3]}100k"),
            hint=f"In {currency}, like 100k or 1.2m.",
        ),
        input_block(FIELD_CLAIM_BY, "Claims close at the end of", _datepicker(PieInput.CLAIM_BY, claim_by)),
        input_block(FIELD_PERIOD_END, "Period ends", _datepicker(PieInput.PERIOD_END, period_end)),
        checkpoints_input(initial="", example=checkpoints_example, optional=True),
        input_block(
            FIELD_OVERCLAIM,
            "Over-claiming",
            {
                "type": "checkboxes",
                "action_id": PieInput.OVERCLAIM,
                "options": [option("Let the team claim more than the target", "yes")],
            },
            optional=True,
        ),
    ]
    return modal(
        callback_id=PieModal.NEW,
        title="Bake a new pie",
        blocks=blocks,
        submit="Bake it",
        private_metadata=json.dumps({"team": team_id}),
    )


def build_target_modal(view: PieView) -> dict[str, Any]:
    """Change the target (suggests what is already claimed, for 'lower the target')."""
    suggested = view.claimed if 0 < view.claimed < view.target else view.target
    blocks: list[Block] = [
        section(
            f"*{escape(view.title)}*: {view.money(view.claimed)} claimed of {view.money(view.target)}. "
            "A target nobody will claim is feedback worth taking."
        ),
        input_block(FIELD_TARGET, "New target", _text_input(PieInput.TARGET, initial=view.money(suggested))),
    ]
    return modal(
        callback_id=PieModal.TARGET,
        title="Change the target",
        blocks=blocks,
        submit="Save",
        private_metadata=json.dumps({"team": view.team_id, "pie": view.pie_id}),
    )


def build_extend_modal(view: PieView, *, suggested: date) -> dict[str, Any]:
    """Move the claim deadline."""
    blocks: list[Block] = [
        section(f"Claims for *{escape(view.title)}* close at the {closes_text(view)} now."),
        input_block(FIELD_CLAIM_BY, "Claims close at the end of", _datepicker(PieInput.CLAIM_BY, suggested)),
    ]
    return modal(
        callback_id=PieModal.EXTEND,
        title="Extend the deadline",
        blocks=blocks,
        submit="Extend",
        private_metadata=json.dumps({"team": view.team_id, "pie": view.pie_id}),
    )


def talk_draft(view: PieView) -> str:
    """A starter message for the team channel about an unclaimed pie: no names, no blame."""
    return (
        f"Team, {view.money(max(0, view.left))} of our {escape(view.title)} pie ({view.money(view.target)}) is still "
        "unclaimed, and that tells me something. Is the target too much, or is something in the way "
        "(pipeline, time off, energy)? Reply here or DM me, and let's find a number we can all stretch for."
    )


def build_talk_modal(view: PieView) -> dict[str, Any]:
    """A message to the team channel the manager can edit before it goes out."""
    where = f"<#{view.channel_id}>" if view.channel_id else "the team channel"
    blocks: list[Block] = [
        section(f"Edit this and it will be posted in {where} from Stretch, in your words."),
        input_block(
            "pie_message",
            "Message",
            {
                "type": "plain_text_input",
                "action_id": PieInput.MESSAGE,
                "multiline": True,
                "max_length": 2000,
                "initial_value": talk_draft(view),
            },
        ),
    ]
    return modal(
        callback_id=PieModal.TALK,
        title="Talk it through",
        blocks=blocks,
        submit="Post",
        private_metadata=json.dumps({"team": view.team_id, "pie": view.pie_id}),
    )


def build_done_modal(title: str, text: str) -> dict[str, Any]:
    """The confirmation a submitted pie modal turns into."""
    return modal(callback_id=PieModal.DONE, title=title, blocks=[section(text)], submit=None, close="Done")


def state_value(values: dict[str, Any], block_id: str) -> Any:
    """The state of one input block of a submitted modal (its only element)."""
    block = values.get(block_id) or {}
    element: Any = next(iter(block.values()), {}) if isinstance(block, dict) else {}
    return element if isinstance(element, dict) else {}


def parse_date(raw: Any, field: str) -> date:
    """A datepicker's value as a date (UserError on the field when missing)."""
    from bot.domain.errors import UserError

    try:
        return date.fromisoformat(str(raw))
    except (TypeError, ValueError):
        raise UserError("Pick a date.", field=field) from None


def metadata(view: dict[str, Any]) -> dict[str, int]:
    """The ids a pie modal carries in private_metadata."""
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return {k: int(v) for k, v in data.items() if isinstance(v, int)} if isinstance(data, dict) else {}

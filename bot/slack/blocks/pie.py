"""Block Kit for the pie: the status card, its modals, the channel celebrations and the managers' DMs.

Public messages (the channel) show team totals only; who claimed how much is on the card people ask
for themselves, listed in claim order and never ranked, so a small slice is never singled out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from bot.domain import figures
from bot.domain.checkpoints import (
    FIELD_CHECKPOINTS,
    Checkpoint,
    format_path,
    pace_line,
    path_summary,
)
from bot.domain.figures import pct
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
    format_amount,
    fraction,
    percent,
)
from bot.services.checkpoints import CheckpointDay, RepPace
from bot.services.pie_claims import ClaimOutcome
from bot.services.pie_reads import PieView, SliceLine
from bot.slack.blocks.common import (
    Block,
    actions,
    button,
    clip,
    context,
    divider,
    escape,
    escape_keeping_mentions,
    fit_lines,
    header,
    input_block,
    modal,
    option,
    plain,
    progress_bar,
    section,
)
from bot.slack.blocks.privacy import mention  # a forgotten member shows as "a former member"
from bot.slack.ids import CheckpointAction, CheckpointInput, CheckpointView, PieAction, PieInput
from bot.slack.ids import PieView as PieModal

MAX_SLICE_LINES = 30
NOTE_CLIP = 200
ChannelBuilder = Callable[[PieView], tuple[str, list[Block]]]


def _date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def closes_text(view: PieView) -> str:
    """When claims close, as people read it: 'end of Sun 29 Nov (America/New_York)'."""
    return f"end of {_date(view.claim_by)} ({view.tz})"


def claimers_text(view: PieView) -> str:
    """'3 of 5 reps have a slice' (singular and plural right)."""
    return figures.claimers_text(view.claimers, view.reps)


def _bar_line(label: str, part: int, view: PieView) -> str:
    return (
        f"{label} `{progress_bar(fraction(part, view.target))}` {pct(percent(part, view.target))} · "
        f"{view.money(part)} of {view.money(view.target)}"
    )


def _slice_line(line: SliceLine, view: PieView, viewer: str) -> str:
    who = mention(line.user_id) + (" (you)" if line.user_id == viewer else "")
    text = f"• {who}: *{view.money(line.amount)}*" if line.amount else f"• {who}: no slice"
    if line.progress:
        text += f" · {view.money(line.progress)} closed"
    if line.note:
        text += f" · _{escape_keeping_mentions(clip(line.note, NOTE_CLIP))}_"
    return text


def claims_line(view: PieView, now: datetime | None) -> str:
    """When claims close, or (after the deadline) that they are closed and what is left; with the days left."""
    if now is None:
        return f"Claims close at the {closes_text(view)}"
    numbers = view.figures(now)
    if numbers.claims_open:
        return f"Claims close at the {closes_text(view)} · {numbers.days_text} in the period"
    if numbers.left > 0:
        rest = f"{view.money(numbers.left)} of {view.money(view.target)} was left unclaimed"
    elif numbers.left == 0:
        rest = "the whole pie was claimed"
    else:
        rest = f"claims stretched {view.money(-numbers.left)} past the target"
    return f"Claims closed at the end of {_date(view.claim_by)}: {rest} · {numbers.days_text} in the period"


def build_pie_card(
    view: PieView, *, viewer: str, is_manager: bool, now: datetime | None = None
) -> list[Block]:
    """The status card: totals, bars, slices, deadline (or that claims are closed), and the buttons."""
    left = view.left
    closed = now is not None and not view.figures(now).claims_open
    if left > 0 and closed:
        left_text = f"*{view.money(left)}* unclaimed (claims are closed)"
    elif left > 0:
        left_text = f"*{view.money(left)}* left to claim"
    elif left == 0:
        left_text = "*All claimed* :tada:"
    else:
        left_text = f"*Stretched {view.money(-left)} past the target* :muscle:"
    blocks: list[Block] = [
        header(f"{view.team_name} · {view.title}"),
        section(
            f"{_bar_line('Claimed', view.claimed, view)}\n{_bar_line('Eaten  ', view.progress, view)}\n"
            f"{left_text} · {claimers_text(view)}"
        ),
        *pace_blocks(view),
    ]
    if view.slices:
        lines = [_slice_line(s, view, viewer) for s in view.slices[:MAX_SLICE_LINES]]
        text = fit_lines(
            "*Slices*",
            lines,
            hidden=max(0, len(view.slices) - MAX_SLICE_LINES),
            more=lambda n: f"…and {n} more",
        )
        blocks.append(section(text))
    else:
        blocks.append(section("Nobody has claimed a slice yet. Be the first: take what fits your pipeline."))
    facts = [
        claims_line(view, now),
        f"period ends {_date(view.period_end)}",
        f"an even cut is {view.money(view.equal_share)}",
    ]
    if view.allow_overclaim:
        facts.append("claims may stretch past the target")
    blocks.append(context(" · ".join(facts)))
    if is_manager and view.unclaimed_user_ids:
        who = ", ".join(f"<@{u}>" for u in view.unclaimed_user_ids[:20])
        blocks.append(context(f"Only you see this: no slice yet from {who}."))
    mine = view.slice_of(viewer)
    buttons = []
    if not is_manager:
        if mine is None or mine.amount == 0:
            buttons.append(button("Claim a slice", PieAction.CLAIM, value=str(view.team_id), style="primary"))
        buttons.append(button("Change my slice", PieAction.CHANGE, value=str(view.team_id)))
    else:
        buttons.append(button("Change the target", PieAction.LOWER_TARGET, value=str(view.pie_id)))
        buttons.append(button("Extend the deadline", PieAction.EXTEND, value=str(view.pie_id)))
    if view.pace is not None:  # the team's path, or the rep's own (issue 19)
        buttons.append(button("Checkpoints", CheckpointAction.OPEN, value=str(view.team_id)))
    blocks.append(actions(*buttons))
    blocks.append(
        context(
            "Take what fits your pipeline, your time off and your energy. A smaller slice while you "
            "recover is fine. `/claim-pie 20k` claims · `/claim-pie release` gives it back · "
            "`/claim-pie progress 5k` logs a win"
        )
    )
    return blocks


def build_claim_reply(
    outcome: ClaimOutcome, *, viewer: str, now: datetime | None = None
) -> tuple[str, list[Block]]:
    """The claimer's private confirmation, with the card below it."""
    view = outcome.view
    if outcome.before == 0:
        text = f":pie: You claimed *{view.money(outcome.amount)}* of *{escape(view.title)}*."
    elif outcome.before == outcome.amount:
        text = f":pie: Your slice stays at *{view.money(outcome.amount)}*; note updated."
    else:
        text = f":pie: Your slice is now *{view.money(outcome.amount)}* (was {view.money(outcome.before)})."
    if outcome.stretch:
        text += " That's a real stretch: thank you for reaching."
    if outcome.covered_now:
        text += " And with that, the whole pie is claimed! :tada:"
    return text, [section(text), divider(), *build_pie_card(view, viewer=viewer, is_manager=False, now=now)]


# --- modals -----------------------------------------------------------------------------------------


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


# --- messages ---------------------------------------------------------------------------------------


def build_baked(view: PieView) -> tuple[str, list[Block]]:
    """The channel hears a pie is out of the oven."""
    text = (
        f":pie: A fresh pie is out of the oven: *{escape(view.title)}*, {view.money(view.target)} for the team. "
        f"Claim the slice that fits your pipeline by the {closes_text(view)}."
    )
    return text, [
        section(text),
        context(
            "`/claim-pie` shows the pie · `/claim-pie 20k` claims · a smaller slice is fine when you need it"
        ),
        actions(button("Claim a slice", PieAction.CLAIM, value=str(view.team_id), style="primary")),
    ]


def build_covered(view: PieView) -> tuple[str, list[Block]]:
    """The channel celebrates: the claims cover the pie."""
    text = (
        f":tada: The whole *{escape(view.title)}* pie is claimed: {view.money(view.claimed)} of "
        f"{view.money(view.target)}, split by {view.claimers} of you. Thank you for reaching. Now let's eat it!"
    )
    return text, [section(text)]


def build_eaten(view: PieView) -> tuple[str, list[Block]]:
    """The channel celebrates: progress has eaten the pie."""
    text = (
        f":trophy: *{escape(view.title)}* is eaten! {view.money(view.progress)} closed against a "
        f"{view.money(view.target)} target. That's the whole team's work: well done, everyone."
    )
    return text, [section(text)]


def build_closed(view: PieView) -> tuple[str, list[Block]]:
    """The channel's wrap-up when a manager closes the period: totals only, no names."""
    text = (
        f":checkered_flag: *{escape(view.title)}* is closed. Together we closed {view.money(view.progress)} "
        f"({percent(view.progress, view.target)}% of {view.money(view.target)}). Thank you for every swing you took."
    )
    return text, [section(text)]


def build_close_summary(view: PieView, *, viewer: str) -> tuple[str, list[Block]]:
    """The closing manager's private summary."""
    text = f":checkered_flag: *{escape(view.title)}* is closed and kept as history."
    lines = [
        _bar_line("Claimed", view.claimed, view),
        _bar_line("Eaten", view.progress, view),
    ]
    blocks = [section(text), section("\n".join(lines))]
    if view.slices:
        blocks.append(
            section(
                fit_lines(
                    "*Slices*",
                    [_slice_line(s, view, viewer) for s in view.slices[:MAX_SLICE_LINES]],
                    hidden=max(0, len(view.slices) - MAX_SLICE_LINES),
                    more=lambda n: f"…and {n} more",
                )
            )
        )
    blocks.append(
        context(
            "The channel got a short wrap-up with the team's totals (no names). Bake the next one with `/claim-pie new`."
        )
    )
    return text, blocks


def build_reminder(view: PieView, *, number: int) -> tuple[str, list[Block]]:
    """A rep's private nudge to claim (at most two per pie)."""
    text = (
        f":pie: {escape(view.team_name)}'s *{escape(view.title)}* pie closes for claims at the "
        f"{closes_text(view)}. {view.money(max(0, view.left))} is still unclaimed."
    )
    return text, [
        section(text),
        context(
            "Claim what fits your pipeline, time off and energy: a smaller slice while you recover is "
            "perfectly fine." + (" This is the last reminder." if number >= 2 else "")
        ),
        actions(button("Claim a slice", PieAction.CLAIM, value=str(view.team_id), style="primary")),
    ]


def build_deadline_dm(view: PieView) -> tuple[str, list[Block]]:
    """A manager's private note at the deadline when pie is left, with three ways forward."""
    text = (
        f":hourglass: Claims for *{escape(view.title)}* ({escape(view.team_name)}) closed with "
        f"*{view.money(view.left)} unclaimed* of {view.money(view.target)}."
    )
    claimed = [s for s in view.slices if s.amount]
    lines = [
        f"• {mention(s.user_id)}: {view.money(s.amount)}"
        + (f" · _{escape_keeping_mentions(clip(s.note, NOTE_CLIP))}_" if s.note else "")
        for s in claimed
    ]
    blocks: list[Block] = [
        section(text),
        section(
            fit_lines("*Who claimed what*", lines, more=lambda n: f"…and {n} more")
            if lines
            else "*Who claimed what*\nNobody claimed a slice."
        ),
    ]
    if view.unclaimed_user_ids:
        blocks.append(context("No slice: " + ", ".join(f"<@{u}>" for u in view.unclaimed_user_ids[:20])))
    blocks.append(
        context(
            "Unclaimed pie is feedback: the target may be too aggressive, or something is in the way. Only you see this."
        )
    )
    value = str(view.pie_id)
    blocks.append(
        actions(
            button("Lower the target", PieAction.LOWER_TARGET, value=value),
            button("Extend the deadline", PieAction.EXTEND, value=value),
            button("Talk it through", PieAction.TALK, value=value),
        )
    )
    return text, blocks


def build_snap_heads_up(view: PieView, *, rep_user_id: str, amount: int) -> tuple[str, list[Block]]:
    """A manager's private heads-up: a rep who last checked in from the snap zone took a big slice."""
    text = (
        f":eyes: Heads-up: <@{rep_user_id}> just claimed *{view.money(amount)}* of *{escape(view.title)}*, above an "
        f"even cut ({view.money(view.equal_share)}), and their last check-in was in the snap zone."
    )
    return text, [
        section(text),
        context(
            "Maybe a great sign, maybe over-commitment. A quiet one-on-one check beats a public comment. "
            "Only you and the team's other managers see this."
        ),
    ]


def build_home_pie(
    view: PieView,
    *,
    viewer: str,
    is_manager: bool,
    now: datetime | None = None,
    rep_pace: RepPace | None = None,
) -> list[Block]:
    """The App Home section for one team's open pie (with the viewer's own pace, only they see it)."""
    mine = view.slice_of(viewer)
    if is_manager:
        you = f"{claimers_text(view)}."
    elif mine and mine.amount:
        you = f"Your slice: *{view.money(mine.amount)}*, {view.money(mine.progress)} closed so far."
    else:
        you = "You haven't claimed a slice yet."
    blocks: list[Block] = [
        section(
            f":pie: *{escape(view.team_name)} · {escape(view.title)}*\n{_bar_line('Claimed', view.claimed, view)}\n"
            f"{_bar_line('Eaten', view.progress, view)}\n{you}"
        ),
        context(f"{claims_line(view, now)} · `/claim-pie` for the whole pie"),
    ]
    if view.pace is not None:
        blocks.append(context(f"Team pace: {pace_line(view.pace, view.currency)}"))
    if rep_pace is not None:
        blocks.append(build_rep_pace_section(rep_pace))
    if not is_manager:
        label, action = (
            ("Change my slice", PieAction.CHANGE)
            if mine and mine.amount
            else ("Claim a slice", PieAction.CLAIM)
        )
        blocks.append(actions(button(label, action, value=str(view.team_id))))
    return blocks


# --- checkpoints and pace (issue 19) ----------------------------------------------------------------

PATH_MAX_LENGTH = 600
MIN_CONTRIBUTORS = 3
PRESSURE_FIELD = "pie_pressure"


def pace_blocks(view: PieView) -> list[Block]:
    """The team's pace and its checkpoints on the pie card (nothing while a view carries no pace)."""
    if view.pace is None:
        return []
    return [
        section(f"*Team pace* · {pace_line(view.pace, view.currency)}"),
        context(
            f"Checkpoints: {path_summary(view.path, view.currency)} · `/claim-pie checkpoints` to see or shape them"
        ),
    ]


def build_rep_pace_section(mine: RepPace) -> Block:
    """A rep's own pace (their Home, their manager's 1:1 page; never a channel)."""
    shape = "your own shape" if mine.reshaped else "the team's path, pro rata"
    money = lambda minor: format_amount(minor, mine.currency)  # noqa: E731
    return section(
        f"*Your pace* ({money(mine.slice_amount)} slice, {shape}) · only you and your managers see this\n"
        + pace_line(mine.pace, mine.currency)
        + f"\n_{path_summary(mine.path, mine.currency)}_"
    )


def checkpoints_input(*, initial: str, example: str, optional: bool) -> Block:
    """The checkpoints field: one 'amount by date' per line."""
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": CheckpointInput.PATH,
        "multiline": True,
        "max_length": PATH_MAX_LENGTH,
    }
    if initial:
        element["initial_value"] = initial[:PATH_MAX_LENGTH]
    if example:
        element["placeholder"] = plain(example.replace("\n", "; ")[:150])
    return input_block(
        FIELD_CHECKPOINTS,
        "Checkpoints",
        element,
        optional=optional,
        hint="One per line, a running total and a working day: 30k by 31 Jan. "
        "Leave empty for one per month, spread by working days.",
    )


def build_checkpoints_modal(
    view: PieView,
    *,
    path: tuple[Checkpoint, ...],
    is_manager: bool,
    pressure_on: bool = False,
    rep_pace: RepPace | None = None,
) -> dict[str, Any]:
    """`/claim-pie checkpoints`: a manager edits the team's path (and the pressure question), a rep their own."""
    blocks: list[Block] = []
    if view.pace is not None:
        blocks.append(section(f"*Team pace* · {pace_line(view.pace, view.currency)}"))
    if is_manager:
        blocks.append(
            context(
                f"The path the team's pace is measured against; each rep's path is it, pro rata to their slice. Target {view.money(view.target)}, period ends {_date(view.period_end)}."
            )
        )
        blocks.append(checkpoints_input(initial=format_path(path, view.currency), example="", optional=True))
        pressure: dict[str, Any] = {
            "type": "checkboxes",
            "action_id": CheckpointInput.PRESSURE,
            "options": [option("Ask the anonymous weekly pressure question", "on")],
        }
        if pressure_on:
            pressure["initial_options"] = [option("Ask the anonymous weekly pressure question", "on")]
        blocks.append(
            input_block(
                PRESSURE_FIELD,
                "Guardrail",
                pressure,
                optional=True,
                hint='"This week, did you feel pushed to cut corners with a customer?" Only the team\'s counts are '
                "kept, and you see them in the digest once at least 3 people answer.",
            )
        )
        submit = "Save"
    elif rep_pace is None:
        blocks.append(
            section("Claim your slice first (`/claim-pie 20k`); then you can shape your path to it.")
        )
        submit = None
    else:
        blocks.append(build_rep_pace_section(rep_pace))
        blocks.append(
            context(
                "Reshape your path if your deals land late: less now, more at the end, as long as it reaches "
                f"your slice ({view.money(rep_pace.slice_amount)}) by {_date(view.period_end)}. Empty it to follow the team's path."
            )
        )
        blocks.append(checkpoints_input(initial=format_path(path, view.currency), example="", optional=True))
        submit = "Save my path"
    return modal(
        callback_id=CheckpointView.EDIT,
        title="Checkpoints",
        blocks=blocks,
        submit=submit,
        close="Close" if submit is None else "Cancel",
        # "team" (a manager's form) is submitted by managers only, whoever else gets hold of it.
        private_metadata=json.dumps({"team": view.team_id, "pie": view.pie_id, "team_path": int(is_manager)}),
    )


def build_checkpoint_card(day: CheckpointDay) -> tuple[str, list[Block]]:
    """The channel's card on a checkpoint's day: the team's figures, celebrating; nobody is named."""
    money = lambda minor: format_amount(minor, day.currency)  # noqa: E731
    title = day.title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    point = day.checkpoint
    label = f"checkpoint {day.number} of {day.of}: {money(point.amount)} by {point.day.day} {point.day:%b}"
    if day.passed:
        headline = f"🏁 *{title}* · the team passed {label}!"
        body = f"{money(day.progress)} closed so far, {percent(day.progress, day.target)} % of the whole pie. Every deal in it counts."
    else:
        headline = f"📍 *{title}* · {label}"
        body = (
            f"{money(day.progress)} closed so far ({percent(day.progress, point.amount)} % of this checkpoint), "
            f"{money(point.amount - day.progress)} to go. Distance, not speed: keep the rhythm."
        )
    if day.contributors >= MIN_CONTRIBUTORS:  # fewer would single out who hasn't closed yet
        body += f"\n{day.contributors} {'person has' if day.contributors == 1 else 'people have'} put revenue on the board this period."
    if day.next_checkpoint is not None:
        nxt = day.next_checkpoint
        body += f"\nNext: {money(nxt.amount)} by {nxt.day.day} {nxt.day:%b}."
    text = f"{day.title}: {label}. {money(day.progress)} closed so far."
    return text, [section(headline), section(body)]

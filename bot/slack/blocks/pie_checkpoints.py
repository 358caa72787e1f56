"""Block Kit for the pie's checkpoints and pace (issue 19): the pace lines, the checkpoints modal, the checkpoint card."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.domain.checkpoints import (
    FIELD_CHECKPOINTS,
    Checkpoint,
    format_path,
    pace_line,
    path_summary,
)
from bot.domain.pie import (
    format_amount,
    percent,
)
from bot.services.checkpoints import CheckpointDay, RepPace
from bot.services.pie_reads import PieView
from bot.slack.blocks.common import (
    Block,
    context,
    input_block,
    modal,
    option,
    plain,
    section,
)
from bot.slack.ids import CheckpointInput, CheckpointView

PATH_MAX_LENGTH = 600
MIN_CONTRIBUTORS = 3
PRESSURE_FIELD = "pie_pressure"


def short_date(day: date) -> str:
    """A day as the pie's texts show it: Fri 31 Jan."""
    return f"{day:%a} {day.day} {day:%b}"


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
                f"The path the team's pace is measured against; each rep's path is it, pro rata to their slice. Target {view.money(view.target)}, period ends {short_date(view.period_end)}."
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
                f"your slice ({view.money(rep_pace.slice_amount)}) by {short_date(view.period_end)}. Empty it to follow the team's path."
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

"""Quiet-rep alert messages: the manager's DM (with its three buttons, or who took it), and the thresholds
card and modal of `/stretch alerts`."""

from __future__ import annotations

import json

from bot.domain.alert_settings import SETTING_RANGES, AlertSettings
from bot.models.alerts import ALERT_OPEN
from bot.services.alerts.cards import LIVE_EVIDENCE, AlertCard, handled_note
from bot.slack.blocks.common import Block, actions, button, context, escape, header, modal, plain, section
from bot.slack.ids import AlertAction, AlertBlock, AlertView, OneOnOneAction

PRIVACY = "Only this team's managers see this. The rep is not told, and nothing is posted in any channel."


def build_alert_dm(card: AlertCard, *, viewer_person_id: int | None) -> tuple[str, list[Block]]:
    """A manager's alert: who, what changed, the numbers, a next step, and the buttons (or who took it)."""
    who = f"<@{card.rep_user_id}>" if card.rep_user_id else escape(card.rep_name)
    title = card.title or f"{card.rep_name}: {card.signal_label}"
    headline = f"Raised again, nobody has acknowledged it yet · {title}" if card.escalated else title
    text = f"Quiet-rep alert for {card.team_name}: {title}."
    blocks: list[Block] = [header(f":eyes: {headline}")]
    lines = [f"*Who:* {who} on *{escape(card.team_name)}*"]
    if card.signal in LIVE_EVIDENCE and card.live:
        # Figures as they stand now, not those of the day it was raised.
        lines.append(f"*What changed:* {' · '.join(card.live)}")
    else:
        lines.append(f"*What changed:* {card.evidence}")
        if card.live:
            lines.append(f"*Now:* {' · '.join(card.live)}")
    if card.is_new:
        lines.append(
            ":seedling: *New to Stretch:* no baseline of their own yet, so this is about their first "
            "check-ins, not a change from their usual."
        )
    if card.strong_record:
        lines.append(":star: *Strong record:* until now one of the team's most consistent reps.")
    if card.escalated:
        lines.append(":rotating_light: Nobody acknowledged this in 3 working days, so here it is once more.")
    blocks.append(section("\n".join(lines)))
    if card.suggested_step:
        blocks.append(section(f":bulb: *A next step:* {card.suggested_step}"))
    if card.status == ALERT_OPEN:
        value = str(card.alert_id)
        blocks.append(
            actions(
                button("I'll check in", AlertAction.ACKNOWLEDGE, value=value, style="primary"),
                button("Snooze a week", AlertAction.SNOOZE, value=value),
                button("Not a concern", AlertAction.DISMISS, value=value),
                block_id=AlertBlock.ACTIONS,
            )
        )
    else:
        blocks.append(section(f":white_check_mark: {handled_note(card, viewer_person_id=viewer_person_id)}"))
    if card.team_id and card.person_id:
        blocks.append(
            actions(
                button(
                    f"Open {card.rep_name}'s page",
                    OneOnOneAction.OPEN,
                    value=f"{card.team_id}:{card.person_id}",
                ),
                block_id=AlertBlock.PAGE,
            )
        )
    compared = (
        "New to Stretch: read against what first check-ins usually look like."
        if card.is_new
        else "Compared with their own last few weeks, not the team's."
    )
    blocks.append(context(f":lock: {PRIVACY} {compared}"))
    return text, blocks


def _format(value: float) -> str:
    return f"{value:g}"


def build_settings_card(*, team_id: int, team_name: str, settings: AlertSettings, live: int) -> list[Block]:
    """The thresholds `/stretch alerts` shows a manager, with a button to change them."""
    lines = [
        f"• {label}: *{_format(getattr(settings, name))}*"
        for name, (label, _, _, _) in SETTING_RANGES.items()
    ]
    waiting = (
        f"{live} alert{'s' if live != 1 else ''} open or in hand right now." if live else "No open alerts."
    )
    return [
        section(f":bell: *Quiet-rep alerts for {escape(team_name)}*\n" + "\n".join(lines)),
        context(f"{waiting} {PRIVACY}"),
        actions(button("Change thresholds", AlertAction.EDIT_SETTINGS, value=str(team_id))),
    ]


def build_settings_modal(*, team_id: int, team_name: str, settings: AlertSettings) -> dict[str, object]:
    """The thresholds modal: one number per setting, with its allowed range as the hint."""
    blocks: list[Block] = [
        section(f"Alerts compare each rep of *{escape(team_name)}* with their own last few weeks."),
    ]
    for name, (label, low, high, _) in SETTING_RANGES.items():
        blocks.append(
            {
                "type": "input",
                "block_id": name,
                "label": plain(label),
                "hint": plain(f"From {_format(low)} to {_format(high)}."),
                "element": {
                    "type": "plain_text_input",
                    "action_id": name,
                    "initial_value": _format(getattr(settings, name)),
                },
            }
        )
    return modal(
        callback_id=AlertView.SETTINGS,
        title="Alert thresholds",
        blocks=blocks,
        private_metadata=json.dumps({"team_id": team_id}),
    )


def read_settings_metadata(raw: str) -> int | None:
    """The team id the thresholds modal was opened for."""
    try:
        value = json.loads(raw or "{}").get("team_id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None

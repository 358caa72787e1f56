"""Quiet-rep alert messages: the manager's DM (with its three buttons, or who took it), and the thresholds
card and modal of `/stretch alerts`."""

from __future__ import annotations

import json

from bot.domain.alerts import SETTING_RANGES, AlertSettings
from bot.models.alerts import ALERT_OPEN
from bot.services.alerts import SIGNAL_TITLES, AlertCard, handled_note
from bot.slack.blocks.common import Block, actions, button, context, header, modal, plain, section
from bot.slack.ids import AlertAction, AlertBlock, AlertView

PRIVACY = "Only this team's managers see this. The rep is not told, and nothing is posted in any channel."


def build_alert_dm(card: AlertCard, *, viewer_person_id: int | None) -> tuple[str, list[Block]]:
    """A manager's alert: who, what changed, the numbers, a next step, and the buttons (or who took it)."""
    who = f"<@{card.rep_user_id}>" if card.rep_user_id else card.rep_name
    headline = (
        f"Your best rep is suddenly quiet: {card.rep_name} ({card.signal_label})"
        if card.strong_record
        else f"{card.rep_name} seems quieter than usual: {card.signal_label}"
    )
    text = f"Quiet-rep alert for {card.team_name}: {who} {card.signal_label}."
    own_title = SIGNAL_TITLES.get(card.signal)
    if own_title:  # a signal with its own headline (e.g. the pie's hidden risks)
        headline = own_title.format(name=card.rep_name)
        text = f"{headline} ({card.team_name}): {card.evidence}"
    blocks: list[Block] = [header(f":eyes: {headline}")]
    lines = [f"*Who:* {who} on *{card.team_name}*", f"*What changed:* {card.evidence}"]
    if card.strong_record:
        lines.append(":star: *Strong record:* until now one of the team's most consistent reps.")
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
    blocks.append(context(f":lock: {PRIVACY} Compared with their own last few weeks, not the team's."))
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
        section(f":bell: *Quiet-rep alerts for {team_name}*\n" + "\n".join(lines)),
        context(f"{waiting} {PRIVACY}"),
        actions(button("Change thresholds", AlertAction.EDIT_SETTINGS, value=str(team_id))),
    ]


def build_settings_modal(*, team_id: int, team_name: str, settings: AlertSettings) -> dict[str, object]:
    """The thresholds modal: one number per setting, with its allowed range as the hint."""
    blocks: list[Block] = [
        section(f"Alerts compare each rep of *{team_name}* with their own last few weeks."),
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

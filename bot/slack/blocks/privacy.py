"""Block Kit for people's data: the "forget me" confirmation, its result, and the short texts of exports
and of the managers' one-line note."""

from __future__ import annotations

from typing import Any

from bot.domain.privacy import FORGET_DELETES, FORGET_KEEPS, FORMER_MEMBER
from bot.slack.blocks.common import Block, context, input_block, modal, option, plain, section
from bot.slack.ids import PrivacyInput, PrivacyView

CONFIRM_VALUE = "forget"


def escape(text: str) -> str:
    """User text made safe for mrkdwn (escaped once)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _bullets(lines: tuple[str, ...]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def build_forget_modal(*, user_id: str, teams: list[str]) -> dict[str, Any]:
    """The confirmation: exactly what goes, what stays as "a former member", and who is told."""
    told = (
        "Your managers in " + ", ".join(f"*{escape(t)}*" for t in teams) + " get a one-line note that you "
        "asked Stretch to forget you (nothing you wrote)."
        if teams
        else "You're on no team now, so no manager is told."
    )
    blocks: list[Block] = [
        section("*Deleted for good:*\n" + _bullets(FORGET_DELETES)),
        section(f"*Kept for the team's history, shown as “{FORMER_MEMBER}”:*\n" + _bullets(FORGET_KEEPS)),
        section(told),
        context("Want a copy first? Close this and type `/stretch export me`. This can't be undone."),
        input_block(
            PrivacyInput.CONFIRM_BLOCK,
            "Confirm",
            {
                "type": "checkboxes",
                "action_id": PrivacyInput.CONFIRM,
                "options": [option("I understand my data can't be brought back", CONFIRM_VALUE)],
            },
        ),
    ]
    return modal(
        callback_id=PrivacyView.FORGET,
        title="Forget me",
        blocks=blocks,
        submit="Forget me",
        close="Keep my data",
        private_metadata=user_id,
    )


def confirmed(values: dict[str, Any]) -> bool:
    """Whether the confirmation box was ticked in a submitted forget modal."""
    state = (values.get(PrivacyInput.CONFIRM_BLOCK) or {}).get(PrivacyInput.CONFIRM) or {}
    return any(o.get("value") == CONFIRM_VALUE for o in state.get("selected_options") or [])


def build_forgotten_view(*, forgotten: bool) -> dict[str, Any]:
    """What the modal turns into once the forget is done (or was done before)."""
    text = (
        ":wastebasket: Done. Stretch has deleted your answers, notes, moments and settings; what the team's "
        f"history keeps now shows “{FORMER_MEMBER}”. If you use Stretch again, it starts from nothing."
        if forgotten
        else ":white_check_mark: There was nothing left to forget: Stretch holds nothing about you."
    )
    return {
        "type": "modal",
        "callback_id": PrivacyView.FORGET,
        "title": plain("Forget me"),
        "close": plain("Close"),
        "blocks": [section(text)],
    }


def forgotten_note_text(*, user_id: str, team_name: str) -> str:
    """The managers' one line: who asked and in which team, nothing of what they wrote."""
    return (
        f"<@{user_id}> asked Stretch to forget their data in *{escape(team_name)}*: their check-ins and "
        f"notes are deleted, and their pie slices and shout-outs now show as “{FORMER_MEMBER}”."
    )


def export_started_text(what: str) -> str:
    """The ephemeral reply while an export is put together."""
    return f":package: Putting {what} together. The file will arrive in our DM in a moment (only you see it)."


def export_comment(*, what: str, rows: int, notes_included: bool | None = None) -> str:
    """The message that comes with the file in the DM."""
    extra = ""
    if notes_included is False:
        extra = " Reps' notes are left out: this team's setting keeps them out of managers' exports."
    elif notes_included:
        extra = " Reps' notes are included, as this team's setting allows."
    return (
        f"Here is {what}: {rows} rows, one CSV file per kind of record, in a zip. Formulas are "
        f"neutralised so a spreadsheet opens it safely.{extra}"
    )


def mention(user_id: str) -> str:
    """`<@U…>` for a person, or “a former member” for someone Stretch was asked to forget."""
    return FORMER_MEMBER if user_id.startswith("forgotten:") else f"<@{user_id}>"

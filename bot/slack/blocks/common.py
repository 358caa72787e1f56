"""Small Block Kit pieces every builder uses, with Slack's length limits applied."""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]

SECTION_TEXT_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
MODAL_TITLE_LIMIT = 24
CONTEXT_ELEMENTS_LIMIT = 10


def clip(text: str, limit: int) -> str:
    """Cut text to Slack's limit, ending in an ellipsis when it had to be cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str, *, emoji: bool = True) -> dict[str, Any]:
    """A plain_text object."""
    return {"type": "plain_text", "text": text, "emoji": emoji}


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object."""
    return {"type": "mrkdwn", "text": text}


def header(text: str) -> Block:
    """A header block."""
    return {"type": "header", "text": plain(clip(text, HEADER_LIMIT))}


def section(text: str, *, block_id: str | None = None, accessory: dict[str, Any] | None = None) -> Block:
    """A section of mrkdwn text, optionally with an accessory element."""
    block: Block = {"type": "section", "text": mrkdwn(clip(text, SECTION_TEXT_LIMIT))}
    if block_id:
        block["block_id"] = block_id
    if accessory:
        block["accessory"] = accessory
    return block


def fields(pairs: list[str]) -> Block:
    """A section of up to 10 mrkdwn fields."""
    return {"type": "section", "fields": [mrkdwn(clip(text, 2000)) for text in pairs[:10]]}


def context(*texts: str) -> Block:
    """A context block of small mrkdwn lines."""
    return {"type": "context", "elements": [mrkdwn(clip(t, 2000)) for t in texts[:CONTEXT_ELEMENTS_LIMIT]]}


def divider() -> Block:
    """A divider."""
    return {"type": "divider"}


def button(
    text: str, action_id: str, *, value: str | None = None, style: str | None = None, url: str | None = None
) -> dict[str, Any]:
    """A button element."""
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(clip(text, BUTTON_TEXT_LIMIT)),
        "action_id": action_id,
    }
    if value is not None:
        element["value"] = value
    if style:
        element["style"] = style
    if url:
        element["url"] = url
    return element


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    """An actions block."""
    block: Block = {"type": "actions", "elements": list(elements)[:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def option(text: str, value: str) -> dict[str, Any]:
    """An option for selects, checkboxes and radio buttons."""
    return {"text": plain(clip(text, 75)), "value": value}


def input_block(
    block_id: str, label: str, element: dict[str, Any], *, hint: str = "", optional: bool = False
) -> Block:
    """An input block of a modal: a labelled element with an optional hint."""
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def modal(
    *,
    callback_id: str,
    title: str,
    blocks: list[Block],
    submit: str | None = "Save",
    close: str = "Cancel",
    private_metadata: str = "",
) -> dict[str, Any]:
    """A modal view."""
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(clip(title, MODAL_TITLE_LIMIT)),
        "close": plain(clip(close, MODAL_TITLE_LIMIT)),
        "blocks": blocks,
        "private_metadata": private_metadata,
    }
    if submit:
        view["submit"] = plain(clip(submit, MODAL_TITLE_LIMIT))
    return view


def progress_bar(fraction: float, *, width: int = 10) -> str:
    """A Unicode progress bar: ▓▓▓▓░░░░░░ (over 100 % shows full)."""
    filled = max(0, min(width, round(fraction * width)))
    return "▓" * filled + "░" * (width - filled)


def ephemeral(text: str, blocks: list[Block] | None = None) -> dict[str, Any]:
    """The body of an ephemeral reply to a slash command."""
    body: dict[str, Any] = {"response_type": "ephemeral", "text": text}
    if blocks:
        body["blocks"] = blocks
    return body

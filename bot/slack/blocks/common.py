"""Small Block Kit pieces every builder uses, with Slack's length limits applied."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.domain.text import escape, escape_keeping_mentions, unescape

__all__ = ["escape", "escape_keeping_mentions", "unescape"]

Block = dict[str, Any]

SECTION_TEXT_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
MODAL_TITLE_LIMIT = 24
CONTEXT_ELEMENTS_LIMIT = 10


def clip(text: str, limit: int) -> str:
    """Cut text to Slack's limit, ending in an ellipsis when it had to be cut; never inside a `<…>`
    mention or link, nor inside an `&amp;`-style entity (Slack would show the half as text)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    opened, closed = cut.rfind("<"), cut.rfind(">")
    if opened > closed:
        cut = cut[:opened]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:] and len(cut) - amp <= 6:
        cut = cut[:amp]
    return cut.rstrip() + "…"


def fit_lines(
    head: str,
    lines: list[str],
    *,
    more: Callable[[int], str],
    hidden: int = 0,
    limit: int = SECTION_TEXT_LIMIT,
) -> str:
    """`head` and as many whole `lines` as fit in `limit` characters, then `more(n)` for the n lines left
    out (`hidden` counts lines the caller already left out). No line is ever cut mid-markup."""
    kept: list[str] = []
    size = len(head)
    for index, line in enumerate(lines):
        left_out = hidden + len(lines) - index - 1
        reserve = len(more(left_out)) + 1 if left_out else 0
        if size + 1 + len(line) + reserve > limit:
            break
        kept.append(line)
        size += 1 + len(line)
    left_out = hidden + len(lines) - len(kept)
    if left_out:
        kept.append(more(left_out))
    return "\n".join([head, *kept]) if head else "\n".join(kept)


def json_value(data: dict[str, Any], *, shrink: str, limit: int = BUTTON_VALUE_LIMIT) -> str:
    """A button value holding `data` as JSON, within Slack's 2,000 characters: the text under `shrink` is
    shortened until it fits (non-ASCII kept as it is, not as `\\uXXXX` escapes six times longer)."""
    text = str(data.get(shrink) or "")
    while True:
        value = json.dumps({**data, shrink: text}, ensure_ascii=False, separators=(",", ":"))
        if len(value) <= limit:
            return value
        text = text[: max(0, len(text) - (len(value) - limit) - 1)]


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

"""Block Kit as a person would read it in a terminal: pure functions from Slack JSON to lines of text.

Headers come out in capitals, sections as text (fields two to a line), context dim and indented, buttons
in [brackets] (a primary one marked with •), menus as [choice ▾], and mrkdwn mentions as @Name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

BOLD, DIM, RESET = "\033[1m", "\033[2m", "\033[0m"
CYAN, GREEN = "\033[36m", "\033[32m"

EMOJI = {
    "white_check_mark": "✅",
    "heavy_check_mark": "✔",
    "tada": "🎉",
    "pie": "🥧",
    "clap": "👏",
    "star": "⭐",
    "star2": "🌟",
    "warning": "⚠️",
    "wave": "👋",
    "raised_hands": "🙌",
    "muscle": "💪",
    "seedling": "🌱",
    "test_tube": "🧪",
    "bar_chart": "📊",
    "chart_with_upwards_trend": "📈",
    "calendar": "📅",
    "bell": "🔔",
    "speech_balloon": "💬",
    "eyes": "👀",
    "bulb": "💡",
    "rocket": "🚀",
    "trophy": "🏆",
    "sparkles": "✨",
    "hourglass_flowing_sand": "⏳",
    "hourglass": "⌛",
    "palm_tree": "🌴",
    "zap": "⚡",
    "large_green_circle": "🟢",
    "large_yellow_circle": "🟡",
    "red_circle": "🔴",
    "large_blue_circle": "🔵",
    "white_circle": "⚪",
    "memo": "📝",
    "mag": "🔍",
    "lock": "🔒",
    "thinking_face": "🤔",
    "hugging_face": "🤗",
    "handshake": "🤝",
    "dart": "🎯",
    "fire": "🔥",
}

_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_EMOJI = re.compile(r":([a-zA-Z0-9_+-]+):")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")


@dataclass(frozen=True)
class Style:
    """How to decorate text: ANSI colours, or plain."""

    color: bool = True

    def bold(self, text: str) -> str:
        """Bold (or as is, without colour)."""
        return f"{BOLD}{text}{RESET}" if self.color else text

    def dim(self, text: str) -> str:
        """Dim (or as is, without colour)."""
        return f"{DIM}{text}{RESET}" if self.color else text

    def italic(self, text: str) -> str:
        """Italic (or as is, without colour)."""
        return f"\033[3m{text}{RESET}" if self.color else text

    def tint(self, text: str, code: str) -> str:
        """In a colour (or as is)."""
        return f"{code}{text}{RESET}" if self.color else text


def mrkdwn(text: str, *, names: Mapping[str, str], style: Style) -> str:
    """Slack mrkdwn as terminal text: mentions and channels by name, links by label, emoji, *bold*, _italic_."""

    def link(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return "@" + (names.get(target[1:]) or label or target[1:])
        if target.startswith("#"):
            return "#" + (label or names.get(target[1:]) or target[1:])
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        return label or target

    out = _LINK.sub(link, text)
    out = _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), out)
    out = _BOLD.sub(lambda m: style.bold(m.group(1)), out)
    out = _ITALIC.sub(lambda m: style.italic(m.group(1)), out)
    return out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text(obj: Any, *, names: Mapping[str, str], style: Style) -> str:
    if not isinstance(obj, dict):
        return str(obj or "")
    raw = str(obj.get("text") or "")
    return mrkdwn(raw, names=names, style=style) if obj.get("type") == "mrkdwn" else raw


def element_label(element: Mapping[str, Any], *, names: Mapping[str, str], style: Style) -> str:
    """One interactive element as a bracketed label: [Button], [• Primary], [choice ▾], [⋯]."""
    kind = element.get("type")
    if kind == "button":
        label = _text(element.get("text"), names=names, style=style)
        if element.get("style") == "primary":
            return style.tint(f"[• {label}]", GREEN)
        return f"[{label}]"
    if kind == "overflow":
        return "[⋯]"
    if kind == "datepicker":
        return f"[📅 {element.get('initial_date') or 'pick a date'}]"
    if kind == "timepicker":
        return f"[🕘 {element.get('initial_time') or 'pick a time'}]"
    initial = element.get("initial_option")
    if isinstance(initial, dict):
        return f"[{_text(initial.get('text'), names=names, style=style)} ▾]"
    placeholder = element.get("placeholder")
    return f"[{_text(placeholder, names=names, style=style) or 'choose'} ▾]"


def _input_value(element: Mapping[str, Any], *, names: Mapping[str, str], style: Style) -> str:
    kind = element.get("type")
    if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
        return f"[ {element.get('initial_value') or ''} ]"
    if kind in ("multi_users_select",):
        return "[ " + ", ".join("@" + names.get(u, u) for u in element.get("initial_users", [])) + " ]"
    if kind == "users_select":
        user = element.get("initial_user")
        return f"[ @{names.get(user, user)} ]" if user else "[ pick someone ▾]"
    if kind in ("conversations_select", "channels_select"):
        channel = element.get("initial_conversation") or element.get("initial_channel")
        return f"[ #{names.get(channel, channel)} ]" if channel else "[ pick a channel ▾]"
    if kind in ("checkboxes", "multi_static_select", "radio_buttons"):
        chosen = element.get("initial_options") or (
            [element["initial_option"]] if element.get("initial_option") else []
        )
        options = element.get("options") or []
        picked = {str(o.get("value")) for o in chosen}
        marks = [
            ("☒ " if str(o.get("value")) in picked else "☐ ") + _text(o.get("text"), names=names, style=style)
            for o in options
        ]
        return "  ".join(marks) if options else "[ ▾ ]"
    return element_label(element, names=names, style=style)


def render_blocks(
    blocks: list[dict[str, Any]], *, names: Mapping[str, str] | None = None, style: Style | None = None
) -> list[str]:
    """Every block as lines of readable text (without the message's frame)."""
    names = names or {}
    style = style or Style(color=False)
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            header = _text(block.get("text"), names=names, style=style).upper()
            lines.append(style.bold(_EMOJI.sub(lambda m: EMOJI.get(m.group(1).lower(), m.group(0)), header)))
        elif kind == "section":
            if block.get("text"):
                lines.extend(_text(block["text"], names=names, style=style).splitlines())
            fields = [_text(f, names=names, style=style) for f in block.get("fields") or []]
            for left, right in zip(fields[::2], [*fields[1::2], ""], strict=False):
                lines.append(f"{left.replace(chr(10), ' · '):<38} {right.replace(chr(10), ' · ')}".rstrip())
            accessory = block.get("accessory")
            if isinstance(accessory, dict) and accessory.get("type") != "image":
                lines.append("    " + element_label(accessory, names=names, style=style))
        elif kind == "context":
            parts = [
                _text(e, names=names, style=style) if e.get("type") != "image" else ""
                for e in block.get("elements") or []
            ]
            lines.append("    " + style.dim(" · ".join(p for p in parts if p)))
        elif kind == "actions":
            labels = [element_label(e, names=names, style=style) for e in block.get("elements") or []]
            lines.append("  " + " ".join(labels))
        elif kind == "divider":
            lines.append(style.dim("─" * 40))
        elif kind == "input":
            label = _text(block.get("label"), names=names, style=style)
            optional = style.dim(" (optional)") if block.get("optional") and "optional" not in label else ""
            lines.append(f"{style.bold(label)}{optional}")
            lines.append("  " + _input_value(block.get("element") or {}, names=names, style=style))
            if block.get("hint"):
                lines.append("    " + style.dim(_text(block["hint"], names=names, style=style)))
        elif kind == "image":
            lines.append(f"[image: {block.get('alt_text', '')}]")
        elif kind == "rich_text":
            lines.extend(_rich_text(block).splitlines())
    return lines


def _rich_text(node: Any) -> str:
    if isinstance(node, dict):
        if node.get("type") == "text":
            return str(node.get("text", ""))
        return "".join(_rich_text(child) for child in node.get("elements", []))
    if isinstance(node, list):
        return "".join(_rich_text(child) for child in node)
    return ""


def render_message(
    *,
    heading: str,
    text: str,
    blocks: list[dict[str, Any]] | None,
    names: Mapping[str, str] | None = None,
    style: Style | None = None,
) -> str:
    """A whole message: a heading line (who got it, when), then its blocks (or its text when it has
    none), indented under a bar."""
    names = names or {}
    style = style or Style(color=False)
    body = (
        render_blocks(blocks, names=names, style=style)
        if blocks
        else mrkdwn(text, names=names, style=style).splitlines()
    )
    bar = style.dim("│")
    return "\n".join([style.tint(heading, CYAN), *(f"  {bar} {line}" for line in body)])


def render_modal(
    view: Mapping[str, Any], *, names: Mapping[str, str] | None = None, style: Style | None = None
) -> list[str]:
    """A modal: its title in a box line, its blocks, and its submit button."""
    style = style or Style(color=False)
    names = names or {}
    title = _text(view.get("title"), names=names, style=style)
    lines = [style.bold(f"┌ {title} ┐")]
    lines.extend(render_blocks(list(view.get("blocks") or []), names=names, style=style))
    buttons = []
    if view.get("close"):
        buttons.append(f"[{_text(view['close'], names=names, style=style)}]")
    if view.get("submit"):
        buttons.append(style.tint(f"[• {_text(view['submit'], names=names, style=style)}]", GREEN))
    if buttons:
        lines.append("  " + " ".join(buttons))
    return lines

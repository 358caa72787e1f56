"""The demo's renderer: Block Kit read as text, with a table of blocks and what a person sees."""

from __future__ import annotations

from typing import Any

import pytest

from bot.demo.render import Style, mrkdwn, render_blocks, render_message, render_modal

NAMES = {"U0RAJ": "Raj", "C0SALES": "sales-team"}
PLAIN = Style(color=False)


def _text(kind: str, text: str) -> dict[str, Any]:
    return {"type": kind, "text": text}


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        ([{"type": "header", "text": _text("plain_text", "Weekly digest :wave:")}], ["WEEKLY DIGEST 👋"]),
        ([{"type": "section", "text": _text("mrkdwn", "*Bold* and <@U0RAJ>")}], ["Bold and @Raj"]),
        (
            [{"type": "section", "fields": [_text("mrkdwn", "*Zone*"), _text("mrkdwn", "stretch")]}],
            ["Zone                                   stretch"],
        ),
        (
            [{"type": "context", "elements": [_text("mrkdwn", "one"), _text("plain_text", "two")]}],
            ["    one · two"],
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {"type": "button", "text": _text("plain_text", "Keep"), "action_id": "k"},
                        {"type": "button", "text": _text("plain_text", "Submit"), "style": "primary"},
                        {"type": "overflow", "options": []},
                    ],
                }
            ],
            ["  [Keep] [• Submit] [⋯]"],
        ),
        ([{"type": "divider"}], ["─" * 40]),
        (
            [{"type": "section", "text": _text("mrkdwn", "• @Raj: $8,000 · _rebuild first_")}],
            ["• @Raj: $8,000 · rebuild first"],
        ),
        (
            [{"type": "section", "text": _text("mrkdwn", "Claimed `▓▓▓░░` 60%")}],
            ["Claimed `▓▓▓░░` 60%"],
        ),
        (
            [
                {
                    "type": "section",
                    "text": _text("mrkdwn", "Pick one"),
                    "accessory": {"type": "button", "text": _text("plain_text", "Open"), "action_id": "o"},
                }
            ],
            ["Pick one", "    [Open]"],
        ),
    ],
)
def test_each_kind_of_block_reads_as_text(blocks: list[dict[str, Any]], expected: list[str]) -> None:
    assert render_blocks(blocks, names=NAMES, style=PLAIN) == expected


def test_mrkdwn_names_people_and_channels_and_keeps_link_labels() -> None:
    text = "<@U0RAJ|raj> in <#C0SALES> and <#C9|other>, see <https://x.test|the guide> &amp; :tada:"
    assert mrkdwn(text, names=NAMES, style=PLAIN) == "@Raj in #sales-team and #other, see the guide & 🎉"


def test_colour_is_only_added_when_asked_for() -> None:
    blocks = [{"type": "section", "text": _text("mrkdwn", "*hi*")}]
    assert "\033[" not in "".join(render_blocks(blocks, style=PLAIN))
    assert "\033[1mhi\033[0m" in render_blocks(blocks, style=Style(color=True))[0]


def test_a_message_without_blocks_shows_its_text_under_the_heading() -> None:
    shown = render_message(heading="Mon 09:30 · DM to Raj", text="Hello *Raj*", blocks=None, style=PLAIN)
    assert shown.splitlines() == ["Mon 09:30 · DM to Raj", "  │ Hello Raj"]


def test_a_modal_shows_its_title_inputs_with_initial_values_and_buttons() -> None:
    view = {
        "title": _text("plain_text", "Claim a slice"),
        "submit": _text("plain_text", "Claim"),
        "close": _text("plain_text", "Cancel"),
        "blocks": [
            {
                "type": "input",
                "block_id": "a",
                "label": _text("plain_text", "Your slice"),
                "element": {"type": "plain_text_input", "action_id": "x", "initial_value": "20k"},
            },
            {
                "type": "input",
                "block_id": "b",
                "optional": True,
                "label": _text("plain_text", "Who"),
                "element": {"type": "multi_users_select", "action_id": "y", "initial_users": ["U0RAJ"]},
            },
            {
                "type": "input",
                "block_id": "c",
                "label": _text("plain_text", "Days"),
                "element": {
                    "type": "checkboxes",
                    "action_id": "z",
                    "options": [
                        {"text": _text("plain_text", "Mon"), "value": "mon"},
                        {"text": _text("plain_text", "Tue"), "value": "tue"},
                    ],
                    "initial_options": [{"text": _text("plain_text", "Mon"), "value": "mon"}],
                },
            },
        ],
    }
    assert render_modal(view, names=NAMES, style=PLAIN) == [
        "┌ Claim a slice ┐",
        "Your slice",
        "  [ 20k ]",
        "Who (optional)",
        "  [ @Raj ]",
        "Days",
        "  ☒ Mon  ☐ Tue",
        "  [Cancel] [• Claim]",
    ]

"""The reply to someone who writes to Stretch in its Messages tab: what works from that chat."""

from __future__ import annotations

from bot.slack.blocks.common import Block, context, section

# Also the notification text (mobile shows only this).
DM_REPLY_TEXT = (
    "I don't read messages here. Type /stretch checkin for today's check-in, "
    "/stretch away 5d to pause check-ins, or /stretch help for everything."
)


def build_dm_reply() -> list[Block]:
    """What Stretch can do from its Messages tab, as a short card."""
    return [
        section(
            ":wave: I don't read messages here, but these work right in this chat:\n"
            "• `/stretch checkin`  today's check-in now, or catch up on the open one\n"
            "• `/stretch away 5d`  pause check-ins and nudges (or `away until 2026-12-28`)\n"
            "• `/stretch help`  everything else I can do"
        ),
        context("Your check-ins, nudges and recaps arrive in this chat. Buttons on them work as usual."),
    ]

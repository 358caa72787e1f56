"""`/stretch huddle`: a manager posts the huddle card now, for an unscheduled huddle."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot import kinds
from bot.db import session_scope
from bot.jobs.outbox import send_now
from bot.services.huddles.card import start_huddle_now
from bot.slack.blocks.common import ephemeral
from bot.slack.blocks.help import HelpEntry
from bot.slack.deps import Deps
from bot.slack.listeners.commands.registry import Subcommand
from bot.slack.payloads import CommandRequest, asked_of


def huddle_now(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any] | None:
    """Post the card now; the recap reaches managers a couple of hours later."""
    now = deps.now()
    with session_scope(deps.session_factory) as session:
        huddle = start_huddle_now(session=session, asked=asked_of(req), now=now)
        huddle_id, channel_id = huddle.id, huddle.channel_id
    # The outbox sends it (once, with retries); asking for it now means no wait for the next tick.
    report = send_now(
        session_factory=deps.session_factory,
        client=client,
        dedupe_key=kinds.huddle_card_key(huddle_id),
        now=now,
        kinds=deps.wiring.kinds,
        asked_for=False,
    )
    if report.sent:
        return ephemeral(
            f":white_check_mark: The huddle card is up in <#{channel_id}>. You'll get a private recap of "
            "who posted in its thread in about two hours."
        )
    return ephemeral(
        f"I couldn't post in <#{channel_id}> just now; I'll keep trying for the next hour. If I'm not in "
        "the channel, invite me with `/invite @Stretch` there."
    )


# The `/stretch` words this module answers, listed in bot/features.py.
SUBCOMMANDS = (
    Subcommand(
        names=("huddle",),
        handler=huddle_now,
        help=(
            HelpEntry(
                "/stretch huddle",
                "Post the huddle card in the team channel now (scheduled huddles are set in `/stretch setup`).",
                "Managers",
            ),
        ),
    ),
)

"""What a `/stretch` subcommand is: its words, its handler and its lines on the usage card.

Each command module lists its own in a `SUBCOMMANDS` tuple; `bot/features.py` gathers them, so every
process knows every word from its first request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.slack.blocks.help import HelpEntry
from bot.slack.deps import Deps
from bot.slack.payloads import CommandRequest

# A subcommand returns the body of its ephemeral reply, or None when it replied another way (a modal).
Handler = Callable[[CommandRequest, Deps, WebClient], dict[str, Any] | None]


@dataclass(frozen=True)
class Subcommand:
    """`/stretch <name>` for each of `names`, answered by `handler`, described by `help`."""

    names: tuple[str, ...]
    handler: Handler
    help: tuple[HelpEntry, ...] = ()

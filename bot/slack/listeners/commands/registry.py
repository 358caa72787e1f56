"""The `/stretch` subcommands and help lines, filled in by each feature's command module."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.slack.blocks.help import HelpEntry
from bot.slack.deps import Deps
from bot.slack.payloads import CommandRequest

# A subcommand returns the body of its ephemeral reply, or None when it replied another way (a modal).
Subcommand = Callable[[CommandRequest, Deps, WebClient], dict[str, Any] | None]

_SUBCOMMANDS: dict[str, Subcommand] = {}
_HELP: list[HelpEntry] = []


def subcommand(*names: str, help_entries: tuple[HelpEntry, ...] = ()) -> Callable[[Subcommand], Subcommand]:
    """Register a `/stretch <name>` handler under each name, with its lines for the usage card."""

    def decorate(fn: Subcommand) -> Subcommand:
        for name in names:
            if name in _SUBCOMMANDS and _SUBCOMMANDS[name] is not fn:
                raise ValueError(f"/stretch {name} is registered twice")
            _SUBCOMMANDS[name] = fn
        for entry in help_entries:
            add_help(entry)
        return fn

    return decorate


def add_help(entry: HelpEntry) -> None:
    """Add a line to the usage card (also for /claim-pie and /shoutout)."""
    if entry not in _HELP:
        _HELP.append(entry)


def lookup(name: str) -> Subcommand | None:
    """The handler for a subcommand word, if any."""
    return _SUBCOMMANDS.get(name)


def help_entries() -> list[HelpEntry]:
    """Every usage line registered so far."""
    return list(_HELP)


def names() -> list[str]:
    """Every registered subcommand word (aliases included), for the authorization matrix test."""
    return sorted(_SUBCOMMANDS)

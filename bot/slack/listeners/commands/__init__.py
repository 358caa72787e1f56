"""Slash commands: `/stretch` and its subcommands (each feature registers its own)."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.deps import Deps
from bot.slack.listeners.commands import checkins, stretch


def register(app: App, deps: Deps) -> None:
    """Register every slash command."""
    stretch.register(app, deps)
    checkins.register(app, deps)

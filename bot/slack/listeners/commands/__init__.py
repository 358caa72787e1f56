"""Slash commands: `/stretch` (its subcommands come from bot/features.py), `/shoutout`, `/claim-pie` and
`/claim-leads`."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.deps import Deps
from bot.slack.listeners.commands import leads, pie, shoutouts, stretch


def register(app: App, deps: Deps) -> None:
    """Register every slash command."""
    stretch.register(app, deps)
    shoutouts.register(app, deps)
    pie.register(app, deps)
    leads.register(app, deps)

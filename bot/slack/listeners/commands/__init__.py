"""Slash commands: `/stretch` and its subcommands (each feature registers its own)."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.deps import Deps

# Importing a feature's module registers its `/stretch` subcommands (pilots has no other command).
from bot.slack.listeners.commands import (  # noqa: F401
    alerts,
    checkins,
    digest,
    huddles,
    pie,
    pilots,
    shoutouts,
    stretch,
)


def register(app: App, deps: Deps) -> None:
    """Register every slash command."""
    stretch.register(app, deps)
    shoutouts.register(app, deps)
    pie.register(app, deps)
    checkins.register(app, deps)
    digest.register(app, deps)
    # --- lead lists (issue 18): move into bot/features.py when it lands ---
    from bot.slack.listeners.commands import leads

    leads.register(app, deps)
    # --- end of lead lists ---

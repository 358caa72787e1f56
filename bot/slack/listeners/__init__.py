"""Bolt listeners, one package per request kind; each exposes register(app, deps)."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.deps import Deps
from bot.slack.listeners import actions, commands, events, one_on_one, views


def register_all(app: App, deps: Deps) -> None:
    """Register every listener of every kind."""
    commands.register(app, deps)
    actions.register(app, deps)
    views.register(app, deps)
    events.register(app, deps)
    # --- issue 17 (1:1 pages): the lead moves this into bot/features.py ---
    one_on_one.register_feature(app, deps)

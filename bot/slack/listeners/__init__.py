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
    one_on_one.register(app, deps)  # the 1:1 page's buttons and modal (issue 17)

"""The feature job modules; importing this registers their planners and delivery kinds."""

from bot.jobs import shoutouts  # noqa: F401

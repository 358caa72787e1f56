"""The feature job modules; importing this registers their planners and delivery kinds."""

from bot.jobs import checkins  # noqa: F401

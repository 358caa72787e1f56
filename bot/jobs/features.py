"""The feature job modules; importing this registers their planners and delivery kinds."""

from bot.jobs import (
    pie,  # noqa: F401  (the pie's reminders, deadline notes and celebrations)
    pilots,  # noqa: F401
    shoutouts,  # noqa: F401
)

"""The feature job modules; importing this registers their planners and delivery kinds."""

from bot.jobs import (
    pilots,  # noqa: F401
    shoutouts,  # noqa: F401
)

"""The feature job modules; importing this registers their planners and delivery kinds."""

from bot.jobs import (  # noqa: F401
    checkins,  # check-in DMs, nudges and missed marks
    huddles,  # huddle cards before team huddles, managers' recaps after
    pie,  # the pie's reminders, deadline notes and celebrations
    pilots,  # kickoff, mid-point, review and summary reminders
    shoutouts,  # managers' daily drafted shout-outs
)

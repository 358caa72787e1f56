"""The feature job modules; importing this registers their planners and delivery kinds."""

from bot.jobs import (  # noqa: F401
    alerts,  # quiet-rep alerts to managers
    attention,  # the welcome DM (the message budget runs inside the outbox sender)
    checkins,  # check-in DMs, nudges and missed marks
    digest,  # managers' weekly digest DMs
    huddles,  # huddle cards before team huddles, managers' recaps after
    pie,  # the pie's reminders, deadline notes and celebrations
    pilots,  # kickoff, mid-point, review and summary reminders
    shoutouts,  # managers' daily drafted shout-outs
)

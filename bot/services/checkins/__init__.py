"""Pulse check-ins, one module per job: the team's questions, answering, `/stretch checkin` on demand,
away and skip dates, and what other features read (zones, a rep's pulse). The tick's planner is
bot/jobs/checkins.py."""

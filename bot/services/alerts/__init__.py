"""Quiet-rep alerts, one module per job: the signals features raise and the team's thresholds (signals),
and the alert as its managers see it and act on it (cards). The engine that opens and recovers episodes
and plans their DMs is the planner, bot/jobs/alerts.py. Everything is private to the team's managers:
nothing is ever addressed to the rep or to a channel."""

"""Pilot Block Kit: the messages (reframe card, reminder DMs, summary), the modals, and the lists."""

"""Stretch: a Slack bot that helps sales leaders see whether goals stretch or snap their reps."""

__version__ = "0.1.0"

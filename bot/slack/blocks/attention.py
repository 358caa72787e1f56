"""The welcome DM a rep gets from Stretch before anything else, when they join a team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.slack.blocks.common import Block, context, section


@dataclass(frozen=True)
class WelcomeFacts:
    """What the welcome says: the team, when check-ins come (in the rep's own time) and who manages."""

    team_name: str
    days: str  # 'Mon, Wed, Fri'
    at: str  # '09:30'
    tz: str
    managers: tuple[str, ...]  # Slack user ids


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_welcome(facts: WelcomeFacts) -> tuple[str, list[Block]]:
    """The welcome: what Stretch is, when it asks, who sees what, how to pause and where your data is."""
    team = _escape(facts.team_name)
    managers = ", ".join(f"<@{m}>" for m in facts.managers) or "your team's managers"
    text = f"Welcome to Stretch, the check-in bot of {facts.team_name}."
    return text, [
        section(
            f":wave: *Welcome to Stretch* · {team}\n"
            "Stretch helps your team see whether goals *stretch* you or *snap* you: short check-ins, "
            "a pie of the team's goal to split as you choose, and shout-outs for the swings you take."
        ),
        section(
            f"*When:* a check-in on {facts.days} at {facts.at}, your time ({_escape(facts.tz)}). "
            "About 30 seconds: four taps, plus one on the week's first check-in (how confident you are in "
            "your slice). I only message you on working days between 08:00 and "
            "19:00 your time, and rarely more than a few times a week."
        ),
        section(
            f"*Who sees what:* your answers and notes: {managers} only. "
            "Your slice of the pie and shout-outs: the whole team."
        ),
        context(
            "Need a break? `/stretch away 1w` pauses everything (`/stretch back` to return). "
            "Your own answers and pulse are in Stretch's *Home* tab."
        ),
    ]


def slack_date(moment: datetime, fallback: str) -> str:
    """A time for a channel post, shown by Slack in each reader's own zone (`fallback` where it can't)."""
    safe = _escape(fallback).replace("|", "/")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{safe}>"

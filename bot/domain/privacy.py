"""The rules of people's data, without Slack or SQL: what a forget removes and what it keeps, how long
answers are kept, and how a spreadsheet cell is made harmless."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.errors import UserError

# What stays of a forgotten person, wherever the team's history needs a name.
FORMER_MEMBER = "a former member"
DEFAULT_RETENTION_DAYS = 365
MAX_RETENTION_DAYS = 36_500

# What `/stretch forget me` deletes and what it keeps, in the words the confirmation modal shows.
FORGET_DELETES: tuple[str, ...] = (
    "every check-in of yours, with its answers, notes, zone and readiness",
    "your pilot notes and lessons (your votes and scores stay in the pilot's tally, unnamed)",
    "your stretch moments, huddle replies and anything waiting to be sent to you",
    "quiet-rep alerts your managers had about you",
    "your settings: name, time zone, away dates, and your place in your teams",
)
FORGET_KEEPS: tuple[str, ...] = (
    "your slices in the team's pies, so each pie still adds up (your slice notes are cleared)",
    "shout-outs you gave or received, and pilots you started",
)

# Characters a spreadsheet reads as the start of a formula (OWASP "CSV injection"); tab and carriage
# return too, because some spreadsheets drop them and then read the next character.
FORMULA_START = frozenset({"=", "+", "-", "@", "\t", "\r"})


def neutralise_cell(value: object) -> object:
    """A CSV cell that no spreadsheet will run: text starting like a formula gets a leading quote.

    Numbers stay numbers (a negative amount is a number, not a formula)."""
    if isinstance(value, str) and value[:1] in FORMULA_START:
        return "'" + value
    return value


def parse_retention_days(text: str) -> int:
    """Days to keep answers and notes, from what an operator typed (0 = forever)."""
    try:
        days = int(text.strip())
    except ValueError:
        raise UserError(f"{text!r} isn't a number of days. Use 0 to keep everything forever.") from None
    if days < 0 or days > MAX_RETENTION_DAYS:
        raise UserError(f"Retention must be between 0 (forever) and {MAX_RETENTION_DAYS} days.")
    return days


def local_today(now: datetime, tz: str) -> date:
    """The calendar date at `now` in a person's time zone (UTC when the zone is unknown)."""
    try:
        zone = ZoneInfo(tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()


def retention_cutoff(now: datetime, tz: str, days: int) -> date | None:
    """The first local date still kept: a check-in dated before it is older than `days` days.

    Counted in calendar days of the check-in's own zone, so a daylight-saving change neither shortens
    nor lengthens anyone's record by an hour. None when `days` is 0 (keep forever)."""
    if days <= 0:
        return None
    return local_today(now, tz) - timedelta(days=days)


def coarse_cutoff(now: datetime, days: int) -> date | None:
    """A date no zone's cutoff is later than (zones run UTC−12 … UTC+14): only rows dated before it
    can be old enough; each of those near it is then checked in its own zone with `retention_cutoff`."""
    if days <= 0:
        return None
    return (now + timedelta(hours=14)).date() - timedelta(days=days)


def certain_cutoff(now: datetime, days: int) -> date | None:
    """A date no zone's cutoff is earlier than: rows dated before it are old in every zone."""
    if days <= 0:
        return None
    return (now - timedelta(hours=12)).date() - timedelta(days=days)


def scrub_mentions(text: str, user_id: str) -> str:
    """Text with every mention of one Slack user (`<@U…>` or `<@U…|name>`) replaced by FORMER_MEMBER."""
    if not user_id:
        return text
    return re.sub(rf"<@{re.escape(user_id)}(\|[^>]*)?>", FORMER_MEMBER, text)


def tombstone_id(person_id: int) -> str:
    """What replaces a forgotten person's Slack id, so nothing links the row back to them and their next
    use of Stretch starts a new, empty record."""
    return f"forgotten:{person_id}"

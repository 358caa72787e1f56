"""When check-ins happen for one person: the slot due now, the send window, the nudge and the day's end.

All instants are UTC; each person's wall clock comes from their own IANA zone (DST and half-hour zones
included, through bot.domain.schedule).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain.errors import UserError
from bot.domain.schedule import local_date, local_moment, scheduled_dates

# A check-in more than this late (the bot was down) is not sent; it is recorded as skipped by the system.
SEND_WINDOW = timedelta(hours=3)
NUDGE_AFTER = timedelta(hours=4)
NUDGE_CUTOFF = time(18, 0)
MAX_AWAY_DAYS = 180
MAX_SKIP_AHEAD_DAYS = 730


@dataclass(frozen=True)
class Slot:
    """One scheduled check-in of one person: their local date and the UTC instant it is due."""

    local_date: date
    due_at: datetime


def latest_slot(days: Iterable[str], at: time, tz_name: str, *, now: datetime) -> Slot | None:
    """The most recent scheduled check-in at or before `now` in the person's zone (within 8 days)."""
    today = local_date(now, tz_name)
    best: Slot | None = None
    for day in scheduled_dates(tuple(days), today - timedelta(days=8), today + timedelta(days=1)):
        moment = local_moment(day, at, tz_name)
        if moment <= now:
            best = Slot(day, moment)
    return best


def next_slot(days: Iterable[str], at: time, tz_name: str, *, after: datetime) -> Slot | None:
    """The first scheduled check-in strictly after `after`."""
    start = local_date(after, tz_name)
    for day in scheduled_dates(tuple(days), start - timedelta(days=1), start + timedelta(days=9)):
        moment = local_moment(day, at, tz_name)
        if moment > after:
            return Slot(day, moment)
    return None


def is_too_late(slot: Slot, *, now: datetime) -> bool:
    """Whether a slot is past its send window (more than three hours late)."""
    return now - slot.due_at > SEND_WINDOW


def nudge_time(*, sent_at: datetime, day: date, tz_name: str) -> datetime | None:
    """When to nudge an unanswered check-in: four hours after sending, never after local 18:00."""
    moment = sent_at + NUDGE_AFTER
    return moment if moment <= local_moment(day, NUDGE_CUTOFF, tz_name) else None


def end_of_day(day: date, tz_name: str) -> datetime:
    """The UTC instant the person's local `day` ends (their next local midnight)."""
    return local_moment(day + timedelta(days=1), time(0, 0), tz_name)


_UNTIL_RE = re.compile(r"^until\s+(\S+)$", re.IGNORECASE)
_SPAN_RE = re.compile(r"^(\d{1,4})\s*(d|day|days|w|wk|week|weeks)$", re.IGNORECASE)
AWAY_USAGE = "Try `/stretch away until 2026-12-28` or `/stretch away 5d` (or `2w`)."


def parse_iso_date(text: str, *, field: str | None = None) -> date:
    """A YYYY-MM-DD date, or a UserError saying how to write one."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            f"'{text[:30]}' isn't a date. Write it as YYYY-MM-DD, like 2026-12-25.", field=field
        ) from None


def parse_away(text: str, *, today: date) -> date:
    """The last away day (inclusive) from 'until 2026-12-28', '5d' or '2w'; refuses the past and far future."""
    words = " ".join((text or "").split())
    if not words:
        raise UserError("For how long? " + AWAY_USAGE)
    until_match = _UNTIL_RE.match(words)
    span_match = _SPAN_RE.match(words)
    if until_match:
        until = parse_iso_date(until_match.group(1))
        if until < today:
            raise UserError(
                f"{until.isoformat()} has already passed (today is {today.isoformat()}). " + AWAY_USAGE
            )
    elif span_match:
        count = int(span_match.group(1))
        days = count * (7 if span_match.group(2).lower().startswith("w") else 1)
        if days < 1:
            raise UserError("Away for at least one day. " + AWAY_USAGE)
        until = today + timedelta(days=days - 1)
    else:
        raise UserError(f"I didn't understand '{words[:40]}'. " + AWAY_USAGE)
    if (until - today).days + 1 > MAX_AWAY_DAYS:
        raise UserError(
            f"That's more than {MAX_AWAY_DAYS} days away. Pick a nearer date; you can always extend it later."
        )
    return until


def check_skip_date(day: date, *, today: date) -> date:
    """A team skip date must be today or later and within two years."""
    if day < today:
        raise UserError(f"{day.isoformat()} has already passed. Pick today or a later date.")
    if (day - today).days > MAX_SKIP_AHEAD_DAYS:
        raise UserError("That's more than two years ahead. Pick a nearer date.")
    return day

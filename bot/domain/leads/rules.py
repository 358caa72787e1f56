"""A team's lead rules in time and money: how long an overlap may stay open (working days), the fallback
when it does, and how partners split a percent and the credit it earns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import UserError
from bot.domain.leads.accounts import clip
from bot.domain.schedule import local_moment

ESCALATE_AFTER_WORKING_DAYS = 2
FALLBACK_MANAGER = "manager"
FALLBACK_FIRST = "first"
FALLBACKS = (FALLBACK_MANAGER, FALLBACK_FIRST)


def parse_percent(text: str, *, field_id: str | None = None) -> int:
    """A whole percent between 1 and 99 (`60`, `60%`); UserError otherwise."""
    raw = (text or "").strip().rstrip("%").strip()
    if not raw.isdigit():
        raise UserError(
            f"Type a whole percent between 1 and 99, like `60` (you typed `{clip(text) or 'nothing'}`).",
            field=field_id,
        )
    value = int(raw)
    if not 1 <= value <= 99:
        raise UserError(
            "A split gives each partner between 1 and 99 percent, and the two add up to 100. "
            "To give the account away, tap *It's yours* instead.",
            field=field_id,
        )
    return value


def split_credit(amount: int, shares: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Divide integer `amount` by percent shares [(who, pct)] that add to 100; the first keeps the remainder
    so the parts add up to the amount exactly."""
    if sum(pct for _, pct in shares) != 100:
        raise ValueError("shares must add up to 100")
    parts = [(who, amount * pct // 100) for who, pct in shares]
    remainder = amount - sum(part for _, part in parts)
    first_who, first_part = parts[0]
    return [(first_who, first_part + remainder), *parts[1:]]


def working_days_after(start: datetime, days: int, *, tz_name: str, skip: Iterable[date] = ()) -> datetime:
    """The instant `days` working days (Mon-Fri, not the team's days off) after `start`, same local time.

    Started on a weekend or a day off, the count starts from the next working morning (09:00 local)."""
    skipped = set(skip)
    local = start.astimezone(ZoneInfo(tz_name))
    day, at = local.date(), time(local.hour, local.minute)
    if day.weekday() >= 5 or day in skipped:
        at = time(9, 0)
        while day.weekday() >= 5 or day in skipped:
            day += timedelta(days=1)
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in skipped:
            counted += 1
    return local_moment(day, at, tz_name)


def check_fallback(value: str) -> str:
    """A team's fallback rule, refused unless it is one Stretch knows."""
    if value not in FALLBACKS:
        raise UserError(
            "The fallback rule is `manager` (your manager decides) or `first` (the first claimer keeps it)."
        )
    return value


def fallback_sentence(rule: str) -> str:
    """What reps are told before they claim."""
    if rule == FALLBACK_FIRST:
        return (
            "If two of you claim the same account and don't settle it within 2 working days, "
            "the first claimer keeps it (a rep who named the account outranks an association claim)."
        )
    return "If two of you claim the same account and don't settle it within 2 working days, your manager decides."

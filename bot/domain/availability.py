"""Who is around on a given local date: away spans and team skip dates, and the next working day."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta

from bot.domain.schedule import weekday_key


def is_away(day: date, away_from: date | None, away_until: date | None) -> bool:
    """Whether `day` falls in a person's away span (both ends inclusive; an open start means 'from now')."""
    if away_until is None:
        return False
    return (away_from is None or away_from <= day) and day <= away_until


def is_available(
    day: date,
    *,
    away_from: date | None,
    away_until: date | None,
    skip_dates: Collection[date],
) -> bool:
    """Whether a person can be asked anything on `day`: not away and not a team skip date."""
    return day not in skip_dates and not is_away(day, away_from, away_until)


def next_working_day(
    day: date,
    *,
    working_days: Iterable[str],
    away_from: date | None,
    away_until: date | None,
    skip_dates: Collection[date],
    horizon_days: int = 120,
) -> date | None:
    """The first date on or after `day` that is a working day, not skipped and not away.

    Used to move a reminder that falls on a holiday or during someone's vacation instead of dropping
    it. None if nothing qualifies within `horizon_days` (e.g. away indefinitely).
    """
    days = set(working_days) or {"mon", "tue", "wed", "thu", "fri"}
    for offset in range(horizon_days + 1):
        candidate = day + timedelta(days=offset)
        if weekday_key(candidate) in days and is_available(
            candidate, away_from=away_from, away_until=away_until, skip_dates=skip_dates
        ):
            return candidate
    return None

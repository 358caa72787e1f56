"""When managers hear about a quiet-rep episode: never 21:00–08:00 on their clock, and once more after
3 working days nobody acted on it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.domain.schedule import local_moment, zone


def working_days_between(start: date, end: date) -> int:
    """Mon–Fri days after `start` up to and including `end`."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days


ESCALATE_AFTER_WORKING_DAYS = 3


QUIET_START = time(21, 0)
QUIET_END = time(8, 0)


def send_time(now: datetime, tz_name: str) -> datetime:
    """When a manager may get an alert: now, unless it is 21:00–08:00 on their clock (then 08:00)."""
    local = now.astimezone(zone(tz_name))
    if QUIET_END <= local.time().replace(tzinfo=None) < QUIET_START:
        return now
    day = local.date() if local.time().replace(tzinfo=None) < QUIET_END else local.date() + timedelta(days=1)
    return local_moment(day, QUIET_END, tz_name)

"""Local-time scheduling rules: weekdays, HH:MM times and turning a person's local moment into UTC."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.errors import UserError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
_TIME_RE = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


def parse_days(text: str) -> tuple[str, ...]:
    """Parse 'mon,wed,fri' (or full names, any case, spaces allowed) into ordered weekday keys."""
    found: set[str] = set()
    for raw in re.split(r"[\s,;/]+", text.strip().lower()):
        if not raw:
            continue
        key = raw[:3]
        if key not in WEEKDAYS or not WEEKDAY_NAMES[key].lower().startswith(raw):
            raise UserError(f"'{raw}' isn't a weekday. Use three-letter days like mon,wed,fri.")
        found.add(key)
    if not found:
        raise UserError("Pick at least one day, like mon,wed,fri.")
    return tuple(day for day in WEEKDAYS if day in found)


def format_days(days: Iterable[str]) -> str:
    """'mon,wed,fri' → 'Mon, Wed, Fri' for people."""
    return ", ".join(day.capitalize() for day in days)


def parse_time(text: str) -> time:
    """Parse '09:30', '9:30', '9am', '4:15pm' into a time; refuse anything else with a hint."""
    match = _TIME_RE.match(text or "")
    if not match:
        raise UserError(f"'{text}' isn't a time. Use 24-hour HH:MM, like 09:30.")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    meridiem = (match.group(3) or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            raise UserError(f"'{text}' isn't a time. Use 24-hour HH:MM, like 09:30.")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        raise UserError(f"'{text}' isn't a time. Use 24-hour HH:MM, like 09:30.")
    return time(hour, minute)


def format_time(value: time) -> str:
    """A time as HH:MM."""
    return f"{value.hour:02d}:{value.minute:02d}"


def zone(name: str | None) -> ZoneInfo:
    """The ZoneInfo for an IANA name; unknown or empty names fall back to UTC."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_moment(day: date, at: time, tz_name: str) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in zone `tz_name`.

    In a spring-forward gap the moment moves forward by the gap (02:30 that never happens → 03:30);
    in an autumn overlap the first (earlier) occurrence is used, so nobody is asked twice.
    """
    # PEP 495: fold=0 reads a skipped wall time with the offset from before the jump (so it lands
    # after the gap) and a repeated wall time as its first occurrence.
    return datetime.combine(day, at).replace(tzinfo=zone(tz_name), fold=0).astimezone(UTC)


def local_date(now: datetime, tz_name: str) -> date:
    """The calendar date a person in `tz_name` sees at instant `now`."""
    return now.astimezone(zone(tz_name)).date()


def weekday_key(day: date) -> str:
    """'mon' … 'sun' for a date."""
    return WEEKDAYS[day.weekday()]


def scheduled_dates(days: Iterable[str], start: date, end: date) -> Iterator[date]:
    """Every date from `start` to `end` inclusive that falls on one of `days`."""
    wanted = set(days)
    current = start
    while current <= end:
        if weekday_key(current) in wanted:
            yield current
        current += timedelta(days=1)


def next_occurrence(days: Iterable[str], at: time, tz_name: str, *, now: datetime) -> datetime | None:
    """The next UTC instant (at or after `now`) that is `at` local time on one of `days`."""
    wanted = tuple(days)
    if not wanted:
        return None
    today = local_date(now, tz_name)
    for day in scheduled_dates(wanted, today - timedelta(days=1), today + timedelta(days=8)):
        moment = local_moment(day, at, tz_name)
        if moment >= now:
            return moment
    return None


def format_local(moment: datetime, tz_name: str, *, with_day: bool = True) -> str:
    """An instant as the reader sees it: 'Mon 24 Nov, 09:30 (Europe/Berlin)'."""
    local = moment.astimezone(zone(tz_name))
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if not with_day:
        return clock
    return f"{local.strftime('%a')} {local.day} {local.strftime('%b')}, {clock} ({tz_name or 'UTC'})"

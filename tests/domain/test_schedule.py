"""Local-time rules: days and times as people type them, and local moments across DST and odd offsets."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.domain.errors import UserError
from bot.domain.schedule import local_moment, next_occurrence, parse_days, parse_time


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon,wed,fri", ("mon", "wed", "fri")),
        ("Friday, monday", ("mon", "fri")),
        ("tue thu", ("tue", "thu")),
        ("sun;sat", ("sat", "sun")),
    ],
)
def test_days_are_read_as_people_type_them(text: str, days: tuple[str, ...]) -> None:
    """Short or full names, any order, any case."""
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["", "funday", "m", "mon,xyz"])
def test_nonsense_days_are_refused(text: str) -> None:
    """Unknown day names get a hint."""
    with pytest.raises(UserError):
        parse_days(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:30", time(9, 30)),
        ("9:30", time(9, 30)),
        ("9am", time(9)),
        ("4:15pm", time(16, 15)),
        ("12am", time(0)),
    ],
)
def test_times_are_read_as_people_type_them(text: str, expected: time) -> None:
    """24-hour and am/pm."""
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "9:75", "13pm", "noonish", ""])
def test_impossible_times_are_refused(text: str) -> None:
    """Times that don't exist get a hint."""
    with pytest.raises(UserError):
        parse_time(text)


@pytest.mark.parametrize(
    ("day", "tz", "expected_utc"),
    [
        (date(2026, 11, 23), "America/New_York", datetime(2026, 11, 23, 14, 30, tzinfo=UTC)),
        (date(2026, 7, 6), "America/New_York", datetime(2026, 7, 6, 13, 30, tzinfo=UTC)),
        (date(2026, 11, 23), "Asia/Kolkata", datetime(2026, 11, 23, 4, 0, tzinfo=UTC)),
        (date(2026, 11, 23), "Australia/Adelaide", datetime(2026, 11, 22, 23, 0, tzinfo=UTC)),
        (date(2026, 6, 22), "Australia/Adelaide", datetime(2026, 6, 22, 0, 0, tzinfo=UTC)),
        (date(2026, 11, 23), "Europe/Berlin", datetime(2026, 11, 23, 8, 30, tzinfo=UTC)),
    ],
)
def test_half_past_nine_local_in_several_zones(day: date, tz: str, expected_utc: datetime) -> None:
    """09:30 local is a different UTC instant per zone and season (half-hour zones included)."""
    assert local_moment(day, time(9, 30), tz) == expected_utc


def test_a_time_skipped_by_spring_forward_moves_forward() -> None:
    """02:30 on the US spring-forward day doesn't exist; it becomes 03:30 EDT."""
    assert local_moment(date(2026, 3, 8), time(2, 30), "America/New_York") == datetime(
        2026, 3, 8, 7, 30, tzinfo=UTC
    )


def test_a_time_repeated_by_fall_back_happens_once_at_the_first() -> None:
    """01:30 on the EU fall-back day happens twice; the first (CEST) one is used."""
    assert local_moment(date(2026, 10, 25), time(2, 30), "Europe/Berlin") == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_next_occurrence_skips_to_the_next_scheduled_day() -> None:
    """From Tuesday afternoon, the next mon/wed/fri 09:30 in Berlin is Wednesday 08:30 UTC."""
    now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    assert next_occurrence(("mon", "wed", "fri"), time(9, 30), "Europe/Berlin", now=now) == datetime(
        2026, 11, 25, 8, 30, tzinfo=UTC
    )

"""Pure check-in rules: zones, when a person is due, nudges, away spans and skip dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.domain.checkins import (
    check_skip_date,
    end_of_day,
    is_too_late,
    latest_slot,
    nudge_time,
    parse_away,
    parse_iso_date,
)
from bot.domain.errors import UserError
from bot.domain.questions import parse_options
from bot.domain.zones import sparkline, trend, zone_for

U = UTC


@pytest.mark.parametrize(
    ("answers", "previous", "zone"),
    [
        ({"goal_feel": "5", "readiness": "5"}, None, "snap"),
        ({"goal_feel": "4", "readiness": "2"}, None, "snap"),
        ({"goal_feel": "4", "readiness": "4", "room_to_miss": "no"}, None, "snap"),
        ({"goal_feel": "4", "readiness": "4", "room_to_miss": "yes"}, None, "stretch"),
        ({"goal_feel": "3", "readiness": "1"}, None, "stretch"),
        ({"goal_feel": "1", "readiness": "5"}, None, "stretch"),  # once is not a pattern
        ({"goal_feel": "1", "readiness": "5"}, {"goal_feel": "2", "readiness": "4"}, "slack"),
        ({"goal_feel": "2", "readiness": "4"}, {"goal_feel": "3", "readiness": "5"}, "stretch"),
        ({"goal_feel": "2", "readiness": "3"}, {"goal_feel": "2", "readiness": "5"}, "stretch"),
        ({"readiness": "5"}, None, "stretch"),
    ],
)
def test_zone_rules(answers: dict[str, str], previous: dict[str, str] | None, zone: str) -> None:
    """The README's rule table, case by case."""
    assert zone_for(answers, previous) == zone


@pytest.mark.parametrize(
    ("tz", "now", "expected_day", "expected_utc"),
    [
        # Mon 23 Nov 2026, 09:30 local in each zone.
        (
            "America/New_York",
            datetime(2026, 11, 23, 14, 30, tzinfo=U),
            date(2026, 11, 23),
            datetime(2026, 11, 23, 14, 30, tzinfo=U),
        ),
        (
            "America/New_York",
            datetime(2026, 11, 23, 14, 29, tzinfo=U),
            date(2026, 11, 20),
            datetime(2026, 11, 20, 14, 30, tzinfo=U),
        ),
        (
            "Europe/Berlin",
            datetime(2026, 11, 23, 8, 30, tzinfo=U),
            date(2026, 11, 23),
            datetime(2026, 11, 23, 8, 30, tzinfo=U),
        ),
        (
            "Asia/Kolkata",
            datetime(2026, 11, 23, 4, 0, tzinfo=U),
            date(2026, 11, 23),
            datetime(2026, 11, 23, 4, 0, tzinfo=U),
        ),
        (
            "Australia/Adelaide",
            datetime(2026, 11, 22, 23, 0, tzinfo=U),
            date(2026, 11, 23),
            datetime(2026, 11, 22, 23, 0, tzinfo=U),
        ),
        # US DST ended Sun 1 Nov 2026: Mon 2 Nov 09:30 EST is 14:30 UTC; the Friday before was EDT (13:30).
        (
            "America/New_York",
            datetime(2026, 11, 2, 14, 0, tzinfo=U),
            date(2026, 10, 30),
            datetime(2026, 10, 30, 13, 30, tzinfo=U),
        ),
        # EU DST ended Sun 25 Oct 2026: Mon 26 Oct 09:30 CET is 08:30 UTC.
        (
            "Europe/Berlin",
            datetime(2026, 10, 26, 8, 30, tzinfo=U),
            date(2026, 10, 26),
            datetime(2026, 10, 26, 8, 30, tzinfo=U),
        ),
        # Spring: US DST starts Sun 8 Mar 2026, Mon 9 Mar 09:30 EDT is 13:30 UTC; EU on Sun 29 Mar.
        (
            "America/New_York",
            datetime(2026, 3, 9, 13, 30, tzinfo=U),
            date(2026, 3, 9),
            datetime(2026, 3, 9, 13, 30, tzinfo=U),
        ),
        (
            "Europe/Berlin",
            datetime(2026, 3, 30, 7, 30, tzinfo=U),
            date(2026, 3, 30),
            datetime(2026, 3, 30, 7, 30, tzinfo=U),
        ),
    ],
)
def test_latest_slot_is_the_persons_own_local_time(
    tz: str, now: datetime, expected_day: date, expected_utc: datetime
) -> None:
    """Mon/Wed/Fri at 09:30 in each person's zone, across DST changes and half-hour zones."""
    slot = latest_slot(("mon", "wed", "fri"), time(9, 30), tz, now=now)
    assert slot is not None
    assert (slot.local_date, slot.due_at) == (expected_day, expected_utc)


def test_a_slot_more_than_three_hours_old_is_too_late() -> None:
    """The send window is three hours."""
    slot = latest_slot(("mon",), time(9, 30), "UTC", now=datetime(2026, 11, 23, 12, 30, tzinfo=U))
    assert slot is not None
    assert not is_too_late(slot, now=datetime(2026, 11, 23, 12, 30, tzinfo=U))
    assert is_too_late(slot, now=datetime(2026, 11, 23, 12, 31, tzinfo=U))


def test_the_nudge_is_four_hours_later_but_never_after_six_pm_local() -> None:
    """09:30 → 13:30; 14:30 → none (18:30 would be after 18:00)."""
    day = date(2026, 11, 23)
    assert nudge_time(
        sent_at=datetime(2026, 11, 23, 8, 30, tzinfo=U), day=day, tz_name="Europe/Berlin"
    ) == datetime(2026, 11, 23, 12, 30, tzinfo=U)
    assert (
        nudge_time(sent_at=datetime(2026, 11, 23, 13, 30, tzinfo=U), day=day, tz_name="Europe/Berlin") is None
    )


def test_the_day_ends_at_local_midnight() -> None:
    """Kolkata's 23 Nov ends at 18:30 UTC."""
    assert end_of_day(date(2026, 11, 23), "Asia/Kolkata") == datetime(2026, 11, 23, 18, 30, tzinfo=U)


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("until 2026-12-28", date(2026, 12, 28)),
        ("5d", date(2026, 11, 27)),
        ("2w", date(2026, 12, 6)),
        ("1 day", date(2026, 11, 23)),
    ],
)
def test_away_spans_people_type(text: str, until: date) -> None:
    """Both forms end on an inclusive date."""
    assert parse_away(text, today=date(2026, 11, 23)) == until


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("until 2026-11-22", "already passed"),
        ("999d", "more than 180 days"),
        ("0d", "at least one day"),
        ("until someday", "isn't a date"),
        ("next week", "didn't understand"),
        ("", "how long"),
    ],
)
def test_bad_away_input_is_refused_with_a_hint(text: str, says: str) -> None:
    """Each refusal says what to type instead."""
    with pytest.raises(UserError) as error:
        parse_away(text, today=date(2026, 11, 23))
    assert says in error.value.message.lower()


def test_skip_dates_must_be_real_and_not_past() -> None:
    """notadate and yesterday are refused."""
    with pytest.raises(UserError):
        parse_iso_date("notadate")
    with pytest.raises(UserError):
        check_skip_date(date(2026, 11, 22), today=date(2026, 11, 23))
    assert check_skip_date(date(2026, 12, 25), today=date(2026, 11, 23)) == date(2026, 12, 25)


def test_question_options_by_kind() -> None:
    """Choice needs 2–6 distinct labels; scale takes two end labels or none; text takes none."""
    assert [v for v, _ in parse_options("choice", "Calls, Emails\nDemos")] == ["calls", "emails", "demos"]
    assert parse_options("scale", "")[0] == ("1", "1")
    assert parse_options("scale", "low, high")[4] == ("5", "5 · high")
    assert parse_options("text", "ignored") == ()
    for kind, text in (("choice", "only one"), ("choice", "a,A"), ("scale", "a,b,c"), ("poll", "")):
        with pytest.raises(UserError):
            parse_options(kind, text)


def test_sparkline_and_trend() -> None:
    """Readiness 1→5 draws low to high; a missed check-in is a dot."""
    assert sparkline([1, 3, None, 5]) == "▁▅·█"
    assert trend([2, 2, 2, 4, 4, 5]) == "rising"
    assert trend([5, 5, 4, 2, 2, 1]) == "falling"
    assert trend([3]) == "not enough check-ins yet"

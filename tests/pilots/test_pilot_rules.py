"""The pilot's date rules and input checks, as tables of cases (zones, DST, weekends, skip dates, away)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.domain import pilots as rules
from bot.domain.errors import UserError

TODAY = date(2026, 11, 19)  # a Thursday
WEEK = rules.working_days(("mon", "wed", "fri"))


@pytest.mark.parametrize(
    ("start", "length", "kickoff", "midpoint", "review"),
    [
        (date(2026, 11, 20), 14, date(2026, 11, 20), date(2026, 11, 26), date(2026, 12, 3)),
        (date(2026, 11, 20), 3, date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)),
        (date(2026, 11, 20), 15, date(2026, 11, 20), date(2026, 11, 27), date(2026, 12, 4)),
        (date(2026, 12, 28), 14, date(2026, 12, 28), date(2027, 1, 3), date(2027, 1, 10)),
    ],
)
def test_stages_fall_on_day_one_the_middle_day_and_the_last_day(
    start: date, length: int, kickoff: date, midpoint: date, review: date
) -> None:
    """Day 7 of 14 is the mid-point, day 14 the review."""
    assert [rules.stage_day(s, start, length) for s in ("kickoff", "midpoint", "review")] == [
        kickoff,
        midpoint,
        review,
    ]


@pytest.mark.parametrize(
    ("case", "day", "at", "tz", "days", "away", "skips", "expected"),
    [
        (
            "new york weekday",
            date(2026, 11, 20),
            time(9, 30),
            "America/New_York",
            WEEK,
            None,
            (),
            "2026-11-20T14:30",
        ),
        (
            "kolkata half-hour zone",
            date(2026, 11, 20),
            time(9, 30),
            "Asia/Kolkata",
            WEEK,
            None,
            (),
            "2026-11-20T04:00",
        ),
        (
            "saturday moves to monday",
            date(2026, 11, 21),
            time(9, 30),
            "Europe/Berlin",
            WEEK,
            None,
            (),
            "2026-11-23T08:30",
        ),
        (
            "saturday team works saturdays",
            date(2026, 11, 21),
            time(9, 30),
            "Europe/Berlin",
            rules.working_days(("sat",)),
            None,
            (),
            "2026-11-21T08:30",
        ),
        (
            "skip date moves a day",
            date(2026, 11, 26),
            time(9, 30),
            "America/New_York",
            WEEK,
            None,
            (date(2026, 11, 26),),
            "2026-11-27T14:30",
        ),
        (
            "skip date then weekend",
            date(2026, 11, 27),
            time(9, 30),
            "America/New_York",
            WEEK,
            None,
            (date(2026, 11, 27),),
            "2026-11-30T14:30",
        ),
        (
            "away span moves past its end",
            date(2026, 11, 26),
            time(9, 30),
            "America/New_York",
            WEEK,
            (date(2026, 11, 25), date(2026, 11, 30)),
            (),
            "2026-12-01T14:30",
        ),
        (
            "away ended the day before",
            date(2026, 11, 26),
            time(9, 30),
            "America/New_York",
            WEEK,
            (date(2026, 11, 20), date(2026, 11, 25)),
            (),
            "2026-11-26T14:30",
        ),
        (
            "berlin before the autumn change",
            date(2026, 10, 23),
            time(9, 30),
            "Europe/Berlin",
            WEEK,
            None,
            (),
            "2026-10-23T07:30",
        ),
        (
            "berlin after the autumn change",
            date(2026, 10, 26),
            time(9, 30),
            "Europe/Berlin",
            WEEK,
            None,
            (),
            "2026-10-26T08:30",
        ),
        (
            "moved across the US autumn change",
            date(2026, 10, 31),
            time(9, 30),
            "America/New_York",
            WEEK,
            None,
            (),
            "2026-11-02T14:30",
        ),
        (
            "spring-forward gap lands after it",
            date(2027, 3, 14),
            time(2, 30),
            "America/New_York",
            rules.working_days(("sun",)),
            None,
            (),
            "2027-03-14T07:30",
        ),
        (
            "sydney is a day ahead of utc",
            date(2026, 11, 23),
            time(9, 30),
            "Australia/Sydney",
            WEEK,
            None,
            (),
            "2026-11-22T22:30",
        ),
    ],
)
def test_reminder_moment_is_check_in_time_on_the_next_working_day(
    case: str,
    day: date,
    at: time,
    tz: str,
    days: tuple[str, ...],
    away: tuple[date, date] | None,
    skips: tuple[date, ...],
    expected: str,
) -> None:
    """Weekends, skip dates and away spans move a reminder forward; the hour is the person's own."""
    moment = rules.reminder_moment(
        day,
        at=at,
        tz_name=tz,
        team_days=days,
        away_from=away[0] if away else None,
        away_until=away[1] if away else None,
        skip_dates=set(skips),
    )
    assert moment is not None, case
    assert moment.strftime("%Y-%m-%dT%H:%M") == expected, case


def test_a_reminder_for_someone_away_far_ahead_waits_instead_of_being_dropped() -> None:
    """Away beyond the look-ahead gives no moment yet; the planner asks again on later ticks."""
    assert (
        rules.reminder_moment(
            date(2026, 11, 20),
            at=time(9, 30),
            tz_name="UTC",
            team_days=WEEK,
            away_from=date(2026, 11, 1),
            away_until=date(2027, 11, 1),
            skip_dates=set(),
        )
        is None
    )


@pytest.mark.parametrize(
    ("now", "tz", "skips", "expected"),
    [
        (datetime(2026, 11, 19, 15, 0, tzinfo=UTC), "America/New_York", (), date(2026, 11, 20)),
        (datetime(2026, 11, 20, 15, 0, tzinfo=UTC), "America/New_York", (), date(2026, 11, 23)),
        (
            datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
            "America/New_York",
            (date(2026, 11, 23),),
            date(2026, 11, 24),
        ),
        # Late Thursday in UTC is already Friday in Tokyo: the next working day there is Monday.
        (datetime(2026, 11, 19, 16, 0, tzinfo=UTC), "Asia/Tokyo", (), date(2026, 11, 23)),
    ],
)
def test_the_default_start_is_the_teams_next_working_day(
    now: datetime, tz: str, skips: tuple[date, ...], expected: date
) -> None:
    """Tomorrow, unless that's a weekend or a team holiday."""
    assert rules.default_start(now=now, tz_name=tz, team_days=WEEK, skip_dates=set(skips)) == expected


def _draft(**changes: object) -> rules.PilotDraft:
    values: dict[str, object] = {
        "title": "Discovery first",
        "growth_metric": "asking a second discovery question",
        "participants": ("U1",),
        "start": date(2026, 11, 20),
        "length_days": 14,
    }
    values.update(changes)
    return rules.PilotDraft(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "is_manager", "field", "words"),
    [
        ({"growth_metric": "   "}, True, rules.FIELD_METRIC, "skill or behaviour"),
        ({"title": ""}, True, rules.FIELD_TITLE, "title"),
        ({"title": "x" * 81}, True, rules.FIELD_TITLE, "80"),
        ({"length_days": 0}, True, rules.FIELD_LENGTH, "end before it starts"),
        ({"length_days": -3}, True, rules.FIELD_LENGTH, "end before it starts"),
        ({"length_days": 400}, True, rules.FIELD_LENGTH, "3 to 90"),
        ({"length_days": 2}, True, rules.FIELD_LENGTH, "3 to 90"),
        ({"length_days": None}, True, rules.FIELD_LENGTH, "how many days"),
        ({"start": date(2026, 11, 18)}, True, rules.FIELD_START, "in the past"),
        ({"start": None}, True, rules.FIELD_START, "start date"),
        ({"start": date(2028, 1, 1)}, True, rules.FIELD_START, "next year"),
        ({"participants": ()}, True, rules.FIELD_PARTICIPANTS, "at least one"),
        ({"participants": ("U1", "U2", "U3", "U4", "U5", "U6")}, False, rules.FIELD_PARTICIPANTS, "up to 5"),
        ({"participants": (), "whole_team": True}, False, rules.FIELD_PARTICIPANTS, "at least one"),
    ],
)
def test_bad_pilot_input_names_the_field_to_fix(
    changes: dict[str, object], is_manager: bool, field: str, words: str
) -> None:
    """Every refusal says what to change, beside the right field."""
    with pytest.raises(UserError) as caught:
        rules.validate_pilot_draft(_draft(**changes), today=TODAY, is_manager=is_manager)
    assert caught.value.field == field
    assert words in caught.value.message


def test_a_running_pilot_keeps_its_past_start_when_edited() -> None:
    """Editing a pilot that started last week doesn't complain about its start date."""
    draft = _draft(start=date(2026, 11, 10))
    cleaned = rules.validate_pilot_draft(draft, today=TODAY, is_manager=True, keep_start=date(2026, 11, 10))
    assert cleaned.start == date(2026, 11, 10)


def test_a_managers_whole_team_pilot_needs_nobody_picked() -> None:
    """The whole-team box counts as participants for a manager; squashed text is cleaned."""
    cleaned = rules.validate_pilot_draft(
        _draft(participants=(), whole_team=True, title="  Discovery   first "), today=TODAY, is_manager=True
    )
    assert (cleaned.whole_team, cleaned.title) == (True, "Discovery first")

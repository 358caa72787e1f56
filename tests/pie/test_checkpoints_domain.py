"""Checkpoint and pace rules as tables of pure cases: defaults, bad paths, where the path is, pace."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.checkpoints import (
    AT_RISK,
    BEHIND,
    DONE,
    ON_TRACK,
    Checkpoint,
    ProgressEntry,
    check_path,
    count_working_days,
    default_checkpoints,
    expected_by,
    format_path,
    pace,
    pace_now,
    parse_path,
    recent_rate,
    rep_path,
    status_for,
)
from bot.domain.errors import UserError

K = 100_000  # $1k in cents
Q1 = (date(2027, 1, 1), date(2027, 3, 31))  # Fri 1 Jan … Wed 31 Mar 2027
NEW_YEAR = frozenset({date(2027, 1, 1)})


def test_default_checkpoints_are_one_per_month_on_its_last_working_day_spread_by_working_days() -> None:
    """Q1 2027 without 1 Jan: 62 working days; Jan has 20, Feb 20, Mar 23 (counting to the 31st)."""
    path = default_checkpoints(start=Q1[0], end=Q1[1], target=100 * K, days_off=NEW_YEAR)
    assert [c.day for c in path] == [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 31)]
    total = count_working_days(*Q1, NEW_YEAR)
    jan = count_working_days(date(2027, 1, 1), date(2027, 1, 29), NEW_YEAR)
    feb = count_working_days(date(2027, 1, 1), date(2027, 2, 26), NEW_YEAR)
    assert [c.amount for c in path] == [100 * K * jan // total, 100 * K * feb // total, 100 * K]


@pytest.mark.parametrize(
    ("start", "end", "days_off", "expected"),
    [
        # a period of one working day: one checkpoint, that day, the whole target
        (date(2027, 1, 4), date(2027, 1, 4), frozenset(), [Checkpoint(date(2027, 1, 4), 10 * K)]),
        # a period of a weekend only: one checkpoint on its end date (nothing to spread over)
        (date(2027, 1, 2), date(2027, 1, 3), frozenset(), [Checkpoint(date(2027, 1, 3), 10 * K)]),
        # a month-end on a holiday moves to the working day before
        (
            date(2027, 1, 25),
            date(2027, 2, 5),
            frozenset({date(2027, 1, 29)}),
            # 4 of the 9 working days are in January
            [Checkpoint(date(2027, 1, 28), 10 * K * 4 // 9), Checkpoint(date(2027, 2, 5), 10 * K)],
        ),
    ],
)
def test_default_checkpoints_edge_periods(start, end, days_off, expected) -> None:
    """Tiny periods, weekend-only periods and holidays at a month's end."""
    assert list(default_checkpoints(start=start, end=end, target=10 * K, days_off=days_off)) == expected


def _check(text: str, total: int = 100 * K, days_off=NEW_YEAR) -> tuple[Checkpoint, ...]:
    parsed = parse_path(text, currency="USD", start=Q1[0], end=Q1[1])
    return check_path(parsed, start=Q1[0], end=Q1[1], total=total, currency="USD", days_off=days_off)


def test_a_path_typed_the_way_people_write_it_is_read() -> None:
    """'30k by 29 Jan', ISO dates and ';' separators all work, and format_path reads back the same."""
    path = _check("30k by 29 Jan\n$65k by 2027-02-26; 100k on 31 Mar")
    assert path == (
        Checkpoint(date(2027, 1, 29), 30 * K),
        Checkpoint(date(2027, 2, 26), 65 * K),
        Checkpoint(date(2027, 3, 31), 100 * K),
    )
    assert _check(format_path(path, "USD")) == path


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("65k by 26 Feb\n30k by 29 Jan\n100k by 31 Mar", "go back in time"),
        ("30k by 29 Jan\n20k by 26 Feb\n100k by 31 Mar", "go backwards"),
        ("30k by 29 Dec 2026\n100k by 31 Mar", "outside the period"),
        ("30k by 29 Jan\n100k by 2 Apr 2027", "outside the period"),
        ("30k by 29 Jan\n120k by 31 Mar", "more than the target"),
        ("30k by 29 Jan\n90k by 31 Mar", "has to reach the target"),
        ("30k by 30 Jan\n100k by 31 Mar", "weekend"),
        ("30k by 1 Jan\n100k by 31 Mar", "days off"),
        ("30k\n100k by 31 Mar", "needs an amount and a date"),
        ("thirty by 29 Jan", "Line 1"),
        ("30k by 31 Foo", "can't read"),
        ("", "at least one checkpoint"),
    ],
)
def test_bad_paths_are_refused_on_the_checkpoints_field_saying_what_to_change(text, complaint) -> None:
    """Backwards, outside the period, above the target, short of it, weekend, holiday, unreadable."""
    with pytest.raises(UserError) as raised:
        _check(text)
    assert complaint in raised.value.message
    assert raised.value.field == "pie_checkpoints"


def test_a_weekend_checkpoint_suggests_the_friday_before() -> None:
    """The complaint names the working day to use instead."""
    with pytest.raises(UserError, match="Try Fri 29 Jan"):
        _check("30k by 31 Jan\n100k by 31 Mar")


def test_a_reps_path_is_the_teams_pro_rata_and_always_ends_at_the_slice() -> None:
    """20k of a 100k pie: a fifth of each checkpoint; an odd slice still ends exactly on it."""
    team = (Checkpoint(date(2027, 1, 29), 30 * K), Checkpoint(date(2027, 3, 31), 100 * K))
    assert rep_path(team, team_target=100 * K, slice_amount=20 * K) == (
        Checkpoint(date(2027, 1, 29), 6 * K),
        Checkpoint(date(2027, 3, 31), 20 * K),
    )
    odd = rep_path(team, team_target=100 * K, slice_amount=33_333_33)
    assert odd[-1].amount == 33_333_33 and odd[0].amount == 33_333_33 * 30 // 100
    # over-claimed pie: a slice can be bigger than the share the target suggests; the path scales up
    assert rep_path(team, team_target=100 * K, slice_amount=150 * K)[-1].amount == 150 * K


def test_a_rep_may_reshape_their_path_but_it_must_reach_their_slice() -> None:
    """Less now, more at the end is fine; ending short of the slice is a field error."""
    assert _check("2k by 29 Jan\n20k by 31 Mar", total=20 * K)[-1].amount == 20 * K
    with pytest.raises(UserError, match="has to reach"):
        parsed = parse_path("2k by 29 Jan\n15k by 31 Mar", currency="USD", start=Q1[0], end=Q1[1])
        check_path(
            parsed,
            start=Q1[0],
            end=Q1[1],
            total=20 * K,
            currency="USD",
            days_off=NEW_YEAR,
            whose="your slice",
        )


PATH = (Checkpoint(date(2027, 1, 8), 10 * K), Checkpoint(date(2027, 1, 15), 60 * K))  # Mon 4 … Fri 15 Jan


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 1, 4), 0),  # the first day: nothing expected before it starts
        (date(2027, 1, 6), 4 * K),  # two of five working days done: 2/5 of 10k
        (date(2027, 1, 8), 8 * K),  # checkpoint today: four of five days done, the last is today
        (date(2027, 1, 9), 10 * K),  # the Saturday after: the checkpoint is the floor
        (date(2027, 1, 11), 10 * K),  # Monday: the weekend added nothing
        (date(2027, 1, 12), 20 * K),  # one of five days into the next stretch
        (date(2027, 1, 16), 60 * K),  # after the last checkpoint: the last amount
        (date(2027, 3, 1), 60 * K),
    ],
)
def test_where_the_path_says_the_team_should_be(today, expected) -> None:
    """Working days before today count; between checkpoints the path climbs evenly per working day."""
    assert expected_by(PATH, start=date(2027, 1, 4), today=today, days_off=frozenset()) == expected


@pytest.mark.parametrize(
    ("progress", "expected", "goal", "status"),
    [
        (95, 100, 1000, ON_TRACK),  # exactly 95 % of where the path is
        (94, 100, 1000, BEHIND),
        (75, 100, 1000, BEHIND),  # exactly 75 %
        (74, 100, 1000, AT_RISK),
        (0, 100, 1000, AT_RISK),  # no progress yet, but the path expected some
        (0, 0, 1000, ON_TRACK),  # no progress yet, and nothing expected yet
        (1000, 1000, 1000, DONE),
        (1500, 800, 1000, DONE),  # over-claimed and over-delivered
    ],
)
def test_status_thresholds(progress, expected, goal, status) -> None:
    """On track from 95 % of the path, behind from 75 %, at risk below, reached at the goal."""
    assert status_for(progress, expected, goal) == status


def test_pace_for_a_period_of_one_working_day() -> None:
    """On its only day nothing is expected yet and the whole goal is needed today."""
    day = date(2027, 1, 4)
    value = pace(
        progress=0, path=(Checkpoint(day, 10 * K),), start=day, end=day, today=day, days_off=frozenset()
    )
    assert value.status == ON_TRACK and value.remaining_days == 1 and value.needed_per_day == 10 * K


def test_pace_on_a_checkpoint_day_with_no_progress_is_at_risk_and_says_the_needed_rate() -> None:
    """8k expected, nothing closed: at risk; 60k over the 6 working days left (today included)."""
    value = pace(
        progress=0,
        path=PATH,
        start=date(2027, 1, 4),
        end=date(2027, 1, 15),
        today=date(2027, 1, 8),
        days_off=frozenset(),
    )
    assert value.status == AT_RISK and value.expected == 8 * K
    assert value.remaining_days == 6 and value.needed_per_day == 10 * K
    assert value.next_checkpoint == PATH[0]


def test_pace_after_the_period_needs_nothing_more_per_day() -> None:
    """No working day left: no run rate is asked for."""
    value = pace(
        progress=30 * K,
        path=PATH,
        start=date(2027, 1, 4),
        end=date(2027, 1, 15),
        today=date(2027, 1, 18),
        days_off=frozenset(),
    )
    assert value.status == AT_RISK and value.needed_per_day is None and value.remaining_days == 0


def test_over_claimed_pie_that_passed_its_goal_is_reached() -> None:
    """Progress above the goal: reached, no rate needed."""
    value = pace(
        progress=70 * K,
        path=PATH,
        start=date(2027, 1, 4),
        end=date(2027, 1, 15),
        today=date(2027, 1, 12),
        days_off=frozenset(),
    )
    assert value.status == DONE and value.needed_per_day is None


def test_the_recent_rate_is_the_last_two_weeks_per_working_day() -> None:
    """14 days before Mon 18 Jan hold 10 working days; entries older than that don't count."""
    entries = [
        ProgressEntry(date(2027, 1, 3), 50 * K),  # 15 days before: too old
        ProgressEntry(date(2027, 1, 5), 6 * K),
        ProgressEntry(date(2027, 1, 14), 4 * K),
    ]
    assert recent_rate(entries, today=date(2027, 1, 18), days_off=frozenset()) == 1 * K


@pytest.mark.parametrize(
    ("now", "tz", "today"),
    [
        # 03:30 UTC on Mon 2 Nov 2026 is still Sunday evening in New York (after the DST change): Sunday
        (datetime(2026, 11, 2, 3, 30, tzinfo=UTC), "America/New_York", date(2026, 11, 1)),
        # 01:30 local on the autumn-back night (Sun 1 Nov 2026 05:30 UTC is the 2nd 01:30, EST)
        (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), "America/New_York", date(2026, 11, 1)),
        # spring forward in Berlin, Sun 28 Mar 2027 at 02:00: 23:30 UTC Saturday is already Sunday
        (datetime(2027, 3, 27, 23, 30, tzinfo=UTC), "Europe/Berlin", date(2027, 3, 28)),
    ],
)
def test_pace_reads_the_day_on_the_teams_calendar_across_dst(now, tz, today) -> None:
    """The same instant is another day in another zone; DST nights don't shift the day."""
    start = date(2026, 10, 26)
    path = (Checkpoint(date(2027, 3, 31), 100 * K),)
    by_instant = pace_now(
        now=now, tz_name=tz, progress=0, path=path, start=start, end=path[0].day, days_off=frozenset()
    )
    by_day = pace(progress=0, path=path, start=start, end=path[0].day, today=today, days_off=frozenset())
    assert by_instant == by_day

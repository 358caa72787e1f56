"""The digest's pure rules: when it is due (DST included), the anonymity threshold, the balance line."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.domain.digest import (
    BalanceInput,
    CheckinFact,
    balance_line,
    digest_moment,
    team_pulse,
    unclaimed_hint,
    week_starts,
)

NOW = datetime(2026, 11, 20, 21, 30, tzinfo=UTC)  # Fri 16:30 in New York


def _facts(people: int, *, at: datetime, zone: str = "stretch", readiness: int = 4) -> list[CheckinFact]:
    return [
        CheckinFact(
            person_id=p,
            due_at=at,
            status="answered",
            readiness=readiness,
            zone=zone,
            goal_feel="3",
            limiter="pipeline" if p % 2 else "time",
        )
        for p in range(1, people + 1)
    ]


def _weeks(now: datetime) -> list[datetime]:
    return [*week_starts(moment=now, at=time(16, 30), tz_name="America/New_York", weeks=8)[:-1], now]


@pytest.mark.parametrize(("answered", "shown"), [(0, False), (1, False), (2, False), (3, True), (8, True)])
def test_team_figures_appear_only_when_at_least_three_people_answered(answered: int, shown: bool) -> None:
    """Fewer than three answers: participation only; no zones, readiness, goal feel or limiters."""
    pulse = team_pulse(_facts(answered, at=NOW - timedelta(days=1)), boundaries=_weeks(NOW), reps=8)
    assert pulse.shown is shown
    for figure in (pulse.zones, pulse.readiness, pulse.goal_feel, pulse.limiters):
        assert (figure is not None) is shown
    assert pulse.answered == answered


def test_one_rep_answering_three_times_does_not_unlock_team_figures() -> None:
    """The threshold counts people, not check-ins."""
    facts = [
        CheckinFact(person_id=1, due_at=NOW - timedelta(days=d), status="answered", readiness=2)
        for d in (1, 2, 3)
    ]
    pulse = team_pulse(facts, boundaries=_weeks(NOW), reps=5)
    assert pulse.answered == 3 and not pulse.shown and pulse.readiness is None


def test_each_rep_counts_once_in_zones_by_their_latest_answer() -> None:
    """A rep who was in snap on Monday and stretch on Friday counts once, as stretch."""
    facts = [
        CheckinFact(1, NOW - timedelta(days=4), "answered", 2, "snap"),
        CheckinFact(1, NOW - timedelta(days=1), "answered", 4, "stretch"),
        CheckinFact(2, NOW - timedelta(days=1), "answered", 4, "slack"),
        CheckinFact(3, NOW - timedelta(days=1), "answered", 4, "stretch"),
        CheckinFact(4, NOW - timedelta(days=1), "missed"),
    ]
    pulse = team_pulse(facts, boundaries=_weeks(NOW), reps=4)
    assert pulse.zones == {"slack": 1, "stretch": 2, "snap": 0}
    assert (pulse.answered, pulse.due) == (4, 5)


def test_limiters_read_as_counts_of_the_people_who_named_one() -> None:
    """'pipeline 3 of 5': the most cited first."""
    pulse = team_pulse(_facts(5, at=NOW - timedelta(days=1)), boundaries=_weeks(NOW), reps=5)
    assert pulse.limiters == (("pipeline", 3), ("time", 2))
    assert pulse.limiter_answers == 5


def test_skipped_and_excused_check_ins_are_not_due() -> None:
    """Away reps and system misses never lower participation."""
    facts = [
        CheckinFact(p, NOW - timedelta(days=1), s) for p, s in enumerate(("excused", "skipped", "missed"))
    ]
    pulse = team_pulse(facts, boundaries=_weeks(NOW), reps=3)
    assert (pulse.answered, pulse.due) == (0, 1)


def test_the_sparkline_shows_eight_weeks_and_hides_thin_weeks() -> None:
    """A week with fewer than three people answering shows as a dot."""
    facts = _facts(3, at=NOW - timedelta(days=1), readiness=5) + _facts(1, at=NOW - timedelta(days=8))
    pulse = team_pulse(facts, boundaries=_weeks(NOW), reps=3)
    assert len(pulse.spark) == 8
    assert pulse.spark.endswith("·█")


# --- when the digest is due --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        # A normal Friday in New York (EST, UTC-5).
        (
            datetime(2026, 11, 20, 21, 0, tzinfo=UTC),
            "America/New_York",
            datetime(2026, 11, 20, 21, 0, tzinfo=UTC),
        ),
        # A minute before: last week's.
        (
            datetime(2026, 11, 20, 20, 59, tzinfo=UTC),
            "America/New_York",
            datetime(2026, 11, 13, 21, 0, tzinfo=UTC),
        ),
        # The week the US falls back (Sun 1 Nov 2026): the Friday before is still EDT (UTC-4) …
        (
            datetime(2026, 10, 30, 20, 0, tzinfo=UTC),
            "America/New_York",
            datetime(2026, 10, 30, 20, 0, tzinfo=UTC),
        ),
        # … the Friday after is EST: 16:00 local moves to 21:00 UTC.
        (
            datetime(2026, 11, 6, 21, 0, tzinfo=UTC),
            "America/New_York",
            datetime(2026, 11, 6, 21, 0, tzinfo=UTC),
        ),
        (
            datetime(2026, 11, 6, 20, 30, tzinfo=UTC),
            "America/New_York",
            datetime(2026, 10, 30, 20, 0, tzinfo=UTC),
        ),
        # Berlin springs forward on Sun 29 Mar 2026: Friday 27th is CET, 3 Apr is CEST.
        (datetime(2026, 4, 3, 14, 0, tzinfo=UTC), "Europe/Berlin", datetime(2026, 4, 3, 14, 0, tzinfo=UTC)),
        # The manager's own zone decides: Sydney's Friday 16:00 is Friday 05:00 UTC.
        (
            datetime(2026, 11, 20, 5, 0, tzinfo=UTC),
            "Australia/Sydney",
            datetime(2026, 11, 20, 5, 0, tzinfo=UTC),
        ),
    ],
)
def test_the_digest_moment_is_the_team_time_on_the_managers_clock(now, tz, expected) -> None:
    """Friday 16:00 local, whatever the DST offset that week."""
    assert digest_moment(day="fri", at=time(16, 0), tz_name=tz, now=now) == expected


def test_a_dst_week_is_an_hour_shorter_in_utc_and_leaves_no_gap() -> None:
    """The week holding the fall-back is 169 h; consecutive weeks share their boundary."""
    moment = datetime(2026, 11, 6, 21, 0, tzinfo=UTC)
    bounds = week_starts(moment=moment, at=time(16, 0), tz_name="America/New_York", weeks=2)
    assert [b2 - b1 for b1, b2 in itertools.pairwise(bounds)] == [
        timedelta(days=7),
        timedelta(hours=169),
    ]


# --- the pie hint and the balance line ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "unclaimed", "open_", "phrase"),
    [
        (-10, 0, True, "Over-claimed"),
        (0, 0, True, "Fully claimed"),
        (50, 3, True, "haven't claimed"),
        (5, 1, True, "small gap"),
        (40, 0, True, "stretch too far"),
        (40, 2, False, "Claims are closed"),
    ],
)
def test_the_unclaimed_slice_suggests_a_next_step(
    left: int, unclaimed: int, open_: bool, phrase: str
) -> None:
    """What the gap suggests, in one sentence."""
    assert phrase in unclaimed_hint(left=left, target=100, unclaimed_reps=unclaimed, claims_open=open_)


@pytest.mark.parametrize(
    ("progress", "pace", "zones", "answered", "expected"),
    [
        (
            62,
            60,
            {"slack": 0, "stretch": 5, "snap": 3},
            8,
            "progress 62% of pie; 3 of 8 reps in snap zone — consider easing the stretch.",
        ),
        (
            20,
            70,
            {"slack": 0, "stretch": 2, "snap": 2},
            4,
            "progress 20% of pie; 2 of 4 reps in snap zone — behind pace and stretched thin: clear blockers "
            "before adding pressure.",
        ),
        (
            80,
            50,
            {"slack": 4, "stretch": 2, "snap": 0},
            6,
            "progress 80% of pie; 0 of 6 reps in snap zone — ahead of pace with room to spare: a bolder "
            "target could fit.",
        ),
        (
            None,
            None,
            {"slack": 3, "stretch": 1, "snap": 0},
            4,
            "0 of 4 reps in snap zone — many feel under-stretched: invite a bolder swing.",
        ),
        (
            30,
            60,
            {"slack": 0, "stretch": 5, "snap": 0},
            5,
            "progress 30% of pie; 0 of 5 reps in snap zone — the team feels fine but is behind pace: ask "
            "what's limiting them.",
        ),
        (
            55,
            50,
            {"slack": 1, "stretch": 4, "snap": 0},
            5,
            "progress 55% of pie; 0 of 5 reps in snap zone — a healthy stretch: keep going.",
        ),
        (40, 50, None, 2, "progress 40% of pie; too few answers this week to read the team's zones."),
        (None, None, None, 0, "too few answers this week to read the team's zones."),
    ],
)
def test_the_balance_line_pairs_numbers_with_wellbeing(progress, pace, zones, answered, expected) -> None:
    """One line, numbers first, then what it suggests."""
    assert balance_line(BalanceInput(progress, pace, zones, answered)) == expected

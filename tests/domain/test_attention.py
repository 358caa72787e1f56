"""The message-budget policy, working hours, back-off for the quiet and short check-ins, as tables of cases
(DST changes and half-hour zones included)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain import attention as rules
from bot.domain.attention import DEFAULT_BUDGET, Budget


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("case", "moment", "tz", "expected"),
    [
        ("new york 07:59 is before hours", "2026-11-23 12:59", "America/New_York", False),
        ("new york 08:00 opens", "2026-11-23 13:00", "America/New_York", True),
        ("new york 18:59 still in", "2026-11-23 23:59", "America/New_York", True),
        ("new york 19:00 closed", "2026-11-24 00:00", "America/New_York", False),
        ("kolkata (+05:30) 08:00 opens", "2026-11-23 02:30", "Asia/Kolkata", True),
        ("kolkata 07:59", "2026-11-23 02:29", "Asia/Kolkata", False),
        ("adelaide (+10:30 in summer) 08:00 Monday", "2026-11-22 21:30", "Australia/Adelaide", True),
        ("adelaide Sunday 18:00 is a weekend", "2026-11-22 07:30", "Australia/Adelaide", False),
        ("tokyo midnight", "2026-11-23 15:00", "Asia/Tokyo", False),
        ("berlin Saturday noon", "2026-11-28 11:00", "Europe/Berlin", False),
    ],
)
def test_working_hours(case: str, moment: str, tz: str, expected: bool) -> None:
    assert rules.in_hours(utc(moment), tz, DEFAULT_BUDGET) is expected, case


@pytest.mark.parametrize(
    ("case", "moment", "tz", "expected"),
    [
        ("in hours stays", "2026-11-23 15:00", "America/New_York", "2026-11-23 15:00"),
        ("tokyo midnight Monday → 08:00 Monday", "2026-11-22 15:00", "Asia/Tokyo", "2026-11-22 23:00"),
        ("friday evening → monday 08:00 (kolkata)", "2026-11-27 14:00", "Asia/Kolkata", "2026-11-30 02:30"),
        (
            "adelaide friday 20:00 → monday 08:00",
            "2026-11-27 09:30",
            "Australia/Adelaide",
            "2026-11-29 21:30",
        ),
        # US autumn change (Sun 1 Nov 2026): Saturday night → Monday 08:00 EST (13:00 UTC, not 12:00).
        ("across the US autumn change", "2026-10-31 23:30", "America/New_York", "2026-11-02 13:00"),
        # EU spring change (Sun 29 Mar 2026): Friday 20:00 CET → Monday 08:00 CEST (06:00 UTC).
        ("across the EU spring change", "2026-03-27 19:00", "Europe/Berlin", "2026-03-30 06:00"),
        # Adelaide's autumn change (Sun 5 Apr 2026, +10:30 → +09:30).
        ("across adelaide's autumn change", "2026-04-03 10:00", "Australia/Adelaide", "2026-04-05 22:30"),
    ],
)
def test_out_of_hours_moves_to_the_next_working_slot(case: str, moment: str, tz: str, expected: str) -> None:
    assert rules.next_in_hours(utc(moment), tz, DEFAULT_BUDGET) == utc(expected), case


MON = "2026-11-23"


def _sent(*moments: str) -> list[datetime]:
    return [utc(m) for m in moments]


@pytest.mark.parametrize(
    ("case", "kind", "now", "sent", "action", "reason"),
    [
        ("a check-in in hours", rules.ESSENTIAL, f"{MON} 14:30", [], rules.SEND, "essential"),
        (
            "a check-in is essential even on a busy day",
            rules.ESSENTIAL,
            f"{MON} 14:30",
            [f"{MON} 13:00", f"{MON} 14:00"],
            rules.SEND,
            "essential",
        ),
        ("a nudge with room", rules.OPTIONAL, f"{MON} 18:30", [f"{MON} 14:30"], rules.SEND, "within budget"),
        (
            "a nudge on a day with two DMs is skipped",
            rules.OPTIONAL,
            f"{MON} 18:30",
            [f"{MON} 14:30", f"{MON} 15:00"],
            rules.SKIP,
            "2 DMs already today",
        ),
        ("a nudge at 20:00 is skipped", rules.OPTIONAL, "2026-11-24 01:00", [], rules.SKIP, "outside"),
        (
            "a pilot stage on a full day waits",
            rules.DEFERRABLE,
            f"{MON} 18:30",
            [f"{MON} 14:30", f"{MON} 15:00"],
            rules.DEFER,
            "2 DMs already today",
        ),
        (
            "a pilot stage in a full week waits for next week",
            rules.DEFERRABLE,
            "2026-11-26 15:00",
            ["2026-11-23 14:30", "2026-11-24 14:30", "2026-11-25 14:30", "2026-11-25 15:30"],
            rules.DEFER,
            "4 DMs already this week",
        ),
        (
            "last week's DMs don't count this week",
            rules.DEFERRABLE,
            f"{MON} 15:00",
            ["2026-11-17 14:30", "2026-11-18 14:30", "2026-11-19 14:30", "2026-11-20 14:30"],
            rules.SEND,
            "within budget",
        ),
    ],
)
def test_the_budget(case: str, kind: str, now: str, sent: list[str], action: str, reason: str) -> None:
    decision = rules.decide(
        kind_class=kind, tz_name="America/New_York", budget=DEFAULT_BUDGET, sent=_sent(*sent), now=utc(now)
    )
    assert decision.action == action, case
    assert reason in decision.reason, case


def test_a_reminder_leaves_room_for_the_check_ins_still_to_come_this_week() -> None:
    """Monday's check-in sent, Wednesday's and Friday's to come: a fourth DM fits, a fifth would not."""
    now = utc("2026-11-23 16:00")
    fits = rules.decide(
        kind_class=rules.RIDER, tz_name="America/New_York", budget=DEFAULT_BUDGET,
        sent=_sent("2026-11-23 14:30"), now=now, reserved=2,
    )  # fmt: skip
    full = rules.decide(
        kind_class=rules.RIDER, tz_name="America/New_York", budget=DEFAULT_BUDGET,
        sent=_sent("2026-11-23 14:30", "2026-11-23 15:00"), now=utc("2026-11-24 16:00"), reserved=2,
    )  # fmt: skip
    assert fits.action == rules.SEND
    assert full.action == rules.DEFER and full.until == utc("2026-11-30 13:00")


def test_a_full_week_defers_to_the_next_mondays_morning() -> None:
    decision = rules.decide(
        kind_class=rules.DEFERRABLE,
        tz_name="Asia/Kolkata",
        budget=DEFAULT_BUDGET,
        sent=_sent("2026-11-23 04:00", "2026-11-24 04:00", "2026-11-25 04:00", "2026-11-25 05:00"),
        now=utc("2026-11-26 06:00"),
    )
    assert decision.until == utc("2026-11-30 02:30")  # Monday 08:00 in Kolkata


def test_a_full_day_defers_to_a_day_with_room_counting_what_is_already_booked() -> None:
    roomy = Budget(week=6)
    decision = rules.decide(
        kind_class=rules.DEFERRABLE,
        tz_name="America/New_York",
        budget=roomy,
        sent=_sent("2026-11-23 14:30", "2026-11-23 15:00"),
        booked=_sent("2026-11-24 13:00", "2026-11-24 14:30"),
        now=utc("2026-11-23 16:00"),
    )
    assert decision.until == utc("2026-11-25 13:00")  # Tuesday is booked full: Wednesday 08:00
    # At the default four a week, those four fill the week: next Monday 08:00.
    decision = rules.decide(
        kind_class=rules.DEFERRABLE,
        tz_name="America/New_York",
        budget=DEFAULT_BUDGET,
        sent=_sent("2026-11-23 14:30", "2026-11-23 15:00"),
        booked=_sent("2026-11-24 13:00", "2026-11-24 14:30"),
        now=utc("2026-11-23 16:00"),
    )
    assert decision.until == utc("2026-11-30 13:00")


def test_a_rider_waits_for_the_check_in_due_soon_and_goes_inside_it() -> None:
    decision = rules.decide(
        kind_class=rules.RIDER,
        tz_name="Asia/Kolkata",
        budget=DEFAULT_BUDGET,
        sent=[],
        now=utc("2026-11-23 04:00"),
        checkin_due_at=utc("2026-11-23 04:00"),
    )
    assert decision.action == rules.MERGE and decision.until == utc("2026-11-23 04:00")


def test_nothing_comes_before_a_welcome_waiting_for_the_morning() -> None:
    decision = rules.decide(
        kind_class=rules.ESSENTIAL,
        tz_name="Asia/Tokyo",
        budget=DEFAULT_BUDGET,
        sent=[],
        now=utc("2026-11-23 00:30"),
        welcome_pending_at=utc("2026-11-23 01:00"),
    )
    assert decision.action == rules.DEFER and decision.until == utc("2026-11-23 01:01")


def test_a_manager_chosen_cadence_always_fits() -> None:
    assert rules.with_cadence(DEFAULT_BUDGET, 3) is DEFAULT_BUDGET
    assert rules.with_cadence(DEFAULT_BUDGET, 5).week == 6


def test_a_team_that_works_saturdays() -> None:
    budget = Budget(work_days=("mon", "tue", "wed", "thu", "fri", "sat"), day_starts=time(9, 0))
    assert rules.in_hours(utc("2026-11-28 10:00"), "Europe/London", budget)
    assert not rules.in_hours(utc("2026-11-28 08:30"), "Europe/London", budget)


@pytest.mark.parametrize(
    ("statuses", "streak"),
    [
        ([], 0),
        (["missed"], 1),
        (["missed", "missed", "answered", "missed"], 2),
        (["missed", "excused", "missed", "skipped", "missed"], 3),
        (["answered", "missed", "missed", "missed"], 0),
        (["undeliverable", "missed"], 1),
    ],
)
def test_missed_in_a_row(statuses: list[str], streak: int) -> None:
    assert rules.missed_streak(statuses) == streak


@pytest.mark.parametrize(
    ("streak", "day", "earlier", "wanted"),
    [
        (2, date(2026, 11, 25), [date(2026, 11, 23)], True),
        (3, date(2026, 11, 25), [date(2026, 11, 23)], False),  # quiet: one a week
        (3, date(2026, 11, 30), [date(2026, 11, 27), date(2026, 11, 25)], True),  # a new week's first
        (4, date(2026, 12, 2), [date(2026, 11, 30)], False),
    ],
)
def test_quiet_reps_get_one_checkin_a_week(streak: int, day: date, earlier: list[date], wanted: bool) -> None:
    assert rules.checkin_wanted(streak=streak, day=day, earlier_this_week=earlier) is wanted


@pytest.mark.parametrize(
    ("streak", "alerted", "wanted"), [(0, False, True), (1, False, True), (2, False, False), (0, True, False)]
)
def test_nudges_stop_after_two_missed_or_an_alert(streak: int, alerted: bool, wanted: bool) -> None:
    assert rules.nudge_wanted(streak=streak, managers_alerted=alerted) is wanted


KEYS = ("readiness", "goal_feel", "goal_input", "room_to_miss", "limiter", "stretch_swing")


def test_check_ins_rotate_to_four_taps_and_ask_every_question_within_two_weeks() -> None:
    """Mon/Wed/Fri for two weeks: readiness and goal feel every time, every question inside two weeks."""
    last: dict[str, date] = {}
    asked: dict[str, list[date]] = {key: [] for key in KEYS}
    day = date(2026, 11, 23)
    for _ in range(6):
        chosen = rules.choose_questions(keys=KEYS, last_asked=last, notes=("stretch_swing",))
        taps = [key for key in chosen if key != "stretch_swing"]
        assert len(taps) <= 4 and {"readiness", "goal_feel"} <= set(chosen)
        for key in chosen:
            last[key] = day
            asked[key].append(day)
        day += timedelta(days=2 if day.weekday() < 4 else 3)
    for key, days in asked.items():
        assert days and (days[0] - date(2026, 11, 23)).days < 14, key
        assert all((b - a).days <= 14 for a, b in itertools.pairwise(days)), key


def test_a_pinned_question_is_in_every_check_in() -> None:
    last: dict[str, date] = {}
    for offset in range(4):
        chosen = rules.choose_questions(
            keys=KEYS, last_asked=last, pinned="limiter", notes=("stretch_swing",)
        )
        assert "limiter" in chosen and len([k for k in chosen if k != "stretch_swing"]) == 4
        for key in chosen:
            last[key] = date(2026, 11, 23) + timedelta(days=offset)

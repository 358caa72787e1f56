"""The new-rep signals, alert titles and escalation calendar, and the 1:1 page's pure rules, as tables."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain import alerts as rules
from bot.domain import one_on_one as page
from bot.domain.alert_rounds import working_days_between
from bot.domain.alert_settings import AlertSettings
from tests.alerts.test_rules import DAYS, facts


def raised(pattern: str, *, zones: str = "", new: bool = True) -> dict[str, str]:
    items = facts(pattern, zones=zones)
    first = items[0].local_date if new else items[0].local_date - timedelta(weeks=20)
    return {r.signal: r.evidence for r in rules.raised_signals(items, AlertSettings(), first_day=first)}


@pytest.mark.parametrize(
    ("pattern", "zones", "new", "expected"),
    [
        ("MM", "", True, set()),  # two misses: too early to say anything
        ("MMM", "", True, {"new_no_answer"}),  # none of the first three answered
        ("MMMM", "", True, {"new_no_answer"}),  # the same silence is told once, not also as 4 in a row
        ("MMMA", "", True, set()),  # they answered: the episode is over
        ("AMMM", "", True, set()),  # answered the first one: not "no answer to any"
        ("AMMMM", "", True, {"missed_in_a_row"}),  # anyone: 4 misses in a row whatever the baseline
        ("AMMM", "", True, set()),  # 3 misses without a baseline: not yet
        ("MMMM", "", False, {"missed_in_a_row"}),  # history before the window: not new, 4 in a row
        ("AAA", "sns", True, {"new_snap"}),  # snap in 2 of the first 3 answers
        ("AAA", "snn", True, set()),  # one snap in three is not a pattern
        ("AAAA", "sns" + "n", True, set()),  # settled since: over
        ("AAAA", "sns" + "s", True, {"new_snap"}),  # still in the snap zone
        ("AAA", "sns", False, set()),  # not new: the baseline signals decide
    ],
)
def test_new_rep_signals(pattern: str, zones: str, new: bool, expected: set[str]) -> None:
    assert set(raised(pattern, zones=zones, new=new)) == expected


def test_new_rep_evidence_names_the_first_check_ins() -> None:
    evidence = raised("MMM")["new_no_answer"]
    assert evidence.startswith("no answer to any of their first 3 check-ins")
    assert f"since {page.day_label(DAYS[0])}" in evidence


@pytest.mark.parametrize(
    ("signal", "details", "title"),
    [
        ("missed_in_a_row", {"missed": 2}, "Sam: missed check-ins in a row"),
        ("snap_zone", {"run": 2}, "Sam: snap zone two check-ins running"),
        ("snap_zone", {"run": 1}, "Sam: moved into the snap zone"),
        ("new_no_answer", {"first": 3}, "Sam: no answer to their first 3 check-ins"),
        ("new_snap", {"snaps": 2, "first": 3}, "Sam: snap zone in 2 of their first 3 check-ins"),
        ("new_snap", {"snaps": 2, "first": 2}, "Sam: snap zone in their first 2 check-ins"),
        ("readiness_drop", {}, "Sam: readiness dropped"),
        ("huddle_quiet", {}, "Sam: quiet in huddles"),
    ],
)
def test_every_title_names_its_signal(signal: str, details: dict[str, object], title: str) -> None:
    assert rules.alert_title(signal, "Sam", details, "quiet in huddles") == title
    assert "quieter" not in title


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2026, 11, 25), date(2026, 11, 27), 2),  # Wed → Fri: Thu, Fri
        (date(2026, 11, 27), date(2026, 11, 30), 1),  # Fri → Mon: the weekend doesn't count
        (date(2026, 11, 27), date(2026, 12, 2), 3),  # Fri → Wed: Mon, Tue, Wed
        (date(2026, 11, 28), date(2026, 11, 28), 0),
    ],
)
def test_working_days(start: date, end: date, days: int) -> None:
    assert working_days_between(start, end) == days


def _day_facts(pattern: str, start: date = date(2026, 11, 2)) -> list[page.DayFact]:
    status = {"A": "answered", "M": "missed", "E": "excused", "S": "skipped"}
    return [
        page.DayFact(
            local_date=start + timedelta(days=n), status=status[c], zone="stretch" if c == "A" else None
        )
        for n, c in enumerate(pattern)
    ]


@pytest.mark.parametrize(
    ("pattern", "today", "lines"),
    [
        ("AAMMEMM", date(2026, 11, 10), ["missed 4 in a row since Wed 4 Nov", "last answer 7 days ago"]),
        ("AA", date(2026, 11, 4), ["last answer yesterday"]),
        ("A", date(2026, 11, 2), ["last answer today"]),
        ("MMM", date(2026, 11, 5), ["missed 3 in a row since Mon 2 Nov", "no answer yet"]),
        ("", date(2026, 11, 5), []),
    ],
)
def test_live_lines_are_computed_from_what_happened(pattern: str, today: date, lines: list[str]) -> None:
    assert page.live_lines(_day_facts(pattern), today=today) == lines


def test_away_spans_group_excused_days_between_counted_ones() -> None:
    spans = page.away_spans(_day_facts("AEEAMEA"))
    assert spans == [(date(2026, 11, 7), date(2026, 11, 7)), (date(2026, 11, 3), date(2026, 11, 4))]


def test_timeline_has_eight_weeks_newest_first_with_marks() -> None:
    weeks = page.timeline(_day_facts("AMEA"), today=date(2026, 11, 20))
    assert len(weeks) == 8 and weeks[0].monday == date(2026, 11, 16)
    assert weeks[2].marks == "🟢▫️🏝️🟢"


def test_since_last_and_three_questions_drawn_from_it() -> None:
    items = [
        page.DayFact(date(2026, 11, 2) + timedelta(days=n), "answered", zone, readiness, has_note=n == 5)
        for n, (zone, readiness) in enumerate(
            [("stretch", 4), ("stretch", 4), ("stretch", 5), ("snap", 2), ("snap", 2), ("stretch", 3)]
        )
    ]
    since = page.since_last(
        items, last_one_on_one=date(2026, 11, 5), today=date(2026, 11, 8), limiters=[("time", 3)]
    )
    assert since.answered == 3 and since.zones == {"snap": 2, "stretch": 1} and since.notes == 1
    questions = page.suggested_questions(since, limiter_labels={"time": "time"})
    assert len(questions) == 3
    assert "too much in 2 check-ins" in questions[0]
    assert "Readiness went from 4.3 to 2.3" in questions[1]
    assert "“time” held you back 3 times" in questions[2]
    assert "1 new note" in page.summary_lines(since)


def test_three_questions_even_when_nothing_changed() -> None:
    since = page.since_last([], last_one_on_one=None, today=date(2026, 11, 8))
    assert len(page.suggested_questions(since)) == 3

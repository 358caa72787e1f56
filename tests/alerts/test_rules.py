"""Quiet-rep signal rules as tables of cases: each rep against their own baseline, never the team's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain import alerts as rules
from bot.domain.alert_rounds import send_time
from bot.domain.alert_settings import AlertSettings, parse_setting, settings_from
from bot.domain.alerts import CheckinFact
from bot.domain.errors import UserError
from bot.domain.schedule import local_moment, scheduled_dates

START = date(2026, 9, 28)  # a Monday; six weeks of Mon/Wed/Fri check-ins fill the baseline
DAYS = list(scheduled_dates(("mon", "wed", "fri"), START, START + timedelta(weeks=12)))
TZ = "America/New_York"


def facts(
    pattern: str,
    *,
    readiness: list[int] | None = None,
    notes: list[int] | None = None,
    minutes: list[int] | None = None,
    zones: str = "",
    start: int = 0,
) -> list[CheckinFact]:
    """One fact per letter from DAYS[start]: A answered, M missed, S system-skipped, E excused, O open."""
    status = {"A": "answered", "M": "missed", "S": "skipped", "E": "excused", "O": "open"}
    out = []
    for i, letter in enumerate(pattern):
        day = DAYS[start + i]
        sent = local_moment(day, datetime.min.time().replace(hour=9, minute=30), TZ)
        answered = letter == "A"
        out.append(
            CheckinFact(
                local_date=day,
                status=status[letter],
                readiness=(readiness[i] if readiness else 4) if answered else None,
                zone=({"n": "stretch", "s": "snap", "l": "slack"}[zones[i]] if zones else "stretch")
                if answered
                else None,
                note_length=(notes[i] if notes else 0) if answered else 0,
                sent_at=sent,
                first_answer_at=sent + timedelta(minutes=minutes[i] if minutes else 20) if answered else None,
            )
        )
    return out


def counted(items: list[CheckinFact], **kwargs: object) -> list[CheckinFact]:
    return rules.counted(
        items,
        away_from=kwargs.get("away_from"),  # type: ignore[arg-type]
        away_until=kwargs.get("away_until"),  # type: ignore[arg-type]
        skip_dates=kwargs.get("skip_dates", set()),  # type: ignore[arg-type]
    )


def signals(items: list[CheckinFact], settings: AlertSettings | None = None, **kwargs: object) -> set[str]:
    return {r.signal for r in rules.raised_signals(counted(items, **kwargs), settings or AlertSettings())}


BASE = "AAAAAAAAAAAA"  # four weeks of answers


@pytest.mark.parametrize(
    ("case", "pattern", "kwargs", "raised"),
    [
        ("two missed in a row after a baseline", BASE + "MM", {}, True),
        ("one missed is not a pattern", BASE + "M", {}, False),
        ("missed, answered, missed: not in a row", BASE + "MAM", {}, False),
        ("new rep without a baseline → no alert", "AMM", {}, False),
        ("skipped by the system doesn't count", BASE + "MSM"[:1] + "S", {}, False),
        ("system-skipped between two misses doesn't break the run", BASE + "MSM", {}, True),
        ("excused (away/skip date) doesn't count", BASE + "MEE", {}, False),
        ("still-open check-in doesn't count yet", BASE + "MO", {}, False),
        ("away doesn't count", BASE + "MM", {"away_from": DAYS[12], "away_until": DAYS[13]}, False),
        (
            "away on one of three misses: two still count",
            BASE + "MMM",
            {"away_from": DAYS[13], "away_until": DAYS[13]},
            True,
        ),
        ("a team skip date doesn't count", BASE + "MM", {"skip_dates": {DAYS[13]}}, False),
    ],
)
def test_missed_in_a_row(case: str, pattern: str, kwargs: dict[str, object], raised: bool) -> None:
    assert (rules.MISSED_IN_A_ROW in signals(facts(pattern), **kwargs)) is raised, case


def test_missed_threshold_is_a_team_setting_and_evidence_has_numbers() -> None:
    items = counted(facts(BASE + "MMM"))
    assert rules.missed_in_a_row(items, AlertSettings(missed_in_a_row=4)) is None
    found = rules.missed_in_a_row(items, AlertSettings())
    assert found is not None and found.episode_start == DAYS[12]
    assert found.evidence.startswith("missed 3 of the last 3 check-ins (since Mon 26 Oct)")
    assert "answered 12 of 12" in found.evidence


@pytest.mark.parametrize(
    ("case", "readiness", "raised"),
    [
        ("4.3 → 2.0 is a drop", [4, 5, 4, 4, 5, 4, 4, 4, 5, 4, 4, 5, 2, 2, 2], True),
        ("exactly 1.5 below counts", [4] * 12 + [3, 2, 2], True),  # 4.0 → 2.33
        ("1.0 below is not enough", [4] * 12 + [3, 3, 3], False),
        ("a rep who is always at 2 is not 'down'", [2] * 15, False),
        ("one bad day among good ones is not a drop", [4] * 12 + [1, 4, 4], False),
        ("new rep without a baseline → no alert", [5, 1, 1, 1], False),
    ],
)
def test_readiness_drop_against_own_baseline(case: str, readiness: list[int], raised: bool) -> None:
    items = facts("A" * len(readiness), readiness=readiness)
    assert (rules.READINESS_DROP in signals(items)) is raised, case


def test_readiness_evidence_reads_before_and_after() -> None:
    items = facts("A" * 15, readiness=[4, 5, 4, 4, 5, 4, 4, 4, 5, 4, 4, 5, 2, 2, 2])
    found = rules.readiness_drop(items, AlertSettings())
    assert found is not None and found.evidence.startswith("readiness 4.3 → 2.0")


@pytest.mark.parametrize(
    ("case", "notes", "raised"),
    [
        ("wrote ~100 characters, then nothing", [100] * 12 + [0, 0, 0], True),
        ("shrank to a tenth", [100] * 12 + [10, 8, 12], True),
        ("a little shorter is fine", [100] * 12 + [60, 70, 50], False),
        ("never wrote notes: nothing stopped", [0] * 15, False),
        ("wrote only now and then: no habit", [100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 80, 0, 0, 0], False),
        ("one empty note is not stopping", [100] * 12 + [0, 100, 90], False),
    ],
)
def test_notes_stopped_or_shrank(case: str, notes: list[int], raised: bool) -> None:
    assert (rules.NOTES_STOPPED in signals(facts("A" * len(notes), notes=notes))) is raised, case


def test_notes_evidence_uses_lengths_only() -> None:
    found = rules.notes_stopped(facts("A" * 15, notes=[120] * 12 + [0, 0, 0]), AlertSettings())
    assert found is not None
    assert (
        found.evidence
        == "no notes in the last 3 check-ins; notes in 12 of 12 before (usually ~120 characters)"
    )


@pytest.mark.parametrize(
    ("case", "zones", "settings", "raised"),
    [
        ("a move into snap from a stretch baseline", "nnnnnnnnnnnns", AlertSettings(), True),
        ("snap twice in a row even from a snap-heavy baseline", "ssssssnnnnnnss", AlertSettings(), True),
        ("one snap for a rep who is often in snap: their normal", "sssssssnnnnns", AlertSettings(), False),
        ("back in stretch: cleared", "nnnnnnnnnnnnsn", AlertSettings(), False),
        ("new rep without a baseline → no alert", "ns", AlertSettings(), False),
        ("snap threshold raised to 3", "ssssssnnnnnnss", AlertSettings(snap_in_a_row=3), False),
    ],
)
def test_snap_zone(case: str, zones: str, settings: AlertSettings, raised: bool) -> None:
    items = facts("A" * len(zones), zones=zones)
    assert (rules.SNAP_ZONE in signals(items, settings)) is raised, case


@pytest.mark.parametrize(
    ("case", "minutes", "raised"),
    [
        ("20 minutes → 6 hours", [20] * 12 + [360, 400, 380], True),
        ("5 → 15 minutes: doubled but trivial", [5] * 12 + [15, 15, 15], False),
        ("2 h → 3 h: not double", [120] * 12 + [180, 180, 180], False),
        ("one slow day", [20] * 12 + [600, 20, 20], False),
    ],
)
def test_slower_answers(case: str, minutes: list[int], raised: bool) -> None:
    items = facts("A" * len(minutes), minutes=minutes)
    assert (rules.SLOWER_ANSWERS in signals(items)) is raised, case


def test_dst_weeks_change_no_answering_time_and_no_count() -> None:
    """New York falls back on Sun 1 Nov 2026: 09:30 local is a different UTC hour, answers as quick."""
    items = facts("A" * 12 + "MM", minutes=[20] * 12, start=6)
    assert items[0].local_date < date(2026, 11, 1) < items[-1].local_date
    assert signals(items) == {rules.MISSED_IN_A_ROW}
    assert items[2].sent_at is not None and items[11].sent_at is not None
    assert items[2].sent_at.hour == 13 and items[11].sent_at.hour == 14  # EDT then EST


def test_recovers_then_drops_again_names_a_new_episode() -> None:
    first = rules.missed_in_a_row(counted(facts(BASE + "MM")), AlertSettings())
    recovered = rules.missed_in_a_row(counted(facts(BASE + "MMA")), AlertSettings())
    again = rules.missed_in_a_row(counted(facts(BASE + "MMAMM")), AlertSettings())
    still = rules.missed_in_a_row(counted(facts(BASE + "MMM")), AlertSettings())
    assert first is not None and recovered is None and again is not None and still is not None
    # Still raised → the same episode (no repeat); a new drop → a new episode.
    assert still.episode_start == first.episode_start
    assert again.episode_start != first.episode_start


def test_strong_record_is_a_long_streak_or_top_of_the_pie() -> None:
    streak = counted(facts("A" * 8))
    patchy = counted(facts("AAMAAMAA"))
    assert rules.is_strong_record(streak, top_of_pie=False, settings=AlertSettings())
    assert not rules.is_strong_record(patchy, top_of_pie=False, settings=AlertSettings())
    assert rules.is_strong_record(patchy, top_of_pie=True, settings=AlertSettings())


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 24, 15, 0, tzinfo=UTC), datetime(2026, 11, 24, 15, 0, tzinfo=UTC)),  # 10:00 NY
        (
            datetime(2026, 11, 25, 2, 30, tzinfo=UTC),
            datetime(2026, 11, 25, 13, 0, tzinfo=UTC),
        ),  # 21:30 → 08:00
        (datetime(2026, 11, 24, 12, 59, tzinfo=UTC), datetime(2026, 11, 24, 13, 0, tzinfo=UTC)),  # 07:59
        (datetime(2026, 11, 24, 13, 0, tzinfo=UTC), datetime(2026, 11, 24, 13, 0, tzinfo=UTC)),  # 08:00 sharp
        (datetime(2026, 11, 1, 4, 0, tzinfo=UTC), datetime(2026, 11, 1, 13, 0, tzinfo=UTC)),  # DST night
    ],
)
def test_alerts_never_reach_a_manager_between_21_and_08(now: datetime, expected: datetime) -> None:
    assert send_time(now, TZ) == expected


@pytest.mark.parametrize(
    ("name", "text", "ok"),
    [
        ("missed_in_a_row", "3", 3),
        ("missed_in_a_row", "2.5", None),
        ("missed_in_a_row", "0", None),
        ("readiness_drop", "1,5", 1.5),
        ("readiness_drop", "lots", None),
        ("baseline_weeks", "3", None),
        ("notes_fraction", "0.25", 0.25),
    ],
)
def test_thresholds_typed_in_the_modal(name: str, text: str, ok: float | None) -> None:
    if ok is None:
        with pytest.raises(UserError) as error:
            parse_setting(name, text)
        assert error.value.field == name and "number" in error.value.message
    else:
        assert parse_setting(name, text) == ok


def test_stored_settings_fall_back_to_defaults() -> None:
    assert settings_from(None) == AlertSettings()
    odd = settings_from({"missed_in_a_row": 3, "readiness_drop": "x", "baseline_weeks": 99})
    assert odd == AlertSettings(missed_in_a_row=3)

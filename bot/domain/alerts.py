"""Quiet-rep signals: pure rules that compare a rep's recent check-ins with their OWN baseline.

Each signal reads a rep's check-in facts (numbers only: statuses, readiness, zones, note LENGTHS and
answering times; never a word of what they wrote) and says whether it is raised now, with the evidence a
manager can act on and a date that names the episode. The engine (bot/jobs/alerts.py) turns raised
signals into one alert per episode.

| signal           | raised when (defaults; each is a team setting)                                          |
|------------------|-----------------------------------------------------------------------------------------|
| missed_in_a_row  | the last 2 counted check-ins were missed (away days, team skip dates and check-ins the   |
|                  | system skipped or couldn't deliver don't count)                                         |
| readiness_drop   | the mean readiness of the last 3 answers is ≥ 1.5 below the rep's baseline mean         |
| notes_stopped    | the rep wrote notes in most baseline check-ins and none in the last 3, or the last 3     |
|                  | notes shrank below 30 % of their usual length                                           |
| snap_zone        | the latest answer is in the snap zone after a baseline mostly outside it, or snap 2 in a |
|                  | row                                                                                     |
| slower_answers   | the median time from send to first answer over the last 3 is ≥ 2× the baseline median   |
|                  | and at least 2 hours longer                                                             |

The signals above need a baseline (at least 3 answered check-ins in the 6 weeks before the recent
window). New reps, and anyone without a baseline, have their own:

| signal           | raised when (fixed defaults)                                                            |
|------------------|-----------------------------------------------------------------------------------------|
| new_no_answer    | none of the rep's first 3 counted check-ins was answered (and none since)               |
| new_snap         | snap zone in 2 of the rep's first 3 answered check-ins (until a later answer leaves it)  |
| missed_in_a_row  | for anyone, whatever the baseline: 4 counted check-ins missed in a row                  |

A new rep's first-3 silence raises new_no_answer only (not also the 4-in-a-row miss signal).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median

from bot.domain.alert_settings import AlertSettings
from bot.domain.availability import is_away

MISSED_IN_A_ROW = "missed_in_a_row"
READINESS_DROP = "readiness_drop"
NOTES_STOPPED = "notes_stopped"
SNAP_ZONE = "snap_zone"
SLOWER_ANSWERS = "slower_answers"
NEW_NO_ANSWER = "new_no_answer"
NEW_SNAP = "new_snap"
SIGNAL_LABELS = {
    MISSED_IN_A_ROW: "missed check-ins in a row",
    READINESS_DROP: "readiness dropped",
    NOTES_STOPPED: "stopped writing notes",
    SNAP_ZONE: "in the snap zone",
    SLOWER_ANSWERS: "answering much later than usual",
    NEW_NO_ANSWER: "no answer to their first check-ins",
    NEW_SNAP: "snap zone in their first check-ins",
    # Raised by huddles (bot/domain/huddles.SIGNAL); named here so every label lives in one table.
    "huddle_quiet": "quiet in huddles",
    # Raised by the pie's hidden risks (bot/services/pace_signals.py).
    "same_limiter": "named the same limit again",
    "confidence_drop": "confidence dropped while pace looks fine",
}
# A signal's own DM headline ("{name}" is the rep), for signals that aren't about going quiet.
SIGNAL_TITLES = {
    "same_limiter": "{name} keeps naming the same limit",
    "confidence_drop": "{name}'s pace looks fine, but their confidence dropped",
}
NEW_SIGNALS = frozenset({NEW_NO_ANSWER, NEW_SNAP})

# Statuses the check-ins feature writes (bot/models/checkins.py), repeated here so domain stays pure.
ANSWERED = "answered"
MISSED = "missed"
# skipped (the system couldn't send), excused (away/skip date), undeliverable and still-open check-ins
# never count as anything.

RECENT = 3  # "the last 3 answers"
MIN_BASELINE = 3  # answered check-ins needed before the recent window
SLOWER_FLOOR = timedelta(hours=2)  # 10 minutes → 25 minutes is not a change anyone should hear about
NOTES_HABIT = 0.5  # wrote notes in at least half of the baseline check-ins
NOTES_MIN_USUAL = 20  # characters: a usual note shorter than this is not a habit worth watching
FIRST = 3  # a new rep's first check-ins the new-rep signals read
FIRST_SNAPS = 2  # snap answers among those that raise new_snap
ANYONE_MISSED = 4  # counted misses in a row that alert whatever the baseline


@dataclass(frozen=True)
class CheckinFact:
    """One check-in of one rep as the rules see it: numbers, never text."""

    local_date: date
    status: str
    readiness: int | None = None
    zone: str | None = None
    note_length: int = 0
    sent_at: datetime | None = None
    first_answer_at: datetime | None = None

    @property
    def response_time(self) -> timedelta | None:
        """How long from the DM to the first answer."""
        if self.status != ANSWERED or self.sent_at is None or self.first_answer_at is None:
            return None
        return max(timedelta(0), self.first_answer_at - self.sent_at)


@dataclass(frozen=True)
class Raised:
    """A signal that is raised now: the day its episode began, the evidence and facts for the manager."""

    signal: str
    episode_start: date
    evidence: str
    suggested_step: str
    details: dict[str, object] = field(default_factory=dict)


def counted(
    facts: Sequence[CheckinFact],
    *,
    away_from: date | None,
    away_until: date | None,
    skip_dates: Collection[date],
) -> list[CheckinFact]:
    """The check-ins that count, oldest first: answered or missed, not on an away day or a team skip date."""
    return sorted(
        (
            f
            for f in facts
            if f.status in (ANSWERED, MISSED)
            and f.local_date not in skip_dates
            and not is_away(f.local_date, away_from, away_until)
        ),
        key=lambda f: f.local_date,
    )


def _baseline(facts: Sequence[CheckinFact], before: date, weeks: int) -> list[CheckinFact]:
    start = before - timedelta(weeks=weeks)
    return [f for f in facts if start <= f.local_date < before]


def _answered(facts: Sequence[CheckinFact]) -> list[CheckinFact]:
    return [f for f in facts if f.status == ANSWERED]


def _day(day: date) -> str:
    return f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"


def missed_in_a_row(facts: Sequence[CheckinFact], settings: AlertSettings) -> Raised | None:
    """The last N counted check-ins were all missed, after a baseline of answers."""
    run: list[CheckinFact] = []
    for fact in reversed(facts):
        if fact.status != MISSED:
            break
        run.append(fact)
    if len(run) < settings.missed_in_a_row:
        return None
    start = run[-1].local_date
    baseline = _answered(_baseline(facts, start, settings.baseline_weeks))
    if len(baseline) < MIN_BASELINE:
        if len(run) < ANYONE_MISSED:
            return None
        return Raised(
            signal=MISSED_IN_A_ROW,
            episode_start=start,
            evidence=f"missed {len(run)} counted check-ins in a row (since {_day(start)})",
            suggested_step=(
                "Grab 15 minutes this week. Ask how things are going and whether the check-in time "
                "works for them, rather than asking why they skipped it."
            ),
            details={"missed": len(run), "baseline_answered": len(baseline), "no_baseline": True},
        )
    window = list(facts[-max(len(run), 4) :])
    answered_before = len(_baseline(facts, start, settings.baseline_weeks))
    return Raised(
        signal=MISSED_IN_A_ROW,
        episode_start=start,
        evidence=(
            f"missed {len(run)} of the last {len(run)} check-ins (since {_day(start)}); "
            f"answered {len(baseline)} of {answered_before} in the {settings.baseline_weeks} weeks before"
        ),
        suggested_step=(
            "Grab 15 minutes for a 1:1 this week. Ask how the week is really going and whether the "
            "check-in still helps, rather than asking why they skipped it."
        ),
        details={"missed": len(run), "baseline_answered": len(baseline), "window": len(window)},
    )


def readiness_drop(facts: Sequence[CheckinFact], settings: AlertSettings) -> Raised | None:
    """The mean readiness of the last 3 answers fell at least the threshold below the baseline mean."""
    scored = [f for f in _answered(facts) if f.readiness is not None]
    if len(scored) < RECENT:
        return None
    recent = scored[-RECENT:]
    start = recent[0].local_date
    baseline = [f for f in _baseline(scored, start, settings.baseline_weeks)]
    if len(baseline) < MIN_BASELINE:
        return None
    before = sum(f.readiness or 0 for f in baseline) / len(baseline)
    now = sum(f.readiness or 0 for f in recent) / len(recent)
    if before - now < settings.readiness_drop - 1e-9:
        return None
    return Raised(
        signal=READINESS_DROP,
        episode_start=start,
        evidence=(
            f"readiness {before:.1f} → {now:.1f} (last {RECENT} answers: "
            f"{', '.join(str(f.readiness) for f in recent)}; baseline of {len(baseline)})"
        ),
        suggested_step=(
            'Ask in a 1:1: "What would make this week feel more doable?" Then look together at '
            "whether the goal or the support needs to change."
        ),
        details={"baseline": round(before, 2), "recent": round(now, 2), "baseline_count": len(baseline)},
    )


def notes_stopped(facts: Sequence[CheckinFact], settings: AlertSettings) -> Raised | None:
    """Notes used to be written and stopped (last 3 answers have none) or shrank to a fraction."""
    answered = _answered(facts)
    if len(answered) < RECENT:
        return None
    recent = answered[-RECENT:]
    start = recent[0].local_date
    baseline = _baseline(answered, start, settings.baseline_weeks)
    if len(baseline) < MIN_BASELINE:
        return None
    written = [f.note_length for f in baseline if f.note_length > 0]
    if len(written) < NOTES_HABIT * len(baseline):
        return None
    usual = median(written)
    if usual < NOTES_MIN_USUAL:
        return None
    lengths = [f.note_length for f in recent]
    if all(length == 0 for length in lengths):
        evidence = (
            f"no notes in the last {RECENT} check-ins; notes in {len(written)} of {len(baseline)} "
            f"before (usually ~{round(usual)} characters)"
        )
    elif median(lengths) < settings.notes_fraction * usual:
        evidence = (
            f"notes shrank from ~{round(usual)} to ~{round(median(lengths))} characters "
            f"over the last {RECENT} check-ins"
        )
    else:
        return None
    return Raised(
        signal=NOTES_STOPPED,
        episode_start=start,
        evidence=evidence,
        suggested_step=(
            "Ask an open question in your next 1:1, such as \"What's been on your mind about your "
            "pipeline lately?\", and listen for what isn't being said."
        ),
        details={"usual_length": round(usual), "recent_lengths": lengths, "baseline_count": len(baseline)},
    )


def snap_zone(facts: Sequence[CheckinFact], settings: AlertSettings, snap: str = "snap") -> Raised | None:
    """A move into the snap zone (from a baseline mostly outside it), or snap N times in a row."""
    zoned = [f for f in _answered(facts) if f.zone is not None]
    run: list[CheckinFact] = []
    for fact in reversed(zoned):
        if fact.zone != snap:
            break
        run.append(fact)
    if not run:
        return None
    start = run[-1].local_date
    baseline = _baseline(zoned, start, settings.baseline_weeks)
    if len(baseline) < MIN_BASELINE:
        return None
    snaps_before = sum(1 for f in baseline if f.zone == snap)
    moved = snaps_before * 2 < len(baseline)
    if not moved and len(run) < settings.snap_in_a_row:
        return None
    what = f"snap zone in the last {len(run)} check-in{'s' if len(run) > 1 else ''}"
    return Raised(
        signal=SNAP_ZONE,
        episode_start=start,
        evidence=f"{what} (since {_day(start)}); {snaps_before} of {len(baseline)} before",
        suggested_step=(
            "The goal may feel like too much right now. In a 1:1, ask what would make it feel possible "
            "again, and agree on one thing to take off their plate or one way to support them."
        ),
        details={"run": len(run), "baseline_snaps": snaps_before, "baseline_count": len(baseline)},
    )


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{round(delta.total_seconds() / 60)} min" if hours < 1 else f"{hours:.1f} h"


def _seconds(fact: CheckinFact) -> float:
    return (fact.response_time or timedelta(0)).total_seconds()


def slower_answers(facts: Sequence[CheckinFact], settings: AlertSettings) -> Raised | None:
    """The median send-to-answer time of the last 3 answers is far above the rep's baseline median."""
    timed = [f for f in _answered(facts) if f.response_time is not None]
    if len(timed) < RECENT:
        return None
    recent = timed[-RECENT:]
    start = recent[0].local_date
    baseline = _baseline(timed, start, settings.baseline_weeks)
    if len(baseline) < MIN_BASELINE:
        return None
    usual = timedelta(seconds=median(_seconds(f) for f in baseline))
    lately = timedelta(seconds=median(_seconds(f) for f in recent))
    if lately < usual * settings.slower_factor or lately - usual < SLOWER_FLOOR:
        return None
    return Raised(
        signal=SLOWER_ANSWERS,
        episode_start=start,
        evidence=f"answering in ~{_hours(lately)} instead of their usual ~{_hours(usual)} (last {RECENT})",
        suggested_step=(
            "Check whether their days have become crowded: ask what's eating their mornings and whether "
            "anything can move."
        ),
        details={
            "usual_minutes": round(usual.total_seconds() / 60),
            "recent_minutes": round(lately.total_seconds() / 60),
        },
    )


def new_no_answer(facts: Sequence[CheckinFact], *, is_new: bool) -> Raised | None:
    """A new rep left their first 3 counted check-ins (and every one since) unanswered."""
    if not is_new or len(facts) < FIRST or any(f.status == ANSWERED for f in facts):
        return None
    start = facts[0].local_date
    return Raised(
        signal=NEW_NO_ANSWER,
        episode_start=start,
        evidence=(
            f"no answer to any of their first {FIRST} check-ins (since {_day(start)}; {len(facts)} so far)"
        ),
        suggested_step=(
            "Say hello in person: check they see the check-in DM, know what it is for and that only "
            "you (their managers) read the answers. A new tool often just needs a first nudge."
        ),
        details={"first": FIRST, "missed": len(facts), "new": True},
    )


def new_snap(facts: Sequence[CheckinFact], *, is_new: bool, snap: str = "snap") -> Raised | None:
    """A new rep answered in the snap zone in 2 of their first 3 answers, and hasn't left it since."""
    answered = [f for f in _answered(facts) if f.zone is not None]
    if not is_new or len(answered) < FIRST_SNAPS:
        return None
    first = answered[:FIRST]
    snaps = [f for f in first if f.zone == snap]
    if len(snaps) < FIRST_SNAPS:
        return None
    if len(answered) > FIRST and answered[-1].zone != snap:
        return None  # they have settled since: the episode is over
    return Raised(
        signal=NEW_SNAP,
        episode_start=first[0].local_date,
        evidence=(
            f"snap zone in {len(snaps)} of their first {len(first)} answered check-ins "
            f"(since {_day(first[0].local_date)})"
        ),
        suggested_step=(
            "The goal may feel out of reach from day one. In a 1:1, walk through how they plan to get "
            "there and agree on a first milestone that feels possible."
        ),
        details={"snaps": len(snaps), "first": len(first), "new": True},
    )


RULES = (missed_in_a_row, readiness_drop, notes_stopped, snap_zone, slower_answers)


def raised_signals(
    facts: Sequence[CheckinFact], settings: AlertSettings, *, first_day: date | None = None
) -> list[Raised]:
    """Every check-in signal raised for one rep's counted facts (oldest first).

    `first_day` is the day of the rep's first check-in ever: when every fact read starts there, the rep
    is new and the new-rep signals apply."""
    window_start = (facts[-1].local_date - timedelta(weeks=settings.baseline_weeks + 4)) if facts else None
    recent = [f for f in facts if window_start is None or f.local_date >= window_start]
    is_new = (
        bool(facts)
        and first_day is not None
        and facts[0].local_date >= first_day
        and (window_start is None or first_day >= window_start)
    )
    raised = [r for rule in RULES if (r := rule(recent, settings)) is not None]
    for extra in (new_no_answer(facts, is_new=is_new), new_snap(facts, is_new=is_new)):
        if extra is not None:
            raised.append(extra)
    if any(r.signal == NEW_NO_ANSWER for r in raised):
        # The same silence, told once: by the signal that says they are new.
        raised = [r for r in raised if r.signal != MISSED_IN_A_ROW]
    return raised


_NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def alert_title(signal: str, name: str, details: Mapping[str, object], label: str) -> str:
    """The alert's headline, naming its signal: 'Sam: snap zone two check-ins running'."""
    count = details.get("run")
    n = int(count) if isinstance(count, int) else 0
    if signal == MISSED_IN_A_ROW:
        # No count here: the run grows after it fires, and the live line says how long it is now.
        return f"{name}: missed check-ins in a row"
    if signal == SNAP_ZONE:
        if n >= 2:
            return f"{name}: snap zone {_NUMBER_WORDS.get(n, str(n))} check-ins running"
        return f"{name}: moved into the snap zone"
    if signal == NEW_NO_ANSWER:
        return f"{name}: no answer to their first {details.get('first', FIRST)} check-ins"
    if signal == NEW_SNAP:
        snaps, first = details.get("snaps", FIRST_SNAPS), details.get("first", FIRST)
        if snaps == first:
            return f"{name}: snap zone in their first {first} check-ins"
        return f"{name}: snap zone in {snaps} of their first {first} check-ins"
    if signal == READINESS_DROP:
        return f"{name}: readiness dropped"
    if signal == NOTES_STOPPED:
        return f"{name}: stopped writing notes"
    if signal == SLOWER_ANSWERS:
        return f"{name}: answering much later than usual"
    if signal in SIGNAL_TITLES:  # a signal with its own headline (the pie's hidden risks)
        return SIGNAL_TITLES[signal].format(name=name)
    return f"{name}: {label}"


def is_new_signal(signal: str, details: Mapping[str, object]) -> bool:
    """Whether the alert is about a rep without a baseline (it then says "new to Stretch")."""
    return signal in NEW_SIGNALS or bool(details.get("no_baseline"))


def longest_answer_streak(facts: Sequence[CheckinFact]) -> int:
    """The longest run of answered counted check-ins."""
    best = run = 0
    for fact in facts:
        run = run + 1 if fact.status == ANSWERED else 0
        best = max(best, run)
    return best


def is_strong_record(
    facts_before: Sequence[CheckinFact], *, top_of_pie: bool, settings: AlertSettings
) -> bool:
    """Top of the team's pie progress, or a long answer streak before the episode began."""
    return top_of_pie or longest_answer_streak(facts_before) >= settings.strong_streak

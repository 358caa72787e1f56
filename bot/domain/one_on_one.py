"""The 1:1 page's rules: a rep's check-in history read as a manager prepares a 1:1 (pure, `today` passed in).

From a year of one rep's check-in rows (numbers and statuses only) this module computes the zone timeline
of the last 8 weeks, the weekly readiness trend, away spans, the "Since your last 1:1" summary with three
suggested questions drawn from it, and the live lines alerts and the watchlist show ("missed 11 in a row
since Thu 26 Nov", "last answer 12 days ago"), computed when they are read, never stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.zones import SLACK, SNAP, STRETCH, ZONE_EMOJI, sparkline

TIMELINE_WEEKS = 8
# Statuses of bot/models/checkins.py, repeated so domain stays pure.
ANSWERED, MISSED, SKIPPED, EXCUSED, OPEN, UNDELIVERABLE = (
    "answered",
    "missed",
    "skipped",
    "excused",
    "open",
    "undeliverable",
)
STATUS_MARK = {MISSED: "▫️", EXCUSED: "🏝️", SKIPPED: "⏭️", UNDELIVERABLE: "⏭️", OPEN: "⏳"}
STATUS_LABEL = {
    MISSED: "missed",
    EXCUSED: "away or day off",
    SKIPPED: "skipped (not sent)",
    UNDELIVERABLE: "skipped (couldn't be delivered)",
    OPEN: "waiting for an answer",
}


@dataclass(frozen=True)
class DayFact:
    """One check-in of the rep as the page's rules see it."""

    local_date: date
    status: str
    zone: str | None = None
    readiness: int | None = None
    has_note: bool = False


def day_label(day: date) -> str:
    """'Thu 26 Nov'."""
    return f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 check-in', '2 check-ins'."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def counted(facts: Sequence[DayFact]) -> list[DayFact]:
    """Answered or missed check-ins, oldest first (away days, skips and open ones never count)."""
    return sorted((f for f in facts if f.status in (ANSWERED, MISSED)), key=lambda f: f.local_date)


def missed_run(facts: Sequence[DayFact]) -> tuple[int, date | None]:
    """How many counted check-ins in a row were missed up to now, and the first day of that run."""
    run: list[DayFact] = []
    for fact in reversed(counted(facts)):
        if fact.status != MISSED:
            break
        run.append(fact)
    return len(run), (run[-1].local_date if run else None)


def last_answer(facts: Sequence[DayFact]) -> date | None:
    """The day of the latest answered check-in."""
    answered = [f.local_date for f in facts if f.status == ANSWERED]
    return max(answered) if answered else None


def live_lines(facts: Sequence[DayFact], *, today: date) -> list[str]:
    """The figures as they stand now: the current run of misses and when the rep last answered."""
    lines: list[str] = []
    run, since = missed_run(facts)
    if run and since is not None:
        lines.append(f"missed {run} in a row since {day_label(since)}")
    latest = last_answer(facts)
    if latest is None:
        if counted(facts):
            lines.append("no answer yet")
    else:
        days = (today - latest).days
        if days == 0:
            lines.append("last answer today")
        elif days == 1:
            lines.append("last answer yesterday")
        else:
            lines.append(f"last answer {days} days ago")
    return lines


def week_start(day: date) -> date:
    """The Monday of the week the day is in."""
    return day - timedelta(days=day.weekday())


def mark(fact: DayFact) -> str:
    """The emoji a check-in shows as in the timeline."""
    if fact.status == ANSWERED:
        return ZONE_EMOJI.get(fact.zone or STRETCH, ZONE_EMOJI[STRETCH])
    return STATUS_MARK.get(fact.status, "▫️")


@dataclass(frozen=True)
class TimelineWeek:
    """One week of the timeline: its Monday and each check-in's mark, oldest first."""

    monday: date
    marks: str
    readiness: float | None


def timeline(facts: Sequence[DayFact], *, today: date, weeks: int = TIMELINE_WEEKS) -> list[TimelineWeek]:
    """The last `weeks` weeks (newest first), each with its check-ins' marks and mean readiness."""
    this_monday = week_start(today)
    mondays = [this_monday - timedelta(weeks=n) for n in range(weeks)]
    by_week: dict[date, list[DayFact]] = {m: [] for m in mondays}
    for fact in sorted(facts, key=lambda f: f.local_date):
        monday = week_start(fact.local_date)
        if monday in by_week:
            by_week[monday].append(fact)
    out = []
    for monday in mondays:
        week = by_week[monday]
        scores = [f.readiness for f in week if f.status == ANSWERED and f.readiness is not None]
        out.append(
            TimelineWeek(
                monday=monday,
                marks="".join(mark(f) for f in week),
                readiness=sum(scores) / len(scores) if scores else None,
            )
        )
    return out


def readiness_trend(weeks: Sequence[TimelineWeek]) -> str:
    """The weekly readiness as a sparkline, oldest first ('·' for a week without answers)."""
    return sparkline([None if w.readiness is None else round(w.readiness) for w in reversed(weeks)])


def away_spans(facts: Sequence[DayFact]) -> list[tuple[date, date]]:
    """Runs of excused (away or day off) check-ins with no counted one between them, newest first."""
    spans: list[tuple[date, date]] = []
    current: tuple[date, date] | None = None
    for fact in sorted(facts, key=lambda f: f.local_date):
        if fact.status == EXCUSED:
            current = (current[0], fact.local_date) if current else (fact.local_date, fact.local_date)
        elif fact.status in (ANSWERED, MISSED) and current is not None:
            spans.append(current)
            current = None
    if current is not None:
        spans.append(current)
    return list(reversed(spans))


@dataclass(frozen=True)
class Since:
    """What changed since the last 1:1 (or the last four weeks when there was none)."""

    since: date
    had_one_on_one: bool
    answered: int
    missed: int
    zones: dict[str, int]
    zones_before: dict[str, int]
    readiness_now: float | None
    readiness_before: float | None
    notes: int
    run: int
    run_since: date | None
    top_limiter: tuple[str, int] | None
    slice_pct: int | None


FIRST_LOOK = timedelta(weeks=4)


def since_last(
    facts: Sequence[DayFact],
    *,
    last_one_on_one: date | None,
    today: date,
    limiters: Sequence[tuple[str, int]] = (),
    slice_pct: int | None = None,
) -> Since:
    """The summary at the top of the page: zones, misses, notes and readiness since the last 1:1,
    with the same length of time before it to compare with."""
    start = last_one_on_one or (today - FIRST_LOOK)
    length = max(timedelta(days=7), today - start)
    after = [f for f in counted(facts) if f.local_date >= start]
    before = [f for f in counted(facts) if start - length <= f.local_date < start]

    def zones(items: Sequence[DayFact]) -> dict[str, int]:
        return dict(Counter(f.zone or STRETCH for f in items if f.status == ANSWERED))

    def mean(items: Sequence[DayFact]) -> float | None:
        scores = [f.readiness for f in items if f.status == ANSWERED and f.readiness is not None]
        return sum(scores) / len(scores) if scores else None

    run, run_since = missed_run(facts)
    return Since(
        since=start,
        had_one_on_one=last_one_on_one is not None,
        answered=sum(1 for f in after if f.status == ANSWERED),
        missed=sum(1 for f in after if f.status == MISSED),
        zones=zones(after),
        zones_before=zones(before),
        readiness_now=mean(after),
        readiness_before=mean(before),
        notes=sum(1 for f in after if f.has_note),
        run=run,
        run_since=run_since,
        top_limiter=next(((v, n) for v, n in limiters if v != "nothing"), None),
        slice_pct=slice_pct,
    )


def summary_lines(since: Since, *, limiter_labels: dict[str, str] | None = None) -> list[str]:
    """The summary as short lines a manager reads before the 1:1."""
    lines = [
        f"{plural(since.answered, 'check-in')} answered, {since.missed} missed"
        + (
            f" ({since.run} in a row since {day_label(since.run_since)})"
            if since.run > 1 and since.run_since
            else ""
        )
    ]
    if since.zones:
        lines.append(
            "Zones: "
            + " · ".join(f"{ZONE_EMOJI[z]} {z} {since.zones.get(z, 0)}" for z in (SLACK, STRETCH, SNAP))
            + (
                " (before: "
                + " · ".join(f"{z} {since.zones_before.get(z, 0)}" for z in (SLACK, STRETCH, SNAP))
                + ")"
                if since.zones_before
                else ""
            )
        )
    if since.readiness_now is not None:
        before = f" (was {since.readiness_before:.1f})" if since.readiness_before is not None else ""
        lines.append(f"Readiness {since.readiness_now:.1f}{before}")
    lines.append(f"{plural(since.notes, 'new note')}" if since.notes else "No new notes")
    if since.top_limiter:
        value, count = since.top_limiter
        label = (limiter_labels or {}).get(value, value)
        lines.append(f"Most cited limit: {label} ({plural(count, 'time')})")
    if since.slice_pct is not None:
        lines.append(f"Slice progress: {since.slice_pct} %")
    return lines


def suggested_questions(since: Since, *, limiter_labels: dict[str, str] | None = None) -> list[str]:
    """Three questions for the 1:1, the most pressing first, drawn from what changed."""
    asks: list[str] = []
    if since.run >= 2:
        asks.append(
            "The check-ins went quiet for a while. Is the rhythm still useful, or should we change "
            "when or how often they come?"
        )
    snaps = since.zones.get(SNAP, 0)
    if snaps:
        asks.append(
            f"The goal felt like too much in {plural(snaps, 'check-in')}. What would make it feel "
            "possible again, and what could come off your plate?"
        )
    if (
        since.readiness_now is not None
        and since.readiness_before is not None
        and since.readiness_before - since.readiness_now >= 0.5
    ):
        asks.append(
            f"Readiness went from {since.readiness_before:.1f} to {since.readiness_now:.1f}. "
            "What changed for you?"
        )
    if since.top_limiter:
        value, count = since.top_limiter
        label = (limiter_labels or {}).get(value, value)
        asks.append(f"“{label}” held you back {plural(count, 'time')}. What would take it out of the way?")
    slack = since.zones.get(SLACK, 0)
    if slack and slack * 2 >= max(1, since.answered):
        asks.append("The goal has felt comfortable lately. What would be a real stretch for you next?")
    if since.slice_pct is not None and since.slice_pct < 50:
        asks.append(f"Your slice is at {since.slice_pct} %. Which deal moves it next, and how can I help?")
    if since.notes:
        asks.append("Is there anything from your notes you'd like to go deeper on today?")
    asks += [
        "What's one stretch you'd like to try before our next 1:1?",
        "What's one thing I could do differently to help you this week?",
        "What went better than you expected since we last talked?",
    ]
    seen: list[str] = []
    for ask in asks:
        if ask not in seen:
            seen.append(ask)
    return seen[:3]

"""The manager's weekly digest: when it is due, and the pure aggregation of a team's week.

| rule | value |
|---|---|
| when | the team's digest day and time, in the *manager's* own time zone |
| one per | manager, team and week (the week is named by the digest's local date) |
| "this week" | from last week's digest moment to this one (local clock, so DST weeks are 167 or 169 h) |
| team-level figures | only when at least `MIN_ANSWERED` (3) people answered that week |
| zones, goal feel, limiter | each rep counted once: their latest answer in the week |

Nothing here reads the clock, Slack or the database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain import figures
from bot.domain.schedule import WEEKDAYS, local_date, local_moment, weekday_key
from bot.domain.zones import SLACK, SNAP, STRETCH, sparkline

MIN_ANSWERED = 3
SPARK_WEEKS = 8
# A digest not sent within this long after its moment (the bot was down) is no longer this week's news.
SEND_WINDOW = timedelta(hours=12)

ANSWERED = "answered"
COUNTED = frozenset({"answered", "missed", "open"})  # skipped/excused/undeliverable never count as due


def digest_moment(*, day: str, at: time, tz_name: str, now: datetime) -> datetime:
    """The latest digest moment at or before `now`: the given weekday and local time in `tz_name`."""
    if day not in WEEKDAYS:
        raise ValueError(f"unknown weekday {day!r}")
    today = local_date(now, tz_name)
    back = (WEEKDAYS.index(weekday_key(today)) - WEEKDAYS.index(day)) % 7
    candidate = today - timedelta(days=back)
    moment = local_moment(candidate, at, tz_name)
    if moment > now:
        moment = local_moment(candidate - timedelta(days=7), at, tz_name)
    return moment


def week_starts(*, moment: datetime, at: time, tz_name: str, weeks: int) -> list[datetime]:
    """The boundaries of the `weeks` weeks ending at `moment`, oldest first, plus `moment` itself.

    Each boundary is the same local time 7 days earlier, so a week holding a DST change is an hour
    shorter or longer in UTC, and no check-in falls in two weeks or in none.
    """
    end_day = local_date(moment, tz_name)
    return [local_moment(end_day - timedelta(days=7 * k), at, tz_name) for k in range(weeks, -1, -1)]


@dataclass(frozen=True)
class CheckinFact:
    """One rep check-in as the digest reads it (no note text, ever)."""

    person_id: int
    due_at: datetime
    status: str
    readiness: int | None = None
    zone: str | None = None
    goal_feel: str | None = None
    limiter: str | None = None


@dataclass(frozen=True)
class TeamPulse:
    """The team's week in numbers; the `None` fields are hidden (fewer than 3 people answered)."""

    answered: int  # check-ins answered this week
    due: int  # check-ins due this week
    answered_last: int
    due_last: int
    people_answered: int
    reps: int
    zones: dict[str, int] | None
    readiness: float | None
    weekly_readiness: tuple[float | None, ...]  # oldest first, SPARK_WEEKS long
    goal_feel: dict[str, int] | None  # value -> people
    limiters: tuple[tuple[str, int], ...] | None  # most cited first
    limiter_answers: int

    @property
    def shown(self) -> bool:
        """Whether team-level figures may be shown (enough people answered to stay anonymous)."""
        return self.people_answered >= MIN_ANSWERED

    @property
    def spark(self) -> str:
        """The last weeks' average readiness as a Unicode sparkline ('·' for a hidden week)."""
        return sparkline([None if v is None else round(v) for v in self.weekly_readiness])


def _latest_per_person(facts: Iterable[CheckinFact], attr: str) -> dict[int, str]:
    latest: dict[int, tuple[datetime, str]] = {}
    for fact in facts:
        value = getattr(fact, attr)
        if value is None or value == "":
            continue
        seen = latest.get(fact.person_id)
        if seen is None or fact.due_at >= seen[0]:
            latest[fact.person_id] = (fact.due_at, str(value))
    return {pid: value for pid, (_, value) in latest.items()}


def _in(fact: CheckinFact, start: datetime, end: datetime) -> bool:
    return start <= fact.due_at < end


def _average_readiness(facts: Sequence[CheckinFact]) -> float | None:
    answered = [f for f in facts if f.status == ANSWERED]
    if len({f.person_id for f in answered}) < MIN_ANSWERED:
        return None
    values = [f.readiness for f in answered if f.readiness is not None]
    return sum(values) / len(values) if values else None


def team_pulse(facts: Sequence[CheckinFact], *, boundaries: Sequence[datetime], reps: int) -> TeamPulse:
    """Aggregate rep check-ins into the week's pulse; `boundaries` as `week_starts` returns them."""
    weeks = [
        [f for f in facts if _in(f, boundaries[i], boundaries[i + 1])] for i in range(len(boundaries) - 1)
    ]
    this_week = weeks[-1] if weeks else []
    last_week = weeks[-2] if len(weeks) > 1 else []
    counted = [f for f in this_week if f.status in COUNTED]
    counted_last = [f for f in last_week if f.status in COUNTED]
    answered = [f for f in this_week if f.status == ANSWERED]
    people = len({f.person_id for f in answered})
    shown = people >= MIN_ANSWERED
    zones = goal_feel = None
    limiters: tuple[tuple[str, int], ...] | None = None
    limiter_answers = 0
    if shown:
        by_zone = Counter(_latest_per_person(answered, "zone").values())
        zones = {z: by_zone.get(z, 0) for z in (SLACK, STRETCH, SNAP)}
        goal_feel = dict(Counter(_latest_per_person(answered, "goal_feel").values()))
        cited = _latest_per_person(answered, "limiter")
        limiter_answers = len(cited)
        counts = Counter(cited.values())
        limiters = tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    weekly = tuple(_average_readiness(week) for week in weeks[-SPARK_WEEKS:])
    weekly = (None,) * (SPARK_WEEKS - len(weekly)) + weekly
    return TeamPulse(
        answered=len(answered),
        due=len(counted),
        answered_last=sum(1 for f in counted_last if f.status == ANSWERED),
        due_last=len(counted_last),
        people_answered=people,
        reps=reps,
        zones=zones,
        readiness=_average_readiness(this_week) if shown else None,
        weekly_readiness=weekly,
        goal_feel=goal_feel,
        limiters=limiters,
        limiter_answers=limiter_answers,
    )


# --- the pie, pilots and the balance line ---------------------------------------------------------------


def days_left(period_end: date, today: date) -> int:
    """Days until the pie's period ends, counting today (0 once it is over): bot.domain.figures' rule."""
    return figures.days_left(period_end, today)


def pace(*, start: date, end: date, today: date) -> float:
    """How far through a period today is, 0–1 (inclusive days)."""
    total = (end - start).days + 1
    if total <= 0:
        return 1.0
    return max(0.0, min(1.0, ((today - start).days + 1) / total))


def unclaimed_hint(*, left: int, target: int, unclaimed_reps: int, claims_open: bool) -> str:
    """What the unclaimed slice suggests, in one short sentence."""
    if target <= 0:
        return ""
    if left < 0:
        return "Over-claimed: the team is reaching past the target."
    if left == 0:
        return "Fully claimed."
    share = left / target
    if not claims_open:
        return "Claims are closed with a gap: decide whether to lower the target or split the rest."
    if unclaimed_reps and share >= 0.25:
        verb = "hasn't" if unclaimed_reps == 1 else "haven't"
        return f"{figures.plural(unclaimed_reps, 'rep')} {verb} claimed yet: a nudge in your 1:1s may help."
    if unclaimed_reps:
        return f"A small gap; {figures.plural(unclaimed_reps, 'rep')} still to claim."
    return "Everyone claimed and a gap is left: the target may be a stretch too far."


@dataclass(frozen=True)
class BalanceInput:
    """The numbers the balance line pairs: pie progress and pace, and the week's zones."""

    progress_pct: int | None  # progress as % of the pie's target; None without an open pie
    pace_pct: int | None  # how far through the pie's period we are
    zones: dict[str, int] | None  # None when hidden (fewer than 3 answered)
    answered: int  # people who answered this week


def balance_line(data: BalanceInput) -> str:
    """One line pairing numbers with well-being, and what it suggests (rules table in README)."""
    parts: list[str] = []
    if data.progress_pct is not None:
        parts.append(f"progress {figures.pct(data.progress_pct)} of pie")
    if data.zones is None:
        parts.append("too few answers this week to read the team's zones")
        return "; ".join(parts) + "."
    snap, slack, people = data.zones.get(SNAP, 0), data.zones.get(SLACK, 0), data.answered
    parts.append(f"{snap} of {people} reps in snap zone")
    behind = (
        data.progress_pct is not None and data.pace_pct is not None and data.progress_pct + 10 < data.pace_pct
    )
    ahead = data.progress_pct is not None and data.pace_pct is not None and data.progress_pct >= data.pace_pct
    if snap * 3 >= people and snap > 0:
        advice = (
            "behind pace and stretched thin: clear blockers before adding pressure"
            if behind
            else "consider easing the stretch"
        )
    elif slack * 2 > people:
        advice = (
            "ahead of pace with room to spare: a bolder target could fit"
            if ahead
            else "many feel under-stretched: invite a bolder swing"
        )
    elif behind:
        advice = "the team feels fine but is behind pace: ask what's limiting them"
    else:
        advice = "a healthy stretch: keep going"
    return "; ".join(parts) + f" — {advice}."

"""Pie checkpoints and pace: the path a pie (or one rep's slice) should follow, and where it stands on it.

A path is a list of cumulative checkpoints ("$30k by 31 Jan, $65k by 28 Feb, $100k by 31 Mar"). Between
two checkpoints the path climbs evenly per *working day* (weekends and the team's days off don't count),
so revenue that lands late in a period is judged against a path that says so, not a straight line.
Pace compares progress with where the path says the team should be today. Pure: no Slack, SQL or clock.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.errors import UserError
from bot.domain.pie import format_amount, minor_exponent, parse_amount
from bot.domain.schedule import local_date

FIELD_CHECKPOINTS = "pie_checkpoints"
MAX_CHECKPOINTS = 12
RECENT_DAYS = 14  # "the recent actual rate": the last 2 weeks

ON_TRACK = "on_track"
BEHIND = "behind"
AT_RISK = "at_risk"
DONE = "done"
ON_TRACK_FROM = 0.95
BEHIND_FROM = 0.75
STATUS_LABELS = {
    ON_TRACK: "on track",
    BEHIND: "a little behind",
    AT_RISK: "at risk",
    DONE: "reached",
}
# Shapes as well as colours, so nobody has to tell red from green.
STATUS_EMOJI = {ON_TRACK: "🔵", BEHIND: "🔶", AT_RISK: "⚠️", DONE: "🏁"}


@dataclass(frozen=True)
class Checkpoint:
    """By the end of `day` (team time), `amount` (cumulative, minor units) should be closed."""

    day: date
    amount: int


# --- working days -----------------------------------------------------------------------------------


def is_working_day(day: date, days_off: Collection[date]) -> bool:
    """Monday to Friday and not one of the team's days off."""
    return day.weekday() < 5 and day not in days_off


def working_days(start: date, end: date, days_off: Collection[date]) -> list[date]:
    """The working days from `start` to `end`, inclusive."""
    days = []
    current = start
    while current <= end:
        if is_working_day(current, days_off):
            days.append(current)
        current += timedelta(days=1)
    return days


def count_working_days(start: date, end: date, days_off: Collection[date]) -> int:
    """How many working days lie from `start` to `end`, inclusive (0 when end is before start)."""
    return len(working_days(start, end, days_off))


def last_working_day_on_or_before(day: date, floor: date, days_off: Collection[date]) -> date | None:
    """The latest working day in [floor, day], or None when there is none."""
    current = day
    while current >= floor:
        if is_working_day(current, days_off):
            return current
        current -= timedelta(days=1)
    return None


# --- defaults and shapes ----------------------------------------------------------------------------


def default_checkpoints(
    *, start: date, end: date, target: int, days_off: Collection[date], step: int = 1
) -> tuple[Checkpoint, ...]:
    """One checkpoint per month of the period (its last working day), amounts spread by working days.

    The last checkpoint is the period's last working day at the full target; the others are rounded
    down to `step` (100 for whole dollars). A period without a working day gets one checkpoint on its end.
    """
    days = working_days(start, end, days_off)
    if not days:
        return (Checkpoint(end, target),)
    total = len(days)
    month_ends: list[int] = []  # index in `days` of each month's last working day
    for index, day in enumerate(days):
        if index + 1 == total or days[index + 1].month != day.month:
            month_ends.append(index)
    return tuple(
        Checkpoint(days[i], target if i + 1 == total else target * (i + 1) // total // step * step)
        for i in month_ends
    )


def scaled(path: Sequence[Checkpoint], *, from_total: int, to_total: int) -> tuple[Checkpoint, ...]:
    """The same shape for another total (a rep's slice, a changed target); the last point is exact."""
    if not path:
        return ()
    if from_total <= 0:
        return tuple(Checkpoint(c.day, to_total if i == len(path) - 1 else 0) for i, c in enumerate(path))
    points = [Checkpoint(c.day, c.amount * to_total // from_total) for c in path]
    if path[-1].amount == from_total:
        points[-1] = Checkpoint(path[-1].day, to_total)
    return tuple(points)


def rep_path(
    team_path: Sequence[Checkpoint], *, team_target: int, slice_amount: int
) -> tuple[Checkpoint, ...]:
    """A rep's path inherited from the team's, pro rata to their slice."""
    return scaled(team_path, from_total=team_target, to_total=slice_amount)


# --- reading and checking a path typed in a modal ---------------------------------------------------

_LINE_RE = re.compile(r"^(?P<amount>\S+)\s+(?:by\s+|on\s+|@\s*)?(?P<day>.+)$", re.IGNORECASE)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}


def _parse_day(text: str, *, start: date, end: date) -> date | None:
    raw = text.strip().rstrip(".").lower()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    words = re.split(r"[\s/]+", raw.replace(",", " "))
    words = [w for w in words if w]
    day_number = next((int(w) for w in words if w.isdigit() and 1 <= int(w) <= 31), None)
    month = next((_MONTHS[w[:3]] for w in words if w[:3] in _MONTHS), None)
    year = next((int(w) for w in words if w.isdigit() and len(w) == 4), None)
    if day_number is None or month is None:
        return None
    years = [year] if year else list(range(start.year, end.year + 1))
    for candidate_year in years:
        try:
            candidate = date(candidate_year, month, day_number)
        except ValueError:
            continue
        if year or start <= candidate <= end:
            return candidate
    try:
        return date(years[0], month, day_number)
    except ValueError:
        return None


def parse_path(text: str, *, currency: str, start: date, end: date) -> tuple[Checkpoint, ...]:
    """Read checkpoints typed one per line: '30k by 31 Jan', '65k by 2027-02-28' (';' also separates)."""
    lines = [line.strip() for line in re.split(r"[\n;]+", text or "") if line.strip()]
    if not lines:
        return ()
    if len(lines) > MAX_CHECKPOINTS:
        raise UserError(f"Keep it to {MAX_CHECKPOINTS} checkpoints or fewer.", field=FIELD_CHECKPOINTS)
    points = []
    for number, line in enumerate(lines, start=1):
        match = _LINE_RE.match(line)
        if match is None:
            raise UserError(
                f"Line {number} (`{line[:40]}`) needs an amount and a date, like `30k by 31 Jan`.",
                field=FIELD_CHECKPOINTS,
            )
        try:
            amount = parse_amount(match.group("amount"), currency)
        except UserError as error:
            raise UserError(f"Line {number}: {error.message}", field=FIELD_CHECKPOINTS) from None
        day = _parse_day(match.group("day"), start=start, end=end)
        if day is None:
            raise UserError(
                f"Line {number}: I can't read `{match.group('day')[:30]}` as a date. "
                "Write it like `31 Jan` or `2027-01-31`.",
                field=FIELD_CHECKPOINTS,
            )
        points.append(Checkpoint(day, amount))
    return tuple(points)


def check_path(
    path: Sequence[Checkpoint],
    *,
    start: date,
    end: date,
    total: int,
    currency: str,
    days_off: Collection[date],
    whose: str = "the target",
) -> tuple[Checkpoint, ...]:
    """Refuse a path that goes backwards, leaves the period, overshoots or doesn't reach `total`.

    Each complaint is a UserError on the checkpoints field saying what to change; `whose` names the
    total in it ("the target", "your slice").
    """
    if not path:
        raise UserError("Add at least one checkpoint, like `30k by 31 Jan`.", field=FIELD_CHECKPOINTS)
    money = lambda minor: format_amount(minor, currency)  # noqa: E731
    previous: Checkpoint | None = None
    for point in path:
        label = f"{money(point.amount)} by {point.day:%a %d %b %Y}"
        if not start <= point.day <= end:
            raise UserError(
                f"{label} is outside the period ({start:%d %b %Y} to {end:%d %b %Y}). Pick a date inside it.",
                field=FIELD_CHECKPOINTS,
            )
        if not is_working_day(point.day, days_off):
            kind = "a weekend" if point.day.weekday() >= 5 else "one of the team's days off"
            suggestion = last_working_day_on_or_before(point.day, start, days_off)
            hint = f" Try {suggestion:%a %d %b}." if suggestion else ""
            raise UserError(f"{label} falls on {kind}.{hint}", field=FIELD_CHECKPOINTS)
        if point.amount > total:
            raise UserError(
                f"{label} is more than {whose} ({money(total)}). Lower it to {money(total)} or less.",
                field=FIELD_CHECKPOINTS,
            )
        if previous is not None:
            if point.day <= previous.day:
                raise UserError(
                    f"The checkpoints go back in time: {label} comes after "
                    f"{previous.day:%d %b}. List them in date order, one date each.",
                    field=FIELD_CHECKPOINTS,
                )
            if point.amount < previous.amount:
                raise UserError(
                    f"The checkpoints go backwards: {label} is less than {money(previous.amount)} by "
                    f"{previous.day:%d %b}. Each amount is a running total, so it can only grow.",
                    field=FIELD_CHECKPOINTS,
                )
        previous = point
    if path[-1].amount != total:
        raise UserError(
            f"The path ends at {money(path[-1].amount)}, but it has to reach {whose} ({money(total)}) by the "
            f"period end. Make the last checkpoint {money(total)}.",
            field=FIELD_CHECKPOINTS,
        )
    return tuple(path)


def format_path(path: Sequence[Checkpoint], currency: str) -> str:
    """A path as it is typed back into the modal: one 'amount by date' per line."""
    return "\n".join(f"{format_amount(c.amount, currency)} by {c.day.isoformat()}" for c in path)


def path_summary(path: Sequence[Checkpoint], currency: str) -> str:
    """'$30,000 by 31 Jan · $65,000 by 28 Feb · $100,000 by 31 Mar' for cards."""
    return " · ".join(f"{format_amount(c.amount, currency)} by {c.day.day} {c.day:%b}" for c in path)


# --- where the path says you should be --------------------------------------------------------------


def expected_by(path: Sequence[Checkpoint], *, start: date, today: date, days_off: Collection[date]) -> int:
    """Where the path says progress should be when `today` begins (the working days before it count).

    Between checkpoints the amount climbs evenly per working day; before the first, from zero at the
    period's start; after the last, the last amount.
    """
    previous_day, previous_amount = start - timedelta(days=1), 0
    for point in path:
        if today <= point.day:
            span = count_working_days(previous_day + timedelta(days=1), point.day, days_off)
            done = count_working_days(previous_day + timedelta(days=1), today - timedelta(days=1), days_off)
            if span <= 0:
                return point.amount if today > point.day else previous_amount
            return previous_amount + (point.amount - previous_amount) * done // span
        previous_day, previous_amount = point.day, point.amount
    return path[-1].amount if path else 0


def next_checkpoint(path: Sequence[Checkpoint], today: date) -> Checkpoint | None:
    """The first checkpoint on or after today."""
    return next((c for c in path if c.day >= today), None)


@dataclass(frozen=True)
class ProgressEntry:
    """Revenue logged on a local date."""

    day: date
    amount: int


def recent_rate(entries: Iterable[ProgressEntry], *, today: date, days_off: Collection[date]) -> float:
    """Revenue per working day over the last 2 weeks (the 14 days before today, plus today's logs)."""
    since = today - timedelta(days=RECENT_DAYS)
    total = sum(e.amount for e in entries if since <= e.day <= today)
    days = count_working_days(since, today - timedelta(days=1), days_off)
    return total / days if days > 0 else float(total)


@dataclass(frozen=True)
class Pace:
    """Where progress stands against the path today, and the run rate that reaches the goal."""

    status: str
    progress: int
    expected: int
    goal: int
    ratio: float | None  # progress / expected; None when the path expects nothing yet
    remaining_days: int  # working days from today to the period end, today included
    needed_per_day: int | None  # None when the goal is reached or no working day is left
    recent_per_day: int
    next_checkpoint: Checkpoint | None

    @property
    def label(self) -> str:
        """'on track', 'a little behind', 'at risk', 'reached'."""
        return STATUS_LABELS[self.status]

    @property
    def emoji(self) -> str:
        """A shape that says the status without colour."""
        return STATUS_EMOJI[self.status]

    @property
    def percent_of_path(self) -> int | None:
        """Progress as a whole percentage of where the path says it should be (None before it starts)."""
        return int(self.ratio * 100) if self.ratio is not None else None


def status_for(progress: int, expected: int, goal: int) -> str:
    """On track at ≥ 95 % of where the path is, behind from 75 %, at risk below; reached at the goal."""
    if goal > 0 and progress >= goal:
        return DONE
    if expected <= 0 or progress >= expected * ON_TRACK_FROM:
        return ON_TRACK
    if progress >= expected * BEHIND_FROM:
        return BEHIND
    return AT_RISK


def pace(
    *,
    progress: int,
    path: Sequence[Checkpoint],
    start: date,
    end: date,
    today: date,
    days_off: Collection[date],
    entries: Iterable[ProgressEntry] = (),
) -> Pace:
    """Pace on a given local date: status against the path, needed and recent run rates per working day."""
    goal = path[-1].amount if path else 0
    expected = expected_by(path, start=start, today=today, days_off=days_off)
    remaining = count_working_days(max(today, start), end, days_off)
    left = max(0, goal - progress)
    needed = -(-left // remaining) if left > 0 and remaining > 0 else None
    return Pace(
        status=status_for(progress, expected, goal),
        progress=progress,
        expected=expected,
        goal=goal,
        ratio=progress / expected if expected > 0 else None,
        remaining_days=remaining,
        needed_per_day=needed,
        recent_per_day=round(recent_rate(entries, today=today, days_off=days_off)),
        next_checkpoint=next_checkpoint(path, today),
    )


def pace_now(
    *,
    now: datetime,
    tz_name: str,
    progress: int,
    path: Sequence[Checkpoint],
    start: date,
    end: date,
    days_off: Collection[date],
    entries: Iterable[ProgressEntry] = (),
) -> Pace:
    """Pace at an instant, on the team's calendar (its local date decides the day, DST included)."""
    return pace(
        progress=progress,
        path=path,
        start=start,
        end=end,
        today=local_date(now, tz_name),
        days_off=days_off,
        entries=entries,
    )


def pace_line(value: Pace, currency: str) -> str:
    """One line for cards: status, where the path is, needed vs recent run rate."""
    money = lambda minor: format_amount(minor, currency)  # noqa: E731
    unit = 10 ** minor_exponent(currency)
    whole = lambda minor: -(-minor // unit) * unit  # noqa: E731  (rates read better in whole units)
    parts = [f"{value.emoji} *{value.label.capitalize()}*"]
    if value.status == DONE:
        parts.append(f"{money(value.progress)} of {money(value.goal)} closed")
        return " · ".join(parts)
    if value.percent_of_path is not None:
        parts.append(
            f"{money(value.progress)} vs {money(value.expected)} the path expects by today ({value.percent_of_path} %)"
        )
    else:
        parts.append(f"{money(value.progress)} closed; the path expects nothing yet")
    if value.needed_per_day is not None:
        parts.append(
            f"needs {money(whole(value.needed_per_day))} per working day ({value.remaining_days} left); "
            f"last 2 weeks: {money(round(value.recent_per_day / unit) * unit)} per day"
        )
    return " · ".join(parts)

"""Pie checkpoints and pace: reading and changing a pie's path (the team's and each rep's), the revenue
log behind the run rates, and each pace as the cards, the Home and the 1:1 page show it.

A team path is stored only when a manager gave one; otherwise the default (one checkpoint per month,
spread by working days) is computed from the pie's dates and target, so it follows a changed target.
A rep's path is the team's pro rata to their slice unless they reshaped it. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Executable, bindparam, delete, literal, null, select, text, union_all
from sqlalchemy.orm import Session

from bot.db import core
from bot.domain import checkpoints as rules
from bot.domain.checkpoints import Checkpoint, Pace, ProgressEntry
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.pie import minor_exponent
from bot.domain.schedule import local_date
from bot.models import ROLE_REP, Membership, Pie, PieSlice, Team, TeamSkipDate
from bot.models.checkpoints import PieCheckpoint, PieProgressEntry
from bot.services.pie_lock import lock_pie


def period_start(pie: Pie, tz: str) -> date:
    """The first day of the pie's period: the day it was baked, in the team's zone."""
    return local_date(pie.created_at, tz)


def team_days_off(*, session: Session, team_id: int, start: date, end: date) -> frozenset[date]:
    """The team's skip dates (holidays) between two dates."""
    return frozenset(
        session.scalars(
            select(TeamSkipDate.day).where(
                TeamSkipDate.team_id == team_id, TeamSkipDate.day >= start, TeamSkipDate.day <= end
            )
        )
    )


def _stored(session: Session, pie_id: int, person_id: int | None) -> tuple[Checkpoint, ...]:
    who = PieCheckpoint.person_id.is_(None) if person_id is None else PieCheckpoint.person_id == person_id
    return tuple(
        Checkpoint(day, amount)
        for day, amount in session.execute(
            select(PieCheckpoint.day, PieCheckpoint.amount_minor)
            .where(PieCheckpoint.pie_id == pie_id, who)
            .order_by(PieCheckpoint.day)
        )
    )


@dataclass(frozen=True)
class PathContext:
    """A pie's period on the team's calendar: what every path rule needs."""

    pie: Pie
    team: Team
    start: date
    end: date
    days_off: frozenset[date]


def _team_and_start(session: Session, pie: Pie, team: Team | None) -> tuple[Team, date]:
    """The pie's team (read when not given) and the first day of its period on the team's calendar."""
    team = team or session.get(Team, pie.team_id)
    assert team is not None
    return team, min(period_start(pie, team.tz), pie.period_end)


def path_context(*, session: Session, pie: Pie, team: Team | None = None) -> PathContext:
    """The pie's period, its start and the team's days off in it."""
    team, start = _team_and_start(session, pie, team)
    return PathContext(
        pie=pie,
        team=team,
        start=start,
        end=pie.period_end,
        days_off=team_days_off(session=session, team_id=team.id, start=start, end=pie.period_end),
    )


def team_path(*, session: Session, context: PathContext) -> tuple[Checkpoint, ...]:
    """The team's checkpoints: the manager's, or one per month spread by working days."""
    stored = _stored(session, context.pie.id, None)
    if stored:
        return stored
    return rules.default_checkpoints(
        start=context.start,
        end=context.end,
        target=context.pie.target_minor,
        days_off=context.days_off,
        step=10 ** minor_exponent(context.pie.currency),
    )


def rep_path(
    *, session: Session, context: PathContext, person_id: int, slice_amount: int
) -> tuple[tuple[Checkpoint, ...], bool]:
    """A rep's path and whether they reshaped it (else it is the team's, pro rata to their slice)."""
    stored = _stored(session, context.pie.id, person_id)
    if stored and stored[-1].amount == slice_amount:
        return stored, True
    # A reshaped path that no longer ends at the slice (the slice changed) falls back to the team's.
    team = team_path(session=session, context=context)
    return rules.rep_path(team, team_target=context.pie.target_minor, slice_amount=slice_amount), False


def _replace(
    session: Session, pie_id: int, person_id: int | None, path: Sequence[Checkpoint], now: datetime
) -> None:
    who = PieCheckpoint.person_id.is_(None) if person_id is None else PieCheckpoint.person_id == person_id
    session.execute(delete(PieCheckpoint).where(PieCheckpoint.pie_id == pie_id, who))
    session.add_all(
        PieCheckpoint(pie_id=pie_id, person_id=person_id, day=c.day, amount_minor=c.amount, created_at=now)
        for c in path
    )
    session.flush()


def checked_team_path(
    *, text: str, currency: str, start: date, end: date, target: int, days_off: frozenset[date]
) -> tuple[Checkpoint, ...]:
    """A team path typed by a manager, read and checked (UserError on the checkpoints field)."""
    parsed = rules.parse_path(text, currency=currency, start=start, end=end)
    return rules.check_path(
        parsed, start=start, end=end, total=target, currency=currency, days_off=days_off, whose="the target"
    )


def save_team_path(*, session: Session, pie: Pie, path: Sequence[Checkpoint], now: datetime) -> None:
    """Store a checked team path (replacing the previous one)."""
    _replace(session, pie.id, None, path, now)


def set_team_path(
    *, session: Session, team: Team, is_manager: bool, pie_id: int, text: str, now: datetime
) -> tuple[Checkpoint, ...]:
    """A manager changes the team's checkpoints; empty text goes back to the monthly default."""
    if not is_manager:
        raise NotAllowedError(
            "Only a manager can change the team's checkpoints; you can reshape your own path."
        )
    pie = lock_pie(session, pie_id, team.id)
    context = path_context(session=session, pie=pie, team=team)
    if not (text or "").strip():
        _replace(session, pie.id, None, (), now)
        return team_path(session=session, context=context)
    path = checked_team_path(
        text=text,
        currency=pie.currency,
        start=context.start,
        end=context.end,
        target=pie.target_minor,
        days_off=context.days_off,
    )
    _replace(session, pie.id, None, path, now)
    pie.updated_at = now
    return path


def set_rep_path(
    *, session: Session, team: Team, person_id: int, pie_id: int, text: str, now: datetime
) -> tuple[Checkpoint, ...]:
    """A rep reshapes their own path (it must reach their slice); empty text goes back to pro rata."""
    pie = lock_pie(session, pie_id, team.id)
    amount = session.scalar(
        select(PieSlice.amount_minor).where(PieSlice.pie_id == pie.id, PieSlice.person_id == person_id)
    )
    if not amount:
        raise UserError(
            "Claim your slice first (`/claim-pie 20k`); then you can shape your path to it.",
            field=rules.FIELD_CHECKPOINTS,
        )
    context = path_context(session=session, pie=pie, team=team)
    if not (text or "").strip():
        _replace(session, pie.id, person_id, (), now)
        return rep_path(session=session, context=context, person_id=person_id, slice_amount=amount)[0]
    parsed = rules.parse_path(text, currency=pie.currency, start=context.start, end=context.end)
    path = rules.check_path(
        parsed,
        start=context.start,
        end=context.end,
        total=amount,
        currency=pie.currency,
        days_off=context.days_off,
        whose="your slice",
    )
    _replace(session, pie.id, person_id, path, now)
    return path


def rescale_team_path(*, session: Session, pie: Pie, old_target: int, now: datetime) -> None:
    """Keep a manager's path's shape when the target changes (the default path follows by itself)."""
    stored = _stored(session, pie.id, None)
    if stored and old_target != pie.target_minor:
        _replace(
            session, pie.id, None, rules.scaled(stored, from_total=old_target, to_total=pie.target_minor), now
        )


# --- progress log and pace --------------------------------------------------------------------------


def record_progress(*, session: Session, pie_id: int, person_id: int, amount: int, now: datetime) -> None:
    """Remember when revenue was logged, for the recent run rate and the burn-up."""
    session.add(PieProgressEntry(pie_id=pie_id, person_id=person_id, amount_minor=amount, logged_at=now))


def progress_entries(
    *, session: Session, pie_id: int, tz: str, person_id: int | None = None, since: datetime | None = None
) -> list[ProgressEntry]:
    """Logged revenue as (local date, amount), oldest first."""
    query = select(PieProgressEntry.logged_at, PieProgressEntry.amount_minor).where(
        PieProgressEntry.pie_id == pie_id
    )
    if person_id is not None:
        query = query.where(PieProgressEntry.person_id == person_id)
    if since is not None:
        query = query.where(PieProgressEntry.logged_at >= since)
    return [
        ProgressEntry(local_date(at, tz), amount)
        for at, amount in session.execute(query.order_by(PieProgressEntry.logged_at))
    ]


def _recent_since(now: datetime) -> datetime:
    """From when logged revenue counts toward the recent run rate (a margin for time zones)."""
    return now - timedelta(days=rules.RECENT_DAYS + 2)


def _recent(
    session: Session, pie_id: int, tz: str, now: datetime, person_id: int | None
) -> list[ProgressEntry]:
    return progress_entries(
        session=session, pie_id=pie_id, tz=tz, person_id=person_id, since=_recent_since(now)
    )


@dataclass(frozen=True)
class TeamPace:
    """The team's path and pace on an open pie."""

    path: tuple[Checkpoint, ...]
    pace: Pace
    custom: bool


_NO_DAY = null().cast(TeamSkipDate.day.type)
_NO_AMOUNT = null().cast(PieCheckpoint.amount_minor.type)
_NO_TIME = null().cast(PieProgressEntry.logged_at.type)
# What the team's pace needs besides the pie, in one round trip (kind 0: a day off, 1: a checkpoint of
# the team's stored path, 2: revenue logged lately): the status card is the command a whole team types.
_PACE_INPUTS: Executable = union_all(
    select(literal(0).label("kind"), TeamSkipDate.day.label("day"), _NO_AMOUNT, _NO_TIME).where(
        TeamSkipDate.team_id == bindparam("team_id"),
        TeamSkipDate.day >= bindparam("start"),
        TeamSkipDate.day <= bindparam("end"),
    ),
    select(literal(1), PieCheckpoint.day, PieCheckpoint.amount_minor, _NO_TIME).where(
        PieCheckpoint.pie_id == bindparam("pie_id"), PieCheckpoint.person_id.is_(None)
    ),
    select(literal(2), _NO_DAY, PieProgressEntry.amount_minor, PieProgressEntry.logged_at).where(
        PieProgressEntry.pie_id == bindparam("pie_id"), PieProgressEntry.logged_at >= bindparam("since")
    ),
).order_by(text("1"), text("2"), text("4"))


def team_pace(
    *, session: Session, pie: Pie, now: datetime, team: Team | None = None, progress: int | None = None
) -> TeamPace:
    """The team's pace against its checkpoint path today (`progress` when the caller already summed it).

    One statement: the team's days off, its stored path and the last two weeks' logged revenue."""
    team, start = _team_and_start(session, pie, team)
    days_off: set[date] = set()
    stored: list[Checkpoint] = []
    entries: list[ProgressEntry] = []
    rows = (
        core(session)
        .execute(
            _PACE_INPUTS,
            {
                "team_id": team.id,
                "start": start,
                "end": pie.period_end,
                "pie_id": pie.id,
                "since": _recent_since(now),
            },
        )
        .all()
    )
    for kind, day, amount, at in rows:
        if kind == 0:
            days_off.add(day)
        elif kind == 1:
            stored.append(Checkpoint(day, amount))
        else:
            entries.append(ProgressEntry(local_date(at, team.tz), amount))
    context = PathContext(pie=pie, team=team, start=start, end=pie.period_end, days_off=frozenset(days_off))
    path = tuple(stored) or rules.default_checkpoints(
        start=context.start,
        end=context.end,
        target=pie.target_minor,
        days_off=context.days_off,
        step=10 ** minor_exponent(pie.currency),
    )
    if progress is None:
        progress = int(sum(session.scalars(select(PieSlice.progress_minor).where(PieSlice.pie_id == pie.id))))
    value = rules.pace_now(
        now=now,
        tz_name=team.tz,
        progress=progress,
        path=path,
        start=context.start,
        end=context.end,
        days_off=context.days_off,
        entries=entries,
    )
    return TeamPace(path=path, pace=value, custom=bool(stored))


@dataclass(frozen=True)
class RepPace:
    """One rep's pace on their slice: private to the rep (their Home) and their managers (the 1:1 page)."""

    team_id: int
    pie_id: int
    pie_title: str
    currency: str
    person_id: int
    slice_amount: int
    path: tuple[Checkpoint, ...]
    reshaped: bool
    pace: Pace


def rep_pace(*, session: Session, team_id: int, person_id: int, now: datetime) -> RepPace | None:
    """A rep's pace on the team's open pie, or None when there is no open pie or they have no slice.

    Never show it in a channel: it is for the rep's own Home and the manager's 1:1 page.
    """
    pie = session.scalar(select(Pie).where(Pie.open_team_id == team_id))
    if pie is None:
        return None
    row = session.execute(
        select(PieSlice.amount_minor, PieSlice.progress_minor).where(
            PieSlice.pie_id == pie.id, PieSlice.person_id == person_id
        )
    ).first()
    if row is None or row.amount_minor <= 0:
        return None
    context = path_context(session=session, pie=pie)
    path, reshaped = rep_path(
        session=session, context=context, person_id=person_id, slice_amount=row.amount_minor
    )
    value = rules.pace_now(
        now=now,
        tz_name=context.team.tz,
        progress=row.progress_minor,
        path=path,
        start=context.start,
        end=context.end,
        days_off=context.days_off,
        entries=_recent(session, pie.id, context.team.tz, now, person_id),
    )
    return RepPace(
        team_id=team_id,
        pie_id=pie.id,
        pie_title=pie.title,
        currency=pie.currency,
        person_id=person_id,
        slice_amount=row.amount_minor,
        path=path,
        reshaped=reshaped,
        pace=value,
    )


def rep_paces(*, session: Session, team_id: int, now: datetime) -> dict[int, RepPace]:
    """Every rep's pace on the team's open pie (for private signals; never for a channel)."""
    reps = session.scalars(
        select(Membership.person_id).where(Membership.team_id == team_id, Membership.role == ROLE_REP)
    )
    found = {}
    for person_id in reps:
        value = rep_pace(session=session, team_id=team_id, person_id=person_id, now=now)
        if value is not None:
            found[person_id] = value
    return found


# --- checkpoint day ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointDay:
    """Where the team stands on a checkpoint's own day: team figures only, nobody named."""

    pie_id: int
    title: str
    currency: str
    checkpoint: Checkpoint
    number: int
    of: int
    progress: int
    target: int
    next_checkpoint: Checkpoint | None
    contributors: int

    @property
    def passed(self) -> bool:
        """Whether the team reached the checkpoint."""
        return self.progress >= self.checkpoint.amount


def checkpoint_day(*, session: Session, pie: Pie, day: date) -> CheckpointDay | None:
    """The team's standing on `day` if it is one of the pie's checkpoints."""
    context = path_context(session=session, pie=pie)
    path = team_path(session=session, context=context)
    index = next((i for i, c in enumerate(path) if c.day == day), None)
    if index is None:
        return None
    rows = session.execute(
        select(PieSlice.progress_minor).where(PieSlice.pie_id == pie.id, PieSlice.progress_minor > 0)
    ).all()
    return CheckpointDay(
        pie_id=pie.id,
        title=pie.title,
        currency=pie.currency,
        checkpoint=path[index],
        number=index + 1,
        of=len(path),
        progress=sum(r[0] for r in rows),
        target=pie.target_minor,
        next_checkpoint=path[index + 1] if index + 1 < len(path) else None,
        contributors=len(rows),
    )

"""What the digest's charts show: the open pie's burn-up and the team's zone mix over 8 weeks, gathered
from the database for the pure renderers in bot/charts.py (which also write their text fallbacks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.charts import BurnupData, ZoneMixData, ZoneWeek, burnup_text, render_burnup, render_zones, zones_text
from bot.domain.checkpoints import expected_by
from bot.domain.pie import format_amount
from bot.domain.schedule import local_date
from bot.models import ROLE_REP, Membership, Pie, PieSlice, Team
from bot.models.checkins import Checkin
from bot.services import checkpoints as checkpoint_service
from bot.services.checkins.answering import week_start

ZONE_WEEKS = 8


def burnup_data(*, session: Session, team_id: int, now: datetime) -> BurnupData | None:
    """The open pie's burn-up as of now, or None when the team has no open pie."""
    pie = session.scalar(select(Pie).where(Pie.open_team_id == team_id))
    if pie is None:
        return None
    context = checkpoint_service.path_context(session=session, pie=pie)
    tz = context.team.tz
    today = min(max(local_date(now, tz), context.start), context.end)
    path = checkpoint_service.team_path(session=session, context=context)
    slices = session.execute(
        select(PieSlice.amount_minor, PieSlice.progress_minor).where(PieSlice.pie_id == pie.id)
    ).all()
    claimed = sum(r.amount_minor for r in slices)
    progress = sum(r.progress_minor for r in slices)
    entries = checkpoint_service.progress_entries(session=session, pie_id=pie.id, tz=tz)
    # Progress logged before entries were kept is counted from the first day.
    running = progress - sum(e.amount for e in entries)
    per_day: dict[date, int] = {}
    for entry in entries:
        per_day[entry.day] = per_day.get(entry.day, 0) + entry.amount
    eaten = [(context.start, running)]
    for day in sorted(per_day):
        running += per_day[day]
        eaten.append((max(day, context.start), running))
    if eaten[-1][0] < today:
        eaten.append((today, running))
    expected = expected_by(path, start=context.start, today=today, days_off=context.days_off)
    paced = checkpoint_service.team_pace(
        session=session, pie=pie, now=now, team=context.team, progress=progress
    )
    return BurnupData(
        title=pie.title,
        currency=pie.currency,
        start=context.start,
        end=context.end,
        today=today,
        target=pie.target_minor,
        claimed=claimed,
        eaten=tuple(eaten),
        path=tuple((c.day, c.amount) for c in path),
        expected_today=expected,
        status_label=paced.pace.label,
    )


def zone_mix_data(*, session: Session, team_id: int, now: datetime, weeks: int = ZONE_WEEKS) -> ZoneMixData:
    """People per zone for each of the last `weeks` weeks (Monday to Sunday, team time), this week last."""
    team = session.get(Team, team_id)
    assert team is not None
    this_week = week_start(local_date(now, team.tz))
    first = this_week - timedelta(weeks=weeks - 1)
    reps = set(
        session.scalars(
            select(Membership.person_id).where(Membership.team_id == team_id, Membership.role == ROLE_REP)
        )
    )
    latest: dict[tuple[date, int], tuple[datetime, str]] = {}
    for person_id, day, due_at, zone in session.execute(
        select(Checkin.person_id, Checkin.local_date, Checkin.due_at, Checkin.zone).where(
            Checkin.team_id == team_id,
            Checkin.local_date >= first,
            Checkin.zone.is_not(None),
            Checkin.due_at <= now,
        )
    ):
        if person_id not in reps or zone is None:
            continue
        key = (week_start(day), person_id)
        if key not in latest or latest[key][0] < due_at:
            latest[key] = (due_at, zone)
    counts: dict[date, dict[str, int]] = {}
    for (week, _person), (_due, zone) in latest.items():
        bucket = counts.setdefault(week, {})
        bucket[zone] = bucket.get(zone, 0) + 1
    return ZoneMixData(
        team_name=team.name,
        weeks=tuple(
            ZoneWeek(first + timedelta(weeks=n), counts.get(first + timedelta(weeks=n), {}))
            for n in range(weeks)
        ),
    )


@dataclass(frozen=True)
class ChartFile:
    """One chart ready to upload: its PNG and the text that carries the same figures."""

    filename: str
    title: str
    png: bytes
    alt_text: str


def digest_charts(*, session: Session, team_id: int, now: datetime) -> list[ChartFile]:
    """Both digest charts for a team (the burn-up only while a pie is open)."""
    files = []
    burnup = burnup_data(session=session, team_id=team_id, now=now)
    if burnup is not None:
        money = lambda minor: format_amount(minor, burnup.currency)  # noqa: E731
        files.append(
            ChartFile(
                "burnup.png", f"{burnup.title} burn-up", render_burnup(burnup), burnup_text(burnup, money)
            )
        )
    zones = zone_mix_data(session=session, team_id=team_id, now=now)
    files.append(ChartFile("zones.png", "Zone mix, last 8 weeks", render_zones(zones), zones_text(zones)))
    return files

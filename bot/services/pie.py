"""A pie's lifecycle and the lock every change to it takes: bake, change the target, extend, close.

Every change to a pie's slices or target locks the pie row first, then reads the total and writes in
the same transaction: two claims at the same instant queue instead of both fitting into the same gap.
The rarer changes lock the ORM row with SELECT … FOR UPDATE (the helpers below, which a rep's claims in
bot/services/pie_claims.py share); SQLite transactions start with BEGIN IMMEDIATE (see bot/db.py). The
team's channel hears about a pie's milestones through `announce`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import enqueue
from bot.domain.checkpoints import Checkpoint
from bot.domain.errors import UserError
from bot.domain.pie import (
    FIELD_TARGET,
    claim_by_date,
    clean_title,
    default_title,
    end_of_day,
    format_amount,
    parse_amount,
    pie_dates,
)
from bot.domain.schedule import local_date
from bot.domain.text import escape
from bot.models import (
    PIE_CLOSED,
    PIE_OPEN,
    Pie,
    PieSlice,
    Team,
)
from bot.services import checkpoints as checkpoint_service
from bot.services.pie_lock import lock_pie
from bot.services.pie_reads import PieColumns, PieView, no_open_pie, open_pie, pie_view, require_manager
from bot.services.teams import TeamRole


def lock_open_pie(session: Session, role: TeamRole) -> Pie:
    """The team's open pie, locked for this transaction (else a UserError saying how to bake one)."""
    pie = session.scalar(
        select(Pie)
        .where(Pie.open_team_id == role.team.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if pie is None:
        raise no_open_pie(role)
    return pie


def open_pie_currency(session: Session, team: Team) -> str:
    """The currency amounts are typed in: the open pie's, else the team's."""
    return session.scalar(select(Pie.currency).where(Pie.open_team_id == team.id)) or team.currency


def require_claims_open(pie: PieColumns, team: Team, now: datetime) -> None:
    """Refuse a change of slice once the claim deadline has passed, saying who can extend it."""
    if pie.claim_deadline <= now:
        raise UserError(
            f"Claims for *{escape(pie.title)}* closed at the end of "
            f"{claim_by_date(pie.claim_deadline, team.tz):%a %d %b}. If you want to change your slice, "
            "ask your manager: they can extend the deadline."
        )


def claimed_total(*, session: Session, pie_id: int) -> int:
    """The sum of a pie's claimed slices."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(PieSlice.amount_minor), 0)).where(PieSlice.pie_id == pie_id)
        )
        or 0
    )


def progress_total(session: Session, pie_id: int) -> int:
    """The sum of the revenue logged toward a pie."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(PieSlice.progress_minor), 0)).where(PieSlice.pie_id == pie_id)
        )
        or 0
    )


def announce(session: Session, *, kind: str, pie_id: int, team: Team, key: str, now: datetime) -> None:
    """Tell the team's channel about the pie (once per pie and key), if the team has a channel."""
    if team.channel_id:
        enqueue(
            session=session,
            kind=kind,
            dedupe_key=kinds.pie_announcement_key(pie_id, key),
            channel=team.channel_id,
            due_at=now,
            now=now,
            expires_at=now + timedelta(days=2),
            team_id=team.id,
            ref_id=pie_id,
        )


def bake_pie(
    *,
    session: Session,
    role: TeamRole,
    actor_user_id: str,
    target_text: str,
    title: str | None,
    now: datetime,
    claim_by: date | None = None,
    period_end: date | None = None,
    allow_overclaim: bool = False,
    checkpoints_text: str | None = None,
) -> PieView:
    """Open a new pie for the team (one open pie at a time); the channel hears about it.

    `checkpoints_text` is the manager's path ('30k by 31 Jan' per line); empty means one checkpoint
    per month. It is checked before anything is written."""
    require_manager(role, "bake a new pie")
    team = role.team
    target = parse_amount(target_text, team.currency)
    dates = pie_dates(now=now, tz_name=team.tz, claim_by=claim_by, period_end=period_end)
    clean = clean_title(title, fallback=default_title(dates.period_end))
    path: tuple[Checkpoint, ...] = ()
    if (checkpoints_text or "").strip():
        start = local_date(now, team.tz)
        path = checkpoint_service.checked_team_path(
            text=checkpoints_text or "",
            currency=team.currency,
            start=start,
            end=dates.period_end,
            target=target,
            days_off=checkpoint_service.team_days_off(
                session=session, team_id=team.id, start=start, end=dates.period_end
            ),
        )
    require_no_open_pie(session=session, team=team)
    pie = Pie(
        team_id=team.id,
        open_team_id=team.id,
        title=clean,
        currency=team.currency,
        target_minor=target,
        allow_overclaim=allow_overclaim,
        claim_deadline=dates.claim_deadline,
        period_end=dates.period_end,
        status=PIE_OPEN,
        created_by=actor_user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(pie)
    session.flush()
    if path:
        checkpoint_service.save_team_path(session=session, pie=pie, path=path, now=now)
    announce(session, kind=kinds.PIE_BAKED, pie_id=pie.id, team=team, key="baked", now=now)
    return pie_view(session=session, pie=pie, now=now)


def require_no_open_pie(*, session: Session, team: Team) -> None:
    """Refuse a second open pie, saying how to close or adjust the current one."""
    if open_pie(session=session, team_id=team.id) is not None:
        raise UserError(
            f"*{escape(team.name)}* already has an open pie. Close it first with `/claim-pie close` "
            "(it's kept as history), or change its target with `/claim-pie target 120k`."
        )


def set_target(
    *, session: Session, role: TeamRole, target_text: str, now: datetime, pie_id: int | None = None
) -> tuple[PieView, int]:
    """Change the open pie's target; returns the pie and the old target."""
    require_manager(role, "change the pie's target")
    pie = lock_pie(session, pie_id, role.team.id) if pie_id is not None else lock_open_pie(session, role)
    try:
        target = parse_amount(target_text, pie.currency)
    except UserError as error:
        raise UserError(error.message, field=FIELD_TARGET) from None
    total = claimed_total(session=session, pie_id=pie.id)
    if total > target and not pie.allow_overclaim:
        raise UserError(
            f"The reps have already claimed {format_amount(total, pie.currency)}, so the target can't go "
            f"below that. Type `/claim-pie target` with at least that amount.",
            field=FIELD_TARGET,
        )
    old = pie.target_minor
    pie.target_minor = target
    pie.updated_at = now
    checkpoint_service.rescale_team_path(session=session, pie=pie, old_target=old, now=now)
    session.flush()
    if total < old and total >= target:
        announce(session, kind=kinds.PIE_COVERED, pie_id=pie.id, team=role.team, key="covered", now=now)
    if progress_total(session, pie.id) >= target:
        announce(session, kind=kinds.PIE_EATEN, pie_id=pie.id, team=role.team, key="eaten", now=now)
    return pie_view(session=session, pie=pie, now=now), old


def extend_deadline(
    *, session: Session, role: TeamRole, pie_id: int, claim_by: date, now: datetime
) -> PieView:
    """Move the claim deadline to the end of `claim_by` (team time)."""
    require_manager(role, "extend the claim deadline")
    pie = lock_pie(session, pie_id, role.team.id)
    if claim_by < local_date(now, role.team.tz):
        raise UserError("Pick today or a later day for claims to close.", field="pie_claim_by")
    if claim_by > pie.period_end:
        raise UserError(
            "Claims should close before the period ends. Pick an earlier day.", field="pie_claim_by"
        )
    pie.claim_deadline = end_of_day(claim_by, role.team.tz)
    pie.updated_at = now
    session.flush()
    return pie_view(session=session, pie=pie)


def close_pie(*, session: Session, role: TeamRole, now: datetime) -> PieView:
    """End the period: the pie becomes history and the channel gets a short, blame-free wrap-up."""
    require_manager(role, "close the pie")
    pie = lock_open_pie(session, role)
    pie.status = PIE_CLOSED
    pie.open_team_id = None
    pie.closed_at = now
    pie.updated_at = now
    session.flush()
    announce(session, kind=kinds.PIE_CLOSED, pie_id=pie.id, team=role.team, key="closed", now=now)
    return pie_view(session=session, pie=pie)

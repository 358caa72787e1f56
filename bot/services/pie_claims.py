"""A rep's slice: claim or change it, give it back, log progress toward it (a manager may log for a rep).

Each takes the pie's row lock first (bot/services/pie.py). A claim, the hot path of /claim-pie, locks
with UPDATE … RETURNING on PostgreSQL (the row and its columns in one round trip) and reads the slices
once, under the lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import enqueue_dms
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.pie import (
    above_equal_share,
    check_claim,
    clean_note,
    needs_snap_heads_up,
    parse_amount,
    stretch_reason,
)
from bot.domain.text import escape
from bot.models import (
    ROLE_MANAGER,
    ROLE_REP,
    Membership,
    Person,
    Pie,
    PieSlice,
)
from bot.models.moments import MOMENT_BIG_SLICE
from bot.services import checkpoints as checkpoint_service
from bot.services.checkins.pulse import latest_zone
from bot.services.moments import record_moment
from bot.services.pie import announce, lock_open_pie, open_pie_currency, progress_total, require_claims_open
from bot.services.pie_reads import (
    PieView,
    SliceLine,
    SliceRow,
    build_view,
    no_open_pie,
    pie_view,
    previous_slice,
    rep_rows,
    rep_rows_and_previous,
    require_manager,
    slice_rows,
)
from bot.services.teams import TeamRole

LatestZone = Callable[[Session, int, int], str | None]
# (session, team id, the rep credited, amount) → [(person, part)] adding up to the amount, or None.
ProgressSplit = Callable[[Session, int, Person, int], list[tuple[Person, int]] | None]


def checkin_zone(session: Session, team_id: int, person_id: int) -> str | None:
    """The zone ('slack', 'stretch', 'snap') of the person's latest answered check-in in the team."""
    return latest_zone(session=session, team_id=team_id, person_id=person_id)


def _slice_for_update(session: Session, pie: Pie, person: Person, now: datetime) -> PieSlice:
    existing = session.scalar(
        select(PieSlice)
        .where(PieSlice.pie_id == pie.id, PieSlice.person_id == person.id)
        .execution_options(populate_existing=True)
    )
    if existing is not None:
        return existing
    created = PieSlice(pie_id=pie.id, person_id=person.id, amount_minor=0, progress_minor=0, updated_at=now)
    session.add(created)
    return created


def _managers(session: Session, team_id: int) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.team_id == team_id, Membership.role == ROLE_MANAGER)
            .order_by(Person.id)
        )
    )


@dataclass(frozen=True)
class ClaimOutcome:
    """What a claim did, for the reply."""

    view: PieView
    amount: int
    before: int
    stretch: str | None
    covered_now: bool


_CLAIM_LOCK = (
    # Taking the pie's row lock with an UPDATE: the same lock as SELECT … FOR UPDATE, and the pie's
    # updated_at and the columns the claim needs in the same round trip.
    update(Pie)
    .where(Pie.open_team_id == bindparam("open_team"))
    .values(updated_at=bindparam("now"))
    .returning(
        Pie.id,
        Pie.title,
        Pie.currency,
        Pie.target_minor,
        Pie.allow_overclaim,
        Pie.claim_deadline,
        Pie.period_end,
        Pie.status,
    )
    .execution_options(synchronize_session=False)
)
_INSERT_SLICE = insert(PieSlice).returning(PieSlice.id)
_UPDATE_SLICE = (
    update(PieSlice)
    .where(PieSlice.id == bindparam("slice_id"))
    .values(
        amount_minor=bindparam("new_amount"),
        note=bindparam("new_note"),
        version=bindparam("new_version"),
        claimed_at=bindparam("new_claimed_at"),
        updated_at=bindparam("now"),
    )
    .execution_options(synchronize_session=False)
)


def claim_slice(
    *,
    session: Session,
    role: TeamRole,
    person: Person,
    amount_text: str,
    note: str | None,
    now: datetime,
    latest_zone: LatestZone = checkin_zone,
    pie: Pie | None = None,
) -> ClaimOutcome:
    """Claim or change the person's slice of the open pie, if it fits under the target.

    `pie` is the team's open pie as the caller already read it (unlocked; see `pie_context`): it
    saves a query for the currency. Everything that decides the claim is read again under the lock.
    """
    if role.role != ROLE_REP:
        raise NotAllowedError(
            "Slices are for the reps to claim. As a manager you can adjust the pie with "
            "`/claim-pie target 120k` or close it with `/claim-pie close`."
        )
    team = role.team
    # Validate before taking the lock: bad input writes nothing and holds nobody up.
    currency = pie.currency if pie is not None else open_pie_currency(session, team)
    amount = parse_amount(amount_text, currency)
    clean = clean_note(note) if note is not None else None
    # The reps and the rep's slice of the last closed pie don't change under the pie's lock: read before it.
    if pie is not None:
        reps, previous = rep_rows_and_previous(session, team.id, person.id, pie.id)
    else:
        reps, previous = rep_rows(session, team.id), None
    locked = session.execute(_CLAIM_LOCK, {"open_team": team.id, "now": now}).first()
    if locked is None:
        raise no_open_pie(role)
    if locked.currency != currency:  # another pie was baked since `pie` was read
        amount = parse_amount(amount_text, locked.currency)
    require_claims_open(locked, team, now)
    slices = slice_rows(session, locked.id)
    mine = next((s for s in slices if s.line.person_id == person.id), None)
    before = mine.line.amount if mine is not None else 0
    total = sum(s.line.amount for s in slices)
    check = check_claim(
        target=locked.target_minor,
        claimed_total=total,
        current_slice=before,
        amount=amount,
        allow_overclaim=locked.allow_overclaim,
        currency=locked.currency,
    )
    if mine is None:
        line = SliceLine(
            person.id,
            person.slack_user_id,
            person.display_name or person.slack_user_id,
            amount,
            0,
            clean or "",
        )
        mine = SliceRow(id=0, claimed_at=now, version=1, line=line)
        mine.id = session.execute(
            _INSERT_SLICE,
            {
                "pie_id": locked.id,
                "person_id": person.id,
                "amount_minor": amount,
                "progress_minor": 0,
                "note": line.note,
                "version": 1,
                "claimed_at": now,
                "updated_at": now,
            },
        ).scalar_one()
        slices.append(mine)
    else:
        mine.line = replace(mine.line, amount=amount, note=mine.line.note if clean is None else clean)
        mine.version += 1
        mine.claimed_at = mine.claimed_at or now
        session.execute(
            _UPDATE_SLICE,
            {
                "slice_id": mine.id,
                "new_amount": amount,
                "new_note": mine.line.note,
                "new_version": mine.version,
                "new_claimed_at": mine.claimed_at,
                "now": now,
            },
        )

    target = locked.target_minor
    reason = stretch_reason(amount=amount, target=target, reps=len(reps), previous_slice=None)
    if reason is None and amount > before:
        if pie is None or pie.id != locked.id:  # not read above for this pie
            previous = previous_slice(
                session=session, team_id=team.id, person_id=person.id, before_pie_id=locked.id
            )
        reason = stretch_reason(amount=amount, target=target, reps=len(reps), previous_slice=previous)
    if reason and amount > before:
        record_moment(
            session=session,
            team_id=team.id,
            person_id=person.id,
            kind=MOMENT_BIG_SLICE,
            summary=f"{reason} ({locked.title})",
            dedupe_key=f"pie:{locked.id}:big_slice:{person.id}",
            now=now,
            ref_id=mine.id,
        )
    # The check-in zone is read only for a slice above an even cut: no other slice can need it.
    if above_equal_share(amount, target, len(reps)) and needs_snap_heads_up(
        latest_zone=latest_zone(session, team.id, person.id), amount=amount, target=target, reps=len(reps)
    ):
        enqueue_dms(
            session=session,
            kind=kinds.PIE_SNAP_HEADS_UP,
            key=kinds.pie_snap_heads_up_prefix(locked.id, person.id),
            people=_managers(session, team.id),
            due_at=now,
            now=now,
            expires_at=now + timedelta(days=3),
            team_id=team.id,
            ref_id=mine.id,
        )
    covered_now = total < target <= check.new_total
    if covered_now:
        announce(session, kind=kinds.PIE_COVERED, pie_id=locked.id, team=team, key="covered", now=now)
    return ClaimOutcome(
        view=build_view(team, locked, slices, reps),
        amount=amount,
        before=before,
        stretch=reason if amount > before else None,
        covered_now=covered_now,
    )


def release_slice(*, session: Session, role: TeamRole, person: Person, now: datetime) -> tuple[PieView, int]:
    """Give the person's slice back to the pie; returns the pie and what they had claimed."""
    pie = lock_open_pie(session, role)
    require_claims_open(pie, role.team, now)
    slice_ = session.scalar(
        select(PieSlice)
        .where(PieSlice.pie_id == pie.id, PieSlice.person_id == person.id)
        .execution_options(populate_existing=True)
    )
    if slice_ is None or slice_.amount_minor == 0:
        raise UserError("You haven't claimed a slice of this pie, so there's nothing to give back.")
    released = slice_.amount_minor
    slice_.amount_minor = 0
    slice_.version += 1
    slice_.updated_at = now
    pie.updated_at = now
    session.flush()
    return pie_view(session=session, pie=pie), released


def log_progress(
    *,
    session: Session,
    role: TeamRole,
    person: Person,
    amount_text: str,
    for_user_id: str | None,
    now: datetime,
    split: ProgressSplit | None = None,
) -> tuple[PieView, str, int]:
    """Add closed revenue to a slice (a manager may log for a rep); returns the pie, whose, how much.

    `split` may divide the amount between partners (see ProgressSplit)."""
    team = role.team
    target_person = person
    if for_user_id and for_user_id != person.slack_user_id:
        require_manager(role, "log progress for someone else")
        target_person_or_none = session.scalar(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(
                Membership.team_id == team.id,
                Person.slack_user_id == for_user_id,
                Membership.role == ROLE_REP,
            )
        )
        if target_person_or_none is None:
            raise UserError(
                f"<@{for_user_id}> isn't a rep on *{escape(team.name)}*. Mention one of the team's reps, "
                "like `/claim-pie progress @rep 5k`."
            )
        target_person = target_person_or_none
    elif role.role != ROLE_REP:
        raise UserError(
            "Progress counts toward a rep's slice. Log it for one of your reps: `/claim-pie progress @rep 5k`."
        )
    amount = parse_amount(amount_text, open_pie_currency(session, team))
    pie = lock_open_pie(session, role)
    before = progress_total(session, pie.id)
    # Progress on an account the rep shares (lead lists) credits each partner by their split.
    parts = (split(session, team.id, target_person, amount) if split else None) or [(target_person, amount)]
    for credited, part in parts:
        slice_ = _slice_for_update(session, pie, credited, now)
        slice_.progress_minor += part
        slice_.updated_at = now
        # Each partner's part goes into the revenue log, so their own run rate and pace see it (issue 19).
        checkpoint_service.record_progress(
            session=session, pie_id=pie.id, person_id=credited.id, amount=part, now=now
        )
    pie.updated_at = now
    session.flush()
    if before < pie.target_minor <= before + amount:
        announce(session, kind=kinds.PIE_EATEN, pie_id=pie.id, team=team, key="eaten", now=now)
    return pie_view(session=session, pie=pie, now=now), target_person.slack_user_id, amount

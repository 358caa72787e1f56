"""A rep's slice: claim or change it, give it back, log progress toward it (a manager may log for a rep).

Each takes the pie's row lock (bot/services/pie.py). A claim, the hot path of /claim-pie, takes it last
and holds it only to sum the claimed total and commit: UPDATE … RETURNING locks the row and returns its
columns in one round trip (see claim_slice).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    Table,
    bindparam,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import kinds
from bot.db import core
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
    open_pie,
    pie_view,
    require_manager,
    slices_and_reps,
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
# A claim writes its slice before it locks the pie, so the write itself checks that the pie it read is
# still the team's open one: when it isn't (closed, a new one baked), nothing is written and the claim
# reads the pie again.
_SLICES_TABLE = cast(Table, PieSlice.__table__)
_STILL_OPEN = exists().where(Pie.id == bindparam("still_pie"), Pie.open_team_id == bindparam("still_team"))
_INSERT_SLICE = (
    insert(_SLICES_TABLE)  # Core: an INSERT … SELECT, not the ORM's bulk insert
    .from_select(
        [
            "pie_id",
            "person_id",
            "amount_minor",
            "progress_minor",
            "note",
            "version",
            "claimed_at",
            "updated_at",
        ],
        select(
            bindparam("still_pie", type_=Integer),
            bindparam("new_person", type_=Integer),
            bindparam("new_amount", type_=BigInteger),
            literal(0, BigInteger),
            bindparam("new_note", type_=String),
            literal(1),
            bindparam("now", type_=PieSlice.claimed_at.type),
            bindparam("now", type_=PieSlice.updated_at.type),
        ).where(_STILL_OPEN),
    )
    .returning(_SLICES_TABLE.c.id)
)
_UPDATE_SLICE = (
    update(PieSlice)
    .where(PieSlice.id == bindparam("slice_id"), PieSlice.version == bindparam("old_version"), _STILL_OPEN)
    .values(
        amount_minor=bindparam("new_amount"),
        note=bindparam("new_note"),
        version=bindparam("new_version"),
        claimed_at=bindparam("new_claimed_at"),
        updated_at=bindparam("now"),
    )
    .execution_options(synchronize_session=False)
)


_CLAIMED_TOTAL = select(func.coalesce(func.sum(PieSlice.amount_minor), 0)).where(
    PieSlice.pie_id == bindparam("pie_id")
)
PIE_CHANGED = (
    "The pie changed a moment ago (a new one was baked). Type `/claim-pie` to see it, then claim again."
)
SLICE_BUSY = (
    "Your last change to your slice is still being saved. Type `/claim-pie` to see it, then try again."
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
    fresh: bool = False,
) -> ClaimOutcome:
    """Claim or change the person's slice of the open pie, if it fits under the target.

    `pie` is the team's open pie as the caller already read it (unlocked; see `pie_context`); when it
    was replaced since, the claim reads the open pie again (`fresh`) and goes to that one.

    A whole team claims at once, and every claim of a team waits for the one holding its pie's lock:
    so the lock is taken last and held only to check the new total and commit. The slices are read
    first (for the reply's card, with this claim in it), the person's slice is written, then the pie
    is locked and the claimed total summed under the lock: a claim that doesn't fit raises, and the
    rollback undoes its write.
    """
    if role.role != ROLE_REP:
        raise NotAllowedError(
            "Slices are for the reps to claim. As a manager you can adjust the pie with "
            "`/claim-pie target 120k` or close it with `/claim-pie close`."
        )
    team = role.team
    if pie is None:
        pie = open_pie(session=session, team_id=team.id)
        if pie is None:
            raise no_open_pie(role)
    # Validate before writing: bad input writes nothing and holds nobody up.
    amount = parse_amount(amount_text, pie.currency)
    clean = clean_note(note) if note is not None else None
    require_claims_open(pie, team, now)
    slices, reps, previous = slices_and_reps(session, pie.id, team.id, previous_of=person.id)
    mine = next((s for s in slices if s.line.person_id == person.id), None)
    before = mine.line.amount if mine is not None else 0
    written = _write_slice(
        session, pie_id=pie.id, team_id=team.id, person=person, mine=mine, amount=amount, note=clean, now=now
    )
    if written is None:  # the pie was replaced since `pie` was read, or their other change came first
        if fresh:
            raise UserError(SLICE_BUSY)
        return claim_slice(
            session=session,
            role=role,
            person=person,
            amount_text=amount_text,
            note=note,
            now=now,
            latest_zone=latest_zone,
            fresh=True,
        )
    mine = written
    if mine not in slices:
        slices.append(mine)

    locked = core(session).execute(_CLAIM_LOCK, {"open_team": team.id, "now": now}).first()
    if locked is None:
        raise no_open_pie(role)
    if locked.id != pie.id:
        raise UserError(PIE_CHANGED)
    require_claims_open(locked, team, now)
    total = int(core(session).execute(_CLAIMED_TOTAL, {"pie_id": locked.id}).scalar_one()) - amount + before
    check = check_claim(
        target=locked.target_minor,
        claimed_total=total,
        current_slice=before,
        amount=amount,
        allow_overclaim=locked.allow_overclaim,
        currency=locked.currency,
    )

    target = locked.target_minor
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


def _write_slice(
    session: Session,
    *,
    pie_id: int,
    team_id: int,
    person: Person,
    mine: SliceRow | None,
    amount: int,
    note: str | None,
    now: datetime,
) -> SliceRow | None:
    """Write the person's slice as read in `mine` (None: they have none yet); returns it as it now is, or
    None when nothing was written: the pie is no longer the team's open one, or the slice changed since."""
    if mine is None:
        line = SliceLine(
            person.id,
            person.slack_user_id,
            person.display_name or person.slack_user_id,
            amount,
            0,
            note or "",
        )
        try:  # their other claim of this instant may have created it first (then this rolls back)
            slice_id = (
                core(session)
                .execute(
                    _INSERT_SLICE,
                    {
                        "still_pie": pie_id,
                        "still_team": team_id,
                        "new_person": person.id,
                        "new_amount": amount,
                        "new_note": line.note,
                        "now": now,
                    },
                )
                .scalar()
            )
        except IntegrityError:
            raise UserError(SLICE_BUSY) from None
        if slice_id is None:
            return None
        return SliceRow(id=slice_id, claimed_at=now, version=1, line=line)
    mine.line = replace(mine.line, amount=amount, note=mine.line.note if note is None else note)
    mine.version += 1
    mine.claimed_at = mine.claimed_at or now
    changed = core(session).execute(
        _UPDATE_SLICE,
        {
            "slice_id": mine.id,
            "still_pie": pie_id,
            "still_team": team_id,
            "old_version": mine.version - 1,
            "new_amount": amount,
            "new_note": mine.line.note,
            "new_version": mine.version,
            "new_claimed_at": mine.claimed_at,
            "now": now,
        },
    )
    return mine if changed.rowcount == 1 else None


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

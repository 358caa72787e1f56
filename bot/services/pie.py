"""The pie's intents: bake one, claim, change or release a slice, log progress, adjust, extend, close.

Every change to a pie's slices or target locks the pie row first, then reads the total and writes in
the same transaction: two claims at the same instant queue instead of both fitting into the same gap.
On PostgreSQL a claim, the hot path, locks with UPDATE … RETURNING (the row and its columns in one round
trip); the rarer changes lock the ORM row with SELECT … FOR UPDATE. SQLite transactions start with
BEGIN IMMEDIATE (see bot/db.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import Message, enqueue, enqueue_dms
from bot.domain.checkpoints import Checkpoint, Pace
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.figures import PieFigures, pie_figures
from bot.domain.pie import (
    FIELD_TARGET,
    above_equal_share,
    check_claim,
    claim_by_date,
    clean_note,
    clean_title,
    default_title,
    end_of_day,
    equal_share,
    format_amount,
    needs_snap_heads_up,
    parse_amount,
    pie_dates,
    stretch_reason,
)
from bot.domain.schedule import local_date
from bot.domain.text import escape
from bot.models import (
    PIE_CLOSED,
    PIE_OPEN,
    ROLE_MANAGER,
    ROLE_REP,
    Delivery,
    Membership,
    Person,
    Pie,
    PieSlice,
    Team,
    Workspace,
)
from bot.models.moments import MOMENT_BIG_SLICE
from bot.services import checkpoints as checkpoint_service
from bot.services.checkins.pulse import latest_zone
from bot.services.moments import record_moment
from bot.services.teams import TeamRole, choose_team, team_for_channel

LatestZone = Callable[[Session, int, int], str | None]
# (session, team id, the rep credited, amount) → [(person, part)] adding up to the amount, or None.
ProgressSplit = Callable[[Session, int, Person, int], list[tuple[Person, int]] | None]
Renderer = Callable[[Session, Delivery, datetime], Message | None]


def checkin_zone(session: Session, team_id: int, person_id: int) -> str | None:
    """The zone ('slack', 'stretch', 'snap') of the person's latest answered check-in in the team."""
    return latest_zone(session=session, team_id=team_id, person_id=person_id)


NO_OPEN_PIE_REP = (
    "There's no pie open for *{team}* right now. When your manager bakes one "
    "(`/claim-pie new 100k`), you can claim your slice with `/claim-pie 20k`."
)
NO_OPEN_PIE_MANAGER = (
    "There's no pie open for *{team}* right now. Bake one with `/claim-pie new 100k Q4 target`, "
    "or `/claim-pie new` to pick the dates."
)


# --- reading ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SliceLine:
    """One slice as the card shows it."""

    person_id: int
    user_id: str
    name: str
    amount: int
    progress: int
    note: str


@dataclass(frozen=True)
class PieView:
    """A pie with its totals and slices, ready for a builder."""

    pie_id: int
    team_id: int
    team_name: str
    channel_id: str | None
    tz: str
    title: str
    currency: str
    target: int
    claimed: int
    progress: int
    allow_overclaim: bool
    claim_deadline: datetime
    claim_by: date
    period_end: date
    status: str
    reps: int
    claimers: int
    slices: tuple[SliceLine, ...]
    unclaimed_user_ids: tuple[str, ...]
    # The team's checkpoint path and pace (issue 19); empty on the claim's hot path, which skips them.
    path: tuple[Checkpoint, ...] = ()
    pace: Pace | None = None

    @property
    def left(self) -> int:
        """How much is still unclaimed (negative when over-claimed)."""
        return self.target - self.claimed

    @property
    def equal_share(self) -> int:
        """An even cut of the target across the reps."""
        return equal_share(self.target, self.reps)

    def money(self, minor: int) -> str:
        """An amount in this pie's currency."""
        return format_amount(minor, self.currency)

    def figures(self, now: datetime) -> PieFigures:
        """Days left, percentages and counts as every surface shows them (bot.domain.figures)."""
        return pie_figures(
            target=self.target,
            claimed=self.claimed,
            progress=self.progress,
            period_end=self.period_end,
            claim_deadline=self.claim_deadline,
            today=local_date(now, self.tz),
            now=now,
            reps=self.reps,
            claimers=self.claimers,
        )

    def slice_of(self, user_id: str) -> SliceLine | None:
        """The slice of one person, if they have one."""
        return next((s for s in self.slices if s.user_id == user_id), None)


def open_pie(*, session: Session, team_id: int) -> Pie | None:
    """The team's open pie, if any."""
    return session.scalar(_OPEN_PIE, {"team_id": team_id})


class PieColumns(Protocol):
    """What a view needs of a pie: a `Pie` row, or the columns the claim's lock returned."""

    id: int
    title: str
    currency: str
    target_minor: int
    allow_overclaim: bool
    claim_deadline: datetime
    period_end: date
    status: str


@dataclass
class _SliceRow:
    """A slice as read for a view (and, under the pie's lock, for a claim): its line and its bookkeeping."""

    id: int
    claimed_at: datetime | None
    version: int
    line: SliceLine

    def order(self) -> tuple[bool, datetime, int]:
        """Oldest claim first, slices without a claim (progress only) last: never ranked by size."""
        return (self.claimed_at is None, self.claimed_at or _EPOCH, self.id)


# The statements below are built once: on the /claim-pie path, building SQL expressions cost more
# Python than running them (bench/pie_latency.py).
_OPEN_PIE = select(Pie).where(Pie.open_team_id == bindparam("team_id"))
_SLICES = (
    select(
        PieSlice.id,
        PieSlice.person_id,
        Person.slack_user_id,
        Person.display_name,
        PieSlice.amount_minor,
        PieSlice.progress_minor,
        PieSlice.note,
        PieSlice.claimed_at,
        PieSlice.version,
    )
    .join(Person, Person.id == PieSlice.person_id)
    .where(PieSlice.pie_id == bindparam("pie_id"))
)
_REPS = (
    select(Person.id, Person.slack_user_id)
    .join(Membership, Membership.person_id == Person.id)
    .where(Membership.team_id == bindparam("team_id"), Membership.role == ROLE_REP)
    .order_by(Person.display_name, Person.id)
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _slice_rows(session: Session, pie_id: int) -> list[_SliceRow]:
    return [
        _SliceRow(r[0], r[7], r[8], SliceLine(r[1], r[2], r[3] or r[2], r[4], r[5], r[6]))
        for r in session.execute(_SLICES, {"pie_id": pie_id})
    ]


def _rep_rows(session: Session, team_id: int) -> list[tuple[int, str]]:
    return [(r[0], r[1]) for r in session.execute(_REPS, {"team_id": team_id})]


def _view(team: Team, pie: PieColumns, slices: list[_SliceRow], reps: list[tuple[int, str]]) -> PieView:
    lines = tuple(
        s.line for s in sorted(slices, key=_SliceRow.order) if s.line.amount > 0 or s.line.progress > 0
    )
    claimed_people = {s.person_id for s in lines if s.amount > 0}
    return PieView(
        pie_id=pie.id,
        team_id=team.id,
        team_name=team.name,
        channel_id=team.channel_id,
        tz=team.tz,
        title=pie.title,
        currency=pie.currency,
        target=pie.target_minor,
        claimed=sum(s.amount for s in lines),
        progress=sum(s.progress for s in lines),
        allow_overclaim=pie.allow_overclaim,
        claim_deadline=pie.claim_deadline,
        claim_by=claim_by_date(pie.claim_deadline, team.tz),
        period_end=pie.period_end,
        status=pie.status,
        reps=len(reps),
        claimers=len(claimed_people),
        slices=lines,
        unclaimed_user_ids=tuple(user_id for pid, user_id in reps if pid not in claimed_people),
    )


def pie_view(*, session: Session, pie: Pie, now: datetime | None = None) -> PieView:
    """Totals, slices (oldest claim first, never ranked by size) and who hasn't claimed yet.

    With `now`, an open pie's view also carries the team's checkpoint path and pace."""
    team = session.get(Team, pie.team_id)
    assert team is not None
    view = _view(team, pie, _slice_rows(session, pie.id), _rep_rows(session, pie.team_id))
    if now is not None and pie.status == PIE_OPEN:
        paced = checkpoint_service.team_pace(
            session=session, pie=pie, now=now, team=team, progress=view.progress
        )
        view = replace(view, path=paced.path, pace=paced.pace)
    return view


def require_open_view(
    *, session: Session, role: TeamRole, pie: Pie | None = None, now: datetime | None = None
) -> PieView:
    """The open pie of the team as a view, or a UserError saying how to bake one.

    Pass `pie` when the caller has already read the team's open pie (see `pie_context`)."""
    found = pie or open_pie(session=session, team_id=role.team.id)
    if found is None:
        raise _no_open_pie(role)
    return pie_view(session=session, pie=found, now=now)


def _no_open_pie(role: TeamRole) -> UserError:
    template = NO_OPEN_PIE_MANAGER if role.is_manager else NO_OPEN_PIE_REP
    return UserError(template.format(team=role.team.name))


@dataclass(frozen=True)
class PieContext:
    """Who is asking about which team's pie: their role, their person row and the open pie (unlocked)."""

    role: TeamRole
    person: Person
    pie: Pie | None


_TEAMS_OF = (
    select(Team, Membership.role, Person, Pie)
    .join(Membership, Membership.team_id == Team.id)
    .join(Person, Person.id == Membership.person_id)
    .outerjoin(Pie, Pie.open_team_id == Team.id)
    .order_by(Team.id)
)
_TEAMS_OF_IN_WORKSPACE = _TEAMS_OF.where(
    Team.workspace_id == bindparam("workspace_id"), Person.slack_user_id == bindparam("user_id")
)
_TEAMS_OF_IN_SLACK_TEAM = _TEAMS_OF.join(Workspace, Workspace.id == Team.workspace_id).where(
    Workspace.slack_team_id == bindparam("slack_team_id"), Person.slack_user_id == bindparam("user_id")
)


def pie_context(
    *,
    session: Session,
    user_id: str,
    channel_id: str | None,
    workspace_id: int | None = None,
    slack_team_id: str | None = None,
    team_id: int | None = None,
) -> PieContext:
    """The team a /claim-pie is about, the person asking and its open pie, in one query.

    The workspace is given by its row id or by its Slack team id. Raises NotInTeamError for a person
    on no team, and PickTeamError when they are on several and the channel doesn't say which."""
    if workspace_id is not None:
        rows = session.execute(_TEAMS_OF_IN_WORKSPACE, {"workspace_id": workspace_id, "user_id": user_id})
    else:
        rows = session.execute(_TEAMS_OF_IN_SLACK_TEAM, {"slack_team_id": slack_team_id, "user_id": user_id})
    found = [(TeamRole(team=team, role=role), person, pie) for team, role, person, pie in rows]
    channel_team = None
    if channel_id and team_id is None and found:
        channel_team = next((f[0].team for f in found if f[0].team.channel_id == channel_id), None)
        if channel_team is None:
            channel_team = team_for_channel(
                session=session, workspace_id=found[0][0].team.workspace_id, channel_id=channel_id
            )
    chosen = choose_team(
        found, lambda f: f[0], channel_team=channel_team, team_id=team_id, command="`/claim-pie`"
    )
    return PieContext(role=chosen[0], person=chosen[1], pie=chosen[2])


def pie_team(
    *, session: Session, workspace_id: int, user_id: str, channel_id: str | None, team_id: int | None = None
) -> tuple[TeamRole, Person]:
    """The team a /claim-pie is about and the person asking; PickTeamError when they must choose."""
    context = pie_context(
        session=session, workspace_id=workspace_id, user_id=user_id, channel_id=channel_id, team_id=team_id
    )
    return context.role, context.person


def previous_slice(*, session: Session, team_id: int, person_id: int, before_pie_id: int) -> int | None:
    """What the person claimed in the team's last closed pie before this one (None if nothing)."""
    return session.scalar(
        select(PieSlice.amount_minor)
        .join(Pie, Pie.id == PieSlice.pie_id)
        .where(
            Pie.team_id == team_id,
            Pie.status == PIE_CLOSED,
            Pie.id < before_pie_id,
            PieSlice.person_id == person_id,
            PieSlice.amount_minor > 0,
        )
        .order_by(Pie.id.desc())
        .limit(1)
    )


# --- locking ----------------------------------------------------------------------------------------


def _lock_open_pie(session: Session, role: TeamRole) -> Pie:
    pie = session.scalar(
        select(Pie)
        .where(Pie.open_team_id == role.team.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if pie is None:
        raise _no_open_pie(role)
    return pie


def _lock_pie(session: Session, pie_id: int, team_id: int) -> Pie:
    pie = session.scalar(
        select(Pie)
        .where(Pie.id == pie_id, Pie.team_id == team_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if pie is None or pie.status != PIE_OPEN:
        raise UserError("That pie is already closed. Type `/claim-pie` to see the current one.")
    return pie


def _currency(session: Session, team: Team) -> str:
    return session.scalar(select(Pie.currency).where(Pie.open_team_id == team.id)) or team.currency


def _require_claims_open(pie: PieColumns, team: Team, now: datetime) -> None:
    if pie.claim_deadline <= now:
        raise UserError(
            f"Claims for *{escape(pie.title)}* closed at the end of "
            f"{claim_by_date(pie.claim_deadline, team.tz):%a %d %b}. If you want to change your slice, "
            "ask your manager: they can extend the deadline."
        )


def _claimed_total(*, session: Session, pie_id: int) -> int:
    """The sum of a pie's claimed slices."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(PieSlice.amount_minor), 0)).where(PieSlice.pie_id == pie_id)
        )
        or 0
    )


def _progress_total(session: Session, pie_id: int) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(PieSlice.progress_minor), 0)).where(PieSlice.pie_id == pie_id)
        )
        or 0
    )


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


def require_manager(role: TeamRole, what: str) -> None:
    """Refuse a rep a manager's action, saying what they can do instead."""
    if not role.is_manager:
        raise NotAllowedError(
            f"Only a manager of *{escape(role.team.name)}* can {what}. Type `/claim-pie` to see the pie, "
            "or `/claim-pie 20k` to claim your slice."
        )


def _announce(session: Session, *, kind: str, pie: Pie, team: Team, key: str, now: datetime) -> None:
    _enqueue_announcement(session, kind=kind, pie_id=pie.id, team=team, key=key, now=now)


def _enqueue_announcement(
    session: Session, *, kind: str, pie_id: int, team: Team, key: str, now: datetime
) -> None:
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


# --- claiming ---------------------------------------------------------------------------------------


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
    currency = pie.currency if pie is not None else _currency(session, team)
    amount = parse_amount(amount_text, currency)
    clean = clean_note(note) if note is not None else None
    reps = _rep_rows(session, team.id)
    locked = session.execute(_CLAIM_LOCK, {"open_team": team.id, "now": now}).first()
    if locked is None:
        raise _no_open_pie(role)
    if locked.currency != currency:  # another pie was baked since `pie` was read
        amount = parse_amount(amount_text, locked.currency)
    _require_claims_open(locked, team, now)
    slices = _slice_rows(session, locked.id)
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
        mine = _SliceRow(id=0, claimed_at=now, version=1, line=line)
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
    if reason is None and amount > before:  # the rep's last pie is looked up only when it can matter
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
        _enqueue_announcement(
            session, kind=kinds.PIE_COVERED, pie_id=locked.id, team=team, key="covered", now=now
        )
    return ClaimOutcome(
        view=_view(team, locked, slices, reps),
        amount=amount,
        before=before,
        stretch=reason if amount > before else None,
        covered_now=covered_now,
    )


def release_slice(*, session: Session, role: TeamRole, person: Person, now: datetime) -> tuple[PieView, int]:
    """Give the person's slice back to the pie; returns the pie and what they had claimed."""
    pie = _lock_open_pie(session, role)
    _require_claims_open(pie, role.team, now)
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
    amount = parse_amount(amount_text, _currency(session, team))
    pie = _lock_open_pie(session, role)
    before = _progress_total(session, pie.id)
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
        _announce(session, kind=kinds.PIE_EATEN, pie=pie, team=team, key="eaten", now=now)
    return pie_view(session=session, pie=pie, now=now), target_person.slack_user_id, amount


# --- managing ---------------------------------------------------------------------------------------


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
    _announce(session, kind=kinds.PIE_BAKED, pie=pie, team=team, key="baked", now=now)
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
    pie = _lock_pie(session, pie_id, role.team.id) if pie_id is not None else _lock_open_pie(session, role)
    try:
        target = parse_amount(target_text, pie.currency)
    except UserError as error:
        raise UserError(error.message, field=FIELD_TARGET) from None
    total = _claimed_total(session=session, pie_id=pie.id)
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
        _announce(session, kind=kinds.PIE_COVERED, pie=pie, team=role.team, key="covered", now=now)
    if _progress_total(session, pie.id) >= target:
        _announce(session, kind=kinds.PIE_EATEN, pie=pie, team=role.team, key="eaten", now=now)
    return pie_view(session=session, pie=pie, now=now), old


def extend_deadline(
    *, session: Session, role: TeamRole, pie_id: int, claim_by: date, now: datetime
) -> PieView:
    """Move the claim deadline to the end of `claim_by` (team time)."""
    require_manager(role, "extend the claim deadline")
    pie = _lock_pie(session, pie_id, role.team.id)
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
    pie = _lock_open_pie(session, role)
    pie.status = PIE_CLOSED
    pie.open_team_id = None
    pie.closed_at = now
    pie.updated_at = now
    session.flush()
    _announce(session, kind=kinds.PIE_CLOSED, pie=pie, team=role.team, key="closed", now=now)
    return pie_view(session=session, pie=pie)


def role_in_team(*, session: Session, team_id: int, user_id: str) -> tuple[TeamRole, Person]:
    """The person's role in one team (for buttons and modals that carry the team's id)."""
    team = session.get(Team, team_id)
    if team is None:
        raise UserError("That team no longer exists.")
    return pie_team(
        session=session, workspace_id=team.workspace_id, user_id=user_id, channel_id=None, team_id=team_id
    )


def open_pie_for_manager(*, session: Session, pie_id: int, user_id: str) -> PieView:
    """The open pie a manager's button is about, for changing it (else a UserError saying why not)."""
    pie = session.get(Pie, pie_id)
    if pie is None:
        raise UserError("That pie no longer exists. Type `/claim-pie` to see the current one.")
    role, _ = role_in_team(session=session, team_id=pie.team_id, user_id=user_id)
    require_manager(role, "change the pie")
    if pie.status != PIE_OPEN:
        raise UserError("That pie is already closed. `/claim-pie new` bakes the next one.")
    return pie_view(session=session, pie=pie)

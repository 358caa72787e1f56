"""The pie's read model: who is asking about which team's pie, and the pie as every surface shows it.

Totals, slices (oldest claim first, never ranked by size), who hasn't claimed yet, the team's checkpoint
path and pace. Nothing here locks or writes: changes go through bot/services/pie.py (a pie's lifecycle)
and bot/services/pie_claims.py (a rep's slice).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Protocol

from sqlalchemy import (
    BigInteger,
    DateTime,
    Integer,
    String,
    bindparam,
    literal,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable

from bot.db import core
from bot.domain.checkpoints import Checkpoint, Pace
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.figures import PieFigures, pie_figures
from bot.domain.pie import (
    claim_by_date,
    equal_share,
    format_amount,
)
from bot.domain.schedule import local_date
from bot.domain.text import escape
from bot.models import (
    PIE_CLOSED,
    PIE_OPEN,
    ROLE_REP,
    Membership,
    Person,
    Pie,
    PieSlice,
    Team,
    Workspace,
)
from bot.services import checkpoints as checkpoint_service
from bot.services.teams import TeamRole, choose_team, team_for_channel

NO_OPEN_PIE_REP = (
    "There's no pie open for *{team}* right now. When your manager bakes one "
    "(`/claim-pie new 100k`), you can claim your slice with `/claim-pie 20k`."
)
NO_OPEN_PIE_MANAGER = (
    "There's no pie open for *{team}* right now. Bake one with `/claim-pie new 100k Q4 target`, "
    "or `/claim-pie new` to pick the dates."
)


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
class SliceRow:
    """A slice as read for a view (and for a claim, before it writes): its line and its bookkeeping."""

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
# What the claimer took of the team's last closed pie (a bigger slice than last time is a stretch moment).
_PREVIOUS_SLICE = (
    select(PieSlice.amount_minor)
    .join(Pie, Pie.id == PieSlice.pie_id)
    .where(
        Pie.team_id == bindparam("team_id"),
        Pie.status == PIE_CLOSED,
        Pie.id < bindparam("before_pie_id"),
        PieSlice.person_id == bindparam("person_id"),
        PieSlice.amount_minor > 0,
    )
    .order_by(Pie.id.desc())
    .limit(1)
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# A view's slices and the team's reps in one round trip: the reps come after the slices (kind 1), in
# their order, with only their person id and Slack id filled in.
_SLICE_ROWS = _SLICES.add_columns(literal(0).label("kind"), literal("").label("sort_name"))
_REP_ROWS = (
    select(
        null().cast(Integer),
        Person.id,
        Person.slack_user_id,
        null().cast(String),
        null().cast(BigInteger),
        null().cast(BigInteger),
        null().cast(String),
        null().cast(DateTime(timezone=True)),
        null().cast(Integer),
        literal(1),
        Person.display_name,
    )
    .join(Membership, Membership.person_id == Person.id)
    .where(Membership.team_id == bindparam("team_id"), Membership.role == ROLE_REP)
)
_SLICES_AND_REPS: Executable = union_all(_SLICE_ROWS, _REP_ROWS).order_by(
    text("kind"), text("sort_name"), text("person_id")
)


# The same, and (kind 2, in the amount's place) what the claimer took of the team's last closed pie: what
# a claim reads before it writes its slice and takes the pie's lock.
_SLICES_REPS_AND_PREVIOUS: Executable = union_all(
    _SLICE_ROWS,
    _REP_ROWS,
    select(
        null().cast(Integer),
        null().cast(Integer),
        null().cast(String),
        null().cast(String),
        _PREVIOUS_SLICE.scalar_subquery(),
        null().cast(BigInteger),
        null().cast(String),
        null().cast(DateTime(timezone=True)),
        null().cast(Integer),
        literal(2),
        literal(""),
    ),
).order_by(text("kind"), text("sort_name"), text("person_id"))


def slices_and_reps(
    session: Session, pie_id: int, team_id: int, *, previous_of: int | None = None
) -> tuple[list[SliceRow], list[tuple[int, str]], int | None]:
    """The pie's slices and the team's reps as (person id, Slack id), in one statement; with `previous_of`
    (a person id), also what they claimed of the team's last closed pie before this one."""
    slices: list[SliceRow] = []
    reps: list[tuple[int, str]] = []
    previous: int | None = None
    if previous_of is None:
        rows = core(session).execute(_SLICES_AND_REPS, {"pie_id": pie_id, "team_id": team_id}).all()
    else:
        rows = (
            core(session)
            .execute(
                _SLICES_REPS_AND_PREVIOUS,
                {"pie_id": pie_id, "team_id": team_id, "person_id": previous_of, "before_pie_id": pie_id},
            )
            .all()
        )
    for r in rows:
        if r[9] == 2:
            previous = r[4]
        elif r[9]:
            reps.append((r[1], r[2]))
        else:
            slices.append(SliceRow(r[0], r[7], r[8], SliceLine(r[1], r[2], r[3] or r[2], r[4], r[5], r[6])))
    return slices, reps, previous


def build_view(team: Team, pie: PieColumns, slices: list[SliceRow], reps: list[tuple[int, str]]) -> PieView:
    lines = tuple(
        s.line for s in sorted(slices, key=SliceRow.order) if s.line.amount > 0 or s.line.progress > 0
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
    slices, reps, _ = slices_and_reps(session, pie.id, pie.team_id)
    view = build_view(team, pie, slices, reps)
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
        raise no_open_pie(role)
    return pie_view(session=session, pie=found, now=now)


def no_open_pie(role: TeamRole) -> UserError:
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


def require_manager(role: TeamRole, what: str) -> None:
    """Refuse a rep a manager's action, saying what they can do instead."""
    if not role.is_manager:
        raise NotAllowedError(
            f"Only a manager of *{escape(role.team.name)}* can {what}. Type `/claim-pie` to see the pie, "
            "or `/claim-pie 20k` to claim your slice."
        )

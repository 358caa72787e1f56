"""Shout-outs: giving one to a teammate, the drafts managers get from stretch moments (and what they did
with them), and the effort leaderboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import kinds
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.schedule import format_local
from bot.domain.shoutouts import (
    DRAFT_MAX_AGE,
    MAX_REASON,
    SHOUTOUT_SWING,
    USAGE,
    EffortRow,
    check_daily_limit,
    describe_swings,
    draft_text,
    month_start,
    parse_shoutout,
    rank_effort,
)
from bot.domain.text import escape
from bot.models import ROLE_MANAGER, Delivery, Membership, Person, StretchMoment, Team, Workspace
from bot.models.shoutouts import (
    DECISION_POSTED,
    SOURCE_PEER,
    DraftOffer,
    MomentDecision,
    Shoutout,
    ShoutoutRecipient,
)
from bot.services.people import ProfileFetcher, ensure_person, find_person
from bot.services.teams import load_team, resolve_team


@dataclass(frozen=True)
class Recipient:
    """Someone a shout-out will celebrate."""

    person_id: int
    user_id: str
    in_team: bool


@dataclass(frozen=True)
class PeerShoutoutPlan:
    """A checked `/shoutout`, ready to post: the team, the giver, who and why."""

    team_id: int
    team_name: str
    channel_id: str
    giver_person_id: int
    giver_user_id: str
    recipients: tuple[Recipient, ...]
    reason: str
    left_out_self: bool
    left_today: int

    @property
    def outside_team(self) -> tuple[str, ...]:
        """User ids of recipients who aren't on the team (allowed, and mentioned to the giver)."""
        return tuple(r.user_id for r in self.recipients if not r.in_team)


def plan_peer_shoutout(
    *,
    session: Session,
    workspace: Workspace,
    giver_user_id: str,
    channel_id: str | None,
    text: str,
    fetch: ProfileFetcher,
    now: datetime,
    team_id: int | None = None,
) -> PeerShoutoutPlan:
    """Check a `/shoutout` (team, text, people, today's limit) without writing anything."""
    role = resolve_team(
        session=session,
        workspace_id=workspace.id,
        user_id=giver_user_id,
        channel_id=channel_id,
        team_id=team_id,
    )
    team = load_team(session=session, team_id=role.team.id)
    if not team.channel_id:
        raise UserError(
            f"*{escape(team.name)}* has no channel to post shout-outs in yet. "
            "Ask a manager to pick one with `/stretch setup`."
        )
    parsed = parse_shoutout(text, giver=giver_user_id)
    giver = ensure_person(session=session, workspace=workspace, user_id=giver_user_id, now=now, fetch=fetch)
    given = session.scalars(
        select(Shoutout.created_at).where(
            Shoutout.giver_person_id == giver.id,
            Shoutout.source == SOURCE_PEER,
            # Any local day lies within 27 hours of now; a generous window keeps the query small.
            Shoutout.created_at >= now - timedelta(hours=30),
        )
    )
    left_today = check_daily_limit(list(given), now=now, tz_name=giver.tz)
    members = {m.person.slack_user_id for m in team.memberships}
    recipients = []
    for user_id in parsed.recipients:
        person = _recipient(session=session, workspace=workspace, user_id=user_id, fetch=fetch, now=now)
        recipients.append(Recipient(person_id=person.id, user_id=user_id, in_team=user_id in members))
    return PeerShoutoutPlan(
        team_id=team.id,
        team_name=team.name,
        channel_id=team.channel_id,
        giver_person_id=giver.id,
        giver_user_id=giver_user_id,
        recipients=tuple(recipients),
        reason=parsed.reason,
        left_out_self=parsed.left_out_self,
        left_today=left_today,
    )


def _recipient(
    *, session: Session, workspace: Workspace, user_id: str, fetch: ProfileFetcher, now: datetime
) -> Person:
    try:
        person = ensure_person(session=session, workspace=workspace, user_id=user_id, now=now, fetch=fetch)
    except UserError:
        raise UserError(
            f"I can't find <@{user_id}> in this workspace, so nothing was posted. "
            "Pick the person from the @-mention list as you type.",
            hint=f"Try: `{USAGE}`",
        ) from None
    if person.is_bot:
        raise UserError(
            f"<@{user_id}> is a bot, and shout-outs are for people. Nothing was posted.",
            hint=f"Try: `{USAGE}`",
        )
    if person.deleted:
        raise UserError(f"<@{user_id}> has left the workspace, so I can't celebrate them here.")
    return person


def record_shoutout(
    *,
    session: Session,
    team_id: int,
    giver_person_id: int,
    source: str,
    text: str,
    channel_id: str,
    message_ts: str | None,
    recipients: tuple[Recipient, ...],
    now: datetime,
) -> Shoutout:
    """Store a shout-out that was just posted, with who it celebrated."""
    shoutout = Shoutout(
        team_id=team_id,
        giver_person_id=giver_person_id,
        source=source,
        text=text,
        channel_id=channel_id,
        message_ts=message_ts,
        created_at=now,
    )
    shoutout.recipients = [ShoutoutRecipient(person_id=r.person_id, in_team=r.in_team) for r in recipients]
    session.add(shoutout)
    session.flush()
    return shoutout


# --- manager drafts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """A stretch moment drafted as a shout-out for a manager to post or skip."""

    moment_id: int
    team_id: int
    person_id: int
    user_id: str
    display_name: str
    kind: str
    summary: str
    text: str
    occurred_at: datetime
    # Filled in when a manager already posted or skipped it: "posted by <@U> …".
    handled: str | None = None


def _draft(moment: StretchMoment, person: Person, handled: str | None = None) -> Draft:
    return Draft(
        moment_id=moment.id,
        team_id=moment.team_id,
        person_id=person.id,
        user_id=person.slack_user_id,
        display_name=person.display_name or person.slack_user_id,
        kind=moment.kind,
        summary=moment.summary,
        text=draft_text(kind=moment.kind, who=f"<@{person.slack_user_id}>", summary=moment.summary),
        occurred_at=moment.occurred_at,
        handled=handled,
    )


def pending_drafts(*, session: Session, team_id: int, manager_person_id: int, now: datetime) -> list[Draft]:
    """Drafts a manager may still post or skip: recent, unhandled moments of the team, not about them."""
    rows = session.execute(
        select(StretchMoment, Person)
        .join(Person, Person.id == StretchMoment.person_id)
        .join(Membership, (Membership.person_id == Person.id) & (Membership.team_id == team_id))
        .where(
            StretchMoment.team_id == team_id,
            StretchMoment.person_id != manager_person_id,
            StretchMoment.occurred_at >= now - DRAFT_MAX_AGE,
            StretchMoment.occurred_at <= now,
            ~exists().where(MomentDecision.moment_id == StretchMoment.id),
        )
        .order_by(StretchMoment.occurred_at, StretchMoment.id)
    ).all()
    return [_draft(moment, person) for moment, person in rows]


def new_drafts(*, session: Session, team_id: int, manager_person_id: int, now: datetime) -> list[Draft]:
    """Pending drafts this manager hasn't been sent yet (each moment is offered to each manager once)."""
    offered = set(
        session.scalars(
            select(DraftOffer.moment_id)
            .join(StretchMoment, StretchMoment.id == DraftOffer.moment_id)
            .where(DraftOffer.manager_person_id == manager_person_id, StretchMoment.team_id == team_id)
        )
    )
    return [
        draft
        for draft in pending_drafts(
            session=session, team_id=team_id, manager_person_id=manager_person_id, now=now
        )
        if draft.moment_id not in offered
    ]


def record_offers(
    *, session: Session, delivery_id: int, manager_person_id: int, moment_ids: list[int]
) -> None:
    """Remember which moments a drafts DM carries."""
    for moment_id in moment_ids:
        session.add(
            DraftOffer(delivery_id=delivery_id, moment_id=moment_id, manager_person_id=manager_person_id)
        )
    session.flush()


def forget_offers(*, session: Session, delivery_id: int) -> None:
    """A drafts DM that could not be sent: its moments may be offered again."""
    for offer in session.scalars(select(DraftOffer).where(DraftOffer.delivery_id == delivery_id)):
        session.delete(offer)


@dataclass(frozen=True)
class DraftCard:
    """A manager's drafts DM as it should look now."""

    team_id: int
    team_name: str
    channel_id: str | None
    manager_user_id: str
    drafts: tuple[Draft, ...]

    @property
    def open_count(self) -> int:
        """Drafts still waiting for a decision."""
        return sum(1 for d in self.drafts if d.handled is None)


def draft_card(*, session: Session, delivery_id: int) -> DraftCard | None:
    """The drafts carried by one DM, each with who handled it (None if the DM carries nothing)."""
    rows = session.execute(
        select(StretchMoment, Person, MomentDecision, DraftOffer.manager_person_id)
        .join(DraftOffer, DraftOffer.moment_id == StretchMoment.id)
        .join(Person, Person.id == StretchMoment.person_id)
        .outerjoin(MomentDecision, MomentDecision.moment_id == StretchMoment.id)
        .where(DraftOffer.delivery_id == delivery_id)
        .order_by(StretchMoment.occurred_at, StretchMoment.id)
    ).all()
    if not rows:
        return None
    team = session.get(Team, rows[0][0].team_id)
    manager = session.get(Person, rows[0][3])
    if team is None or manager is None:
        return None
    drafts = tuple(
        _draft(moment, person, _handled_note(session, decision, manager.tz) if decision else None)
        for moment, person, decision, _ in rows
    )
    return DraftCard(
        team_id=team.id,
        team_name=team.name,
        channel_id=team.channel_id,
        manager_user_id=manager.slack_user_id,
        drafts=drafts,
    )


def _handled_note(session: Session, decision: MomentDecision, tz: str) -> str:
    who = session.get(Person, decision.decided_by_person_id) if decision.decided_by_person_id else None
    by = f"<@{who.slack_user_id}>" if who else "a manager"
    verb = "Posted" if decision.decision == DECISION_POSTED else "Skipped"
    return f"{verb} by {by} · {format_local(decision.decided_at, tz)}"


def drafts_delivery_for(*, session: Session, channel_id: str, message_ts: str) -> int | None:
    """The drafts DM (delivery id) a Slack message is, so its card can be refreshed after a click."""
    return session.scalar(
        select(Delivery.id).where(
            Delivery.kind == kinds.SHOUTOUT_DRAFTS,
            Delivery.message_channel == channel_id,
            Delivery.message_ts == message_ts,
        )
    )


class DraftHandledError(UserError):
    """Another manager (or this one, in another tab) already posted or skipped this draft."""


def draft_for_manager(*, session: Session, workspace_id: int, moment_id: int, manager_user_id: str) -> Draft:
    """The draft behind a button, after checking the clicker manages its team and nobody handled it."""
    moment = session.get(StretchMoment, moment_id)
    if moment is None:
        raise UserError("That moment is no longer there (its team may have been removed). Nothing to do.")
    team = load_team(session=session, team_id=moment.team_id)
    manager = find_person(session=session, workspace_id=workspace_id, user_id=manager_user_id)
    if (
        team.workspace_id != workspace_id
        or manager is None
        or not any(m.role == ROLE_MANAGER and m.person_id == manager.id for m in team.memberships)
    ):
        raise NotAllowedError(
            f"Only a manager of *{escape(team.name)}* can post or skip its drafted shout-outs."
        )
    if moment.person_id == manager.id:
        raise NotAllowedError("That draft is about you, so it's for another manager to post.")
    decision = session.get(MomentDecision, moment_id)
    person = session.get(Person, moment.person_id)
    assert person is not None
    if decision is not None:
        raise DraftHandledError(
            f"Already handled: {_handled_note(session, decision, manager.tz)}. Nothing else to do here."
        )
    return _draft(moment, person)


@dataclass(frozen=True)
class Decided:
    """A recorded decision on a draft, with the draft and the manager who made it."""

    decision: MomentDecision
    draft: Draft
    manager_person_id: int


def decide_draft(
    *,
    session: Session,
    workspace_id: int,
    moment_id: int,
    manager_user_id: str,
    decision: str,
    now: datetime,
) -> Decided:
    """Record that a manager posted or skipped a draft; DraftHandledError if someone got there first."""
    draft = draft_for_manager(
        session=session, workspace_id=workspace_id, moment_id=moment_id, manager_user_id=manager_user_id
    )
    manager = find_person(session=session, workspace_id=workspace_id, user_id=manager_user_id)
    assert manager is not None
    row = MomentDecision(
        moment_id=moment_id, decision=decision, decided_by_person_id=manager.id, decided_at=now
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise DraftHandledError(
            "Another manager handled this draft a moment ago. Nothing else to do here."
        ) from None
    return Decided(decision=row, draft=draft, manager_person_id=manager.id)


def clean_post_text(text: str | None) -> str:
    """A manager's edited shout-out, trimmed; UserError when empty or too long."""
    cleaned = (text or "").strip()
    if len(cleaned) < 3:
        raise UserError("Write a sentence or two about the swing they took, or press Cancel.")
    if len(cleaned) > MAX_REASON + 200:
        raise UserError(f"Keep it under {MAX_REASON + 200} characters: a sentence or two reads best.")
    return cleaned


# --- the effort leaderboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EffortEntry:
    """One person on the effort leaderboard."""

    person_id: int
    user_id: str
    display_name: str
    swings: int
    described: str


def effort_leaderboard(*, session: Session, team_id: int, now: datetime, limit: int = 5) -> list[EffortEntry]:
    """Who on the team took the most swings this month (team's zone): moments plus shout-outs received."""
    team = load_team(session=session, team_id=team_id)
    since = month_start(now, team.tz)
    people = {m.person_id: m.person for m in team.memberships}
    swings: list[tuple[int, str]] = [
        (person_id, kind)
        for person_id, kind in session.execute(
            select(StretchMoment.person_id, StretchMoment.kind).where(
                StretchMoment.team_id == team_id,
                StretchMoment.occurred_at >= since,
                StretchMoment.occurred_at <= now,
            )
        )
    ]
    swings += [
        (person_id, SHOUTOUT_SWING)
        for person_id in session.scalars(
            select(ShoutoutRecipient.person_id)
            .join(Shoutout, Shoutout.id == ShoutoutRecipient.shoutout_id)
            .where(Shoutout.team_id == team_id, Shoutout.created_at >= since, Shoutout.created_at <= now)
        )
    ]
    names = {pid: (p.display_name or p.slack_user_id) for pid, p in people.items()}
    rows: list[EffortRow[int]] = rank_effort(
        ((who, kind) for who, kind in swings if who in people), limit=limit, order=names
    )
    return [
        EffortEntry(
            person_id=row.who,
            user_id=people[row.who].slack_user_id,
            display_name=names[row.who],
            swings=row.swings,
            described=describe_swings(row.by_kind),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class ReceivedShoutout:
    """A shout-out someone received, as their own App Home lists it."""

    giver_name: str
    text: str
    created_at: datetime


def shoutouts_received(
    *, session: Session, person_id: int, limit: int = 3
) -> tuple[int, list[ReceivedShoutout]]:
    """How many shout-outs the person has received in all, and the latest few (newest first)."""
    from sqlalchemy import func

    total = (
        session.scalar(
            select(func.count())
            .select_from(ShoutoutRecipient)
            .where(ShoutoutRecipient.person_id == person_id)
        )
        or 0
    )
    giver = Person.__table__.alias("giver")
    rows = session.execute(
        select(giver.c.display_name, Shoutout.text, Shoutout.created_at)
        .join(ShoutoutRecipient, ShoutoutRecipient.shoutout_id == Shoutout.id)
        .join(giver, giver.c.id == Shoutout.giver_person_id)
        .where(ShoutoutRecipient.person_id == person_id)
        .order_by(Shoutout.created_at.desc(), Shoutout.id.desc())
        .limit(limit)
    ).all()
    return total, [
        ReceivedShoutout(giver_name=name or "a teammate", text=text, created_at=at) for name, text, at in rows
    ]

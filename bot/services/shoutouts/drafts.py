"""Drafted shout-outs: the drafts managers get from their reps' stretch moments, the drafts DM, and a
manager posting (edited) or skipping one, once whoever clicks first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import kinds
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.schedule import format_local
from bot.domain.shoutouts import (
    DRAFT_MAX_AGE,
    MAX_REASON,
    draft_text,
)
from bot.domain.text import escape
from bot.models import ROLE_MANAGER, Delivery, Membership, Person, StretchMoment, Team
from bot.models.shoutouts import (
    DECISION_POSTED,
    SOURCE_MANAGER,
    DraftOffer,
    MomentDecision,
    Shoutout,
)
from bot.services.people import find_person, get_or_create_workspace
from bot.services.shoutouts.giving import Recipient, record_shoutout
from bot.services.teams import Asked, load_team


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
    asked: Asked,
    moment_id: int,
    decision: str,
    now: datetime,
) -> Decided:
    """Record that a manager (the asker) posted or skipped a draft; DraftHandledError if someone got there
    first."""
    workspace_id = get_or_create_workspace(session=session, slack_team_id=asked.slack_team_id, now=now).id
    draft = draft_for_manager(
        session=session, workspace_id=workspace_id, moment_id=moment_id, manager_user_id=asked.user_id
    )
    manager = find_person(session=session, workspace_id=workspace_id, user_id=asked.user_id)
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


# --- what a manager's click does ------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftToPost:
    """A draft a manager is about to post, and the channel it will go to (None when the team has none)."""

    draft: Draft
    channel_id: str | None


def draft_to_post(*, session: Session, asked: Asked, moment_id: int, now: datetime) -> DraftToPost:
    """What a manager's Post button opens: the draft to edit, once checked the manager (the asker) may post it."""
    workspace = get_or_create_workspace(session=session, slack_team_id=asked.slack_team_id, now=now)
    draft = draft_for_manager(
        session=session, workspace_id=workspace.id, moment_id=moment_id, manager_user_id=asked.user_id
    )
    team = load_team(session=session, team_id=draft.team_id)
    return DraftToPost(draft=draft, channel_id=team.channel_id)


def post_draft(
    *,
    session: Session,
    asked: Asked,
    moment_id: int,
    text: str,
    post: Callable[[str], str | None],
    now: datetime,
) -> Shoutout:
    """A manager posts a draft as edited: the decision is recorded first (so two managers never both post),
    then `post(channel_id)` puts it in the team channel and returns its ts, and the shout-out is stored."""
    decided = decide_draft(
        session=session, asked=asked, moment_id=moment_id, decision=DECISION_POSTED, now=now
    )
    team = load_team(session=session, team_id=decided.draft.team_id)
    if not team.channel_id:
        raise UserError(f"*{escape(team.name)}* has no channel yet. Pick one with `/stretch setup` first.")
    ts = post(team.channel_id)
    shoutout = record_shoutout(
        session=session,
        team_id=team.id,
        giver_person_id=decided.manager_person_id,
        source=SOURCE_MANAGER,
        text=text,
        channel_id=team.channel_id,
        message_ts=ts,
        recipients=(
            Recipient(person_id=decided.draft.person_id, user_id=decided.draft.user_id, in_team=True),
        ),
        now=now,
    )
    decided.decision.shoutout_id = shoutout.id
    return shoutout

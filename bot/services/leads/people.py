"""The people a lead use-case looks up: who is asking (their team and role, what it lets them do), a
team's reps and managers, and the two reps of an overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.errors import NotAllowedError, NotInTeamError, UserError
from bot.models import ROLE_MANAGER, ROLE_REP, Membership, Person, Team, Workspace
from bot.models.leads import LeadClaim, LeadOverlap
from bot.services.teams import NOT_IN_TEAM, Asked, TeamRole


@dataclass(frozen=True)
class Asker:
    """The person asking, their role and team."""

    role: TeamRole
    person: Person

    @property
    def team(self) -> Team:
        """The team the request is about."""
        return self.role.team


def asker(*, session: Session, asked: Asked) -> Asker:
    """The team a lead request is about (the channel's, the named one, or the person's only team)."""
    rows = session.execute(
        select(Team, Membership.role, Person)
        .join(Membership, Membership.team_id == Team.id)
        .join(Person, Person.id == Membership.person_id)
        .join(Workspace, Workspace.id == Team.workspace_id)
        .where(Workspace.slack_team_id == asked.slack_team_id, Person.slack_user_id == asked.user_id)
        .order_by(Team.id)
    ).all()
    if not rows:
        raise NotInTeamError(NOT_IN_TEAM)
    chosen = None
    if asked.team_id is not None:
        chosen = next((r for r in rows if r[0].id == asked.team_id), None)
        if chosen is None:
            raise NotInTeamError("You're not on that team any more, so its lead list isn't yours to change.")
    elif asked.channel_id:
        chosen = next((r for r in rows if r[0].channel_id == asked.channel_id), None)
    if chosen is None and len(rows) == 1:
        chosen = rows[0]
    if chosen is None:
        channels = ", ".join(f"<#{r[0].channel_id}>" for r in rows if r[0].channel_id)
        raise UserError(
            f"You're on {len(rows)} teams. Run `/claim-leads` in your team's channel ({channels}) so I know "
            "which team's list you mean."
        )
    return Asker(role=TeamRole(team=chosen[0], role=chosen[1]), person=chosen[2])


def require_rep(who: Asker) -> None:
    """Claims are the reps': a manager is told how to load a rep's list instead."""
    if who.role.role != ROLE_REP:
        raise NotAllowedError(
            f"Only the reps of *{who.team.name}* claim accounts. To load a rep's list, use Import lead list "
            "on your Stretch home or `stretch leads import`."
        )


def require_manager(who: Asker, what: str) -> None:
    """A manager's action refused to a rep."""
    if not who.role.is_manager:
        raise NotAllowedError(f"Only a manager of *{who.team.name}* can {what}.")


def rep_asking(*, session: Session, asked: Asked) -> Asker:
    """The asker on the team they name, refused unless they are one of its reps."""
    who = asker(session=session, asked=asked)
    require_rep(who)
    return who


def manager_asking(*, session: Session, asked: Asked, what: str) -> Asker:
    """The asker on the team they name, refused unless they manage it (`what` they tried, for the refusal)."""
    who = asker(session=session, asked=asked)
    require_manager(who, what)
    return who


def rep_of(*, session: Session, team: Team, user_id: str) -> Person:
    """A rep of the team by Slack id; a clear refusal for anyone else."""
    person = session.scalar(
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.team_id == team.id, Person.slack_user_id == user_id, Membership.role == ROLE_REP)
    )
    if person is None:
        raise UserError(
            f"<@{user_id}> isn't a rep on *{team.name}*. Add them with `/stretch setup` first, or pick one of "
            "the team's reps."
        )
    return person


def people_by_id(session: Session, ids: set[int]) -> dict[int, Person]:
    """People by their ids, in one query."""
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}


def managers_of(session: Session, team_id: int) -> list[Person]:
    """The team's managers (not deleted), oldest first."""
    return list(
        session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.team_id == team_id, Membership.role == ROLE_MANAGER, Person.deleted.is_(False))
            .order_by(Person.id)
        )
    )


def pair_ids(session: Session, overlap: LeadOverlap) -> tuple[int, int]:
    """The person ids of the overlap's two reps: claim A's, then claim B's."""
    a = session.get(LeadClaim, overlap.claim_a_id)
    b = session.get(LeadClaim, overlap.claim_b_id)
    assert a is not None and b is not None
    return a.person_id, b.person_id


def pair(session: Session, overlap: LeadOverlap) -> tuple[Person, Person]:
    """The overlap's two reps: claim A's, then claim B's."""
    a_person, b_person = pair_ids(session, overlap)
    people = people_by_id(session, {a_person, b_person})
    return people[a_person], people[b_person]

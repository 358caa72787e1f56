"""Who may open a rep's 1:1 page (a manager of the rep's team, or the rep their own) and what a manager
records on it: "1:1 done" and the managers' private note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.errors import NotAllowedError, UserError
from bot.models import (
    ROLE_MANAGER,
    ROLE_REP,
    ManagerNote,
    Membership,
    OneOnOne,
    Person,
    Team,
)
from bot.services.people import find_person

NOTE_LIMIT = 2900

REFUSAL = (
    "Only the managers of a rep's team can open that rep's 1:1 page. Your own page is one click away "
    "on your Stretch Home tab."
)


@dataclass(frozen=True)
class PageAccess:
    """Whose page, for whom, in which team: `as_manager` is False when a rep opens their own page."""

    team_id: int
    team_name: str
    rep_id: int
    rep_user_id: str
    rep_name: str
    viewer_id: int
    viewer_tz: str
    as_manager: bool


def _access(team: Team, rep: Person, viewer: Person, *, as_manager: bool) -> PageAccess:
    return PageAccess(
        team_id=team.id,
        team_name=team.name,
        rep_id=rep.id,
        rep_user_id=rep.slack_user_id,
        rep_name=rep.display_name or rep.slack_user_id,
        viewer_id=viewer.id,
        viewer_tz=viewer.tz,
        as_manager=as_manager,
    )


def page_access(
    *,
    session: Session,
    workspace_id: int,
    viewer_user_id: str,
    rep_user_id: str | None = None,
    rep_person_id: int | None = None,
    team_id: int | None = None,
) -> PageAccess:
    """The page the viewer may see: a rep of a team they manage, or their own; else one refusal that
    names nothing about the rep (whether they exist, their team, their name)."""
    viewer = find_person(session=session, workspace_id=workspace_id, user_id=viewer_user_id)
    if viewer is None:
        raise NotAllowedError(REFUSAL)
    if rep_person_id is not None:
        rep = session.get(Person, rep_person_id)
        if rep is not None and rep.workspace_id != workspace_id:
            rep = None
    elif rep_user_id is not None:
        rep = find_person(session=session, workspace_id=workspace_id, user_id=rep_user_id)
    else:
        rep = viewer
    if rep is None or rep.deleted:
        raise NotAllowedError(REFUSAL)
    # Plain subqueries, not aliased joins: SQLAlchemy caches their compiled form, so the check stays cheap.
    rep_of = select(Membership.team_id).where(Membership.person_id == rep.id, Membership.role == ROLE_REP)
    query = select(Team).where(Team.id.in_(rep_of))
    if rep.id != viewer.id:
        managed = select(Membership.team_id).where(
            Membership.person_id == viewer.id, Membership.role == ROLE_MANAGER
        )
        query = query.where(Team.id.in_(managed))
    if team_id is not None:
        query = query.where(Team.id == team_id)
    team = session.scalars(query.order_by(Team.id).limit(1)).first()
    if team is None:
        raise NotAllowedError(REFUSAL)
    return _access(team, rep, viewer, as_manager=rep.id != viewer.id)


def record_one_on_one(*, session: Session, access: PageAccess, now: datetime) -> OneOnOne:
    """ "1:1 done": the next page's summary starts from now (managers only)."""
    if not access.as_manager:
        raise NotAllowedError(REFUSAL)
    held = OneOnOne(
        team_id=access.team_id, rep_person_id=access.rep_id, manager_person_id=access.viewer_id, held_at=now
    )
    session.add(held)
    return held


def save_manager_note(*, session: Session, access: PageAccess, text: str | None, now: datetime) -> None:
    """Keep the managers' private note for the next 1:1 (managers only; never shown to the rep)."""
    if not access.as_manager:
        raise NotAllowedError(REFUSAL)
    cleaned = (text or "").strip()
    if len(cleaned) > NOTE_LIMIT:
        raise UserError(f"Keep the note under {NOTE_LIMIT} characters.", field="one_on_one_note")
    row = session.scalar(
        select(ManagerNote).where(
            ManagerNote.team_id == access.team_id, ManagerNote.rep_person_id == access.rep_id
        )
    )
    if row is None:
        row = ManagerNote(team_id=access.team_id, rep_person_id=access.rep_id, updated_at=now)
        session.add(row)
    row.text = cleaned
    row.updated_by_person_id = access.viewer_id
    row.updated_at = now


def team_reps(*, session: Session, team_id: int) -> list[tuple[int, str, str]]:
    """The team's reps (person id, user id, name) for the dashboard's "1:1" buttons, by name."""
    rows = session.execute(
        select(Person.id, Person.slack_user_id, Person.display_name)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.team_id == team_id,
            Membership.role == ROLE_REP,
            Person.deleted.is_(False),
            Person.is_bot.is_(False),
        )
    ).all()
    return sorted(((r[0], r[1], r[2] or r[1]) for r in rows), key=lambda r: r[2].lower())

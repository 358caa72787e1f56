"""Teams and their members: find a person's teams, set a team up, check who may change it."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session, selectinload

from bot.domain.errors import NotAllowedError, NotInTeamError, UserError
from bot.domain.huddles import DEFAULT_HUDDLE_TIME, DEFAULT_LEAD_MINUTES
from bot.domain.schedule import format_time, parse_days, parse_time
from bot.domain.teams import FIELD_CHANNEL, FIELD_MANAGERS, FIELD_REPS, TeamDraft, validate_team_draft
from bot.domain.text import escape
from bot.models import ROLE_MANAGER, ROLE_REP, HuddleSettings, Membership, Person, Team, Workspace
from bot.services.people import ProfileFetcher, ensure_person, get_or_create_workspace

NOT_IN_TEAM = (
    "You're not on a Stretch team yet. Ask your sales manager to add you "
    "(they run `/stretch setup` in the team's channel), then try again."
)


@dataclass(frozen=True)
class TeamRole:
    """A team and the role the asking person has in it."""

    team: Team
    role: str

    @property
    def is_manager(self) -> bool:
        """Whether the person manages this team."""
        return self.role == ROLE_MANAGER


def load_team(*, session: Session, team_id: int) -> Team:
    """A team with its members loaded."""
    team = session.scalar(
        select(Team)
        .where(Team.id == team_id)
        .options(selectinload(Team.memberships).selectinload(Membership.person))
    )
    if team is None:
        raise UserError("That team no longer exists. Run `/stretch setup` to create it again.")
    return team


def team_for_channel(*, session: Session, workspace_id: int, channel_id: str) -> Team | None:
    """The team whose channel this is, if any."""
    return session.scalar(
        select(Team).where(Team.workspace_id == workspace_id, Team.channel_id == channel_id)
    )


def teams_of(*, session: Session, workspace_id: int, user_id: str) -> list[TeamRole]:
    """Every team the user belongs to, with their role, oldest team first."""
    rows = session.execute(
        select(Team, Membership.role)
        .join(Membership, Membership.team_id == Team.id)
        .join(Person, Person.id == Membership.person_id)
        .where(Team.workspace_id == workspace_id, Person.slack_user_id == user_id)
        .order_by(Team.id)
    ).all()
    return [TeamRole(team=team, role=role) for team, role in rows]


def list_teams(
    *, session: Session, workspace_id: int | None = None, team_ids: Collection[int] | None = None
) -> list[Team]:
    """All teams (of one workspace, or of all, or just those in `team_ids`), with members loaded."""
    query = select(Team).options(selectinload(Team.memberships).selectinload(Membership.person))
    if workspace_id is not None:
        query = query.where(Team.workspace_id == workspace_id)
    if team_ids is not None:
        query = query.where(Team.id.in_(list(team_ids)))
    return list(session.scalars(query.order_by(Team.id)))


class PickTeamError(UserError):
    """The person is on several teams and neither the channel nor a button says which one they mean."""

    def __init__(self, message: str, teams: list[tuple[int, str]]) -> None:
        super().__init__(message)
        # (team id, name) of each: plain values, readable after the session that found them has closed.
        self.teams = teams


class OtherTeamsChannelError(NotAllowedError):
    """A command typed in the channel of a team the person isn't on: refused, nothing written."""


Found = TypeVar("Found")


def choose_team(
    found: Sequence[Found],
    role_of: Callable[[Found], TeamRole],
    *,
    channel_team: Team | None,
    team_id: int | None,
    command: str = "the command",
) -> Found:
    """The one rule for which team a person acts on, given their teams (`found`, oldest first).

    A team named by a button or the team picker (`team_id`) must be one of theirs. A command typed in
    a team's channel is about that team, and refused when they aren't on it. In a DM or a channel of
    no team, their only team; several: PickTeamError, so they are asked which."""
    if not found:
        raise NotInTeamError(NOT_IN_TEAM)
    if team_id is not None:
        for item in found:
            if role_of(item).team.id == team_id:
                return item
        raise NotInTeamError("You're not on that team any more, so that isn't yours to change.")
    roles = [role_of(item) for item in found]
    elsewhere = ", ".join(f"<#{r.team.channel_id}>" for r in roles if r.team.channel_id)
    if channel_team is not None:
        for item in found:
            if role_of(item).team.id == channel_team.id:
                return item
        raise OtherTeamsChannelError(
            f"This channel belongs to the team *{escape(channel_team.name)}*, and you're not on it, so I "
            f"didn't do anything. Type {command} in your own team's channel"
            + (f" ({elsewhere})" if elsewhere else "")
            + " or in a DM with me."
        )
    if len(found) == 1:
        return found[0]
    raise PickTeamError(
        f"You're on {len(roles)} teams. Pick the team below"
        + (f", or type {command} in its channel ({elsewhere})." if elsewhere else "."),
        [(r.team.id, r.team.name) for r in roles],
    )


@dataclass(frozen=True)
class Asked:
    """Who asks from which Slack workspace, in which channel (None in a DM), and the team they picked, if any."""

    slack_team_id: str
    user_id: str
    channel_id: str | None = None
    team_id: int | None = None


def resolve_team(*, session: Session, workspace_id: int, asked: Asked) -> TeamRole:
    """The team a command or button is about (see `choose_team` for the rule), in the asker's workspace."""
    memberships = teams_of(session=session, workspace_id=workspace_id, user_id=asked.user_id)
    channel_team = (
        team_for_channel(session=session, workspace_id=workspace_id, channel_id=asked.channel_id)
        if asked.channel_id and asked.team_id is None and memberships
        else None
    )
    return choose_team(memberships, lambda m: m, channel_team=channel_team, team_id=asked.team_id)


def asked_role(*, session: Session, asked: Asked, now: datetime) -> tuple[Workspace, TeamRole]:
    """The asker's workspace, and the team their request is about with their role in it (see `choose_team`)."""
    workspace = get_or_create_workspace(session=session, slack_team_id=asked.slack_team_id, now=now)
    return workspace, resolve_team(session=session, workspace_id=workspace.id, asked=asked)


def manager_team(*, session: Session, asked: Asked, now: datetime) -> Team:
    """The team a manager's command or button is about; refuses reps with a friendly explanation."""
    _, role = asked_role(session=session, asked=asked, now=now)
    if not role.is_manager:
        raise NotAllowedError(
            f"Only a manager of *{escape(role.team.name)}* can do that. If something needs changing, tell your manager."
        )
    return role.team


def asked_team(*, session: Session, asked: Asked, now: datetime) -> tuple[Workspace, TeamRole]:
    """`asked_role` with the team's members loaded."""
    workspace, role = asked_role(session=session, asked=asked, now=now)
    return workspace, TeamRole(team=load_team(session=session, team_id=role.team.id), role=role.role)


def team_named(
    *, session: Session, workspace_id: int, name: str, other_than: int | None = None
) -> Team | None:
    """A team of the workspace with this name (ignoring case), other than `other_than`."""
    return session.scalar(
        select(Team)
        .where(
            Team.workspace_id == workspace_id,
            func.lower(Team.name) == " ".join(name.split()).lower(),
            Team.id != (other_than if other_than is not None else -1),
        )
        .limit(1)
    )


def can_manage(*, team: Team | None, person: Person | None, user_id: str) -> bool:
    """Managers of an existing team may change it; workspace admins and owners may set any team up."""
    if person is not None and person.is_admin:
        return True
    if team is None:
        return False
    return any(m.role == ROLE_MANAGER and m.person.slack_user_id == user_id for m in team.memberships)


@dataclass(frozen=True)
class SetupTarget:
    """What `/stretch setup` should show: an existing team to edit, or a new one to create."""

    team: Team | None
    draft: TeamDraft


def setup_target(*, session: Session, asked: Asked, fetch: ProfileFetcher, now: datetime) -> SetupTarget:
    """Decide which team `/stretch setup` edits (the one named, the channel's, or the asker's only managed
    team), and refuse people who may not."""
    workspace = get_or_create_workspace(session=session, slack_team_id=asked.slack_team_id, now=now)
    actor = ensure_person(session=session, workspace=workspace, user_id=asked.user_id, now=now, fetch=fetch)
    team_id, channel_id = asked.team_id, asked.channel_id
    team: Team | None = None
    if team_id is not None:
        team = load_team(session=session, team_id=team_id)
        if team.workspace_id != workspace.id:
            raise NotAllowedError("That team belongs to another workspace.")
    elif channel_id:
        team = team_for_channel(session=session, workspace_id=workspace.id, channel_id=channel_id)
    else:
        managed = [
            m.team
            for m in teams_of(session=session, workspace_id=workspace.id, user_id=actor.slack_user_id)
            if m.is_manager
        ]
        if len(managed) == 1:
            team = managed[0]
    if team is not None:
        team = load_team(session=session, team_id=team.id)
    if not can_manage(team=team, person=actor, user_id=actor.slack_user_id):
        if team is not None:
            raise NotAllowedError(
                f"Only a manager of *{escape(team.name)}* (or a workspace admin) can change its setup. "
                "Ask one of them to add you as a manager."
            )
        raise NotAllowedError(
            "Only a workspace admin or owner can create a new Stretch team. Ask one of them to run "
            "`/stretch setup` in the team's channel and add you as a manager."
        )
    if team is None:
        draft = TeamDraft(
            name="",
            channel_id=channel_id,
            managers=(actor.slack_user_id,),
            reps=(),
        )
    else:
        draft = draft_of(team)
    return SetupTarget(team=team, draft=draft)


def draft_of(team: Team) -> TeamDraft:
    """The stored team as a draft (to pre-fill the setup modal)."""
    session = object_session(team)
    huddle = session.get(HuddleSettings, team.id) if session is not None else None
    return TeamDraft(
        name=team.name,
        channel_id=team.channel_id,
        managers=tuple(m.person.slack_user_id for m in team.memberships if m.role == ROLE_MANAGER),
        reps=tuple(m.person.slack_user_id for m in team.memberships if m.role == ROLE_REP),
        checkin_days=parse_days(team.checkin_days),
        checkin_time=parse_time(team.checkin_time),
        digest_day=team.digest_day,
        digest_time=parse_time(team.digest_time),
        currency=team.currency,
        huddle_days=parse_days(huddle.days) if huddle and huddle.days else (),
        huddle_time=parse_time(huddle.at) if huddle else DEFAULT_HUDDLE_TIME,
        huddle_lead_minutes=huddle.lead_minutes if huddle else DEFAULT_LEAD_MINUTES,
        huddle_skip_notice=huddle.skip_notice if huddle else False,
        extra=_lead_extra(session, team.id),  # lead lists (issue 18)
    )


def save_huddle_schedule(*, session: Session, team: Team, draft: TeamDraft, now: datetime) -> None:
    """Store the draft's huddle schedule (a draft with `huddle_days` None leaves it as it is)."""
    if draft.huddle_days is None:
        return
    settings = session.get(HuddleSettings, team.id)
    if settings is None:
        settings = HuddleSettings(team_id=team.id, updated_at=now)
        session.add(settings)
    settings.days = ",".join(draft.huddle_days)
    settings.at = format_time(draft.huddle_time)
    settings.lead_minutes = draft.huddle_lead_minutes
    settings.skip_notice = draft.huddle_skip_notice
    settings.updated_at = now


def save_team(
    *,
    session: Session,
    workspace: Workspace,
    actor_user_id: str | None,
    team_id: int | None,
    draft: TeamDraft,
    fetch: ProfileFetcher,
    now: datetime,
) -> Team:
    """Create or update a team from a draft, after checking the actor may and the people are real.

    `actor_user_id` None is the operator at the CLI, who has the database and may do anything.
    """
    draft = validate_team_draft(draft)
    team = load_team(session=session, team_id=team_id) if team_id is not None else None
    if team is not None and team.workspace_id != workspace.id:
        raise NotAllowedError("That team belongs to another workspace.")
    if actor_user_id is not None and not can_manage(
        team=team,
        person=ensure_person(
            session=session, workspace=workspace, user_id=actor_user_id, now=now, fetch=fetch
        ),
        user_id=actor_user_id,
    ):
        raise NotAllowedError(
            "Only this team's managers or a workspace admin can save its setup."
            if team is not None
            else "Only a workspace admin or owner can create a new Stretch team."
        )
    other = team_for_channel(session=session, workspace_id=workspace.id, channel_id=draft.channel_id or "")
    if other is not None and (team is None or other.id != team.id):
        raise UserError(
            f"<#{draft.channel_id}> already belongs to the team *{escape(other.name)}*. Pick another channel, "
            "or run `/stretch setup` in that channel to edit it.",
            field=FIELD_CHANNEL,
        )

    people: dict[str, Person] = {}
    for role_field, user_ids in ((FIELD_MANAGERS, draft.managers), (FIELD_REPS, draft.reps)):
        for user_id in user_ids:
            try:
                person = ensure_person(
                    session=session, workspace=workspace, user_id=user_id, now=now, fetch=fetch
                )
            except UserError as error:
                raise UserError(error.message, field=role_field) from None
            if person.is_bot:
                raise UserError(f"<@{user_id}> is a bot; only people can be on a team.", field=role_field)
            if person.deleted:
                raise UserError(f"<@{user_id}> has left the workspace.", field=role_field)
            people[user_id] = person

    if team is None:
        first_manager = people[draft.managers[0]]
        team = Team(
            workspace_id=workspace.id,
            name=draft.name,
            tz=first_manager.tz,
            created_at=now,
            updated_at=now,
        )
        session.add(team)
    team.name = draft.name
    team.channel_id = draft.channel_id
    team.currency = draft.currency
    team.checkin_days = ",".join(draft.checkin_days)
    team.checkin_time = format_time(draft.checkin_time)
    team.digest_day = draft.digest_day
    team.digest_time = format_time(draft.digest_time)
    team.updated_at = now
    session.flush()
    save_huddle_schedule(session=session, team=team, draft=draft, now=now)
    _save_lead_fallback(session=session, team=team, draft=draft, now=now)  # lead lists (issue 18)

    wanted = {user_id: ROLE_MANAGER for user_id in draft.managers}
    wanted.update({user_id: ROLE_REP for user_id in draft.reps})
    current = {m.person.slack_user_id: m for m in list(team.memberships)}
    for user_id, membership in current.items():
        if user_id not in wanted:
            team.memberships.remove(membership)
    joined: list[Person] = []
    for user_id, role in wanted.items():
        if user_id in current:
            current[user_id].role = role
        else:
            team.memberships.append(
                Membership(team_id=team.id, person=people[user_id], role=role, joined_at=now)
            )
            if role == ROLE_REP:
                joined.append(people[user_id])
    session.flush()
    # A welcome before anything else: what Stretch is, when it asks, who sees what, how to pause.
    from bot.services.attention import plan_welcome

    for person in joined:
        plan_welcome(session=session, team=team, person=person, now=now)
    return team


# --- lead lists (issue 18): the team's fallback rule rides along in the setup draft ---------------------


def _lead_extra(session: Session | None, team_id: int) -> dict[str, str]:
    from bot.models.leads import LeadSettings

    found = session.get(LeadSettings, team_id) if session is not None else None
    return {"lead_fallback": found.fallback if found is not None else "manager"}


def _save_lead_fallback(*, session: Session, team: Team, draft: TeamDraft, now: datetime) -> None:
    """Store the setup's fallback rule for lead overlaps (a draft without one leaves it as it is)."""
    from bot.domain.leads.matching import DEFAULT_FUZZY_THRESHOLD
    from bot.domain.leads.rules import check_fallback
    from bot.models.leads import LeadSettings

    rule = draft.extra.get("lead_fallback")
    if rule is None:
        return
    row = session.get(LeadSettings, team.id)
    if row is None:
        row = LeadSettings(team_id=team.id, fuzzy_threshold=DEFAULT_FUZZY_THRESHOLD, updated_at=now)
        session.add(row)
    row.fallback = check_fallback(rule)
    row.updated_at = now

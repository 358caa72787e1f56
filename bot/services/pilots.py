"""Pilots: propose, edit and tweak one, answer its mid-point and review, decide it, list them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.domain import pilots as rules
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.schedule import local_date, parse_days
from bot.domain.text import escape
from bot.models import ROLE_MANAGER, ROLE_REP, Person, Pilot, PilotParticipant, Team, TeamSkipDate, Workspace
from bot.models.moments import MOMENT_PILOT_JOINED, MOMENT_PILOT_TRIED
from bot.services.moments import record_moment
from bot.services.people import ProfileFetcher, ensure_person, find_person
from bot.services.teams import TeamRole, load_team, resolve_team

RECENT = timedelta(days=30)


@dataclass(frozen=True)
class PilotFacts:
    """The parts of a pilot every message shows, as plain data."""

    id: int
    title: str
    not_goal: str
    growth_metric: str
    observe: str
    start: date
    length_days: int
    iteration: int
    status: str
    owner_id: str
    participants: tuple[str, ...]

    @property
    def end(self) -> date:
        """The last day."""
        return rules.end_day(self.start, self.length_days)

    @property
    def name(self) -> str:
        """Its title, with the version once it has been tweaked."""
        return f"{self.title} (v{self.iteration})" if self.iteration > 1 else self.title


def facts_of(pilot: Pilot) -> PilotFacts:
    """A pilot row as plain data for the message builders."""
    return PilotFacts(
        id=pilot.id,
        title=pilot.title,
        not_goal=pilot.not_goal,
        growth_metric=pilot.growth_metric,
        observe=pilot.observe,
        start=pilot.start_date,
        length_days=pilot.length_days,
        iteration=pilot.iteration,
        status=pilot.status,
        owner_id=pilot.owner.slack_user_id,
        participants=tuple(p.person.slack_user_id for p in pilot.participants),
    )


@dataclass(frozen=True)
class PilotForm:
    """What the pilot modal is opened with: the team, the asker's role, and the pre-filled draft."""

    team_id: int
    team_name: str
    team_reps: int
    is_manager: bool
    draft: rules.PilotDraft
    pilot_id: int | None = None
    previous_id: int | None = None
    iteration: int = 1


def skip_dates_of(*, session: Session, team_id: int) -> set[date]:
    """The team's skip dates (holidays)."""
    return set(session.scalars(select(TeamSkipDate.day).where(TeamSkipDate.team_id == team_id)))


def team_days(team: Team) -> tuple[str, ...]:
    """The days this team works (for moving reminders and the default start)."""
    return rules.working_days(parse_days(team.checkin_days))


def _default_start(session: Session, team: Team, now: datetime) -> date:
    return rules.default_start(
        now=now,
        tz_name=team.tz,
        team_days=team_days(team),
        skip_dates=skip_dates_of(session=session, team_id=team.id),
    )


def _role_in(team: Team, user_id: str) -> str | None:
    for membership in team.memberships:
        if membership.person.slack_user_id == user_id:
            return membership.role
    return None


def load_pilot(*, session: Session, pilot_id: int) -> Pilot:
    """A pilot with its participants and team loaded; UserError when it is gone."""
    pilot = session.scalar(
        select(Pilot)
        .where(Pilot.id == pilot_id)
        .options(
            selectinload(Pilot.participants).selectinload(PilotParticipant.person), selectinload(Pilot.owner)
        )
    )
    if pilot is None:
        raise UserError("That pilot no longer exists. `/stretch pilots` lists your team's pilots.")
    return pilot


def _closed_error(pilot: Pilot) -> UserError:
    when = f" on {pilot.decided_at:%a %d %b}" if pilot.decided_at else ""
    verb = {"kept": "kept as a standing practice", "tweaked": "tweaked into a next version"}.get(
        pilot.status, pilot.status
    )
    return UserError(
        f"*{escape(pilot.title)}* is closed: it was {verb}{when}. Start a new one with `/stretch pilot`.",
        hint="`/stretch pilots` shows the team's pilots and their versions.",
    )


def _may_steer(pilot: Pilot, team: Team, user_id: str) -> None:
    """The owner (while on the team) or any of the team's managers may edit, tweak and decide."""
    role = _role_in(team, user_id)
    if role == ROLE_MANAGER:
        return
    if pilot.owner.slack_user_id == user_id:
        if role is None:
            raise NotAllowedError(
                f"You're no longer on *{escape(team.name)}*, so its managers decide this pilot now."
            )
        return
    raise NotAllowedError(
        f"Only the pilot's owner (<@{pilot.owner.slack_user_id}>) or a manager of *{escape(team.name)}* can do that."
    )


def new_pilot_form(
    *,
    session: Session,
    workspace_id: int,
    user_id: str,
    channel_id: str | None,
    now: datetime,
    team_id: int | None = None,
) -> PilotForm:
    """The modal for a new pilot in the asker's team (or the team named), starting on its next working day."""
    role = resolve_team(
        session=session, workspace_id=workspace_id, user_id=user_id, channel_id=channel_id, team_id=team_id
    )
    team = load_team(session=session, team_id=role.team.id)
    return PilotForm(
        team_id=team.id,
        team_name=team.name,
        team_reps=sum(1 for m in team.memberships if m.role == ROLE_REP),
        is_manager=role.is_manager,
        draft=rules.PilotDraft(
            title="", growth_metric="", participants=(user_id,), start=_default_start(session, team, now)
        ),
    )


def existing_pilot_form(
    *, session: Session, pilot_id: int, user_id: str, tweak: bool, now: datetime
) -> PilotForm:
    """The modal to edit a running pilot, or (tweak) a pre-filled next iteration linked to it."""
    pilot = load_pilot(session=session, pilot_id=pilot_id)
    team = load_team(session=session, team_id=pilot.team_id)
    if rules.is_closed(pilot.status):
        raise _closed_error(pilot)
    _may_steer(pilot, team, user_id)
    members = {m.person.slack_user_id for m in team.memberships}
    draft = rules.PilotDraft(
        title=pilot.title,
        growth_metric=pilot.growth_metric,
        not_goal=pilot.not_goal,
        observe=pilot.observe,
        participants=tuple(
            p.person.slack_user_id for p in pilot.participants if p.person.slack_user_id in members
        ),
        start=_default_start(session, team, now) if tweak else pilot.start_date,
        length_days=rules.DEFAULT_LENGTH if tweak else pilot.length_days,
        share=pilot.share,
    )
    return PilotForm(
        team_id=team.id,
        team_name=team.name,
        team_reps=sum(1 for m in team.memberships if m.role == ROLE_REP),
        is_manager=_role_in(team, user_id) == ROLE_MANAGER,
        draft=draft,
        pilot_id=None if tweak else pilot.id,
        previous_id=pilot.id if tweak else None,
        iteration=pilot.iteration + 1 if tweak else pilot.iteration,
    )


@dataclass(frozen=True)
class SavedPilot:
    """What saving did, for the confirmation."""

    pilot: Pilot
    created: bool
    new_participants: tuple[str, ...]


def save_pilot(
    *,
    session: Session,
    workspace: Workspace,
    user_id: str,
    team_id: int,
    draft: rules.PilotDraft,
    fetch: ProfileFetcher,
    now: datetime,
    pilot_id: int | None = None,
    previous_id: int | None = None,
) -> SavedPilot:
    """Create a pilot, edit a running one, or start the next iteration of one (closing it as tweaked).

    Everything is checked before anything is written; a UserError names the modal field to fix.
    """
    team = load_team(session=session, team_id=team_id)
    if team.workspace_id != workspace.id:
        raise NotAllowedError("That team belongs to another workspace.")
    role = _role_in(team, user_id)
    actor = ensure_person(session=session, workspace=workspace, user_id=user_id, now=now, fetch=fetch)
    existing = load_pilot(session=session, pilot_id=pilot_id) if pilot_id is not None else None
    previous = load_pilot(session=session, pilot_id=previous_id) if previous_id is not None else None
    for other in (existing, previous):
        if other is not None:
            if other.team_id != team.id:
                raise NotAllowedError("That pilot belongs to another team.")
            if rules.is_closed(other.status):
                raise _closed_error(other)
            _may_steer(other, team, user_id)
    if role is None:
        raise NotAllowedError(
            f"You're not on *{escape(team.name)}* any more, so you can't start a pilot for it. "
            "Ask a manager to add you back with `/stretch setup`."
        )
    is_manager = role == ROLE_MANAGER
    draft = rules.validate_pilot_draft(
        draft,
        today=local_date(now, actor.tz),
        is_manager=is_manager,
        keep_start=existing.start_date if existing is not None else None,
    )

    members = {m.person.slack_user_id: m for m in team.memberships}
    people: dict[str, Person] = {}
    for participant in draft.participants:
        try:
            person = ensure_person(
                session=session, workspace=workspace, user_id=participant, now=now, fetch=fetch
            )
        except UserError as error:
            raise UserError(error.message, field=rules.FIELD_PARTICIPANTS) from None
        if person.is_bot:
            raise UserError(
                f"<@{participant}> is a bot; only people can take part in a pilot.",
                field=rules.FIELD_PARTICIPANTS,
            )
        if person.deleted:
            raise UserError(f"<@{participant}> has left the workspace.", field=rules.FIELD_PARTICIPANTS)
        if participant not in members:
            raise UserError(
                f"<@{participant}> isn't on *{escape(team.name)}*. Pilots are for your team; a manager can add "
                "them with `/stretch setup`.",
                field=rules.FIELD_PARTICIPANTS,
            )
        people[participant] = person
    if draft.whole_team:
        for member_id, membership in members.items():
            if membership.role == ROLE_REP:
                people.setdefault(member_id, membership.person)
    if not people:
        raise UserError(
            "There's nobody to take part yet: the team has no reps. Pick people by name.",
            field=rules.FIELD_PARTICIPANTS,
        )

    pilot = existing
    if pilot is None:
        pilot = Pilot(
            team_id=team.id,
            owner_id=actor.id,
            title=draft.title,
            growth_metric=draft.growth_metric,
            start_date=draft.start or now.date(),
            length_days=draft.length_days or rules.DEFAULT_LENGTH,
            created_at=now,
            updated_at=now,
        )
        if previous is not None:
            pilot.previous_id = previous.id
            pilot.root_id = previous.root_id or previous.id
            pilot.iteration = previous.iteration + 1
            previous.status = rules.STATUS_TWEAKED
            previous.decided_at = now
            previous.decided_by = user_id
            previous.updated_at = now
        session.add(pilot)
    pilot.title = draft.title
    pilot.growth_metric = draft.growth_metric
    pilot.not_goal = draft.not_goal
    pilot.observe = draft.observe
    pilot.start_date = draft.start or pilot.start_date
    pilot.length_days = draft.length_days or pilot.length_days
    pilot.share = draft.share
    pilot.updated_at = now
    session.flush()
    if pilot.root_id is None:
        pilot.root_id = pilot.id

    current = {p.person.slack_user_id: p for p in pilot.participants}
    for participant_id, row in current.items():
        if participant_id not in people:
            pilot.participants.remove(row)
    added: list[str] = []
    for participant_id, person in people.items():
        if participant_id not in current:
            pilot.participants.append(PilotParticipant(person=person, joined_at=now))
            added.append(participant_id)
            record_moment(
                session=session,
                team_id=team.id,
                person_id=person.id,
                kind=MOMENT_PILOT_JOINED,
                summary=f"joined the pilot '{pilot.title}' to get better at {pilot.growth_metric}",
                dedupe_key=f"pilot:{pilot.id}:joined:{person.id}",
                ref_id=pilot.id,
                now=now,
            )
    session.flush()
    return SavedPilot(pilot=pilot, created=existing is None, new_participants=tuple(added))


def _participant(pilot: Pilot, user_id: str) -> PilotParticipant:
    for row in pilot.participants:
        if row.person.slack_user_id == user_id:
            return row
    raise NotAllowedError(f"You're not taking part in *{escape(pilot.title)}*, so there's nothing to answer.")


def _open_participant(session: Session, pilot_id: int, user_id: str) -> tuple[Pilot, PilotParticipant]:
    pilot = load_pilot(session=session, pilot_id=pilot_id)
    row = _participant(pilot, user_id)
    if rules.is_closed(pilot.status):
        raise _closed_error(pilot)
    return pilot, row


def record_midpoint(*, session: Session, pilot_id: int, user_id: str, score: int, now: datetime) -> Pilot:
    """Store a participant's 'How's it going?' 1–5 (a second click changes it)."""
    if not 1 <= score <= 5:
        raise UserError("Pick a number from 1 to 5.")
    pilot, row = _open_participant(session, pilot_id, user_id)
    row.mid_score = score
    row.mid_at = now
    return pilot


def record_mid_note(*, session: Session, pilot_id: int, user_id: str, note: str, now: datetime) -> Pilot:
    """Store a participant's optional mid-point note."""
    pilot, row = _open_participant(session, pilot_id, user_id)
    row.mid_note = note.strip()[: rules.MAX_NOTE] or None
    row.mid_at = row.mid_at or now
    return pilot


def request_tweak(*, session: Session, pilot_id: int, user_id: str) -> Pilot:
    """A participant asks the owner for a tweak now, before the review."""
    pilot, row = _open_participant(session, pilot_id, user_id)
    row.wants_tweak = True
    return pilot


@dataclass(frozen=True)
class ReviewResult:
    """What a review answer changed."""

    pilot: Pilot
    everyone_answered: bool
    late: bool


def record_review(
    *,
    session: Session,
    pilot_id: int,
    user_id: str,
    vote: str | None,
    learning: str,
    skill: int | None,
    now: datetime,
    vote_field: str,
    skill_field: str,
) -> ReviewResult:
    """Store a participant's Keep · Tweak · Drop, what they learned and how much better they feel."""
    if vote not in rules.VOTES:
        raise UserError("Pick Keep, Tweak or Drop.", field=vote_field)
    if skill is None or not 1 <= skill <= 5:
        raise UserError("Pick how much better you feel at the skill, from 1 to 5.", field=skill_field)
    pilot, row = _open_participant(session, pilot_id, user_id)
    row.vote = vote
    row.learning = learning.strip()[: rules.MAX_LEARNING] or None
    row.skill_score = skill
    row.reviewed_at = now
    everyone = all(p.reviewed_at is not None for p in pilot.participants)
    return ReviewResult(pilot=pilot, everyone_answered=everyone, late=pilot.summary_at is not None)


def decide_pilot(*, session: Session, pilot_id: int, user_id: str, decision: str, now: datetime) -> Pilot:
    """Keep (a standing practice) or drop a pilot; a drop records a stretch moment for those who tried."""
    pilot = load_pilot(session=session, pilot_id=pilot_id)
    team = load_team(session=session, team_id=pilot.team_id)
    if rules.is_closed(pilot.status):
        raise _closed_error(pilot)
    _may_steer(pilot, team, user_id)
    if decision not in (rules.STATUS_KEPT, rules.STATUS_DROPPED):
        raise UserError("Pick Keep, Tweak or Drop.")
    pilot.status = decision
    pilot.decided_at = now
    pilot.decided_by = user_id
    pilot.updated_at = now
    if decision == rules.STATUS_DROPPED:
        for row in pilot.participants:
            if row.mid_at is not None or row.reviewed_at is not None:
                record_moment(
                    session=session,
                    team_id=team.id,
                    person_id=row.person_id,
                    kind=MOMENT_PILOT_TRIED,
                    summary=f"tried the pilot '{pilot.title}' to get better at {pilot.growth_metric}",
                    dedupe_key=f"pilot:{pilot.id}:tried:{row.person_id}",
                    ref_id=pilot.id,
                    now=now,
                )
    return pilot


def pilot_chain(*, session: Session, root_id: int) -> list[Pilot]:
    """Every iteration of a pilot, v1 first."""
    return list(
        session.scalars(select(Pilot).where(Pilot.root_id == root_id).order_by(Pilot.iteration, Pilot.id))
    )


def team_pilots(
    *,
    session: Session,
    workspace_id: int,
    user_id: str,
    channel_id: str | None,
    now: datetime,
    team_id: int | None = None,
) -> tuple[TeamRole, list[list[Pilot]]]:
    """The asker's team and its pilot chains: active ones, and those decided in the last 30 days."""
    role = resolve_team(
        session=session, workspace_id=workspace_id, user_id=user_id, channel_id=channel_id, team_id=team_id
    )
    pilots = list(
        session.scalars(
            select(Pilot)
            .where(Pilot.team_id == role.team.id)
            .options(
                selectinload(Pilot.participants).selectinload(PilotParticipant.person),
                selectinload(Pilot.owner),
            )
            .order_by(Pilot.root_id, Pilot.iteration)
        )
    )
    chains: dict[int, list[Pilot]] = {}
    for pilot in pilots:
        chains.setdefault(pilot.root_id or pilot.id, []).append(pilot)
    shown = [
        chain
        for chain in chains.values()
        if chain[-1].status == rules.STATUS_ACTIVE
        or (chain[-1].decided_at is not None and now - chain[-1].decided_at <= RECENT)
    ]
    shown.sort(key=lambda chain: (chain[-1].status != rules.STATUS_ACTIVE, -chain[-1].id))
    return role, shown


def pilots_of_person(*, session: Session, person: Person, now: datetime) -> list[Pilot]:
    """A person's own pilots (taking part or owning): active ones and those decided recently."""
    joined = select(PilotParticipant.pilot_id).where(PilotParticipant.person_id == person.id)
    pilots = session.scalars(
        select(Pilot)
        .where((Pilot.owner_id == person.id) | Pilot.id.in_(joined))
        .options(
            selectinload(Pilot.participants).selectinload(PilotParticipant.person), selectinload(Pilot.owner)
        )
        .order_by(Pilot.start_date.desc(), Pilot.id.desc())
    )
    return [
        p
        for p in pilots
        if p.status == rules.STATUS_ACTIVE or (p.decided_at is not None and now - p.decided_at <= RECENT)
    ]


def summary_recipients(*, session: Session, pilot: Pilot) -> list[Person]:
    """The owner (while on the team) and the team's managers, each once."""
    team = pilot.team
    members = {m.person_id for m in team.memberships}
    recipients: dict[int, Person] = {}
    if pilot.owner_id in members:
        recipients[pilot.owner_id] = pilot.owner
    for membership in team.memberships:
        if membership.role == ROLE_MANAGER:
            recipients.setdefault(membership.person_id, membership.person)
    return list(recipients.values())


def person_in_workspace(*, session: Session, workspace_id: int, user_id: str) -> Person | None:
    """The person, if Stretch knows them."""
    return find_person(session=session, workspace_id=workspace_id, user_id=user_id)


@dataclass(frozen=True)
class ReviewLine:
    """One participant's answers, for the summary (never shown to reps or channels)."""

    person_id: int
    user_id: str
    mid_score: int | None
    mid_note: str | None
    vote: str | None
    learning: str | None
    skill: int | None


def review_lines(pilot: Pilot) -> list[ReviewLine]:
    """Every participant's mid-point and review answers."""
    return [
        ReviewLine(
            person_id=row.person_id,
            user_id=row.person.slack_user_id,
            mid_score=row.mid_score,
            mid_note=row.mid_note,
            vote=row.vote,
            learning=row.learning,
            skill=row.skill_score,
        )
        for row in pilot.participants
    ]


def previous_mid_average(*, session: Session, pilot: Pilot) -> float | None:
    """The previous iteration's mid-point average, for the trend (None for v1)."""
    if pilot.previous_id is None:
        return None
    previous = session.get(Pilot, pilot.previous_id)
    if previous is None:
        return None
    return rules.average(row.mid_score for row in previous.participants)

"""The pilot modal's service side: the form it opens with (new, edit, or tweak into a next version) and
saving it, every field checked before anything is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain import pilots as rules
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.schedule import local_date
from bot.domain.text import escape
from bot.models import ROLE_MANAGER, ROLE_REP, Person, Pilot, PilotParticipant
from bot.models.moments import MOMENT_PILOT_JOINED
from bot.services.people import ProfileFetcher, ensure_person, get_or_create_workspace
from bot.services.pilots.core import (
    check_may_steer,
    closed_error,
    default_start,
    load_pilot,
    record_pilot_moment,
    role_in,
)
from bot.services.teams import Asked, asked_team, load_team


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


def new_pilot_form(*, session: Session, asked: Asked, now: datetime) -> PilotForm:
    """The modal for a new pilot in the asker's team (or the team named), starting on its next working day."""
    _, role = asked_team(session=session, asked=asked, now=now)
    team = role.team
    return PilotForm(
        team_id=team.id,
        team_name=team.name,
        team_reps=sum(1 for m in team.memberships if m.role == ROLE_REP),
        is_manager=role.is_manager,
        draft=rules.PilotDraft(
            title="", growth_metric="", participants=(asked.user_id,), start=default_start(session, team, now)
        ),
    )


def existing_pilot_form(
    *, session: Session, pilot_id: int, user_id: str, tweak: bool, now: datetime
) -> PilotForm:
    """The modal to edit a running pilot, or (tweak) a pre-filled next iteration linked to it."""
    pilot = load_pilot(session=session, pilot_id=pilot_id)
    team = load_team(session=session, team_id=pilot.team_id)
    if rules.is_closed(pilot.status):
        raise closed_error(pilot)
    check_may_steer(pilot, team, user_id)
    members = {m.person.slack_user_id for m in team.memberships}
    draft = rules.PilotDraft(
        title=pilot.title,
        growth_metric=pilot.growth_metric,
        not_goal=pilot.not_goal,
        observe=pilot.observe,
        participants=tuple(
            p.person.slack_user_id for p in pilot.participants if p.person.slack_user_id in members
        ),
        start=default_start(session, team, now) if tweak else pilot.start_date,
        length_days=rules.DEFAULT_LENGTH if tweak else pilot.length_days,
        share=pilot.share,
    )
    return PilotForm(
        team_id=team.id,
        team_name=team.name,
        team_reps=sum(1 for m in team.memberships if m.role == ROLE_REP),
        is_manager=role_in(team, user_id) == ROLE_MANAGER,
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
    asked: Asked,
    draft: rules.PilotDraft,
    fetch: ProfileFetcher,
    now: datetime,
    pilot_id: int | None = None,
    previous_id: int | None = None,
) -> SavedPilot:
    """Create a pilot, edit a running one, or start the next iteration of one (closing it as tweaked).

    `asked.team_id` is the team the form was opened for. Everything is checked before anything is written;
    a UserError names the modal field to fix.
    """
    if asked.team_id is None:
        raise UserError("This form has lost track of its team. Run `/stretch pilot` again.")
    user_id = asked.user_id
    workspace = get_or_create_workspace(session=session, slack_team_id=asked.slack_team_id, now=now)
    team = load_team(session=session, team_id=asked.team_id)
    if team.workspace_id != workspace.id:
        raise NotAllowedError("That team belongs to another workspace.")
    role = role_in(team, user_id)
    actor = ensure_person(session=session, workspace=workspace, user_id=user_id, now=now, fetch=fetch)
    existing = load_pilot(session=session, pilot_id=pilot_id) if pilot_id is not None else None
    previous = load_pilot(session=session, pilot_id=previous_id) if previous_id is not None else None
    for other in (existing, previous):
        if other is not None:
            if other.team_id != team.id:
                raise NotAllowedError("That pilot belongs to another team.")
            if rules.is_closed(other.status):
                raise closed_error(other)
            check_may_steer(other, team, user_id)
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
            record_pilot_moment(
                session=session,
                pilot=pilot,
                person_id=person.id,
                kind=MOMENT_PILOT_JOINED,
                verb="joined",
                now=now,
            )
    session.flush()
    return SavedPilot(pilot=pilot, created=existing is None, new_participants=tuple(added))

"""People's data as a service: who may export what, forgetting a person, and the audit record (retention is
bot/services/retention.py).

Nothing here commits: forget is one caller transaction per person and a retention batch one per batch,
so a crash leaves either everything or nothing of that person or batch done, and a second run finds
nothing left to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import enqueue_dms
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.privacy import FORMER_MEMBER, scrub_mentions, tombstone_id

# A forget reaches into every feature's tables: imported feature by feature, so the list shows which.
from bot.models import ROLE_MANAGER, Delivery, Membership, Person, Team, TeamSkipDate, Workspace
from bot.models.alerts import QuietAlert
from bot.models.checkins import Checkin, CheckinAnswer
from bot.models.huddles import HuddleReply, HuddleStuck
from bot.models.moments import StretchMoment
from bot.models.one_on_ones import ManagerNote, OneOnOne
from bot.models.pie import Pie, PieSlice
from bot.models.pilots import Pilot, PilotParticipant
from bot.models.privacy import AUDIT_FORGET, PrivacyAudit, TeamPrivacy
from bot.models.shoutouts import DraftOffer, MomentDecision, Shoutout
from bot.services.people import find_person
from bot.services.teams import team_for_channel, teams_of

# The actor the audit record names for what the clock does (retention batches).
CLOCK = "clock"


# --- the audit record --------------------------------------------------------------------------------
def record_act(
    *,
    session: Session,
    actor: str,
    action: str,
    now: datetime,
    subject: str = "",
    detail: str = "",
    workspace_id: int | None = None,
) -> PrivacyAudit:
    """Note one act on people's data (who, what, whose, when, counts; never content)."""
    row = PrivacyAudit(
        at=now,
        actor=actor[:32],
        action=action,
        subject=subject[:120],
        detail=detail[:300],
        workspace_id=workspace_id,
    )
    session.add(row)
    session.flush()
    return row


def audit_log(*, session: Session, limit: int = 100) -> list[PrivacyAudit]:
    """The newest acts first."""
    return list(session.scalars(select(PrivacyAudit).order_by(PrivacyAudit.id.desc()).limit(limit)))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def team_subject(team: Team) -> str:
    """How an audit row names a team."""
    return f"team:{team.id} {team.name}"


# --- who may export ----------------------------------------------------------------------------------
def person_to_export(*, session: Session, workspace: Workspace, user_id: str) -> Person:
    """The asking person's own record; someone Stretch never met is told it holds nothing."""
    person = find_person(session=session, workspace_id=workspace.id, user_id=user_id)
    if person is None:
        raise UserError(
            "Stretch holds nothing about you: you've never been on a Stretch team or used it here."
        )
    return person


def team_to_export(
    *,
    session: Session,
    workspace: Workspace,
    user_id: str,
    channel_id: str | None,
    team_name: str,
    live_admin: Callable[[], bool],
) -> Team:
    """The team a `/stretch export team` is about, once the asker may have it: one of its managers, or a
    workspace admin (as stored, else asked of Slack through `live_admin`, which stores nothing: a
    refusal changes nothing)."""
    asker = find_person(session=session, workspace_id=workspace.id, user_id=user_id)
    answers: list[bool] = []

    def is_admin() -> bool:
        if asker is not None and asker.is_admin:
            return True
        if not answers:
            answers.append(live_admin())
        return answers[0]

    team: Team | None = None
    if team_name:
        team = session.scalar(
            select(Team).where(Team.workspace_id == workspace.id, func.lower(Team.name) == team_name.lower())
        )
        if team is None:
            raise UserError(f"There's no Stretch team called “{_escape(team_name[:80])}” here.")
    elif channel_id:
        team = team_for_channel(session=session, workspace_id=workspace.id, channel_id=channel_id)
    if team is None:
        managed = [
            m.team
            for m in teams_of(session=session, workspace_id=workspace.id, user_id=user_id)
            if m.is_manager
        ]
        if len(managed) == 1:
            team = managed[0]
        elif managed:
            raise UserError(
                "You manage several teams: run `/stretch export team` in the team's channel, or name it: "
                "`/stretch export team <team name>`."
            )
        elif is_admin():
            raise UserError("Name the team to export: `/stretch export team <team name>`.")
        else:
            raise NotAllowedError(
                "Only a team's managers (or a workspace admin) can export its data. "
                "`/stretch export me` sends you your own."
            )
    manages = session.scalar(
        select(func.count())
        .select_from(Membership)
        .join(Person, Person.id == Membership.person_id)
        .where(
            Membership.team_id == team.id,
            Membership.role == ROLE_MANAGER,
            Person.slack_user_id == user_id,
        )
    )
    if not manages and not is_admin():
        raise NotAllowedError(
            f"Only a manager of *{_escape(team.name)}* (or a workspace admin) can export its data. "
            "`/stretch export me` sends you your own."
        )
    return team


def team_names_of(*, session: Session, person_id: int) -> list[str]:
    """The names of a person's teams, oldest first (for the forget confirmation)."""
    return list(
        session.scalars(
            select(Team.name)
            .join(Membership, Membership.team_id == Team.id)
            .where(Membership.person_id == person_id)
            .order_by(Team.id)
        )
    )


def managers_export_notes(*, session: Session, team_id: int) -> bool:
    """Whether this team lets its managers' exports carry the reps' notes (default: no)."""
    row = session.get(TeamPrivacy, team_id)
    return bool(row and row.managers_export_notes)


def set_managers_export_notes(*, session: Session, team_id: int, allowed: bool, now: datetime) -> None:
    """Change the team's choice."""
    row = session.get(TeamPrivacy, team_id)
    if row is None:
        row = TeamPrivacy(team_id=team_id, updated_at=now)
        session.add(row)
    row.managers_export_notes = allowed
    row.updated_at = now


# --- forget ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Forgotten:
    """What a forget removed (counts) and whom it told."""

    person_id: int
    user_id: str
    counts: dict[str, int]
    teams: tuple[str, ...]
    # The outbox keys of the managers' one-line notes (sent by the clock, or at once by the caller).
    notice_keys: tuple[str, ...]

    def summary(self) -> str:
        """Counts for the audit record."""
        return " ".join(f"{k}={v}" for k, v in self.counts.items() if v)


def count_deleted(session: Session, statement: object) -> int:
    """Run a bulk delete (or update) and say how many rows it touched."""
    result = session.execute(statement)  # type: ignore[call-overload]
    return int(getattr(result, "rowcount", 0) or 0)


def forget_person(
    *, session: Session, person: Person, actor: str, now: datetime, tell_managers: bool = True
) -> Forgotten | None:
    """Delete a person's answers, notes, moments and settings, and anonymise what the team's history
    keeps (pie slices, shout-outs, pilots) as "a former member". None when already forgotten.

    One transaction (the caller's): everything or nothing. Managers of their teams get a one-line DM
    without content, as outbox rows in the same transaction."""
    if person.slack_user_id.startswith("forgotten:"):
        return None
    pid, uid = person.id, person.slack_user_id
    memberships = list(
        session.execute(
            select(Team.id, Team.name)
            .join(Membership, Membership.team_id == Team.id)
            .where(Membership.person_id == pid)
        )
    )
    team_ids = [tid for tid, _ in memberships]
    managers = list(
        session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(
                Membership.team_id.in_(team_ids),
                Membership.role == ROLE_MANAGER,
                Person.id != pid,
                Person.deleted.is_(False),
            )
            .distinct()
        )
    )
    counts: dict[str, int] = {}
    checkin_ids = select(Checkin.id).where(Checkin.person_id == pid)
    counts["answers"] = count_deleted(
        session, delete(CheckinAnswer).where(CheckinAnswer.checkin_id.in_(checkin_ids))
    )
    counts["checkins"] = count_deleted(session, delete(Checkin).where(Checkin.person_id == pid))
    counts["alerts"] = count_deleted(session, delete(QuietAlert).where(QuietAlert.person_id == pid))
    moment_ids = select(StretchMoment.id).where(StretchMoment.person_id == pid)
    session.execute(delete(DraftOffer).where(DraftOffer.moment_id.in_(moment_ids)))
    session.execute(delete(MomentDecision).where(MomentDecision.moment_id.in_(moment_ids)))
    counts["moments"] = count_deleted(session, delete(StretchMoment).where(StretchMoment.person_id == pid))
    counts["huddle_replies"] = count_deleted(session, delete(HuddleReply).where(HuddleReply.person_id == pid))
    session.execute(delete(HuddleStuck).where(HuddleStuck.person_id == pid))
    own_deliveries = select(Delivery.id).where(or_(Delivery.person_id == pid, Delivery.channel == uid))
    session.execute(
        delete(DraftOffer).where(
            or_(DraftOffer.delivery_id.in_(own_deliveries), DraftOffer.manager_person_id == pid)
        )
    )
    counts["messages"] = count_deleted(
        session, delete(Delivery).where(or_(Delivery.person_id == pid, Delivery.channel == uid))
    )
    counts["pilot_notes"] = count_deleted(
        session,
        update(PilotParticipant)
        .where(
            PilotParticipant.person_id == pid,
            or_(PilotParticipant.mid_note.is_not(None), PilotParticipant.learning.is_not(None)),
        )
        .values(mid_note=None, learning=None),
    )
    counts["slice_notes"] = count_deleted(
        session,
        update(PieSlice).where(PieSlice.person_id == pid, PieSlice.note != "").values(note=""),
    )
    for shoutout in session.scalars(select(Shoutout).where(Shoutout.text.contains(f"<@{uid}"))):
        shoutout.text = scrub_mentions(shoutout.text, uid)
    session.execute(update(Pie).where(Pie.created_by == uid).values(created_by=""))
    session.execute(update(Pilot).where(Pilot.decided_by == uid).values(decided_by=None))
    session.execute(update(TeamSkipDate).where(TeamSkipDate.created_by == uid).values(created_by=""))
    # 1:1 pages (issue 17): the managers' private note about them and their 1:1 dates go; a note or a
    # 1:1 they recorded as a manager stays for the team, without their name.
    counts["one_on_one_notes"] = count_deleted(
        session, delete(ManagerNote).where(ManagerNote.rep_person_id == pid)
    )
    session.execute(delete(OneOnOne).where(OneOnOne.rep_person_id == pid))
    session.execute(
        update(ManagerNote).where(ManagerNote.updated_by_person_id == pid).values(updated_by_person_id=None)
    )
    session.execute(update(OneOnOne).where(OneOnOne.manager_person_id == pid).values(manager_person_id=None))
    counts["teams_left"] = count_deleted(session, delete(Membership).where(Membership.person_id == pid))
    person.slack_user_id = tombstone_id(pid)
    person.display_name = FORMER_MEMBER
    person.tz = "UTC"
    person.is_admin = False
    person.deleted = True
    person.unreachable_reason = None
    person.away_from = None
    person.away_until = None
    person.refreshed_at = now
    session.flush()
    audit = record_act(
        session=session,
        actor=actor,
        action=AUDIT_FORGET,
        subject=uid,
        detail=" ".join(f"{k}={v}" for k, v in counts.items() if v),
        now=now,
        workspace_id=person.workspace_id,
    )
    keys: list[str] = []
    if tell_managers:
        for tid, _name in memberships:
            team_managers = [
                m
                for m in managers
                if session.scalar(
                    select(func.count())
                    .select_from(Membership)
                    .where(
                        Membership.team_id == tid,
                        Membership.person_id == m.id,
                        Membership.role == ROLE_MANAGER,
                    )
                )
            ]
            enqueue_dms(
                session=session,
                kind=kinds.PRIVACY_FORGOTTEN,
                key=kinds.privacy_forgotten_prefix(audit.id, tid),
                people=team_managers,
                due_at=now,
                now=now,
                team_id=tid,
                ref_id=audit.id,
            )
            keys += [f"forgotten:{audit.id}:{tid}:{m.id}" for m in team_managers]
    return Forgotten(
        person_id=pid,
        user_id=uid,
        counts=counts,
        teams=tuple(name for _, name in memberships),
        notice_keys=tuple(keys),
    )


@dataclass(frozen=True)
class ForgottenNote:
    """What a manager's one-line note says: who, and in which team (no content)."""

    user_id: str
    team_name: str


def forgotten_note(*, session: Session, delivery: Delivery) -> ForgottenNote | None:
    """The note a PRIVACY_FORGOTTEN delivery carries, from its audit row and team."""
    audit = session.get(PrivacyAudit, delivery.ref_id or 0)
    team = session.get(Team, delivery.team_id or 0)
    if audit is None or team is None:
        return None
    return ForgottenNote(user_id=audit.subject, team_name=team.name)

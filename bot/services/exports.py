"""What an export holds: one person's everything, or one team's records, as CSV tables (bot/services/export_files.py
writes them into a zip or a directory)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from bot.domain.questions import TEXT
from bot.models import (
    Checkin,
    CheckinAnswer,
    CheckinQuestion,
    Huddle,
    HuddleReply,
    Membership,
    Person,
    Pie,
    PieSlice,
    Pilot,
    PilotParticipant,
    Shoutout,
    ShoutoutRecipient,
    StretchMoment,
    Team,
)
from bot.models.leads import LeadAssociation, LeadClaim
from bot.services.export_files import CsvSink, ExportReport, export_zip, stream_rows
from bot.services.privacy import managers_export_notes, team_subject


# --- one person --------------------------------------------------------------------------------------
def write_person_export(*, session: Session, person: Person, sink: CsvSink) -> ExportReport:
    """Everything Stretch holds about one person (quiet-rep alerts excepted: those are the managers')."""
    pid = person.id
    teams = list(
        session.execute(
            select(Team.name, Membership.role, Membership.joined_at)
            .join(Membership, Membership.team_id == Team.id)
            .where(Membership.person_id == pid)
            .order_by(Team.id)
        )
    )
    sink.write(
        "profile.csv",
        ("slack_user_id", "name", "time_zone", "away_from", "away_until", "team", "role", "joined"),
        [
            (person.slack_user_id, person.display_name, person.tz, person.away_from, person.away_until, *t)
            for t in teams
        ]
        or [(person.slack_user_id, person.display_name, person.tz, person.away_from, person.away_until)],
    )
    sink.write_query(
        session,
        "checkins.csv",
        ("team", "date", "status", "zone", "readiness", "sent_at", "first_answer_at", "submitted_at"),
        select(
            Team.name,
            Checkin.local_date,
            Checkin.status,
            Checkin.zone,
            Checkin.readiness,
            Checkin.sent_at,
            Checkin.first_answer_at,
            Checkin.submitted_at,
        )
        .join(Team, Team.id == Checkin.team_id)
        .where(Checkin.person_id == pid)
        .order_by(Checkin.local_date, Checkin.id),
    )
    sink.write_query(
        session,
        "answers.csv",
        ("team", "date", "question_key", "question", "kind", "answer", "answered_at", "updated_at"),
        select(
            Team.name,
            Checkin.local_date,
            CheckinAnswer.question_key,
            CheckinQuestion.prompt,
            CheckinQuestion.kind,
            CheckinAnswer.value,
            CheckinAnswer.answered_at,
            CheckinAnswer.updated_at,
        )
        .join(Checkin, Checkin.id == CheckinAnswer.checkin_id)
        .join(Team, Team.id == Checkin.team_id)
        .join(CheckinQuestion, CheckinQuestion.id == CheckinAnswer.question_id)
        .where(Checkin.person_id == pid)
        .order_by(Checkin.local_date, CheckinAnswer.id),
    )
    sink.write_query(
        session,
        "pie_slices.csv",
        ("team", "pie", "pie_status", "currency", "claimed_minor", "progress_minor", "note", "claimed_at"),
        select(
            Team.name,
            Pie.title,
            Pie.status,
            Pie.currency,
            PieSlice.amount_minor,
            PieSlice.progress_minor,
            PieSlice.note,
            PieSlice.claimed_at,
        )
        .join(Pie, Pie.id == PieSlice.pie_id)
        .join(Team, Team.id == Pie.team_id)
        .where(PieSlice.person_id == pid)
        .order_by(Pie.id),
    )
    sink.write(
        "pilots.csv",
        (
            "team",
            "pilot",
            "growth_metric",
            "start",
            "length_days",
            "status",
            "your_part",
            "joined_at",
            "mid_score",
            "mid_note",
            "vote",
            "learning",
            "skill_score",
            "reviewed_at",
        ),
        _person_pilots(session, pid),
    )
    giver = aliased(Person)
    sink.write(
        "shoutouts.csv",
        ("direction", "team", "from", "source", "text", "posted_at"),
        (
            ("received" if received else "given", *rest)
            for received, *rest in stream_rows(
                session,
                select(
                    ShoutoutRecipient.id.is_not(None),
                    Team.name,
                    giver.display_name,
                    Shoutout.source,
                    Shoutout.text,
                    Shoutout.created_at,
                )
                .join(Team, Team.id == Shoutout.team_id)
                .join(giver, giver.id == Shoutout.giver_person_id)
                .outerjoin(
                    ShoutoutRecipient,
                    (ShoutoutRecipient.shoutout_id == Shoutout.id) & (ShoutoutRecipient.person_id == pid),
                )
                .where(or_(Shoutout.giver_person_id == pid, ShoutoutRecipient.person_id == pid))
                .order_by(Shoutout.created_at, Shoutout.id),
            )
        ),
    )
    sink.write_query(
        session,
        "moments.csv",
        ("team", "kind", "summary", "occurred_at"),
        select(Team.name, StretchMoment.kind, StretchMoment.summary, StretchMoment.occurred_at)
        .join(Team, Team.id == StretchMoment.team_id)
        .where(StretchMoment.person_id == pid)
        .order_by(StretchMoment.occurred_at),
    )
    sink.write_query(
        session,
        "lead_claims.csv",
        ("team", "account", "domain", "association", "note", "status", "claimed_at", "released_at"),
        select(
            Team.name,
            LeadClaim.company,
            LeadClaim.domain,
            LeadAssociation.name,
            LeadClaim.note,
            LeadClaim.status,
            LeadClaim.claimed_at,
            LeadClaim.released_at,
        )
        .join(Team, Team.id == LeadClaim.team_id)
        .outerjoin(LeadAssociation, LeadAssociation.id == LeadClaim.association_id)
        .where(LeadClaim.person_id == pid)
        .order_by(LeadClaim.claimed_at, LeadClaim.id),
    )
    sink.write_query(
        session,
        "huddle_replies.csv",
        ("team", "huddle_date", "source", "posted_at"),
        select(Team.name, Huddle.local_date, HuddleReply.source, HuddleReply.posted_at)
        .join(Huddle, Huddle.id == HuddleReply.huddle_id)
        .join(Team, Team.id == Huddle.team_id)
        .where(HuddleReply.person_id == pid, HuddleReply.deleted_at.is_(None))
        .order_by(HuddleReply.posted_at),
    )
    return sink.report


def _person_pilots(session: Session, pid: int) -> Iterator[Sequence[Any]]:
    rows = session.execute(
        select(Team.name, Pilot, PilotParticipant)
        .join(Team, Team.id == Pilot.team_id)
        .outerjoin(
            PilotParticipant,
            (PilotParticipant.pilot_id == Pilot.id) & (PilotParticipant.person_id == pid),
        )
        .where(or_(Pilot.owner_id == pid, PilotParticipant.person_id == pid))
        .order_by(Pilot.id)
    )
    for team_name, pilot, part in rows:
        role = "owner and participant" if part is not None and pilot.owner_id == pid else None
        role = role or ("owner" if pilot.owner_id == pid else "participant")
        yield (
            team_name,
            pilot.title,
            pilot.growth_metric,
            pilot.start_date,
            pilot.length_days,
            pilot.status,
            role,
            part.joined_at if part else None,
            part.mid_score if part else None,
            part.mid_note if part else None,
            part.vote if part else None,
            part.learning if part else None,
            part.skill_score if part else None,
            part.reviewed_at if part else None,
        )


# --- one team ----------------------------------------------------------------------------------------
def write_team_export(*, session: Session, team: Team, sink: CsvSink, include_notes: bool) -> ExportReport:
    """A team's records for its managers: members, check-ins with answers (text answers only when
    `include_notes`), pie history, pilots and shout-outs. Quiet-rep alerts are not exported."""
    tid = team.id
    sink.write_query(
        session,
        "members.csv",
        ("slack_user_id", "name", "role", "joined"),
        select(Person.slack_user_id, Person.display_name, Membership.role, Membership.joined_at)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.team_id == tid)
        .order_by(Membership.id),
    )
    sink.write_query(
        session,
        "checkins.csv",
        ("rep", "slack_user_id", "date", "status", "zone", "readiness", "sent_at", "submitted_at"),
        select(
            Person.display_name,
            Person.slack_user_id,
            Checkin.local_date,
            Checkin.status,
            Checkin.zone,
            Checkin.readiness,
            Checkin.sent_at,
            Checkin.submitted_at,
        )
        .join(Person, Person.id == Checkin.person_id)
        .where(Checkin.team_id == tid)
        .order_by(Checkin.local_date, Checkin.id),
    )
    sink.write_query(
        session,
        "questions.csv",
        ("question_key", "kind", "question", "removed_at"),
        select(CheckinQuestion.key, CheckinQuestion.kind, CheckinQuestion.prompt, CheckinQuestion.removed_at)
        .where(CheckinQuestion.team_id == tid)
        .order_by(CheckinQuestion.position, CheckinQuestion.id),
    )
    # The wording of each question is in questions.csv once, not repeated on every answer.
    answers = (
        select(
            Person.display_name,
            Person.slack_user_id,
            Checkin.local_date,
            CheckinAnswer.question_key,
            CheckinAnswer.value,
        )
        .join(Checkin, Checkin.id == CheckinAnswer.checkin_id)
        .join(Person, Person.id == Checkin.person_id)
        .join(CheckinQuestion, CheckinQuestion.id == CheckinAnswer.question_id)
        .where(Checkin.team_id == tid)
        .order_by(Checkin.local_date, CheckinAnswer.id)
    )
    if not include_notes:
        answers = answers.where(CheckinQuestion.kind != TEXT)
    sink.write_query(
        session,
        "answers.csv",
        ("rep", "slack_user_id", "date", "question_key", "answer"),
        answers,
    )
    sink.write_query(
        session,
        "pies.csv",
        ("pie", "status", "currency", "target_minor", "claim_deadline", "period_end", "closed_at"),
        select(
            Pie.title,
            Pie.status,
            Pie.currency,
            Pie.target_minor,
            Pie.claim_deadline,
            Pie.period_end,
            Pie.closed_at,
        )
        .where(Pie.team_id == tid)
        .order_by(Pie.id),
    )
    sink.write_query(
        session,
        "pie_slices.csv",
        ("pie", "rep", "slack_user_id", "claimed_minor", "progress_minor", "note", "claimed_at"),
        select(
            Pie.title,
            Person.display_name,
            Person.slack_user_id,
            PieSlice.amount_minor,
            PieSlice.progress_minor,
            PieSlice.note,
            PieSlice.claimed_at,
        )
        .join(Pie, Pie.id == PieSlice.pie_id)
        .join(Person, Person.id == PieSlice.person_id)
        .where(Pie.team_id == tid)
        .order_by(Pie.id, PieSlice.id),
    )
    owner = aliased(Person)
    sink.write_query(
        session,
        "pilots.csv",
        ("pilot", "iteration", "owner", "growth_metric", "not_goal", "start", "length_days", "status"),
        select(
            Pilot.title,
            Pilot.iteration,
            owner.display_name,
            Pilot.growth_metric,
            Pilot.not_goal,
            Pilot.start_date,
            Pilot.length_days,
            Pilot.status,
        )
        .join(owner, owner.id == Pilot.owner_id)
        .where(Pilot.team_id == tid)
        .order_by(Pilot.id),
    )
    sink.write(
        "pilot_participants.csv",
        ("pilot", "iteration", "participant", "mid_score", "mid_note", "vote", "learning", "skill_score"),
        (
            (title, it, name, mid, note if include_notes else "", vote, learn if include_notes else "", skill)
            for title, it, name, mid, note, vote, learn, skill in stream_rows(
                session,
                select(
                    Pilot.title,
                    Pilot.iteration,
                    Person.display_name,
                    PilotParticipant.mid_score,
                    PilotParticipant.mid_note,
                    PilotParticipant.vote,
                    PilotParticipant.learning,
                    PilotParticipant.skill_score,
                )
                .join(Pilot, Pilot.id == PilotParticipant.pilot_id)
                .join(Person, Person.id == PilotParticipant.person_id)
                .where(Pilot.team_id == tid)
                .order_by(Pilot.id, PilotParticipant.id),
            )
        ),
    )
    sink.write_query(
        session,
        "lead_claims.csv",
        ("rep", "account", "domain", "association", "status", "claimed_at", "released_at"),
        select(
            Person.display_name,
            LeadClaim.company,
            LeadClaim.domain,
            LeadAssociation.name,
            LeadClaim.status,
            LeadClaim.claimed_at,
            LeadClaim.released_at,
        )
        .join(Person, Person.id == LeadClaim.person_id)
        .outerjoin(LeadAssociation, LeadAssociation.id == LeadClaim.association_id)
        .where(LeadClaim.team_id == tid)
        .order_by(LeadClaim.claimed_at, LeadClaim.id),
    )
    sink.write(
        "shoutouts.csv",
        ("posted_at", "from", "source", "to", "text"),
        _team_shoutouts(session, tid),
    )
    return sink.report


def _team_shoutouts(session: Session, tid: int) -> Iterator[Sequence[Any]]:
    giver, recipient = aliased(Person), aliased(Person)
    current: list[Any] | None = None
    rows = stream_rows(
        session,
        select(
            Shoutout.id,
            Shoutout.created_at,
            giver.display_name,
            Shoutout.source,
            recipient.display_name,
            Shoutout.text,
        )
        .join(giver, giver.id == Shoutout.giver_person_id)
        .outerjoin(ShoutoutRecipient, ShoutoutRecipient.shoutout_id == Shoutout.id)
        .outerjoin(recipient, recipient.id == ShoutoutRecipient.person_id)
        .where(Shoutout.team_id == tid)
        .order_by(Shoutout.id, ShoutoutRecipient.id),
    )
    # One line per shout-out, its recipients joined: rows arrive grouped by shout-out id.
    for sid, at, by, source, to, text in rows:
        if current is not None and current[0] == sid:
            if to:
                current[4].append(to)
            continue
        if current is not None:
            yield (current[1], current[2], current[3], ", ".join(current[4]), current[5])
        current = [sid, at, by, source, [to] if to else [], text]
    if current is not None:
        yield (current[1], current[2], current[3], ", ".join(current[4]), current[5])


# --- what the Slack commands send ---------------------------------------------------------------------
@dataclass(frozen=True)
class Exported:
    """A finished export: its counts, whose it is (for the audit record and the file's name)."""

    report: ExportReport
    subject: str
    name: str
    workspace_id: int
    notes: bool | None = None


def person_zip(*, session: Session, person_id: int, out: Path) -> Exported | None:
    """Everything about one person into a zip at `out`; None if they are gone meanwhile."""
    person = session.get(Person, person_id)
    if person is None:
        return None
    report = export_zip(out, partial(write_person_export, session=session, person=person))
    return Exported(report, person.slack_user_id, person.display_name, person.workspace_id)


def team_zip(*, session: Session, team_id: int, out: Path) -> Exported | None:
    """A team's records into a zip at `out` (notes as the team's setting says); None if it is gone."""
    team = session.get(Team, team_id)
    if team is None:
        return None
    notes = managers_export_notes(session=session, team_id=team_id)
    report = export_zip(out, partial(write_team_export, session=session, team=team, include_notes=notes))
    return Exported(report, team_subject(team), team.name, team.workspace_id, notes)

"""A team with a history worth exporting or forgetting: daily check-ins with notes, a closed pie, a
pilot, shout-outs, a moment and an alert, written straight to the database."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db import SessionFactory, session_scope
from bot.domain.questions import TEXT
from bot.models import (
    PIE_CLOSED,
    Checkin,
    CheckinAnswer,
    Person,
    Pie,
    PieSlice,
    Pilot,
    PilotParticipant,
    QuietAlert,
    Shoutout,
    ShoutoutRecipient,
    StretchMoment,
)
from bot.services.checkins import questions as checkin_service
from bot.slack.listeners.commands import privacy as privacy_commands
from tests.conftest import Member, Running, seed_team

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in New York
MIA = Member("U0MIA", "Mia")
RAJ = Member("U0RAJ", "Raj")
ANN = Member("U0ANN", "Ann")
LEE = Member("U0LEE", "Lee")
OMAR = Member("U0OMAR", "Omar")
OLU = Member("U0OLU", "Olu")
NOTE = "Pricing pushback from Acme; need a case study"


@dataclass
class History:
    """Ids of what was seeded."""

    team: int
    other_team: int
    pie: int
    people: dict[str, int]


def person_id(factory: SessionFactory, user_id: str) -> int:
    """A person's id by Slack id."""
    with factory() as session:
        found = session.scalar(select(Person.id).where(Person.slack_user_id == user_id))
        assert found is not None, user_id
        return found


def add_checkin(
    factory: SessionFactory, *, team: int, person: int, day: date, tz: str, note: str, now: datetime
) -> int:
    """One answered check-in at 09:30 local on `day`, with a scale answer and a note."""
    due = datetime(day.year, day.month, day.day, 9, 30, tzinfo=ZoneInfo(tz)).astimezone(UTC)
    with session_scope(factory) as session:
        questions = checkin_service.team_questions(session=session, team_id=team, now=now)
        text_q = next(q for q in questions if q.kind == TEXT)
        scale_q = next(q for q in questions if q.kind != TEXT)
        checkin = Checkin(
            team_id=team,
            person_id=person,
            local_date=day,
            tz=tz,
            due_at=due,
            closes_at=due + timedelta(hours=8),
            day_ends_at=due + timedelta(hours=14),
            status="answered",
            sent_at=due,
            first_answer_at=due + timedelta(minutes=5),
            submitted_at=due + timedelta(minutes=6),
            zone="stretch",
            readiness=4,
            created_at=due,
        )
        session.add(checkin)
        session.flush()
        for question, value in ((scale_q, checkin_service.options_of(scale_q)[0][0]), (text_q, note)):
            session.add(
                CheckinAnswer(
                    checkin_id=checkin.id,
                    question_id=question.id,
                    question_key=question.key,
                    value=value,
                    answered_at=due + timedelta(minutes=5),
                    updated_at=due + timedelta(minutes=5),
                )
            )
        return checkin.id


def seed_history(running: Running) -> History:
    """Two teams; Closers has Mia (manager), Raj, Ann and Lee with history; Hunters has Omar and Olu."""
    running.clock.set(NOW)
    factory, fake = running.deps.session_factory, running.fake
    team = seed_team(
        session_factory=factory, fake=fake, managers=[MIA], reps=[RAJ, ANN, LEE], now=NOW - timedelta(days=90)
    )
    other = seed_team(
        session_factory=factory,
        fake=fake,
        managers=[OMAR],
        reps=[OLU],
        name="Hunters",
        channel="C0OTHER",
        now=NOW - timedelta(days=90),
    )
    people = {m.user_id: person_id(factory, m.user_id) for m in (MIA, RAJ, ANN, LEE, OMAR, OLU)}
    for offset in (1, 2):
        add_checkin(
            factory,
            team=team,
            person=people[RAJ.user_id],
            day=date(2026, 11, 25) - timedelta(days=offset),
            tz="America/New_York",
            note=NOTE if offset == 1 else '=HYPERLINK("http://evil.example","click")',
            now=NOW,
        )
    add_checkin(
        factory,
        team=team,
        person=people[ANN.user_id],
        day=date(2026, 11, 24),
        tz="America/New_York",
        note="Ann's private note",
        now=NOW,
    )
    with session_scope(factory) as session:
        pie = Pie(
            team_id=team,
            open_team_id=None,
            title="Q3 push",
            currency="USD",
            target_minor=9_000_000,
            claim_deadline=NOW - timedelta(days=60),
            period_end=date(2026, 9, 30),
            status=PIE_CLOSED,
            created_by=MIA.user_id,
            created_at=NOW - timedelta(days=80),
            updated_at=NOW - timedelta(days=50),
            closed_at=NOW - timedelta(days=50),
        )
        session.add(pie)
        session.flush()
        for user, claimed, closed in (
            (RAJ, 4_000_000, 4_500_000),
            (ANN, 3_000_000, 2_000_000),
            (LEE, 2_000_000, 2_500_000),
        ):
            session.add(
                PieSlice(
                    pie_id=pie.id,
                    person_id=people[user.user_id],
                    amount_minor=claimed,
                    progress_minor=closed,
                    note="my territory" if user is RAJ else "",
                    claimed_at=NOW - timedelta(days=70),
                    updated_at=NOW - timedelta(days=50),
                )
            )
        pilot = Pilot(
            team_id=team,
            owner_id=people[RAJ.user_id],
            title="Voice notes",
            growth_metric="replies",
            start_date=date(2026, 11, 2),
            length_days=14,
            created_at=NOW - timedelta(days=23),
            updated_at=NOW - timedelta(days=9),
        )
        session.add(pilot)
        session.flush()
        session.add(
            PilotParticipant(
                pilot_id=pilot.id,
                person_id=people[RAJ.user_id],
                joined_at=NOW - timedelta(days=23),
                mid_score=4,
                mid_note="Prospects reply more",
                vote="keep",
                learning="Short notes work",
                skill_score=4,
                reviewed_at=NOW - timedelta(days=9),
            )
        )
        given = Shoutout(
            team_id=team,
            giver_person_id=people[ANN.user_id],
            text=f"<@{RAJ.user_id}> booked three demos",
            channel_id="C0TEAM",
            created_at=NOW - timedelta(days=3),
        )
        given.recipients.append(ShoutoutRecipient(person_id=people[RAJ.user_id]))
        by_raj = Shoutout(
            team_id=team,
            giver_person_id=people[RAJ.user_id],
            text=f"<@{LEE.user_id}> closed Globex",
            channel_id="C0TEAM",
            created_at=NOW - timedelta(days=2),
        )
        by_raj.recipients.append(ShoutoutRecipient(person_id=people[LEE.user_id]))
        session.add_all([given, by_raj])
        session.add(
            StretchMoment(
                team_id=team,
                person_id=people[RAJ.user_id],
                kind="big_slice",
                summary="claimed a bigger slice than last quarter",
                dedupe_key="privacy:raj:slice",
                occurred_at=NOW - timedelta(days=70),
            )
        )
        session.add(
            QuietAlert(
                team_id=team,
                person_id=people[RAJ.user_id],
                signal="missed_in_a_row",
                episode_key="privacy:raj:missed",
                evidence="missed 3 of the last 3",
                opened_at=NOW - timedelta(hours=2),
            )
        )
        pie_id = pie.id
    return History(team=team, other_team=other, pie=pie_id, people=people)


def wait_exports(timeout: float = 20.0) -> None:
    """Wait until the export pool has finished everything it was given (raises if it never does)."""
    done = privacy_commands.WORKERS.submit(lambda: None)
    done.result(timeout=timeout)


def zip_files(data: bytes) -> dict[str, str]:
    """The text of each file in a zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def rows_of(session_factory: SessionFactory, model: type, **where: object) -> list[object]:
    """Rows of a table matching simple equalities."""
    with session_factory() as session:
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return list(session.scalars(query))

"""The weekly confidence question (first check-in of the week, until answered) and the anonymous pressure
question: counts only, once per person and week, shown to managers only from 3 answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import inspect, select

from bot.db import SessionFactory, session_scope
from bot.domain.errors import UserError
from bot.models import Person, Pie, PieSlice
from bot.models.checkins import Checkin, CheckinQuestion
from bot.models.checkpoints import PressureAnswered, PressureWeek
from bot.services import pressure as pressure_service
from bot.services.checkins import answering as service
from bot.slack.blocks.checkins import build_checkin_message
from tests.conftest import Member, seed_team
from tests.slackclient import flatten_text

MIA = Member("U0MIA", "Mia")
REPS = [Member("U0R1", "Ann"), Member("U0R2", "Ben"), Member("U0R3", "Cy")]
MONDAY = date(2026, 11, 23)


def _checkin(factory: SessionFactory, team_id: int, user_id: str, day: date) -> int:
    with session_scope(factory) as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == user_id))
        assert person is not None
        due = datetime(day.year, day.month, day.day, 14, 30, tzinfo=UTC)
        checkin = Checkin(
            team_id=team_id,
            person_id=person.id,
            local_date=day,
            tz="America/New_York",
            due_at=due,
            closes_at=due + timedelta(days=2),
            day_ends_at=due + timedelta(hours=12),
            status="open",
            created_at=due,
        )
        session.add(checkin)
        session.flush()
        return checkin.id


def _slices(factory: SessionFactory, team_id: int, user_ids: list[str]) -> None:
    """An open pie on the team with a slice for each of these reps."""
    with session_scope(factory) as session:
        pie = Pie(
            team_id=team_id,
            open_team_id=team_id,
            title="Q4",
            currency="USD",
            target_minor=10_000_000,
            claim_deadline=datetime(2026, 11, 20, tzinfo=UTC),
            period_end=date(2026, 12, 31),
            created_by="U0MIA",
            created_at=datetime(2026, 11, 1, tzinfo=UTC),
            updated_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
        session.add(pie)
        session.flush()
        for user_id in user_ids:
            person = session.scalar(select(Person).where(Person.slack_user_id == user_id))
            assert person is not None
            session.add(
                PieSlice(
                    pie_id=pie.id,
                    person_id=person.id,
                    amount_minor=2_000_000,
                    claimed_at=datetime(2026, 11, 2, tzinfo=UTC),
                    updated_at=datetime(2026, 11, 2, tzinfo=UTC),
                )
            )


def _keys(factory: SessionFactory, checkin_id: int, now: datetime) -> list[str]:
    with session_scope(factory) as session:
        return [
            q.key for q in service.checkin_view(session=session, checkin_id=checkin_id, now=now).questions
        ]


def test_confidence_is_asked_from_the_first_check_in_of_the_week_until_answered(
    session_factory, fake_slack
) -> None:
    """Monday asks it; answered Monday, Wednesday doesn't; unanswered Monday, Wednesday asks again."""
    team = seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[MIA],
        reps=REPS,
        now=datetime(2026, 11, 1, tzinfo=UTC),
    )
    now = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    _slices(session_factory, team, ["U0R1", "U0R2"])
    monday = _checkin(session_factory, team, "U0R1", MONDAY)
    assert "confidence" in _keys(session_factory, monday, now)
    with session_scope(session_factory) as session:
        question = session.scalar(
            select(CheckinQuestion).where(
                CheckinQuestion.team_id == team, CheckinQuestion.key == "confidence"
            )
        )
        assert (
            question is not None
            and question.prompt == "How confident are you in your slice by the period end?"
        )
        service.record_answer(
            session=session, checkin_id=monday, user_id="U0R1", question_id=question.id, value="7", now=now
        )
    _checkin(session_factory, team, "U0R2", MONDAY)  # Ben's Monday: unanswered
    assert "confidence" in _keys(session_factory, monday, now)  # still shown where it was answered
    wednesday = _checkin(session_factory, team, "U0R1", MONDAY + timedelta(days=2))
    assert "confidence" not in _keys(session_factory, wednesday, now + timedelta(days=2))
    ben_wednesday = _checkin(session_factory, team, "U0R2", MONDAY + timedelta(days=2))
    assert "confidence" in _keys(session_factory, ben_wednesday, now + timedelta(days=2))
    next_monday = _checkin(session_factory, team, "U0R1", MONDAY + timedelta(days=7))
    assert "confidence" in _keys(session_factory, next_monday, now + timedelta(days=7))


def test_a_rep_without_a_slice_is_not_asked_how_confident_they_are_in_it(session_factory, fake_slack) -> None:
    """No slice of an open pie (none claimed yet, or no pie at all): no confidence question."""
    team = seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[MIA],
        reps=REPS,
        now=datetime(2026, 11, 1, tzinfo=UTC),
    )
    now = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    no_pie = _checkin(session_factory, team, "U0R3", MONDAY)
    assert "confidence" not in _keys(session_factory, no_pie, now)
    _slices(session_factory, team, ["U0R1"])
    no_slice = _checkin(session_factory, team, "U0R3", MONDAY + timedelta(days=2))
    assert "confidence" not in _keys(session_factory, no_slice, now + timedelta(days=2))


def test_the_pressure_question_is_off_by_default_and_keeps_only_counts(session_factory, fake_slack) -> None:
    """Off: not asked. On: asked once a week, each answer a +1 in the team's week; a second tap is refused;
    nothing stored says who chose what; the digest line needs 3 answers."""
    team = seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[MIA],
        reps=REPS,
        now=datetime(2026, 11, 1, tzinfo=UTC),
    )
    now = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    ids = {rep.user_id: _checkin(session_factory, team, rep.user_id, MONDAY) for rep in REPS}
    with session_scope(session_factory) as session:
        view = service.checkin_view(session=session, checkin_id=ids["U0R1"], now=now)
        assert view.pressure is None and "cut corners" not in flatten_text(build_checkin_message(view)[1])
        with pytest.raises(UserError):
            pressure_service.record_pressure(
                session=session, checkin_id=ids["U0R1"], user_id="U0R1", choice="yes", now=now
            )
        pressure_service.set_enabled(session=session, team_id=team, enabled=True, now=now)
        view = service.checkin_view(session=session, checkin_id=ids["U0R1"], now=now)
        assert "pushed to cut corners" in flatten_text(build_checkin_message(view)[1])
    for user_id, choice in (("U0R1", "yes"), ("U0R2", "never")):
        with session_scope(session_factory) as session:
            pressure_service.record_pressure(
                session=session, checkin_id=ids[user_id], user_id=user_id, choice=choice, now=now
            )
    with session_scope(session_factory) as session:
        with pytest.raises(UserError, match="already answered"):
            pressure_service.record_pressure(
                session=session, checkin_id=ids["U0R1"], user_id="U0R1", choice="never", now=now
            )
        with pytest.raises(UserError):
            pressure_service.record_pressure(
                session=session, checkin_id=ids["U0R3"], user_id="U0R2", choice="yes", now=now
            )
        view = service.checkin_view(session=session, checkin_id=ids["U0R1"], now=now)
        assert view.pressure == "answered" and "counted" in flatten_text(build_checkin_message(view)[1])
        assert (
            pressure_service.pressure_summary(session=session, team_id=team, now=now, tz="UTC") is None
        )  # 2 < 3
    with session_scope(session_factory) as session:
        pressure_service.record_pressure(
            session=session, checkin_id=ids["U0R3"], user_id="U0R3", choice="a_little", now=now
        )
    with session_scope(session_factory) as session:
        summary = pressure_service.pressure_summary(session=session, team_id=team, now=now, tz="UTC")
        assert (
            summary is not None
            and summary.line == "Pressure to cut corners: 2 of 3 felt it this week; 1 said plainly yes"
        )
        (week,) = session.scalars(select(PressureWeek)).all()
        assert (week.never, week.a_little, week.yes) == (1, 1, 1)
        # Who answered is kept (so nobody counts twice); what they answered, and when, is not.
        assert {c.key for c in inspect(PressureAnswered).columns} == {
            "id",
            "team_id",
            "week_start",
            "person_id",
        }
        assert len(session.scalars(select(PressureAnswered)).all()) == 3

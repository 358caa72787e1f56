"""Zones are stored with the answers: slack needs two in a row, a comeback from snap is a stretch moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db import SessionFactory, session_scope
from bot.jobs.tick import tick
from bot.models import StretchMoment
from bot.models.checkins import Checkin, CheckinQuestion
from bot.services.checkins.answering import record_answer, submit_checkin
from bot.services.checkins.pulse import latest_zone
from tests.conftest import Member, seed_team
from tests.fakeslack import FakeSlack

MONDAY = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # 09:30 Berlin


def _answer(factory: SessionFactory, checkin_id: int, key: str, value: str, now: datetime) -> None:
    with session_scope(factory) as session:
        question = session.scalar(select(CheckinQuestion).where(CheckinQuestion.key == key))
        assert question is not None
        record_answer(
            session=session,
            checkin_id=checkin_id,
            user_id="U0BER",
            question_id=question.id,
            value=value,
            now=now,
        )


def test_zones_over_a_week(session_factory: SessionFactory, fake_slack: FakeSlack, slack_client) -> None:
    """Mon comfortable+ready → stretch; Wed again → slack; Fri overwhelming → snap; next Mon → stretch (comeback)."""
    team = seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[Member("U0MGR", "Mo")],
        reps=[Member("U0BER", "Ben", tz="Europe/Berlin")],
        now=MONDAY - timedelta(days=1),
    )
    plan = [
        (MONDAY, {"goal_feel": "2", "readiness": "5"}, "stretch"),
        (MONDAY + timedelta(days=2), {"goal_feel": "1", "readiness": "4"}, "slack"),
        (MONDAY + timedelta(days=4), {"goal_feel": "5", "readiness": "3"}, "snap"),
        (MONDAY + timedelta(days=7), {"goal_feel": "3", "readiness": "3"}, "stretch"),
    ]
    for moment, answers, zone in plan:
        tick(session_factory=session_factory, client=slack_client, now=moment)
        with session_factory() as session:
            checkin = session.scalars(select(Checkin).order_by(Checkin.due_at.desc())).first()
            assert checkin is not None
            checkin_id, person_id = checkin.id, checkin.person_id
        for key, value in answers.items():
            _answer(session_factory, checkin_id, key, value, moment + timedelta(minutes=5))
        with session_factory() as session:
            assert session.get(Checkin, checkin_id).zone is None  # taps decide nothing; Submit does
        with session_scope(session_factory) as session:
            submit_checkin(
                session=session, checkin_id=checkin_id, user_id="U0BER", now=moment + timedelta(minutes=6)
            )
        with session_factory() as session:
            assert latest_zone(session=session, team_id=team, person_id=person_id) == zone
    with session_factory() as session:
        kinds = [m.kind for m in session.scalars(select(StretchMoment))]
    assert kinds == ["snap_comeback"]

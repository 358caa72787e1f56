"""The pie's hidden risks end to end through the alert engine, with the clock frozen: the same limiting
factor three check-ins running, and confidence falling while pace looks fine. Managers only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from freezegun import freeze_time
from slack_sdk import WebClient
from sqlalchemy import select

from bot.db import SessionFactory, session_scope
from bot.jobs.tick import tick
from bot.models import Person, QuietAlert
from bot.models.checkins import Checkin, CheckinAnswer
from bot.services import pie as pie_service
from bot.services import pie_claims, pie_reads
from bot.services.checkins.questions import team_questions
from bot.services.pace_signals import Answer, confidence_drop, same_limiter
from tests.conftest import Member, seed_team
from tests.slackclient import flatten_text

MAYA = Member("U0MAYA", "Maya")
ANN, BEN, CY = Member("U0ANN", "Ann"), Member("U0BEN", "Ben"), Member("U0CY", "Cy")
BAKED = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # Monday 2 Nov, 10:00 in New York
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday 23 Nov, 10:00 in New York


def _answers(factory: SessionFactory, *, team_id: int, user_id: str, day: date, **values: str) -> None:
    with session_scope(factory) as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == user_id))
        assert person is not None
        questions = {q.key: q for q in team_questions(session=session, team_id=team_id, now=BAKED)}
        due = datetime(day.year, day.month, day.day, 14, 30, tzinfo=UTC)
        checkin = Checkin(
            team_id=team_id,
            person_id=person.id,
            local_date=day,
            tz="America/New_York",
            due_at=due,
            closes_at=due + timedelta(days=2),
            day_ends_at=due + timedelta(hours=12),
            status="answered",
            first_answer_at=due + timedelta(minutes=20),
            readiness=4,
            zone="stretch",
            created_at=due,
        )
        session.add(checkin)
        session.flush()
        for key, value in values.items():
            session.add(
                CheckinAnswer(
                    checkin_id=checkin.id,
                    question_id=questions[key].id,
                    question_key=key,
                    value=value,
                    answered_at=due,
                    updated_at=due,
                )
            )


def _pie(factory: SessionFactory, team_id: int, slices: dict[str, tuple[str, str]]) -> None:
    with session_scope(factory) as session:
        role, _ = pie_reads.role_in_team(session=session, team_id=team_id, user_id=MAYA.user_id)
        pie_service.bake_pie(
            session=session, role=role, actor_user_id=MAYA.user_id, target_text="100k", title="Q4", now=BAKED
        )
    for user_id, (amount, progress) in slices.items():
        with session_scope(factory) as session:
            role, person = pie_reads.role_in_team(session=session, team_id=team_id, user_id=user_id)
            pie_claims.claim_slice(
                session=session, role=role, person=person, amount_text=amount, note=None, now=BAKED
            )
            if progress:
                pie_claims.log_progress(
                    session=session,
                    role=role,
                    person=person,
                    amount_text=progress,
                    for_user_id=None,
                    now=NOW - timedelta(days=3),
                )


def _hidden_risk_dms(fake, user: str) -> list[str]:
    return [
        flatten_text(c.json_param("blocks"))
        for c in fake.messages_to(user)
        if "keeps naming" in str(c.params.get("text")) or "confidence dropped" in str(c.params.get("text"))
    ]


def test_the_same_limit_three_times_and_a_hidden_confidence_drop_reach_the_manager_privately(
    session_factory: SessionFactory, fake_slack, slack_client: WebClient
) -> None:
    """Ann: pipeline ×3 → Maya hears it. Ben: on pace, confidence 8 → 5 → Maya hears it. Cy: the same
    drop but behind on pace → nothing (the pie card already says so). Reps and channel: nothing."""
    team_id = seed_team(
        session_factory=session_factory, fake=fake_slack, managers=[MAYA], reps=[ANN, BEN, CY], now=BAKED
    )
    _pie(session_factory, team_id, {"U0BEN": ("20k", "10k"), "U0CY": ("20k", ""), "U0ANN": ("20k", "8k")})
    for day in (date(2026, 11, 16), date(2026, 11, 18), date(2026, 11, 20)):
        _answers(session_factory, team_id=team_id, user_id="U0ANN", day=day, limiter="pipeline")
    for day, value in ((date(2026, 11, 6), "8"), (date(2026, 11, 13), "7"), (date(2026, 11, 20), "5")):
        for rep in ("U0BEN", "U0CY"):
            _answers(
                session_factory,
                team_id=team_id,
                user_id=rep,
                day=day,
                confidence=value,
                limiter="time" if day.day != 13 else "energy",
            )
    with freeze_time(NOW):
        tick(session_factory=session_factory, client=slack_client, now=NOW)
        tick(session_factory=session_factory, client=slack_client, now=NOW + timedelta(minutes=5))
    dms = _hidden_risk_dms(fake_slack, MAYA.user_id)
    assert len(dms) == 2, dms
    limit = next(d for d in dms if "keeps naming" in d)
    assert "Ann has named *pipeline* as their limit 3 times in a row" in limit
    assert "Block 30 minutes together on pipeline" in limit  # a suggested next step
    confidence = next(d for d in dms if "confidence dropped" in d)
    assert "Ben" in confidence and "from 8 to 5" in confidence and "on track" in confidence
    assert not any("Cy" in d for d in dms)
    for user in ("U0ANN", "U0BEN", "U0CY", "C0TEAM"):
        assert _hidden_risk_dms(fake_slack, user) == []
    with session_factory() as session:
        signals = sorted(session.scalars(select(QuietAlert.signal)).all())
    assert signals == ["confidence_drop", "same_limiter"]


def test_a_new_limit_clears_the_episode() -> None:
    """Pure: the run must be the last three; 'nothing' is never a limit."""
    d = date(2026, 11, 2)
    run = [
        Answer(d + timedelta(days=n), v) for n, v in enumerate(["time", "pipeline", "pipeline", "pipeline"])
    ]
    assert same_limiter(run) == ("pipeline", d + timedelta(days=1))
    assert same_limiter([*run, Answer(d + timedelta(days=9), "time")]) is None
    assert same_limiter([Answer(d + timedelta(days=n), "nothing") for n in range(3)]) is None
    assert same_limiter(run[:2]) is None


def test_confidence_drop_looks_back_two_weeks_from_the_latest_answer() -> None:
    """8 → 6 within 14 days is a drop; 8 three weeks back is not; 7 → 6 is too small."""
    d = date(2026, 11, 20)
    assert confidence_drop([Answer(d - timedelta(days=14), "8"), Answer(d, "6")]) == (
        8,
        6,
        d - timedelta(days=14),
    )
    assert confidence_drop([Answer(d - timedelta(days=21), "8"), Answer(d, "6")]) is None
    assert confidence_drop([Answer(d - timedelta(days=7), "7"), Answer(d, "6")]) is None
    assert confidence_drop([Answer(d, "3")]) is None

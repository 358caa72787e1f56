"""The engine's cost doesn't grow in statements with the number of reps, and it runs at most hourly
unless check-in data changed."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event

from bot.db import SessionFactory, session_scope
from bot.features import wiring
from bot.jobs.alerts import evaluate_alerts, evaluate_if_due
from tests.alerts.helpers import add_history, set_status, utc
from tests.conftest import Member, seed_team
from tests.fakeslack import FakeSlack

NOW = utc(2026, 11, 26, 15, 0)


def _team(factory: SessionFactory, fake: FakeSlack, reps: int, channel: str) -> int:
    members = [Member(f"U{channel}{i}", f"Rep {i}") for i in range(reps)]
    team_id = seed_team(
        session_factory=factory,
        fake=fake,
        managers=[Member(f"U{channel}M", "Boss")],
        reps=members,
        channel=channel,
        now=utc(2026, 10, 1, 12, 0),
    )
    for member in members:
        add_history(
            factory, team_id=team_id, user_id=member.user_id, start=date(2026, 10, 12), end=date(2026, 11, 20)
        )
        add_history(
            factory,
            team_id=team_id,
            user_id=member.user_id,
            start=date(2026, 11, 23),
            end=date(2026, 11, 25),
            status="missed",
        )
    return team_id


def _statements(factory: SessionFactory) -> int:
    engine = factory.kw["bind"]
    count = 0

    def seen(*_: object) -> None:
        nonlocal count
        count += 1

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with session_scope(factory) as session:
            evaluate_alerts(session=session, now=NOW, sources=wiring().signal_sources)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return count


def test_evaluation_uses_the_same_number_of_statements_for_2_or_8_reps(
    session_factory: SessionFactory, fake_slack: FakeSlack
) -> None:
    _team(session_factory, fake_slack, 2, "C0A")
    small = _statements(session_factory)
    _team(session_factory, fake_slack, 8, "C0B")
    assert _statements(session_factory) == small


def test_evaluation_runs_hourly_or_when_check_ins_change(
    session_factory: SessionFactory, fake_slack: FakeSlack
) -> None:
    _team(session_factory, fake_slack, 1, "C0A")
    with session_scope(session_factory) as session:
        assert evaluate_if_due(session=session, now=NOW, sources=wiring().signal_sources).evaluated
    with session_scope(session_factory) as session:
        assert not evaluate_if_due(
            session=session, now=NOW + timedelta(minutes=5), sources=wiring().signal_sources
        ).evaluated
    set_status(session_factory, user_id="UC0A0", day=date(2026, 11, 25), status="answered")
    with session_scope(session_factory) as session:
        report = evaluate_if_due(
            session=session, now=NOW + timedelta(minutes=6), sources=wiring().signal_sources
        )
        assert report.evaluated and report.recovered == 1
    with session_scope(session_factory) as session:
        assert evaluate_if_due(
            session=session, now=NOW + timedelta(minutes=67), sources=wiring().signal_sources
        ).evaluated

"""The team's pace reads its days off, stored path and recent revenue in one statement: it must say what
the three separate reads say, with every kind of row present, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import SessionFactory, session_scope
from bot.domain import checkpoints as rules
from bot.domain.checkpoints import Checkpoint, Pace
from bot.models import Person, Pie, TeamSkipDate
from bot.services import checkpoints
from tests.conftest import Member, seed_team
from tests.fakeslack import FakeSlack
from tests.pie.helpers import NOW_BAKE, bake_for


def _open_pie(session: Session) -> Pie:
    pie = session.scalar(select(Pie).where(Pie.open_team_id.is_not(None)))
    assert pie is not None
    return pie


def _three_reads(session_factory: SessionFactory, now_days: int) -> tuple[tuple[Checkpoint, ...], Pace, int]:
    """The path and pace the way they were worked out before: days off, path and revenue read apart."""
    now = NOW_BAKE + timedelta(days=now_days)
    with session_factory() as session:
        pie = _open_pie(session)
        context = checkpoints.path_context(session=session, pie=pie)
        path = checkpoints.team_path(session=session, context=context)
        entries = checkpoints.progress_entries(
            session=session,
            pie_id=pie.id,
            tz=context.team.tz,
            since=now - timedelta(days=rules.RECENT_DAYS + 2),
        )
        value = rules.pace_now(
            now=now,
            tz_name=context.team.tz,
            progress=sum(s.progress_minor for s in pie.slices),
            path=path,
            start=context.start,
            end=context.end,
            days_off=context.days_off,
            entries=entries,
        )
        return path, value, len(context.days_off)


def test_one_read_says_what_three_reads_said(session_factory: SessionFactory, fake_slack: FakeSlack) -> None:
    seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[Member("U0MIA", "Mia")],
        reps=[Member("U0RAJ", "Raj")],
    )
    bake_for(session_factory, "90k")
    with session_scope(session_factory) as session:
        pie = _open_pie(session)
        start = checkpoints.period_start(pie, "UTC")
        for offset in (3, 10, 20):  # in the period
            session.add(
                TeamSkipDate(team_id=pie.team_id, day=start + timedelta(days=offset), created_at=NOW_BAKE)
            )
        session.add(
            TeamSkipDate(team_id=pie.team_id, day=date(2001, 1, 1), created_at=NOW_BAKE)
        )  # long before it: not read
        path = [Checkpoint(start + timedelta(days=30), 40_000_00), Checkpoint(pie.period_end, 90_000_00)]
        checkpoints.save_team_path(session=session, pie=pie, path=path, now=NOW_BAKE)
        raj = session.scalar(select(Person.id).where(Person.slack_user_id == "U0RAJ"))
        assert raj is not None
        # Two inside the last two weeks of day 20, one before them.
        for days, amount in ((2, 5_000_00), (9, 2_500_00), (15, 1_000_00)):
            checkpoints.record_progress(
                session=session,
                pie_id=pie.id,
                person_id=raj,
                amount=amount,
                now=NOW_BAKE + timedelta(days=days),
            )
    path_before, pace_before, days_off = _three_reads(session_factory, 20)
    with session_factory() as session:
        together = checkpoints.team_pace(
            session=session, pie=_open_pie(session), now=NOW_BAKE + timedelta(days=20)
        )
    assert days_off == 3
    assert together.custom
    assert together.path == path_before == tuple(path)
    assert together.pace == pace_before
    assert together.pace.recent_per_day > 0

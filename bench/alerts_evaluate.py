"""How many SQL statements and how long one quiet-rep alert evaluation takes, for 10 and 200 reps with
six weeks of check-ins each (the statement count must not grow with the number of reps).

Run: python bench/alerts_evaluate.py
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event

from bot.db import make_engine, make_session_factory, session_scope
from bot.domain.checkins import end_of_day
from bot.domain.schedule import local_moment, parse_time, scheduled_dates
from bot.features import wiring
from bot.jobs.alerts import evaluate_alerts
from bot.models import ROLE_MANAGER, ROLE_REP, Membership, Person, Team, Workspace
from bot.models.checkins import Checkin

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def build(url: str, reps: int) -> None:
    """A team of `reps` reps: six weeks answered, then the last two check-ins missed for every third rep."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(Path(__file__).resolve().parents[1] / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head")
    factory = make_session_factory(make_engine(url))
    days = list(scheduled_dates(("mon", "wed", "fri"), date(2026, 10, 12), date(2026, 11, 25)))
    with session_scope(factory) as session:
        workspace = Workspace(slack_team_id="T0BENCH", created_at=NOW)
        session.add(workspace)
        session.flush()
        team = Team(workspace_id=workspace.id, name="Bench", created_at=NOW, updated_at=NOW)
        session.add(team)
        session.flush()
        for i in range(reps + 1):
            person = Person(
                workspace_id=workspace.id, slack_user_id=f"U{i:05d}", tz="America/New_York", refreshed_at=NOW
            )
            session.add(person)
            session.flush()
            role = ROLE_MANAGER if i == 0 else ROLE_REP
            session.add(
                Membership(
                    team_id=team.id, person_id=person.id, role=role, joined_at=NOW - timedelta(days=90)
                )
            )
            if i == 0:
                continue
            for n, day in enumerate(days):
                due = local_moment(day, parse_time("09:30"), "America/New_York")
                missed = i % 3 == 0 and n >= len(days) - 2
                session.add(
                    Checkin(
                        team_id=team.id,
                        person_id=person.id,
                        local_date=day,
                        tz="America/New_York",
                        due_at=due,
                        closes_at=due + timedelta(days=2),
                        day_ends_at=end_of_day(day, "America/New_York"),
                        status="missed" if missed else "answered",
                        sent_at=due,
                        first_answer_at=None if missed else due + timedelta(minutes=30),
                        readiness=None if missed else 4,
                        zone=None if missed else "stretch",
                        created_at=due,
                    )
                )


def measure(reps: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        build(url, reps)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        statements = 0

        def count(*_: object) -> None:
            nonlocal statements
            statements += 1

        event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        with session_scope(factory) as session:
            report = evaluate_alerts(session=session, now=NOW, sources=wiring().signal_sources)
        elapsed = time.perf_counter() - started
        print(
            f"{reps:>4} reps: {statements} statements, {elapsed * 1000:.0f} ms, "
            f"{report.opened} episodes opened, {report.planned} DMs planned"
        )


if __name__ == "__main__":
    for size in (10, 200):
        measure(size)

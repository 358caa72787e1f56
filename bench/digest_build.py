"""Benchmark: build one manager's weekly digest for a team of 50 reps with a year of answers.

Prints the time (median and worst of several builds, warm) and the number of SQL statements one build
runs, counted with an SQLAlchemy event listener: it must not grow with the team.

    python bench/digest_build.py                      # SQLite (a temporary file)
    python bench/digest_build.py postgresql://postgres@127.0.0.1:5432/stretch_digest
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from _setup import answer_all, database, fill
from sqlalchemy import event, insert, select, update

from bot.db import make_session_factory
from bot.models import Checkin, Membership, Person
from bot.models.alerts import QuietAlert
from bot.services.checkins.questions import team_questions
from bot.services.digest import gather_digest
from bot.slack.blocks.digest import build_digest

REPS = 50
NOW = datetime(2026, 12, 31, 21, 0, tzinfo=UTC)
RUNS = 15


def seed(url: str | None) -> tuple[str, object]:
    """A team of 50 reps and a manager, three answered check-ins a week each for a year."""
    url, engine = database(url)
    fill(engine, members=REPS + 1, team_size=REPS + 1)
    factory = make_session_factory(engine)
    with factory() as session:
        manager_id = session.scalar(select(Person.id).order_by(Person.id).limit(1))
        session.execute(update(Membership).where(Membership.person_id == manager_id).values(role="manager"))
        team_id = session.scalar(select(Membership.team_id).limit(1))
        assert team_id is not None
        questions = {q.key: q.id for q in team_questions(session=session, team_id=team_id, now=NOW)}
        reps = list(session.scalars(select(Membership.person_id).where(Membership.role == "rep")))
        checkins = []
        for week in range(52):
            for day in (0, 2, 4):
                due = NOW - timedelta(days=7 * week + day + 1)
                for n, pid in enumerate(reps):
                    answered = (n + week + day) % 5 != 0
                    checkins.append(
                        {
                            "team_id": team_id,
                            "person_id": pid,
                            "local_date": due.date(),
                            "tz": "UTC",
                            "due_at": due,
                            "closes_at": due + timedelta(days=2),
                            "day_ends_at": due + timedelta(hours=10),
                            "status": "answered" if answered else "missed",
                            "readiness": 1 + (n + week) % 5 if answered else None,
                            "zone": ("stretch", "snap", "slack", "stretch")[(n + day) % 4]
                            if answered
                            else None,
                            "created_at": due,
                        }
                    )
        session.execute(insert(Checkin), checkins)
        answers = answer_all(session, questions)
        session.execute(
            insert(QuietAlert),
            [
                {
                    "team_id": team_id,
                    "person_id": pid,
                    "signal": "missed_in_a_row",
                    "episode_key": f"bench:{pid}",
                    "evidence": "missed 3 of the last 3",
                    "details": {},
                    "suggested_step": "a short 1:1",
                    "strong_record": False,
                    "status": "open",
                    "opened_at": NOW - timedelta(days=2),
                }
                for pid in reps[:8]
            ],
        )
        session.commit()
        print(f"seeded {len(checkins)} check-ins and {answers} answers for {len(reps)} reps")
    return url, (engine, factory, team_id, manager_id)


def main() -> None:
    """Seed, then time the digest build and count its statements."""
    _url, (engine, factory, team_id, manager_id) = seed(sys.argv[1] if len(sys.argv) > 1 else None)
    statements: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    timings = []
    counts = []
    for _ in range(RUNS):
        with factory() as session:
            manager = session.get(Person, manager_id)
            statements.clear()
            started = time.perf_counter()
            _text, blocks = build_digest(
                gather_digest(session=session, team_id=team_id, manager=manager, now=NOW)
            )
            timings.append((time.perf_counter() - started) * 1000)
            counts.append(len(statements))
    print(f"database: {engine.dialect.name}")
    print(f"digest blocks: {len(blocks)}")
    print(
        f"build time: median {statistics.median(timings):.1f} ms, worst {max(timings):.1f} ms (target < 300 ms)"
    )
    print(f"SQL statements per build: {max(counts)} (independent of team size)")


if __name__ == "__main__":
    main()

"""Benchmark: build a rep's 1:1 page (access check, gathering, Block Kit) for a rep with a year of daily
check-ins, each answered with a note, plus shout-outs, slices and alerts; and for a rep with one week.

Prints the time (median and worst of several warm builds) and the number of SQL statements one build
runs, counted with an SQLAlchemy event listener: it must be the same for a year as for a week.

    python bench/one_on_one.py                      # SQLite (a temporary file)
    python bench/one_on_one.py postgresql://postgres@127.0.0.1:5432/stretch_one_on_one
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta

from _setup import answer_all, database, fill
from sqlalchemy import event, insert, select, update

from bot.db import make_session_factory
from bot.models import (
    Checkin,
    Membership,
    Person,
    Pie,
    PieSlice,
    Shoutout,
    ShoutoutRecipient,
)
from bot.models.alerts import QuietAlert
from bot.services.checkins.questions import team_questions
from bot.services.one_on_one.access import page_access
from bot.services.one_on_one.page import rep_page
from bot.slack.blocks.one_on_one import build_rep_page

TEAM = 10
NOW = datetime(2026, 12, 31, 21, 0, tzinfo=UTC)
RUNS = 15


def seed(url: str | None) -> tuple[object, object, int, str, str, str]:
    """A team of 10 reps and a manager; rep 1 with 365 daily check-ins, rep 2 with one week."""
    url, engine = database(url)
    fill(engine, members=TEAM + 1, team_size=TEAM + 1)
    factory = make_session_factory(engine)
    with factory() as session:
        people = list(session.scalars(select(Person).order_by(Person.id)))
        manager, year_rep, week_rep = people[0], people[1], people[2]
        session.execute(update(Membership).where(Membership.person_id == manager.id).values(role="manager"))
        team_id = session.scalar(select(Membership.team_id).limit(1))
        assert team_id is not None
        questions = {q.key: q.id for q in team_questions(session=session, team_id=team_id, now=NOW)}
        checkins = []
        for pid, days in ((year_rep.id, 365), (week_rep.id, 7)):
            for n in range(days):
                due = NOW - timedelta(days=n + 1)
                status = ("answered", "answered", "answered", "missed", "excused")[n % 5]
                checkins.append(
                    {
                        "team_id": team_id,
                        "person_id": pid,
                        "local_date": due.date(),
                        "tz": "UTC",
                        "due_at": due,
                        "closes_at": due + timedelta(days=1),
                        "day_ends_at": due + timedelta(hours=10),
                        "status": status,
                        "first_answer_at": due + timedelta(minutes=30) if status == "answered" else None,
                        "readiness": 1 + n % 5 if status == "answered" else None,
                        "zone": ("stretch", "snap", "slack")[n % 3] if status == "answered" else None,
                        "created_at": due,
                    }
                )
        session.execute(insert(Checkin), checkins)
        answers = answer_all(session, questions, notes=True)
        for week in range(52):
            shoutout = Shoutout(
                team_id=team_id,
                giver_person_id=people[3 + week % 5].id,
                text=f"Great swing on week {week}",
                channel_id="C000000",
                created_at=NOW - timedelta(weeks=week),
            )
            session.add(shoutout)
            session.flush()
            session.add(ShoutoutRecipient(shoutout_id=shoutout.id, person_id=year_rep.id))
        for quarter in range(4):
            pie = Pie(
                team_id=team_id,
                title=f"Q{4 - quarter} push",
                currency="USD",
                target_minor=10_000_000,
                claim_deadline=NOW - timedelta(days=90 * quarter + 80),
                period_end=(NOW - timedelta(days=90 * quarter)).date(),
                status="open" if quarter == 0 else "closed",
                created_at=NOW - timedelta(days=90 * quarter + 85),
                updated_at=NOW - timedelta(days=90 * quarter),
            )
            session.add(pie)
            session.flush()
            session.add(
                PieSlice(
                    pie_id=pie.id,
                    person_id=year_rep.id,
                    amount_minor=2_000_000,
                    progress_minor=1_200_000,
                    updated_at=NOW,
                )
            )
        session.execute(
            insert(QuietAlert),
            [
                {
                    "team_id": team_id,
                    "person_id": year_rep.id,
                    "signal": "missed_in_a_row",
                    "episode_key": f"bench:{n}",
                    "evidence": "missed 3 of the last 3",
                    "details": {},
                    "suggested_step": "a short 1:1",
                    "strong_record": False,
                    "status": "recovered",
                    "opened_at": NOW - timedelta(days=30 * n + 2),
                }
                for n in range(12)
            ],
        )
        session.commit()
        print(f"seeded {len(checkins)} check-ins and {answers} answers")
        return engine, factory, team_id, manager.slack_user_id, year_rep.slack_user_id, week_rep.slack_user_id


def main() -> None:
    """Seed, then time the page build for each rep and count its statements."""
    engine, factory, _team_id, manager, year_rep, week_rep = seed(sys.argv[1] if len(sys.argv) > 1 else None)
    statements: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    print(f"database: {engine.dialect.name}")  # type: ignore[attr-defined]
    for label, rep, before in (
        ("a year of daily check-ins, first page", year_rep, None),
        ("a year of daily check-ins, a page from June", year_rep, date(2026, 6, 15)),
        ("one week of check-ins", week_rep, None),
    ):
        timings, counts, blocks = [], [], 0
        for run in range(RUNS + 1):
            with factory() as session:  # type: ignore[operator]
                statements.clear()
                started = time.perf_counter()
                access = page_access(session=session, workspace_id=1, viewer_user_id=manager, rep_user_id=rep)
                view = build_rep_page(rep_page(session=session, access=access, now=NOW, before=before))
                if run:  # the first build warms caches and is not counted
                    timings.append((time.perf_counter() - started) * 1000)
                counts.append(len(statements))
                blocks = len(view["blocks"])
        print(
            f"{label}: median {statistics.median(timings):.1f} ms, worst {max(timings):.1f} ms "
            f"(target < 150 ms) · {max(counts)} SQL statements · {blocks} blocks (≤ 100)"
        )


if __name__ == "__main__":
    main()

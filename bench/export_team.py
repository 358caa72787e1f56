"""Benchmark: export a team of 50 reps with a year of daily check-ins (every default question answered,
notes included), as `/stretch export team` does, into a zip of CSVs.

Prints the export's wall time (median of a few runs), the peak of Python memory it allocated
(tracemalloc, a separate run since tracing slows Python down), the process's peak resident memory, and
the zip's size. The issue asks for under 10 s and under 100 MB.

    python bench/export_team.py                      # SQLite (a temporary file)
    python bench/export_team.py postgresql://postgres@127.0.0.1:5432/test_privacy
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

from _setup import database, fill
from sqlalchemy import insert, select, update

from bot.db import make_session_factory
from bot.domain.questions import TEXT
from bot.models import Checkin, CheckinAnswer, Membership, Person, Team
from bot.services import exports
from bot.services.checkins.questions import options_of, team_questions
from bot.services.export_files import ExportReport, export_zip

REPS = 50
DAYS = 365
FIRST = date(2026, 1, 1)
RUNS = 3


def seed(url: str | None) -> tuple[str, object, int]:
    """A team of 50 reps and a manager; one answered check-in per rep per day for a year."""
    url, engine = database(url)
    fill(engine, members=REPS + 1, team_size=REPS + 1)
    factory = make_session_factory(engine)
    with factory() as session:
        manager_id = session.scalar(select(Person.id).order_by(Person.id).limit(1))
        session.execute(update(Membership).where(Membership.person_id == manager_id).values(role="manager"))
        team_id = session.scalar(select(Team.id).limit(1))
        reps = list(session.scalars(select(Person).where(Person.id != manager_id).order_by(Person.id)))
        questions = team_questions(session=session, team_id=team_id, now=datetime(2026, 1, 1, tzinfo=UTC))
        session.commit()
        specs = [(q.id, q.key, q.kind, options_of(q)) for q in questions]
        rep_rows = [(r.id, r.tz) for r in reps]
    for day_index in range(DAYS):
        day = FIRST + timedelta(days=day_index)
        due = datetime(day.year, day.month, day.day, 14, 30, tzinfo=UTC)
        with engine.begin() as connection:
            ids = (
                connection.execute(
                    insert(Checkin).returning(Checkin.id),
                    [
                        {
                            "team_id": team_id,
                            "person_id": pid,
                            "local_date": day,
                            "tz": tz,
                            "due_at": due,
                            "closes_at": due + timedelta(hours=8),
                            "day_ends_at": due + timedelta(hours=14),
                            "status": "answered",
                            "sent_at": due,
                            "submitted_at": due + timedelta(minutes=7),
                            "zone": "stretch",
                            "readiness": 4,
                            "created_at": due,
                        }
                        for pid, tz in rep_rows
                    ],
                )
                .scalars()
                .all()
            )
            connection.execute(
                insert(CheckinAnswer),
                [
                    {
                        "checkin_id": cid,
                        "question_id": qid,
                        "question_key": key,
                        "value": (
                            f"Day {day_index}: two demos booked, pricing pushback from a prospect, "
                            "need a case study for the mid-market segment"
                            if kind == TEXT
                            else options[n % len(options)][0]
                        ),
                        "answered_at": due + timedelta(minutes=5),
                        "updated_at": due + timedelta(minutes=5),
                    }
                    for n, cid in enumerate(ids)
                    for qid, key, kind, options in specs
                ],
            )
    return url, engine, team_id


def export_once(factory: object, team_id: int, out: Path) -> ExportReport:
    """One team export with notes, as the Slack command builds it."""
    with factory() as session:  # type: ignore[operator]
        team = session.get(Team, team_id)
        return export_zip(
            out, partial(exports.write_team_export, session=session, team=team, include_notes=True)
        )


def main() -> None:
    _url, engine, team_id = seed(sys.argv[1] if len(sys.argv) > 1 else None)
    factory = make_session_factory(engine)
    out = Path(tempfile.mkdtemp(prefix="stretch-export-bench-")) / "team.zip"
    baseline_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times, cpu = [], []
    report = None
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        report = export_once(factory, team_id, out)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    export_once(factory, team_id, out)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert report is not None
    print(f"backend: {engine.dialect.name}; {REPS} reps x {DAYS} days")  # type: ignore[attr-defined]
    print(f"rows exported: {report.total} ({report.summary()})")
    print(f"zip size: {out.stat().st_size / 1e6:.1f} MB")
    print(f"export time: median {statistics.median(times):.2f} s, worst {max(times):.2f} s over {RUNS} runs")
    # On a shared machine the wall time includes waiting for a core; the CPU time is the export's own cost.
    print(f"export CPU time: median {statistics.median(cpu):.2f} s (load average {os.getloadavg()[0]:.1f})")
    print(f"Python memory allocated by one export (tracemalloc peak): {traced_peak / 1e6:.1f} MB")
    print(
        f"process peak RSS: {peak_rss:.0f} MB (before exporting: {baseline_rss:.0f} MB, "
        f"so the exports added at most {peak_rss - baseline_rss:.0f} MB)"
    )


if __name__ == "__main__":
    main()

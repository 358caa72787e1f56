"""How long the tick takes to decide which of 10,000 reps over 40 zones are due, in how many SQL statements.

    python bench/checkins_tick.py [--members 10000] [--database-url postgresql://…]

Runs the check-in planner (what `stretch tick` runs every minute, without sending) every 15 minutes of
a simulated working day, and prints the time and SQL statements per tick. Statements are counted with
an SQLAlchemy `before_cursor_execute` listener; they must not grow with the number of members.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from _setup import database, fill
from sqlalchemy import event, func, select

from bot.db import make_session_factory, session_scope
from bot.jobs.checkins import mark_missed, plan_checkins, plan_nudges
from bot.models.checkins import Checkin


def run(members: int, url: str | None) -> dict[str, Any]:
    """Fill a database and time a day of ticks; returns the figures."""
    _, engine = database(url)
    fill(engine, members=members, team_size=100)
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", count)
    factory = make_session_factory(engine)
    start = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # a Monday
    per_tick: list[tuple[float, int, int]] = []
    for step in range(96):
        now = start + timedelta(minutes=15 * step)
        statements = 0
        began = time.perf_counter()
        with session_scope(factory) as session:
            created = plan_checkins(session=session, now=now).created
            plan_nudges(session=session, now=now)
            mark_missed(session=session, now=now)
        per_tick.append((time.perf_counter() - began, statements, created))
    with factory() as session:
        rows = session.scalar(select(func.count()).select_from(Checkin)) or 0
    engine.dispose()
    times = [t for t, _, _ in per_tick]
    return {
        "members": members,
        "ticks": len(per_tick),
        "checkins": rows,
        "median_s": statistics.median(times),
        "max_s": max(times),
        "max_statements": max(s for _, s, _ in per_tick),
        "quiet_statements": min(s for _, s, c in per_tick if c == 0),
        "busiest_created": max(c for _, _, c in per_tick),
    }


def main() -> None:
    """Print the figures for the asked size and for a tenth of it (to show statements don't scale)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    for size in (args.members // 10, args.members):
        r = run(size, args.database_url)
        print(
            f"{r['members']:>6} reps over 40 zones, {r['ticks']} ticks (every 15 min of a day), {r['checkins']} check-ins planned: "
            f"decide median {r['median_s'] * 1000:.0f} ms, max {r['max_s'] * 1000:.0f} ms "
            f"(busiest tick created {r['busiest_created']}); SQL statements per tick max {r['max_statements']}, "
            f"quiet tick {r['quiet_statements']}"
        )


if __name__ == "__main__":
    main()

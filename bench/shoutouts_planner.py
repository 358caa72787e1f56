"""How long the shout-out drafts planner and the effort leaderboard take on a busy install.

Run: python bench/shoutouts_planner.py [teams]   (SQLite in a temp dir; DATABASE_URL to use another DB)
Prints: planning time of the first tick (every manager due), of a second tick (nothing new), and the
leaderboard query time per team.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

from bot import migrate
from bot.db import make_engine, make_session_factory, session_scope
from bot.jobs.shoutouts import plan_draft_dms
from bot.models import ROLE_MANAGER, ROLE_REP, Membership, Person, Team, Workspace
from bot.services.moments import record_moment
from bot.services.shoutouts.effort import effort_leaderboard

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def main() -> None:
    teams = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    migrate.upgrade(url)
    factory = make_session_factory(make_engine(url))
    with session_scope(factory) as s:
        ws = Workspace(slack_team_id="TBENCH", name="bench", created_at=NOW)
        s.add(ws)
        s.flush()
        for t in range(teams):
            team = Team(workspace_id=ws.id, name=f"T{t}", channel_id=f"C{t}", created_at=NOW, updated_at=NOW)
            s.add(team)
            s.flush()
            people = []
            for p in range(10):
                person = Person(
                    workspace_id=ws.id, slack_user_id=f"U{t}x{p}", tz="America/New_York", refreshed_at=NOW
                )
                s.add(person)
                people.append(person)
            s.flush()
            for p, person in enumerate(people):
                role = ROLE_MANAGER if p < 2 else ROLE_REP
                s.add(Membership(team_id=team.id, person_id=person.id, role=role, joined_at=NOW))
            for p, person in enumerate(people[2:]):
                for k in range(3):
                    record_moment(
                        session=s,
                        team_id=team.id,
                        person_id=person.id,
                        kind="big_slice",
                        summary="claimed a bigger slice",
                        dedupe_key=f"b:{t}:{p}:{k}",
                        now=NOW - timedelta(days=k * 3, hours=1),
                    )
    for label, now in (
        ("first tick (every manager due)", NOW),
        ("second tick (nothing new)", NOW + timedelta(minutes=1)),
    ):
        started = time.perf_counter()
        with session_scope(factory) as s:
            planned = plan_draft_dms(s, now)
        print(
            f"planner, {label}: {planned} DMs planned for {teams} teams in {time.perf_counter() - started:.3f} s"
        )
    started = time.perf_counter()
    with factory() as s:
        for team_id in range(1, min(teams, 50) + 1):
            effort_leaderboard(session=s, team_id=team_id, now=NOW)
    per = (time.perf_counter() - started) / min(teams, 50)
    print(f"effort leaderboard: {per * 1000:.1f} ms per team (10 people, 24 moments)")


if __name__ == "__main__":
    main()

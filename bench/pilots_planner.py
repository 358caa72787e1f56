"""How long the pilot planner takes per tick with many running pilots (SQLite file, migrations applied).

Run: python bench/pilots_planner.py [pilots] [participants]
Prints the time of a tick that plans every kickoff, and of a quiet tick that finds nothing new.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bot import migrate
from bot.db import make_engine, make_session_factory, session_scope
from bot.jobs.pilots import plan_pilots
from bot.models import ROLE_MANAGER, ROLE_REP, Membership, Person, Pilot, PilotParticipant, Team, Workspace


def main(pilots: int = 200, participants: int = 8) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        now = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
        with session_scope(factory) as session:
            workspace = Workspace(slack_team_id="TBENCH", created_at=now)
            session.add(workspace)
            session.flush()
            teams = []
            for t in range(max(1, pilots // 10)):
                team = Team(
                    workspace_id=workspace.id,
                    name=f"T{t}",
                    channel_id=f"C{t}",
                    created_at=now,
                    updated_at=now,
                )
                session.add(team)
                session.flush()
                people = []
                for p in range(participants + 1):
                    person = Person(
                        workspace_id=workspace.id,
                        slack_user_id=f"U{t}x{p}",
                        tz="Europe/Berlin",
                        refreshed_at=now,
                    )
                    session.add(person)
                    session.flush()
                    session.add(
                        Membership(
                            team_id=team.id,
                            person_id=person.id,
                            role=ROLE_MANAGER if p == 0 else ROLE_REP,
                            joined_at=now,
                        )
                    )
                    people.append(person)
                teams.append((team, people))
            for n in range(pilots):
                team, people = teams[n % len(teams)]
                pilot = Pilot(
                    team_id=team.id,
                    owner_id=people[0].id,
                    title=f"P{n}",
                    growth_metric="listening",
                    start_date=date(2026, 11, 20),
                    length_days=14,
                    created_at=now,
                    updated_at=now,
                )
                session.add(pilot)
                session.flush()
                for person in people[1:]:
                    session.add(PilotParticipant(pilot_id=pilot.id, person_id=person.id, joined_at=now))
        for label in ("first tick (plans every kickoff and card)", "second tick (nothing new)"):
            started = time.perf_counter()
            with session_scope(factory) as session:
                planned = plan_pilots(session, now)
            print(
                f"{label}: {pilots} pilots x {participants} people, planned {planned} in "
                f"{(time.perf_counter() - started) * 1000:.0f} ms"
            )
        engine.dispose()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))

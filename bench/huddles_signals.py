"""How long `huddle_quiet_signals` takes over many teams' huddle history (SQLite file, one process).

Run: python bench/huddles_signals.py [teams] [reps_per_team] [huddles_per_team]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot import migrate  # noqa: E402
from bot.db import make_engine, make_session_factory, session_scope  # noqa: E402
from bot.models import Huddle, HuddleReply, Membership, Person, Team, Workspace  # noqa: E402
from bot.services.huddles.signals import huddle_quiet_signals  # noqa: E402

START = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)


def main() -> None:
    """Seed, then time the signal scan."""
    teams, reps, huddles = (int(a) for a in [*sys.argv[1:], "50", "10", "40"][:3])
    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    migrate.upgrade(url)
    factory = make_session_factory(make_engine(url))
    with session_scope(factory) as session:
        ws = Workspace(slack_team_id="TBENCH", created_at=START)
        session.add(ws)
        session.flush()
        for t in range(teams):
            team = Team(
                workspace_id=ws.id, name=f"T{t}", channel_id=f"C{t}", created_at=START, updated_at=START
            )
            session.add(team)
            session.flush()
            people = [
                Person(workspace_id=ws.id, slack_user_id=f"U{t}x{r}", refreshed_at=START) for r in range(reps)
            ]
            session.add_all(people)
            session.flush()
            session.add_all(
                Membership(team_id=team.id, person_id=p.id, role="rep", joined_at=START) for p in people
            )
            for h in range(huddles):
                at = START + timedelta(days=2 * h)
                huddle = Huddle(
                    team_id=team.id, key=f"s:{t}:{h}", local_date=at.date(), starts_at=at, since=at,
                    expected=[p.id for p in people], away=[], channel_id=f"C{t}", message_ts=f"{t}.{h}",
                    posted_at=at, created_at=at,
                )  # fmt: skip
                session.add(huddle)
                session.flush()
                # Rep 0 of every team goes quiet for the last two huddles; the others always post.
                session.add_all(
                    HuddleReply(huddle_id=huddle.id, person_id=p.id, message_ts=f"{h}.{i}", posted_at=at)
                    for i, p in enumerate(people)
                    if not (i == 0 and h >= huddles - 2)
                )
    now = START + timedelta(days=2 * huddles)
    with session_scope(factory) as session:
        began = time.perf_counter()
        signals = huddle_quiet_signals(session=session, now=now)
        elapsed = time.perf_counter() - began
    print(f"teams={teams} reps/team={reps} huddles/team={huddles} replies={teams * reps * huddles}")
    print(f"huddle_quiet_signals: {len(signals)} signals in {elapsed * 1000:.0f} ms")


if __name__ == "__main__":
    main()

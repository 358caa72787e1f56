"""Shared set-up for the check-in benchmarks: a migrated database filled with reps in many zones."""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bot import migrate  # noqa: E402
from bot.config import normalise_database_url  # noqa: E402
from bot.db import make_engine  # noqa: E402
from bot.models import Membership, Person, Team, Workspace  # noqa: E402
from bot.models.checkins import Checkin, CheckinAnswer  # noqa: E402

# 40 zones, half-hour and 45-minute offsets and both hemispheres' DST included.
ZONES = (
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Phoenix",
    "America/Chicago",
    "America/Mexico_City",
    "America/New_York",
    "America/Toronto",
    "America/Bogota",
    "America/Halifax",
    "America/St_Johns",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "Atlantic/Azores",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Europe/Athens",
    "Europe/Istanbul",
    "Asia/Dubai",
    "Asia/Tehran",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Adelaide",
    "Australia/Sydney",
    "Australia/Brisbane",
    "Pacific/Auckland",
    "Pacific/Chatham",
)
JOINED = datetime(2026, 1, 1, tzinfo=UTC)


def database(url: str | None) -> tuple[str, Engine]:
    """A fresh, migrated database: the given URL, or a temporary SQLite file."""
    if url:
        url = normalise_database_url(url)
        engine = make_engine(url)
        if engine.dialect.name == "postgresql":
            from sqlalchemy import text

            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='stretch-bench-')}/bench.db"
        engine = make_engine(url)
    migrate.upgrade(url)
    return url, engine


def fill(engine: Engine, *, members: int, team_size: int, zones: tuple[str, ...] = ZONES) -> None:
    """`members` reps in teams of `team_size` (one manager each), spread evenly over `zones`."""
    now = JOINED
    with engine.begin() as connection:
        workspace_id = connection.execute(
            insert(Workspace)
            .values(slack_team_id="TBENCH", name="bench", created_at=now)
            .returning(Workspace.id)
        ).scalar_one()
        teams = (members + team_size - 1) // team_size
        connection.execute(
            insert(Team),
            [
                {
                    "workspace_id": workspace_id,
                    "name": f"Team {t}",
                    "channel_id": f"C{t:06d}",
                    "created_at": now,
                    "updated_at": now,
                    "checkin_days": "mon,tue,wed,thu,fri",
                    "checkin_time": "09:30",
                }
                for t in range(teams)
            ],
        )
        team_ids = [
            row[0]
            for row in connection.execute(
                Team.__table__.select().with_only_columns(Team.id).order_by(Team.id)
            )
        ]
        connection.execute(
            insert(Person),
            [
                {
                    "workspace_id": workspace_id,
                    "slack_user_id": f"U{i:07d}",
                    "display_name": f"Rep {i}",
                    "tz": zones[i % len(zones)],
                    "refreshed_at": now,
                }
                for i in range(members)
            ],
        )
        person_ids = [
            row[0]
            for row in connection.execute(
                Person.__table__.select().with_only_columns(Person.id).order_by(Person.id)
            )
        ]
        connection.execute(
            insert(Membership),
            [
                {"team_id": team_ids[n // team_size], "person_id": pid, "role": "rep", "joined_at": now}
                for n, pid in enumerate(person_ids)
            ],
        )


def answer_all(session: Session, questions: dict[str, int], *, notes: bool = False) -> int:
    """Give every answered check-in its answers (readiness, goal feel, limiter; and text notes if asked)
    for the questions the team has; returns how many were written."""
    rows = session.execute(select(Checkin.id, Checkin.due_at).where(Checkin.status == "answered")).all()
    answers = [
        {
            "checkin_id": cid,
            "question_id": questions[key],
            "question_key": key,
            "value": value,
            "answered_at": due,
            "updated_at": due,
        }
        for cid, due in rows
        for key, value in (
            ("readiness", str(1 + cid % 5)),
            ("goal_feel", str(1 + cid % 5)),
            ("limiter", ("pipeline", "time", "energy", "skills")[cid % 4]),
            *(
                (
                    ("stretch_swing", f"Called a VP cold on day {cid}: booked a demo."),
                    ("on_mind", f"Call notes for day {cid}: two demos, one objection on pricing & timing."),
                )
                if notes
                else ()
            ),
        )
        if key in questions
    ]
    session.execute(insert(CheckinAnswer), answers)
    return len(answers)

"""Real `stretch` processes for the reliability tests: serve replicas and one-off ticks, against the fake
Slack and the test database, with helpers to wait on them and to read the outbox."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot import kinds
from bot.db import SessionFactory
from bot.models import Delivery
from tests import waiting
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, Member, seed_team
from tests.fakeslack import FakeSlack
from tests.slackclient import SignedSlack

ALL_DAYS = "mon,tue,wed,thu,fri,sat,sun"


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stretch_env(fake: FakeSlack, database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a `stretch` process pointed at the fake Slack and a database."""
    inherited = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "STRETCH_"))
    }
    return {
        **inherited,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.url,
        "DATABASE_URL": database_url,
        "STRETCH_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "INFO",
        **extra,
    }


@dataclass
class Replica:
    """One running `stretch serve --http` process."""

    name: str
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def slack(self, fake: FakeSlack, response_name: str) -> SignedSlack:
        """A signed client for this replica whose replies go to the fake's response_url `response_name`."""
        return SignedSlack(
            f"{self.base_url}/slack/events", SIGNING_SECRET, response_url=fake.response_url(response_name)
        )

    def stop(self) -> None:
        """Kill it if it still runs (test teardown)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def start_replica(
    name: str,
    *,
    fake: FakeSlack,
    database_url: str,
    tmp_path: Path,
    extra_args: tuple[str, ...] = (),
    **env: str,
) -> Replica:
    """Start `stretch serve --http` on a free port (without migrating: the test database is ready)."""
    port = free_port()
    log = tmp_path / f"{name}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot.cli",
                "serve",
                "--http",
                "--no-migrate",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                *extra_args,
            ],
            env=stretch_env(fake, database_url, tmp_path, **env),
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    return Replica(name, process, f"http://127.0.0.1:{port}", log)


def wait_healthy(replica: Replica, timeout: float = 30) -> None:
    """Wait until the replica's /healthz answers 200 (or fail with its log when it dies)."""
    waiting.wait_healthy(
        replica.base_url, replica.process, name=replica.name, log=replica.log.read_text, timeout=timeout
    )


def until(predicate: Callable[[], object], *, timeout: float, what: str) -> None:
    """Poll `predicate` every 20 ms until it is truthy; fail naming `what` on timeout."""
    waiting.eventually(predicate, timeout=timeout, interval=0.02, what=what)


def reps(count: int, prefix: str = "U0R") -> list[Member]:
    """`count` reps in UTC (so their check-in time is easy to place)."""
    return [Member(f"{prefix}{index:03d}", f"Rep {index}", tz="UTC") for index in range(count)]


def seed_due_now(
    *, session_factory: SessionFactory, fake: FakeSlack, managers: list[Member], team_reps: list[Member]
) -> datetime:
    """A team whose reps' check-in is due at this very minute (UTC, every day); returns that minute."""
    now = datetime.now(UTC)
    seed_team(
        session_factory=session_factory,
        fake=fake,
        managers=managers,
        reps=team_reps,
        checkin_days=ALL_DAYS,
        checkin_time=now.strftime("%H:%M"),
        now=now - timedelta(days=1),
    )
    return now.replace(second=0, microsecond=0)


def checkin_rows(session_factory: SessionFactory) -> list[Delivery]:
    """Every check-in DM row in the outbox."""
    with session_factory() as session:
        rows = list(session.scalars(select(Delivery).where(Delivery.kind == kinds.CHECKIN)))
        session.expunge_all()
        return rows


def copies_in_slack(fake: FakeSlack, rows: list[Delivery]) -> dict[str, int]:
    """How many messages in Slack carry each row's key (the fact a rep would notice: one DM or two)."""
    keys = fake.posted_keys()
    return {row.dedupe_key: keys.count(row.dedupe_key) for row in rows}

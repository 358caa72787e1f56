"""Shared fixtures: a database built by the real migrations (SQLite, or PostgreSQL when TEST_DATABASE_URL
is set), a fake Slack Web API, and Stretch itself running over HTTP on a free loopback port."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_bolt import App
from sqlalchemy import Engine, text, update
from sqlalchemy.orm import Session

from bot import migrate
from bot.config import Settings, load_settings, normalise_database_url
from bot.db import SessionFactory, make_engine, make_session_factory, session_scope
from bot.domain.schedule import parse_days, parse_time
from bot.domain.teams import TeamDraft
from bot.models import Base, Delivery
from bot.services.people import get_or_create_workspace
from bot.services.teams import save_team
from bot.slack.app import create_app, make_client
from bot.slack.deps import Deps
from bot.slack.directory import fetcher_for
from bot.web import build_wsgi
from tests.fakeslack import WORKSPACE_ID, FakeSlack
from tests.slackclient import SignedSlack
from tests.wsgiserver import TestServer

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-0000-token"


def postgres_url() -> str | None:
    """The PostgreSQL URL tests run against, if any."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    return normalise_database_url(url) if url else None


def reset_postgres(url: str) -> None:
    """Empty the test database's public schema so migrations start from nothing."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database at the newest schema, built by running the Alembic migrations."""
    url = postgres_url()
    if url:
        reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'stretch.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """The engine every test shares."""
    engine = make_engine(database_url, hide_parameters=True)
    yield engine
    engine.dispose()


def wipe(engine: Engine) -> None:
    """Delete every row of every table."""
    tables = [t for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def db(engine: Engine) -> Iterator[Engine]:
    """The shared engine, emptied after the test."""
    yield engine
    wipe(engine)


@pytest.fixture
def session_factory(db: Engine) -> SessionFactory:
    """Sessions on the test database."""
    return make_session_factory(db)


@pytest.fixture
def session(session_factory: SessionFactory) -> Iterator[Session]:
    """One session for a test that talks to services directly."""
    s = session_factory()
    yield s
    s.rollback()
    s.close()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A fake Slack Web API that records every call; a test fails if Slack would have refused its blocks."""
    fake = FakeSlack().start()
    yield fake
    fake.stop()
    assert not fake.refused, "Slack refused blocks with invalid_blocks: " + repr(fake.refused)


@pytest.fixture
def settings(fake_slack: FakeSlack, database_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at the fake Slack and the test database."""
    return load_settings(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake_slack.url,
            "DATABASE_URL": database_url,
            "STRETCH_DATA_DIR": str(tmp_path),
        },
        dotenv=tmp_path / "no.env",
    )


@dataclass
class Clock:
    """An injectable clock: real time until a test sets it."""

    fixed: datetime | None = None

    def __call__(self) -> datetime:
        return self.fixed if self.fixed is not None else datetime.now(UTC)

    def set(self, moment: datetime) -> None:
        """Stop the clock at `moment` (must be aware)."""
        assert moment.tzinfo is not None
        self.fixed = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        """Move the stopped clock forward."""
        self.fixed = self() + delta
        return self.fixed


@pytest.fixture
def operator_env(
    monkeypatch: pytest.MonkeyPatch, fake_slack: FakeSlack, database_url: str, tmp_path: Path, db: Engine
) -> FakeSlack:
    """An operator's shell: tokens, the fake Slack's URL and the (upgraded) test database in the
    environment, and a manager (Mia, Berlin) and a rep (Raj, Kolkata) in the workspace."""
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.url,
        "DATABASE_URL": database_url,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    fake_slack.add_user("U0MIA", "Mia Manager", tz="Europe/Berlin")
    fake_slack.add_user("U0RAJ", "Raj Rep", tz="Asia/Kolkata")
    return fake_slack


@pytest.fixture
def clock() -> Clock:
    """The clock handed to the app."""
    return Clock()


@pytest.fixture
def deps(session_factory: SessionFactory, settings: Settings, clock: Clock) -> Deps:
    """What listeners get."""
    return Deps(session_factory=session_factory, settings=settings, clock=clock)


@pytest.fixture
def slack_client(settings: Settings):  # type: ignore[no-untyped-def]
    """A WebClient pointed at the fake Slack."""
    return make_client(settings)


@dataclass
class Running:
    """Stretch running over HTTP, the fake Slack it talks to, and a signed client to drive it."""

    slack: SignedSlack
    fake: FakeSlack
    deps: Deps
    app: App
    base_url: str
    clock: Clock
    extra: dict[str, object] = field(default_factory=dict)


@pytest.fixture
def running(
    deps: Deps, settings: Settings, fake_slack: FakeSlack, db: Engine, clock: Clock
) -> Iterator[Running]:
    """Stretch's real WSGI app served by waitress on a free port, answering signed requests."""
    app = create_app(settings, deps, client=make_client(settings))
    server = TestServer(build_wsgi(app, db))
    slack = SignedSlack(
        f"{server.base_url}/slack/events", SIGNING_SECRET, response_url=fake_slack.response_url()
    )
    yield Running(slack=slack, fake=fake_slack, deps=deps, app=app, base_url=server.base_url, clock=clock)
    server.stop()
    # Bolt runs listeners after the ack on its own threads: let the last ones finish before the
    # database is wiped, or a TRUNCATE can deadlock with a listener still writing.
    app.listener_runner.listener_executor.shutdown(wait=True)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Member:
    """A person to put on a seeded team."""

    user_id: str
    name: str
    tz: str = "America/New_York"


def seed_team(
    *,
    session_factory: SessionFactory,
    fake: FakeSlack,
    managers: list[Member],
    reps: list[Member],
    name: str = "Closers",
    channel: str = "C0TEAM",
    checkin_days: str = "mon,wed,fri",
    checkin_time: str = "09:30",
    digest_day: str = "fri",
    digest_time: str = "16:00",
    now: datetime | None = None,
    welcomed: bool = True,
) -> int:
    """Create a team straight through the service (as the CLI does); returns its id.

    `welcomed`: its reps had their welcome DM long ago (an established team), so a test of another
    feature sees only that feature's messages; False leaves the welcomes planned, as a new team's are."""
    for member in [*managers, *reps]:
        if member.user_id not in fake.users:
            fake.add_user(member.user_id, member.name, tz=member.tz)
    client = make_client(
        load_settings(
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.url},
            dotenv=Path("/nonexistent/.env"),
        )
    )
    moment = now or datetime.now(UTC)
    with session_scope(session_factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=WORKSPACE_ID, now=moment)
        team = save_team(
            session=session,
            workspace=workspace,
            actor_user_id=None,
            team_id=None,
            draft=TeamDraft(
                name=name,
                channel_id=channel,
                managers=tuple(m.user_id for m in managers),
                reps=tuple(m.user_id for m in reps),
                checkin_days=parse_days(checkin_days),
                checkin_time=parse_time(checkin_time),
                digest_day=digest_day,
                digest_time=parse_time(digest_time),
            ),
            fetch=fetcher_for(client),
            now=moment,
        )
        if welcomed:
            session.execute(
                update(Delivery)
                .where(Delivery.kind == "welcome", Delivery.team_id == team.id)
                .values(status="cancelled")
            )
        return team.id

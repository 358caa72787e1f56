"""Several replicas, one leader per tick (PostgreSQL advisory lock); SQLite's lone process always leads."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.pool import NullPool

from bot.db import make_engine
from bot.jobs.leader import tick_leadership
from tests.conftest import postgres_url
from tests.waiting import eventually


def test_sqlite_always_leads(tmp_path) -> None:
    """A single SQLite process needs no election."""
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with tick_leadership(engine) as led:
        assert led is True
    engine.dispose()


@pytest.mark.skipif(not postgres_url(), reason="advisory locks need PostgreSQL (TEST_DATABASE_URL)")
def test_only_one_replica_leads_at_a_time_and_the_next_takes_over(db: Engine) -> None:
    """While one replica holds the tick, another is told it doesn't lead; once released, it does."""
    url = postgres_url()
    assert url
    other_replica = make_engine(url)
    try:
        with tick_leadership(db) as first:
            assert first is True
            with tick_leadership(other_replica) as second:
                assert second is False
        with tick_leadership(other_replica) as after:
            assert after is True
    finally:
        other_replica.dispose()


@pytest.mark.skipif(not postgres_url(), reason="advisory locks need PostgreSQL (TEST_DATABASE_URL)")
def test_a_dead_leaders_lock_is_released_with_its_connection(db: Engine) -> None:
    """A leader whose connection dies (SIGKILL, network) frees the tick for the others."""
    url = postgres_url()
    assert url
    doomed = make_engine(url, poolclass=NullPool)
    other_replica = make_engine(url)
    try:
        leadership = tick_leadership(doomed)
        assert leadership.__enter__() is True
        with tick_leadership(other_replica) as while_alive:
            assert while_alive is False
        # Kill the leader's connection from the server side, as a crash would.
        with other_replica.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND pid <> pg_backend_pid() "
                    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                )
            )

        # pg_terminate_backend only signals the backend: its locks go when it has exited, a moment later.
        def takes_over() -> bool:
            with tick_leadership(other_replica) as after_death:
                return bool(after_death)

        eventually(takes_over, timeout=10, interval=0.05, what="the other replica to take the tick over")
    finally:
        doomed.dispose()
        other_replica.dispose()

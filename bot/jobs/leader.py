"""One replica leads each tick: a PostgreSQL advisory lock held on a connection for the tick's length.

If the leader dies its connection drops and PostgreSQL releases the lock, so another replica leads
the next tick. SQLite is single-process: the lone process always leads.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text

logger = logging.getLogger(__name__)

# An arbitrary constant that names "the Stretch tick" among advisory locks ("STRETCH" in ASCII).
TICK_LOCK_KEY = 0x5354524554434


@contextmanager
def tick_leadership(engine: Engine) -> Iterator[bool]:
    """Yield True when this process leads the tick (holding the lock until the block ends)."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as connection:
        led = bool(
            connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": TICK_LOCK_KEY}).scalar()
        )
        connection.commit()
        try:
            yield led
        finally:
            if led:
                try:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": TICK_LOCK_KEY})
                    connection.commit()
                except Exception:
                    # The connection is gone, and with it the lock.
                    logger.warning("could not release the tick lock; its connection is gone")

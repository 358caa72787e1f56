"""What listeners need from the outside world: sessions, settings and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.config import Settings
from bot.db import SessionFactory


def utcnow() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


@dataclass
class Deps:
    """Handed to every listener at registration; tests swap the clock or the sessions."""

    session_factory: SessionFactory
    settings: Settings
    clock: Callable[[], datetime] = field(default=utcnow)

    def now(self) -> datetime:
        """The current instant according to the injected clock."""
        return self.clock()

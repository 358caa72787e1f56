"""What listeners need from the outside world: sessions, settings, the clock and the features."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.db import SessionFactory

if TYPE_CHECKING:
    from bot.features import Wiring


def utcnow() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


def all_features() -> Wiring:
    """Every feature of bot/features.py (imported here, not at the top: features imports the listeners)."""
    from bot.features import wiring

    return wiring()


@dataclass
class Deps:
    """Handed to every listener at registration; tests swap the clock or the sessions."""

    session_factory: SessionFactory
    settings: Settings
    clock: Callable[[], datetime] = field(default=utcnow)
    # What Stretch runs: subcommands, usage lines, Home sections, delivery kinds (bot/features.py).
    wiring: Wiring = field(default_factory=all_features)

    def now(self) -> datetime:
        """The current instant according to the injected clock."""
        return self.clock()

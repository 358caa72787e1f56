"""The clock's work: what is due now is planned into delivery rows, then sent.

`tick()` is what the in-process scheduler runs every minute and what `stretch tick` runs once. Each
feature adds a planner (a function of session and now that inserts idempotent delivery rows); the
database, not the scheduler, remembers what was done.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.db import SessionFactory, session_scope
from bot.jobs.leader import tick_leadership
from bot.jobs.outbox import LEASE, DispatchReport, dispatch_due

logger = logging.getLogger(__name__)

Planner = Callable[[Session, datetime], int]
PLANNERS: list[tuple[str, Planner]] = []


def register_planner(name: str, planner: Planner) -> None:
    """Add a feature's planner to every tick (once)."""
    if all(existing != name for existing, _ in PLANNERS):
        PLANNERS.append((name, planner))


@dataclass
class TickReport:
    """What one tick planned and sent."""

    led: bool = True
    planned: dict[str, int] = field(default_factory=dict)
    dispatch: DispatchReport = field(default_factory=DispatchReport)


def tick(
    *,
    session_factory: SessionFactory,
    client: WebClient,
    now: datetime,
    budget_seconds: float = 45.0,
    stop: threading.Event | None = None,
    lease: timedelta = LEASE,
) -> TickReport:
    """Run everything scheduled that is due at `now`: plan, then send. Safe to run twice, and safe to
    run on several replicas at once: one leads, the others return at once with `led` False.

    `stop` (set on SIGTERM) ends the fan-out after the send in flight; the rest waits for a later tick.
    `lease` is how long a claimed delivery is this process's before another may take it over."""
    _load_features()
    report = TickReport()
    engine = session_factory.kw["bind"]
    with tick_leadership(engine) as led:
        report.led = led
        if not led:
            logger.debug("another replica leads this tick")
            return report
        for name, planner in PLANNERS:
            if stop is not None and stop.is_set():
                return report
            try:
                with session_scope(session_factory) as session:
                    report.planned[name] = planner(session, now)
            except Exception:
                # One feature's bug must not stop the others' messages.
                logger.exception("planner %s failed", name)
        # Issue 15 item 9: recaps and the quiet signal need to know which huddle threads Stretch could
        # read; this asks Slack, so it runs here with the client rather than as a planner.
        from bot.jobs.huddles import check_huddle_threads

        try:
            check_huddle_threads(session_factory=session_factory, client=client, now=now)
        except Exception:
            logger.exception("checking huddle threads failed")
        report.dispatch = dispatch_due(
            session_factory=session_factory,
            client=client,
            now=now,
            budget_seconds=budget_seconds,
            stop=stop,
            lease=lease,
        )
    return report


def _load_features() -> None:
    """Import the feature job modules so they register their planners and delivery kinds."""
    from bot.jobs import features  # noqa: F401

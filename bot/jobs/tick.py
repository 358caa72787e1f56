"""One tick of the clock: every feature's planner turns what is due into delivery rows, then the outbox
sends them.

`tick()` is what the in-process scheduler runs every minute and what `stretch tick` runs once. The
planners and the delivery kinds come from bot/features.py; the database, not the scheduler, remembers
what was done.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient

from bot import features
from bot.db import SessionFactory, session_scope
from bot.features import Wiring
from bot.jobs.claims import LEASE
from bot.jobs.leader import tick_leadership
from bot.jobs.outbox import dispatch_due
from bot.jobs.outcomes import DispatchReport

logger = logging.getLogger(__name__)


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
    wiring: Wiring | None = None,
) -> TickReport:
    """Run everything scheduled that is due at `now`: plan, then send. Safe to run twice, and safe to
    run on several replicas at once: one leads, the others return at once with `led` False.

    `stop` (set on SIGTERM) ends the fan-out after the send in flight; the rest waits for a later tick.
    `lease` is how long a claimed delivery is this process's before another may take it over. `wiring`
    is what Stretch runs (every feature of bot/features.py unless a test narrows it)."""
    wiring = wiring or features.wiring()
    report = TickReport()
    engine = session_factory.kw["bind"]
    with tick_leadership(engine) as led:
        report.led = led
        if not led:
            logger.debug("another replica leads this tick")
            return report
        for name, planner in wiring.planners:
            if stop is not None and stop.is_set():
                return report
            try:
                with session_scope(session_factory) as session:
                    report.planned[name] = planner(session, now)
            except Exception:
                # One feature's bug must not stop the others' messages.
                logger.exception("planner %s failed", name)
        for name, check in wiring.slack_checks:
            if stop is not None and stop.is_set():
                return report
            try:
                check(session_factory=session_factory, client=client, now=now)
            except Exception:
                # Like a planner: one feature's bug must not stop the others' messages.
                logger.exception("Slack check %s failed", name)
        report.dispatch = dispatch_due(
            session_factory=session_factory,
            client=client,
            now=now,
            budget_seconds=budget_seconds,
            kinds=wiring.kinds,
            stop=stop,
            lease=lease,
        )
    return report

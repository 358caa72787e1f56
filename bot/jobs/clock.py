"""The in-process clock: APScheduler calls tick() at the top of every minute (or every `every_seconds`).
It keeps no state: the database rows are the truth, so several replicas may each run one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

logger = logging.getLogger(__name__)


def start_clock(run_tick: Callable[[datetime], object], *, every_seconds: int = 60) -> BackgroundScheduler:
    """Start a background scheduler that runs `run_tick(now)` every minute (or every `every_seconds`,
    which divides a minute); returns it for shutdown."""

    def job() -> None:
        try:
            run_tick(datetime.now(UTC))
        except Exception:
            logger.exception("tick failed; the next one will try again")

    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        job,
        CronTrigger(second=0 if every_seconds >= 60 else f"*/{every_seconds}", timezone=UTC),
        id="stretch-tick",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=30,
    )
    scheduler.start()
    return scheduler

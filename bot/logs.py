"""Logging set-up: one format, and a filter that keeps tokens out of every line."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

_TOKEN = re.compile(r"xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+")


class RedactTokens(logging.Filter):
    """Replace anything shaped like a Slack token with a placeholder before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN.search(message):
            record.msg = _TOKEN.sub("xox…[redacted]", message)
            record.args = None
        return True


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is now (unless given a stream), so a stream swapped or closed after
    start-up (a test runner's capture, a reopened log file) never breaks logging."""

    _chosen: Any = None

    @property
    def stream(self) -> Any:
        return self._chosen if self._chosen is not None else sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        # StreamHandler's constructor stores sys.stderr itself; only a different stream is a choice.
        self._chosen = None if value is sys.stderr else value


def configure_logging(level: str) -> None:
    """Log to stderr at `level`; Slack's SDK never logs request bodies (they carry people's answers)."""
    handler = _CurrentStderr()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # slack_sdk and Bolt log full request and response bodies at DEBUG.
    for noisy in ("slack_sdk", "slack_bolt", "urllib3", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLevelName(level)))
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    # Alembic lists its autogenerate plugins at INFO on import: noise before every command's real output.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

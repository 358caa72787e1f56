"""Socket Mode: Stretch's connection to Slack over a WebSocket, kept up across Slack's refreshes and drops.

Bolt's adapter on the `websocket-client` package, not slack_sdk's built-in client: with the built-in one
the app was deaf for about 3 s after each routine `disconnect` (refresh_requested, warning), and when the
TCP connection ended without a close frame it stayed unreachable for about a minute with a core spinning.
This one reconnects at once on both (measured by tests/e2e/test_socket_mode.py against a local server).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from slack_bolt import App

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler

from bot.config import ConfigError, Settings

logger = logging.getLogger(__name__)

# How often a quiet connection is pinged (and slack_sdk's session monitor looks for a dead session).
PING_SECONDS = 10.0
# Closing waits for the adapter's threads; past this, Stretch leaves without them (SIGTERM to exit stays
# within the orchestrator's usual 10 s: an event being handled is retried by Slack, not lost).
CLOSE_SECONDS = 6.0


def run_socket_mode(app: App, settings: Settings, *, stop: threading.Event | None = None) -> None:
    """Connect to Slack and serve until `stop` is set or KeyboardInterrupt (SIGTERM) arrives.

    A refused app-level token or an unreachable Slack raises ConfigError with one line to act on."""
    from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler

    from bot.problems import quiet_logger, slack_failure

    handler = SocketModeHandler(
        app,
        settings.slack_app_token.get_secret_value(),
        logger=logging.getLogger("bot.socket_mode.client"),
        ping_interval=PING_SECONDS,
    )
    try:
        try:
            with quiet_logger("slack_sdk.web.base_client", "bot.socket_mode.client"):
                handler.connect()
        except Exception as error:
            line = slack_failure(error, settings, app_token=True)
            if line is None:
                raise
            raise ConfigError(line) from None
        logger.info("Stretch is connected to Slack in Socket Mode")
        (stop or threading.Event()).wait()
    finally:
        _close(handler)


def _close(handler: SocketModeHandler) -> None:
    closing = threading.Thread(target=handler.close, daemon=True, name="socket-mode-close")
    closing.start()
    closing.join(CLOSE_SECONDS)
    if closing.is_alive():
        logger.warning("Socket Mode was still closing after %.0f s; stopping without it", CLOSE_SECONDS)

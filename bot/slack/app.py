"""The Bolt application: one WebClient (with retry handlers) and every listener registered."""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings
from bot.slack.deps import Deps
from bot.slack.listeners import register_all

logger = logging.getLogger(__name__)


def make_client(settings: Settings, *, token: str | None = None, timeout: int = 10) -> WebClient:
    """A WebClient for Stretch's Slack (or the fake one in tests) that retries what is worth retrying."""
    return WebClient(
        token=token if token is not None else settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def create_app(
    settings: Settings,
    deps: Deps,
    *,
    client: WebClient | None = None,
    workers: int = 8,
    process_before_response: bool = False,
) -> App:
    """Build the Bolt app with every listener; `client` lets tests point it at a fake Slack.

    `process_before_response` runs each listener to its end before answering the request (the demo
    uses it to play requests one after another; a server answers first and works after the ack)."""
    app = App(
        client=client or make_client(settings),
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        process_before_response=process_before_response,
        listener_executor=ThreadPoolExecutor(max_workers=workers, thread_name_prefix="stretch-listener"),
        logger=logging.getLogger("slack_bolt"),
    )
    register_all(app, deps)
    acknowledge_every_event(app)
    return app


# --- every event is acknowledged (issue 15, item 6) ---------------------------------------------------------


def acknowledge_every_event(app: App) -> None:
    """Register, last, a listener that acknowledges any event no other listener took.

    Slack delivers every message in the channels Stretch is in (message.channels, message.groups,
    message.im), not only the ones it acts on. Without a listener Bolt answers 404 over HTTP and sends
    no ack in Socket Mode; Slack then retries each event and may switch event delivery off for the app.
    Bolt runs only the first matching listener, so this must stay the last one registered."""

    def ignore(ack: Ack) -> None:
        ack()

    app.event(re.compile(".+"))(ignore)

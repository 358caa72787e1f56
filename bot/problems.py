"""What an operator reads when Stretch can't reach Slack or its database: one line, what failed and what
to check, instead of a traceback. The CLI's entry point asks `explain()` about any error it didn't expect.
"""

from __future__ import annotations

import logging
import re
import socket
import urllib.error
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot.config import Settings

# Slack's answers for a token it won't take, and what to do about each.
TOKEN_ERRORS = {
    "invalid_auth": "it is not a valid token",
    "not_authed": "no token reached Slack",
    "account_inactive": "the app was uninstalled or its workspace is gone",
    "token_revoked": "the token was revoked",
    "token_expired": "the token expired",
    "not_allowed_token_type": "it is the wrong kind of token",
    "missing_scope": "the token lacks a scope Stretch needs",
}


def slack_failure(error: BaseException, settings: Settings, *, app_token: bool = False) -> str | None:
    """One line for a Slack call that failed at start-up (unreachable, or a token refused), else None."""
    from slack_sdk.errors import SlackApiError

    if isinstance(error, SlackApiError):
        code = str((error.response or {}).get("error") or "unknown_error")
        if app_token:
            return (
                f"Slack refused SLACK_APP_TOKEN ({code}): create an app-level token with the "
                "connections:write scope on your app's 'Basic Information' page (xapp-…), "
                "or unset SLACK_APP_TOKEN to run in HTTP mode"
            )
        why = TOKEN_ERRORS.get(code, "Slack did not accept it")
        return (
            f"Slack refused SLACK_BOT_TOKEN ({code}: {why}): copy the Bot User OAuth Token (xoxb-…) "
            "from your app's 'OAuth & Permissions' page again, and reinstall the app if it changed"
        )
    if isinstance(error, urllib.error.URLError | ConnectionError | TimeoutError | socket.timeout | OSError):
        reason = getattr(error, "reason", None) or error
        return (
            f"could not reach Slack at {settings.slack_api_url} ({_short(reason)}): check this machine's "
            "network, DNS and proxy settings, and SLACK_API_URL if you set it"
        )
    return None


def database_failure(error: BaseException, database_url: str) -> str | None:
    """One line for a database that is missing, unreachable or refuses us, else None."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError, ProgrammingError

    if not isinstance(error, OperationalError | ProgrammingError):
        return None
    url = make_url(database_url)
    detail = str(error.orig or error).strip()
    where = _where(url)
    if url.get_backend_name() == "postgresql":
        if re.search(r'database "[^"]+" does not exist', detail):
            return (
                f'the PostgreSQL database "{url.database}" does not exist on {where}: create it with '
                f"`{createdb_command(url)}`, then run `stretch db upgrade`"
            )
        if "password authentication failed" in detail or "no password supplied" in detail:
            return f"PostgreSQL at {where} refused user {url.username!r}: check the user and password in DATABASE_URL"
        if "connection refused" in detail.lower() or "could not translate host name" in detail.lower():
            return (
                f"could not connect to PostgreSQL at {where}: is the server running and reachable? "
                "Check the host and port in DATABASE_URL"
            )
    if re.search(r"no such table|relation \"[^\"]+\" does not exist|UndefinedTable", detail):
        return not_upgraded_message()
    if url.get_backend_name() == "sqlite" and "unable to open database file" in detail:
        return f"can't open the SQLite database file {url.database}: check that its folder is writable"
    return f"the database at {where} failed: {_short(detail.splitlines()[0] if detail else error)}"


def not_upgraded_message(current: str | None = None) -> str:
    """The line for a database whose schema is older than this Stretch."""
    at = f"it is at revision {current}" if current else "it has no tables yet"
    return f"the database is not upgraded for this version of Stretch ({at}): run `stretch db upgrade` first"


def createdb_command(url: Any) -> str:
    """The `createdb` command that creates the database a PostgreSQL URL names."""
    parts = ["createdb"]
    if url.host:
        parts += ["-h", str(url.host)]
    if url.port:
        parts += ["-p", str(url.port)]
    if url.username:
        parts += ["-U", str(url.username)]
    parts.append(str(url.database))
    return " ".join(parts)


def _where(url: Any) -> str:
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def _short(value: object) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 160 else text[:157] + "…"


@contextmanager
def quiet_logger(*names: str) -> Iterator[None]:
    """Silence libraries' own error logs for a call whose failure Stretch explains itself in one line."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)

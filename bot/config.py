"""Stretch's settings: the one place that reads the environment (and an optional `.env` file)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SLACK_DEFAULT_API_URL = "https://slack.com/api/"
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
# HTTP request threads per process (`stretch serve --threads`). Under load most of them wait for a
# command's answer to send it in the ack (bot/slack/answers.py), holding no CPU and no database
# connection: enough that a whole team's burst waits there, paced by its answers, instead of being acked
# at once and sending its next commands straight away, while a few workers work the answers out.
HTTP_THREADS = 48


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line a person can act on."""


class Secret:
    """A string that never shows itself in a repr, a log line or a traceback."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        """The real value, for the one place that needs it."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__


@dataclass(frozen=True)
class Settings:
    """Typed settings for every entry point (serve, tick, CLI, tests)."""

    slack_bot_token: Secret
    slack_signing_secret: Secret
    slack_app_token: Secret
    database_url: str
    slack_api_url: str
    port: int
    log_level: str
    data_dir: Path
    # How often the in-process clock ticks, and how long a claimed delivery is one process's before
    # another replica may take it over (after a crash). Defaults suit production; tests shorten them.
    tick_seconds: int = 60
    delivery_lease_seconds: int = 120

    @property
    def socket_mode_available(self) -> bool:
        """Whether an app-level token is set, so Socket Mode can be used."""
        return bool(self.slack_app_token)


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse a simple KEY=VALUE `.env` file; comments, blank lines and `export ` prefixes allowed."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        if line.startswith("export "):
            line = line[len("export ") :]
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def _environment(env: Mapping[str, str] | None, dotenv: Path | None) -> dict[str, str]:
    merged = read_dotenv(dotenv or Path(".env"))
    merged.update(os.environ if env is None else env)
    return merged


def load_settings(
    env: Mapping[str, str] | None = None,
    *,
    dotenv: Path | None = None,
    require_slack: bool = True,
) -> Settings:
    """Build Settings from the environment; raise ConfigError naming the first bad setting."""
    values = _environment(env, dotenv)

    def get(name: str) -> str:
        return values.get(name, "").strip()

    bot_token = get("SLACK_BOT_TOKEN")
    signing_secret = get("SLACK_SIGNING_SECRET")
    app_token = get("SLACK_APP_TOKEN")
    if require_slack:
        _check_slack_values(bot_token, signing_secret)
    if app_token and not app_token.startswith("xapp-"):
        raise ConfigError(
            "SLACK_APP_TOKEN must be an app-level token starting with 'xapp-' (or unset it for HTTP mode)"
        )

    data_dir = Path(get("STRETCH_DATA_DIR") or "data")
    database_url = get("DATABASE_URL") or f"sqlite:///{data_dir / 'stretch.db'}"
    database_url = normalise_database_url(database_url)

    api_url = get("SLACK_API_URL") or SLACK_DEFAULT_API_URL
    if not api_url.startswith(("http://", "https://")):
        raise ConfigError(f"SLACK_API_URL must be an http(s) URL, got {api_url!r}")
    if not api_url.endswith("/"):
        api_url += "/"

    port_text = get("PORT") or "3000"
    try:
        port = int(port_text)
    except ValueError:
        raise ConfigError(f"PORT must be a number between 1 and 65535, got {port_text!r}") from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"PORT must be a number between 1 and 65535, got {port}")

    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}")

    tick_seconds = _bounded_int(get("STRETCH_TICK_SECONDS") or "60", "STRETCH_TICK_SECONDS", 1, 60)
    if 60 % tick_seconds:
        raise ConfigError(
            f"STRETCH_TICK_SECONDS must divide a minute (1, 2, 5, 10, 30, 60…), got {tick_seconds}"
        )
    lease_seconds = _bounded_int(
        get("STRETCH_DELIVERY_LEASE_SECONDS") or "120", "STRETCH_DELIVERY_LEASE_SECONDS", 1, 3600
    )

    return Settings(
        tick_seconds=tick_seconds,
        delivery_lease_seconds=lease_seconds,
        slack_bot_token=Secret(bot_token),
        slack_signing_secret=Secret(signing_secret),
        slack_app_token=Secret(app_token),
        database_url=database_url,
        slack_api_url=api_url,
        port=port,
        log_level=log_level,
        data_dir=data_dir,
    )


def require_slack_settings(settings: Settings) -> None:
    """Raise ConfigError when the Slack settings a command needs are missing (for commands that check
    their own arguments first and only then need Slack)."""
    _check_slack_values(
        settings.slack_bot_token.get_secret_value(), settings.slack_signing_secret.get_secret_value()
    )


def _check_slack_values(bot_token: str, signing_secret: str) -> None:
    if not bot_token:
        raise ConfigError(
            "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from your Slack app's "
            "'OAuth & Permissions' page into the environment or .env"
        )
    if not bot_token.startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting with 'xoxb-'")
    if not signing_secret:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set: copy the Signing Secret from your Slack app's "
            "'Basic Information' page into the environment or .env"
        )


def _bounded_int(text: str, name: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number of seconds, got {text!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def normalise_database_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, postgresql://) and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if not url.startswith(("sqlite", "postgresql+")):
        raise ConfigError(
            "DATABASE_URL must be a sqlite:/// or postgresql:// URL, "
            f"got one starting with {url.split(':', 1)[0]!r}"
        )
    return url

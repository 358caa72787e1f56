"""Settings: read once from the environment, with clear one-line errors and secrets that never show."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Secret, load_settings, read_dotenv

BASE = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "shh"}
NO_DOTENV = Path("/nonexistent/.env")


def test_defaults_are_sane() -> None:
    """SQLite under data/, Slack's API, port 3000, INFO logs."""
    settings = load_settings(BASE, dotenv=NO_DOTENV)
    assert settings.database_url == "sqlite:///data/stretch.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert (settings.port, settings.log_level, settings.socket_mode_available) == (3000, "INFO", False)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token", "SLACK_SIGNING_SECRET": "s"}, "must be a bot token"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set"),
        ({**BASE, "SLACK_APP_TOKEN": "xoxb-nope"}, "SLACK_APP_TOKEN must be an app-level token"),
        ({**BASE, "DATABASE_URL": "mysql://x"}, "DATABASE_URL must be a sqlite:/// or postgresql:// URL"),
        ({**BASE, "SLACK_API_URL": "ftp://x"}, "SLACK_API_URL must be an http(s) URL"),
        ({**BASE, "PORT": "70000"}, "PORT must be a number between 1 and 65535"),
        ({**BASE, "LOG_LEVEL": "chatty"}, "LOG_LEVEL must be one of"),
    ],
)
def test_a_bad_setting_is_named_in_one_line(env: dict[str, str], message: str) -> None:
    """Every refusal is one line that names the setting and what to do."""
    with pytest.raises(ConfigError) as error:
        load_settings(env, dotenv=NO_DOTENV)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_postgres_urls_as_people_paste_them_use_psycopg() -> None:
    """postgres:// and postgresql:// both become postgresql+psycopg://."""
    for url in ("postgres://u:p@h/db", "postgresql://u:p@h/db"):
        assert load_settings({**BASE, "DATABASE_URL": url}, dotenv=NO_DOTENV).database_url == (
            "postgresql+psycopg://u:p@h/db"
        )


def test_secrets_never_show_in_reprs() -> None:
    """A token in a repr, f-string or log line reads as stars."""
    settings = load_settings(BASE, dotenv=NO_DOTENV)
    assert "xoxb-1-2-abc" not in repr(settings)
    assert "shh" not in f"{settings.slack_signing_secret}"
    assert settings.slack_bot_token.get_secret_value() == "xoxb-1-2-abc"
    assert not Secret("")


def test_dotenv_parsing_handles_comments_quotes_and_export(tmp_path: Path) -> None:
    """KEY=VALUE lines, comments, quotes and `export` are understood; the environment wins."""
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# comment\nexport SLACK_BOT_TOKEN=\"xoxb-from-file\"\nSLACK_SIGNING_SECRET='q'\nJUNK\n"
    )
    assert read_dotenv(dotenv) == {"SLACK_BOT_TOKEN": "xoxb-from-file", "SLACK_SIGNING_SECRET": "q"}
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-env"}, dotenv=dotenv)
    assert settings.slack_bot_token.get_secret_value() == "xoxb-env"
    assert settings.slack_signing_secret.get_secret_value() == "q"

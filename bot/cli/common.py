"""What the `stretch` command groups share: the database engine, the schema and Slack checks, finding a team
by id or name, and Slack-formatted messages made readable in a terminal."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.config import ConfigError, Settings
from bot.domain.errors import UserError

if TYPE_CHECKING:
    from slack_sdk import WebClient
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from bot.models import Team


def for_terminal(message: str) -> str:
    """A reply written for Slack, readable in a terminal: `<@U1>` → U1, `<#C1>` → #C1, `*x*` → x."""
    text = re.sub(r"<@([A-Z0-9]+)(?:\|[^>]*)?>", r"\1", message)
    text = re.sub(r"<#([A-Z0-9]+)(?:\|([^>]*))?>", lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = re.sub(r"<([^|>]+)\|([^>]+)>", r"\2 (\1)", text)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def open_engine(settings: Settings) -> Engine:
    """The database engine for one command (parameters kept out of error messages)."""
    from bot.db import make_engine

    return make_engine(settings.database_url, hide_parameters=True)


def check_slack(client: WebClient, settings: Settings) -> None:
    """Ask Slack who we are before serving: unreachable or a refused token is one line, not a traceback."""
    from bot.problems import quiet_logger, slack_failure

    try:
        # slack_sdk logs each failed try at ERROR; the one line below says it all.
        with quiet_logger("slack_sdk.web.base_client"):
            client.auth_test()
    except Exception as error:
        line = slack_failure(error, settings)
        if line is None:
            raise
        raise ConfigError(line) from None


def require_upgraded(settings: Settings) -> None:
    """Refuse to work on a database whose schema is older than this Stretch (no 'no such table' later)."""
    from bot import migrate
    from bot.problems import not_upgraded_message

    current = migrate.current_revision(settings.database_url)
    if current != migrate.head_revision():
        raise ConfigError(not_upgraded_message(current))


def find_team(session: Session, key: str) -> Team:
    """The team with this id or exact name; a name two teams share must be given as an id."""
    from sqlalchemy import select

    from bot.models import Team

    if key.isdigit():
        found = session.get(Team, int(key))
    else:
        named = list(session.scalars(select(Team).where(Team.name == key).order_by(Team.id)))
        if len(named) > 1:
            ids = ", ".join(str(team.id) for team in named)
            raise UserError(f"{len(named)} teams are called {key!r} (ids {ids}): give the id instead.")
        found = named[0] if named else None
    if found is None:
        raise UserError(f"No team called {key!r}. `stretch team list` shows them all.")
    return found

"""Publishing the App Home: the base view plus each feature's section, gathered and built in one go.

Features add their part with `register_home_section(name, order, fn)`: `fn` gets a HomeContext (an
open session, the person, the clock) and returns blocks built by that feature's pure builders.
Lower `order` comes first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.models import Person, Workspace
from bot.services.home import HomeModel, home_model
from bot.services.people import find_person, get_or_create_workspace
from bot.slack.blocks.common import Block
from bot.slack.blocks.home import build_home
from bot.slack.deps import Deps

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HomeContext:
    """What a feature's home section may read."""

    session: Session
    workspace: Workspace
    person: Person | None
    user_id: str
    now: datetime
    model: HomeModel


HomeSection = Callable[[HomeContext], list[Block]]
_SECTIONS: list[tuple[int, str, HomeSection]] = []


def register_home_section(name: str, order: int, section: HomeSection) -> None:
    """Add a feature's section to everyone's App Home (once per name)."""
    if any(existing == name for _, existing, _ in _SECTIONS):
        return
    _SECTIONS.append((order, name, section))
    _SECTIONS.sort(key=lambda item: (item[0], item[1]))


def publish_home(*, deps: Deps, client: WebClient, slack_team_id: str, user_id: str) -> None:
    """Build and publish one person's App Home."""
    now = deps.now()
    with session_scope(deps.session_factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=slack_team_id, now=now)
        person = find_person(session=session, workspace_id=workspace.id, user_id=user_id)
        model = home_model(session=session, workspace=workspace, user_id=user_id, person=person)
        context = HomeContext(
            session=session, workspace=workspace, person=person, user_id=user_id, now=now, model=model
        )
        sections: list[list[Block]] = []
        if model.teams:
            for _, name, section in _SECTIONS:
                try:
                    sections.append(section(context))
                except Exception:
                    # One feature's bug shouldn't blank the whole Home.
                    logger.exception("home section %s failed", name)
        view = build_home(model, sections=sections)
    client.views_publish(user_id=user_id, view=view)

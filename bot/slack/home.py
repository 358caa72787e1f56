"""Publishing the App Home: the base view plus each feature's section, gathered and built in one go.

Each feature's section is listed in bot/features.py: a function that gets a HomeContext (an open
session, the person, the clock) and returns blocks built by that feature's pure builders.
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
            for spec in deps.wiring.home_sections:
                try:
                    sections.append(spec.build(context))
                except Exception:
                    # One feature's bug shouldn't blank the whole Home.
                    logger.exception("home section %s failed", spec.name)
        view = build_home(model, sections=sections)
    client.views_publish(user_id=user_id, view=view)

"""The team's questions modal as the set stands now, opened or redrawn by `/stretch questions`, the
dashboard's Questions button, the questions menu and the question editor's Save."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.services.checkins.questions import question_views
from bot.slack.blocks.checkins import build_questions_modal


def questions_modal(*, session: Session, team_id: int, team_name: str, now: datetime) -> dict[str, Any]:
    """The questions modal as the team's set stands now."""
    return build_questions_modal(
        team_id=team_id,
        team_name=team_name,
        questions=question_views(session=session, team_id=team_id, now=now),
    )

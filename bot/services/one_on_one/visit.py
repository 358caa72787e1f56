"""Opening a 1:1 page, the one call its listeners make: check who may see it, record what the manager
did ("1:1 done", the private note), then gather the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.services.one_on_one.access import page_access, record_one_on_one, save_manager_note
from bot.services.one_on_one.page import RepPage, rep_page
from bot.services.people import get_or_create_workspace


@dataclass(frozen=True)
class PageRequest:
    """Whose page a viewer asks for (by user id, or person id and team from the page itself), which
    page of check-ins, and what a manager recorded on it."""

    slack_team_id: str
    viewer_user_id: str
    rep_user_id: str | None = None
    rep_person_id: int | None = None
    team_id: int | None = None
    before: date | None = None
    mark_done: bool = False
    note: str | None = None


def visit_page(*, session: Session, request: PageRequest, now: datetime) -> RepPage:
    """The page the viewer may see, after recording a "1:1 done" or a note (managers only)."""
    workspace = get_or_create_workspace(session=session, slack_team_id=request.slack_team_id, now=now)
    access = page_access(
        session=session,
        workspace_id=workspace.id,
        viewer_user_id=request.viewer_user_id,
        rep_user_id=request.rep_user_id,
        rep_person_id=request.rep_person_id,
        team_id=request.team_id,
    )
    if request.mark_done:
        record_one_on_one(session=session, access=access, now=now)
        session.flush()
    if request.note is not None:
        save_manager_note(session=session, access=access, text=request.note, now=now)
        session.flush()
    return rep_page(session=session, access=access, now=now, before=request.before)

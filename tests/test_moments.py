"""Stretch moments are recorded once per key."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.db import SessionFactory, session_scope
from bot.models import StretchMoment
from bot.models.moments import MOMENT_BIG_SLICE
from bot.services.moments import record_moment
from bot.services.people import find_person, get_or_create_workspace
from tests.conftest import Member, seed_team
from tests.fakeslack import WORKSPACE_ID, FakeSlack

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def test_a_moment_recorded_twice_is_stored_once(
    session_factory: SessionFactory, fake_slack: FakeSlack
) -> None:
    """A retried request or tick can't double a celebration."""
    team_id = seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[Member("U0MIA", "Mia")],
        reps=[Member("U0R", "R")],
    )
    with session_scope(session_factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=WORKSPACE_ID, now=NOW)
        person = find_person(session=session, workspace_id=workspace.id, user_id="U0R")
        assert person is not None
        first = record_moment(
            session=session,
            team_id=team_id,
            person_id=person.id,
            kind=MOMENT_BIG_SLICE,
            summary="claimed a bigger slice",
            dedupe_key="pie:1:claim:1",
            now=NOW,
        )
        second = record_moment(
            session=session,
            team_id=team_id,
            person_id=person.id,
            kind=MOMENT_BIG_SLICE,
            summary="claimed a bigger slice",
            dedupe_key="pie:1:claim:1",
            now=NOW,
        )
    assert (first, second) == (True, False)
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(StretchMoment)) == 1

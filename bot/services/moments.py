"""Recording stretch moments, once each, for shout-outs and the digest to use."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.models.moments import StretchMoment


def record_moment(
    *,
    session: Session,
    team_id: int,
    person_id: int,
    kind: str,
    summary: str,
    dedupe_key: str,
    now: datetime,
    ref_id: int | None = None,
) -> bool:
    """Store a stretch moment; False when one with this key was already recorded."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(StretchMoment)
        .values(
            team_id=team_id,
            person_id=person_id,
            kind=kind,
            ref_id=ref_id,
            summary=summary[:300],
            dedupe_key=dedupe_key[:200],
            occurred_at=now,
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(StretchMoment.id)
    )
    return session.execute(statement).first() is not None

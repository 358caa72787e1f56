"""Planning what Stretch owes whom: delivery rows with unique keys, and the contract of a delivery kind.

This is storage-level work that services and planners call: a feature plans a message by inserting a
Delivery whose key is unique (planning it again inserts nothing), and says how each of its kinds is
rendered in `bot/features.py`. Sending, leases and pacing are the clock's (`bot/jobs/outbox.py` and the modules it names).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.models import Delivery, Person

PENDING = "pending"
# Handed to Slack (or about to be) with an unknown outcome: verified against Slack before any resend.
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
EXPIRED = "expired"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class Message:
    """What a renderer wants sent."""

    text: str
    blocks: list[dict[str, Any]] | None = None
    # Files (PNG charts) the sender shares into the same conversation right after the message (issue 19).
    files: tuple[FileUpload, ...] = ()


@dataclass(frozen=True)
class FileUpload:
    """A file to share after a message: its bytes, name, title and alt text (which carries its figures)."""

    filename: str
    title: str
    content: bytes
    alt_text: str


Renderer = Callable[[Session, Delivery, datetime], Message | None]
Hook = Callable[[Session, Delivery, datetime], None]


@dataclass(frozen=True)
class KindSpec:
    """How to render one kind of delivery and what to do after it was sent or given up."""

    render: Renderer
    after_send: Hook | None = None
    on_give_up: Hook | None = None


def enqueue(
    *,
    session: Session,
    kind: str,
    dedupe_key: str,
    channel: str,
    due_at: datetime,
    now: datetime,
    expires_at: datetime | None = None,
    team_id: int | None = None,
    person_id: int | None = None,
    ref_id: int | None = None,
) -> bool:
    """Plan a message; True if it is new, False if that key was already planned (nothing changes)."""
    row = {
        "kind": kind,
        "dedupe_key": dedupe_key,
        "channel": channel,
        "due_at": due_at,
        "expires_at": expires_at,
        "team_id": team_id,
        "person_id": person_id,
        "ref_id": ref_id,
    }
    return enqueue_many(session=session, rows=[row], now=now) == 1


def dm(
    *,
    kind: str,
    dedupe_key: str,
    person: Person,
    due_at: datetime,
    expires_at: datetime | None = None,
    team_id: int | None = None,
    ref_id: int | None = None,
) -> dict[str, Any]:
    """A DM to one person, as a row for `enqueue_many` (plan a feature's DMs, then insert them at once)."""
    return {
        "kind": kind,
        "dedupe_key": dedupe_key,
        "channel": person.slack_user_id,
        "due_at": due_at,
        "expires_at": expires_at,
        "team_id": team_id,
        "person_id": person.id,
        "ref_id": ref_id,
    }


def enqueue_many(*, session: Session, rows: Sequence[dict[str, Any]], now: datetime) -> int:
    """Plan many messages in one statement (each row as `enqueue`'s arguments); returns how many are new.

    A key that is already planned is left as it is, whatever the row says."""
    if not rows:
        return 0
    values = [
        {
            "kind": row["kind"],
            "dedupe_key": row["dedupe_key"],
            "channel": row["channel"],
            "due_at": row["due_at"],
            "expires_at": row.get("expires_at"),
            "team_id": row.get("team_id"),
            "person_id": row.get("person_id"),
            "ref_id": row.get("ref_id"),
            "status": PENDING,
            "attempts": 0,
            "created_at": now,
        }
        for row in rows
    ]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(Delivery).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(Delivery.id)
    return len(session.execute(statement, values).all())


def enqueue_dms(
    *,
    session: Session,
    kind: str,
    key: str,
    people: Iterable[Person],
    due_at: datetime,
    now: datetime,
    expires_at: datetime | None = None,
    team_id: int | None = None,
    ref_id: int | None = None,
) -> int:
    """Plan the same kind of DM to each person (e.g. every manager of a team), keyed `<key>:<person id>`,
    in one statement; returns how many were new."""
    rows = [
        dm(
            kind=kind,
            dedupe_key=f"{key}:{person.id}",
            person=person,
            due_at=due_at,
            expires_at=expires_at,
            team_id=team_id,
            ref_id=ref_id,
        )
        for person in people
    ]
    return enqueue_many(session=session, rows=rows, now=now)

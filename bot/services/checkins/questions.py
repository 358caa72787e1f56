"""The team's check-in question set: seeded with the defaults, then added to, reworded, reordered, removed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.domain import questions as qrules
from bot.domain.errors import UserError
from bot.models.checkins import CheckinQuestion


@dataclass(frozen=True)
class QuestionView:
    """One question of a check-in as the message shows it."""

    id: int
    key: str
    kind: str
    prompt: str
    options: tuple[tuple[str, str], ...]
    answer: str | None


def question_view(question: CheckinQuestion, answer: str | None = None) -> QuestionView:
    """A stored question as the message, the menu and the editor show it."""
    return QuestionView(
        question.id, question.key, question.kind, question.prompt, tuple(options_of(question)), answer
    )


def options_of(question: CheckinQuestion) -> list[tuple[str, str]]:
    """A question's [value, label] options."""
    try:
        return [(str(v), str(label)) for v, label in json.loads(question.options or "[]")]
    except (ValueError, TypeError):
        return []


def team_questions(
    *, session: Session, team_id: int, now: datetime, include_removed: bool = False
) -> list[CheckinQuestion]:
    """The team's questions in order, seeding the default set the first time a team needs them."""
    query = (
        select(CheckinQuestion)
        .where(CheckinQuestion.team_id == team_id)
        .order_by(CheckinQuestion.position, CheckinQuestion.id)
    )
    questions = list(session.scalars(query))
    if not questions:
        # Two check-ins of a new team may be rendered at the same instant (the outbox sends side by side,
        # replicas too): whoever inserts second keeps the first one's rows instead of failing.
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert(CheckinQuestion).on_conflict_do_nothing(index_elements=["team_id", "key"]),
            [
                {
                    "team_id": team_id,
                    "key": spec.key,
                    "kind": spec.kind,
                    "prompt": spec.prompt,
                    "options": json.dumps([list(o) for o in spec.options]),
                    "position": position,
                    "created_at": now,
                }
                for position, spec in enumerate(qrules.DEFAULT_QUESTIONS)
            ],
        )
        questions = list(session.scalars(query))
    return [q for q in questions if include_removed or q.removed_at is None]


def _question(session: Session, team_id: int, key: str, now: datetime) -> CheckinQuestion:
    for question in team_questions(session=session, team_id=team_id, now=now):
        if question.key == key:
            return question
    raise UserError(f"This team has no question '{key}'. `stretch questions list` shows the keys.")


def _renumber(questions: list[CheckinQuestion]) -> None:
    for position, question in enumerate(questions):
        question.position = position


def add_question(
    *,
    session: Session,
    team_id: int,
    kind: str,
    prompt: str,
    options_text: str,
    now: datetime,
    key: str | None = None,
) -> CheckinQuestion:
    """Add a question at the end of the team's set (key derived from the wording unless given)."""
    kind = (kind or "").strip().lower()
    prompt = qrules.clean_prompt(prompt)
    options = qrules.parse_options(kind, options_text)
    active = team_questions(session=session, team_id=team_id, now=now)
    if len(active) >= qrules.MAX_QUESTIONS:
        raise UserError(f"A check-in can have at most {qrules.MAX_QUESTIONS} questions; remove one first.")
    taken = set(session.scalars(select(CheckinQuestion.key).where(CheckinQuestion.team_id == team_id)))
    if key is not None:
        key = qrules.check_key(key)
        if key in taken:
            raise UserError(f"The key '{key}' is already used by this team (keys are never reused).")
    question = CheckinQuestion(
        team_id=team_id,
        key=key or qrules.new_key(prompt, taken),
        kind=kind,
        prompt=prompt,
        options=json.dumps([list(o) for o in options]),
        position=len(active),
        created_at=now,
    )
    session.add(question)
    session.flush()
    return question


def reword_question(
    *, session: Session, team_id: int, key: str, prompt: str, now: datetime, options_text: str | None = None
) -> CheckinQuestion:
    """Change a question's wording (and, when given, its option labels); its key and kind stay."""
    question = _question(session, team_id, key, now)
    question.prompt = qrules.clean_prompt(prompt)
    if options_text is not None and options_text.strip() and question.kind != qrules.TEXT:
        new = qrules.parse_options(question.kind, options_text)
        old = options_of(question)
        if question.kind == qrules.CHOICE and len(new) == len(old):
            # Same number of options: relabel in place so past answers keep pointing at them.
            new = tuple((value, label) for (value, _), (_, label) in zip(old, new, strict=True))
        question.options = json.dumps([list(o) for o in new])
    return question


def remove_question(*, session: Session, team_id: int, key: str, now: datetime) -> CheckinQuestion:
    """Stop asking a question; its past answers stay."""
    question = _question(session, team_id, key, now)
    active = team_questions(session=session, team_id=team_id, now=now)
    if len(active) <= 1:
        raise UserError("A check-in needs at least one question. Add another before removing this one.")
    question.removed_at = now
    _renumber([q for q in active if q.id != question.id])
    return question


def move_question(
    *, session: Session, team_id: int, key: str, position: int, now: datetime
) -> CheckinQuestion:
    """Move a question to a 1-based position in the team's set."""
    active = team_questions(session=session, team_id=team_id, now=now)
    question = _question(session, team_id, key, now)
    if not 1 <= position <= len(active):
        raise UserError(f"Pick a position from 1 to {len(active)}.")
    ordered = [q for q in active if q.id != question.id]
    ordered.insert(position - 1, question)
    _renumber(ordered)
    return question


def question_views(*, session: Session, team_id: int, now: datetime) -> list[QuestionView]:
    """The team's active questions in order, as the questions modal lists them."""
    return [question_view(q) for q in team_questions(session=session, team_id=team_id, now=now)]


def find_question(*, session: Session, team_id: int, key: str, now: datetime) -> QuestionView | None:
    """One active question of the team (for the editor), or None when it is gone."""
    for question in team_questions(session=session, team_id=team_id, now=now):
        if question.key == key:
            return question_view(question)
    return None


def apply_menu_choice(*, session: Session, team_id: int, verb: str, key: str, now: datetime) -> None:
    """A questions-menu choice: "remove" the question, or move it one place "up" or "down" (an unknown
    verb or a question already gone changes nothing)."""
    if verb == "remove":
        remove_question(session=session, team_id=team_id, key=key, now=now)
        return
    if verb not in ("up", "down"):
        return
    keys = [q.key for q in team_questions(session=session, team_id=team_id, now=now)]
    if key in keys:
        target = keys.index(key) + (0 if verb == "up" else 2)
        move_question(
            session=session, team_id=team_id, key=key, position=max(1, min(len(keys), target)), now=now
        )


def save_question(
    *,
    session: Session,
    team_id: int,
    key: str | None,
    kind: str,
    prompt: str,
    options_text: str,
    now: datetime,
) -> CheckinQuestion:
    """The question editor's Save: reword the question `key`, or add a new one when there is no key."""
    if key:
        return reword_question(
            session=session, team_id=team_id, key=key, prompt=prompt, options_text=options_text, now=now
        )
    return add_question(
        session=session, team_id=team_id, kind=kind, prompt=prompt, options_text=options_text, now=now
    )

"""The operator's privacy commands: `stretch export`, `forget`, `retention`, `audit` and `notes-export`.

The operator holds the database, so they may export or forget anyone; every act lands in the privacy
audit record as "operator". Nothing here needs Slack: managers' notes about a forget are outbox rows the
running app's clock sends."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import open_engine
from bot.domain.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.config import Settings
    from bot.models import Person, Team

COMMANDS = ("export", "forget", "retention", "audit", "notes-export")


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the privacy commands to `stretch`."""
    export = commands.add_parser(
        "export", help="export a team's records (CSV files) or one person's data (zip)"
    )
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--team", help="team id or name: writes one CSV per table into --out DIR")
    target.add_argument("--user", help="Slack user id: writes everything about them into --out FILE (.zip)")
    export.add_argument("--out", required=True, help="a directory (--team) or a file (--user)")

    forget = commands.add_parser(
        "forget", help="delete a person's answers, notes and settings; keep team history as 'a former member'"
    )
    forget.add_argument("--user", required=True, help="Slack user id")
    forget.add_argument("--yes", action="store_true", help="don't ask for confirmation")

    retention = commands.add_parser("retention", help="how long answers and notes are kept")
    r_commands = retention.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    r_commands.add_parser("show", help="the current retention")
    r_set = r_commands.add_parser("set", help="change it (0 keeps everything forever)")
    r_set.add_argument("--days", required=True, help="days to keep answers and notes (0 = forever)")

    audit = commands.add_parser("audit", help="who exported or forgot what, and when (never content)")
    audit.add_argument("--limit", type=int, default=50, help="how many of the newest acts (default 50)")

    notes = commands.add_parser(
        "notes-export", help="whether a team's managers' exports include reps' notes (default: no)"
    )
    notes.add_argument("--team", required=True, help="team id or name")
    notes.add_argument("setting", nargs="?", choices=("on", "off"), help="omit to show the current setting")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run one privacy command."""
    from bot.db import make_session_factory, session_scope

    engine = open_engine(settings)
    factory = make_session_factory(engine)
    now = datetime.now(UTC)
    try:
        with session_scope(factory) as session:
            if args.command == "export":
                return _export(session, args, now)
            if args.command == "forget":
                return _forget(session, args, now)
            if args.command == "retention":
                return _retention(session, args, now)
            if args.command == "notes-export":
                return _notes(session, args, now)
            return _audit(session, args)
    finally:
        engine.dispose()


def _find_team(session: Session, key: str) -> Team:
    from sqlalchemy import func, select

    from bot.models import Team

    found = (
        session.get(Team, int(key))
        if key.isdigit()
        else session.scalar(select(Team).where(func.lower(Team.name) == key.lower()))
    )
    if found is None:
        raise UserError(f"No team called {key!r}. `stretch team list` shows them all.")
    return found


def _find_person(session: Session, user_id: str) -> Person:
    from sqlalchemy import select

    from bot.models import Person

    people = list(session.scalars(select(Person).where(Person.slack_user_id == user_id)))
    if not people:
        raise UserError(f"Stretch holds nothing about {user_id}.")
    if len(people) > 1:
        raise UserError(f"{user_id} is known in {len(people)} workspaces; Slack user ids should be unique.")
    return people[0]


def _export(session: Session, args: argparse.Namespace, now: datetime) -> int:
    from bot.models.privacy import AUDIT_EXPORT_TEAM, AUDIT_EXPORT_USER
    from bot.services import exports
    from bot.services.export_files import export_directory, export_zip
    from bot.services.privacy import managers_export_notes, team_subject

    out = Path(args.out)
    if args.team:
        team = _find_team(session, args.team)
        notes = managers_export_notes(session=session, team_id=team.id)
        if out.exists() and not out.is_dir():
            raise UserError(f"{out} is a file; --team writes CSV files into a directory.")
        report = export_directory(
            out, partial(exports.write_team_export, session=session, team=team, include_notes=notes)
        )
        _record(
            session,
            AUDIT_EXPORT_TEAM,
            subject=team_subject(team),
            detail=f"notes={'yes' if notes else 'no'} {report.summary()}",
            now=now,
            workspace_id=team.workspace_id,
        )
        print(f"Wrote {len(report.rows)} CSV files ({report.total} rows) for {team.name} into {out}.")
        if not notes:
            print(
                "Reps' notes are left out (`stretch notes-export --team ... on` lets managers' exports have them)."
            )
        return 0
    person = _find_person(session, args.user)
    if out.is_dir():
        raise UserError(f"{out} is a directory; --user writes one zip file.")
    out.parent.mkdir(parents=True, exist_ok=True)
    report = export_zip(out, partial(exports.write_person_export, session=session, person=person))
    _record(
        session,
        AUDIT_EXPORT_USER,
        subject=args.user,
        detail=report.summary(),
        now=now,
        workspace_id=person.workspace_id,
    )
    print(f"Wrote everything Stretch holds about {args.user} ({report.total} rows) to {out}.")
    return 0


def _record(
    session: Session, action: str, *, subject: str, detail: str, now: datetime, workspace_id: int
) -> None:
    """Put an operator's act in the privacy audit record (counts and settings, never content)."""
    from bot.models.privacy import OPERATOR
    from bot.services.privacy import record_act

    record_act(
        session=session,
        actor=OPERATOR,
        action=action,
        subject=subject,
        detail=detail,
        now=now,
        workspace_id=workspace_id,
    )


def _forget(session: Session, args: argparse.Namespace, now: datetime) -> int:
    from bot.domain.privacy import FORGET_DELETES, FORGET_KEEPS, FORMER_MEMBER
    from bot.models.privacy import OPERATOR
    from bot.services.privacy import forget_person

    person = _find_person(session, args.user)
    if not args.yes:
        print(f"Forgetting {args.user} ({person.display_name}) deletes:")
        print("\n".join(f"  - {line}" for line in FORGET_DELETES))
        print(f"and keeps, shown as “{FORMER_MEMBER}”:")
        print("\n".join(f"  - {line}" for line in FORGET_KEEPS))
        answer = input(f"Type {args.user} to confirm: ") if sys.stdin.isatty() else ""
        if answer.strip() != args.user:
            print("Nothing was changed.")
            return 1
    done = forget_person(session=session, person=person, actor=OPERATOR, now=now)
    if done is None:
        print(f"{args.user} was already forgotten; nothing to do.")
        return 0
    print(f"Forgot {args.user}: {done.summary() or 'nothing but their profile'}.")
    if done.notice_keys:
        print(f"{len(done.notice_keys)} manager(s) will get a one-line note from the running app's clock.")
    return 0


def _retention(session: Session, args: argparse.Namespace, now: datetime) -> int:
    from bot.domain.privacy import parse_retention_days
    from bot.models.privacy import OPERATOR
    from bot.services.retention import retention_days, set_retention_days

    if args.retention_command == "set":
        days = parse_retention_days(args.days)
        previous = set_retention_days(session=session, days=days, actor=OPERATOR, now=now)
        print(f"Retention: {_days(days)} (was {_days(previous)}).")
        return 0
    print(f"Retention: {_days(retention_days(session=session))}.")
    return 0


def _days(days: int) -> str:
    return "forever (0)" if days == 0 else f"{days} days of answers and notes"


def _notes(session: Session, args: argparse.Namespace, now: datetime) -> int:
    from bot.models.privacy import AUDIT_NOTES_SETTING
    from bot.services.privacy import (
        managers_export_notes,
        set_managers_export_notes,
        team_subject,
    )

    team = _find_team(session, args.team)
    if args.setting is not None:
        allowed = args.setting == "on"
        set_managers_export_notes(session=session, team_id=team.id, allowed=allowed, now=now)
        _record(
            session,
            AUDIT_NOTES_SETTING,
            subject=team_subject(team),
            detail=f"managers_export_notes={args.setting}",
            now=now,
            workspace_id=team.workspace_id,
        )
    state = "include" if managers_export_notes(session=session, team_id=team.id) else "leave out"
    print(f"{team.name}: managers' exports {state} reps' notes.")
    return 0


def _audit(session: Session, args: argparse.Namespace) -> int:
    from bot.services.privacy import audit_log

    rows = audit_log(session=session, limit=max(1, args.limit))
    if not rows:
        print("No exports, forgets or retention changes yet.")
    for row in rows:
        print(
            f"{row.at:%Y-%m-%d %H:%M} UTC  {row.actor:<12} {row.action:<18} {row.subject or '-'}  {row.detail}"
        )
    return 0

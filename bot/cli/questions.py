"""`stretch questions` and `stretch skip`: a team's check-in questions and its days off."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from bot.cli.common import find_team, open_engine, require_upgraded
from bot.config import Settings

COMMANDS = ("questions", "skip")


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`stretch questions list|add|reword|remove|move|pin|unpin` and `stretch skip list|add|remove`."""
    questions = commands.add_parser("questions", help="list and change a team's check-in questions")
    q_commands = questions.add_subparsers(dest="questions_command", metavar="ACTION", required=True)
    q_list = q_commands.add_parser("list", help="the team's questions in order, with their stable keys")
    q_add = q_commands.add_parser("add", help="add a question at the end")
    q_add.add_argument("--kind", required=True, choices=("scale", "choice", "text"))
    q_add.add_argument("--prompt", required=True, help="the wording, e.g. 'How full is your pipeline?'")
    q_add.add_argument(
        "--options", default="", help="choice: 'a,b,c' (2-6); scale: 'low label,high label' or nothing"
    )
    q_add.add_argument("--key", help="stable key for analysis (default: derived from the wording)")
    q_reword = q_commands.add_parser("reword", help="change a question's wording (its key stays)")
    q_reword.add_argument("key")
    q_reword.add_argument("--prompt", required=True)
    q_reword.add_argument("--options", help="new option labels (same count keeps past answers' meaning)")
    q_remove = q_commands.add_parser("remove", help="stop asking a question (past answers are kept)")
    q_remove.add_argument("key")
    q_move = q_commands.add_parser("move", help="move a question to a position (1 = first)")
    q_move.add_argument("key")
    q_move.add_argument("position", type=int)
    skip = commands.add_parser("skip", help="team days off: no check-ins, nudges or alerts")
    s_commands = skip.add_subparsers(dest="skip_command", metavar="ACTION", required=True)
    s_list = s_commands.add_parser("list", help="upcoming days off")
    s_add = s_commands.add_parser("add", help="add a day off")
    s_add.add_argument("day", help="YYYY-MM-DD")
    s_add.add_argument("--reason", default="")
    s_remove = s_commands.add_parser("remove", help="remove a day off")
    s_remove.add_argument("day", help="YYYY-MM-DD")
    # issue 16: a manager pins one tap question into every (otherwise rotating) check-in.
    q_pin = q_commands.add_parser("pin", help="ask this question in every check-in (others rotate)")
    q_pin.add_argument("key")
    q_unpin = q_commands.add_parser("unpin", help="let every question rotate again")
    for sub in (q_list, q_add, q_reword, q_remove, q_move, q_pin, q_unpin, s_list, s_add, s_remove):
        sub.add_argument("--team", required=True, help="team id or name (see `stretch team list`)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `questions` or `skip` command."""
    from bot.db import make_session_factory, session_scope
    from bot.domain.checkins import parse_iso_date
    from bot.domain.questions import KIND_LABELS
    from bot.services.checkins import availability
    from bot.services.checkins import questions as service

    require_upgraded(settings)
    engine = open_engine(settings)
    now = datetime.now(UTC)
    try:
        with session_scope(make_session_factory(engine)) as session:
            team = find_team(session, args.team)
            if args.command == "skip":
                today = now.date()
                if args.skip_command == "add":
                    day = parse_iso_date(args.day)
                    added = availability.add_skip_date(
                        session=session,
                        team_id=team.id,
                        day=day,
                        today=today,
                        actor="cli",
                        now=now,
                        reason=args.reason,
                    )
                    print(
                        f"{day.isoformat()} {'is now' if added else 'was already'} a day off for {team.name}."
                    )
                elif args.skip_command == "remove":
                    day = parse_iso_date(args.day)
                    removed = availability.remove_skip_date(session=session, team_id=team.id, day=day)
                    print(
                        f"{day.isoformat()} {'removed' if removed else 'was not a day off'} for {team.name}."
                    )
                else:
                    days = availability.upcoming_skip_dates(session=session, team_id=team.id, today=today)
                    print(f"{team.name} days off: {', '.join(d.isoformat() for d in days) or 'none'}")
                return 0
            command = args.questions_command
            if command == "add":
                question = service.add_question(
                    session=session,
                    team_id=team.id,
                    kind=args.kind,
                    prompt=args.prompt,
                    options_text=args.options,
                    key=args.key,
                    now=now,
                )
                print(f"Added '{question.key}' to {team.name}.")
            elif command == "reword":
                service.reword_question(
                    session=session,
                    team_id=team.id,
                    key=args.key,
                    prompt=args.prompt,
                    options_text=args.options,
                    now=now,
                )
                print(f"Reworded '{args.key}'.")
            elif command == "remove":
                service.remove_question(session=session, team_id=team.id, key=args.key, now=now)
                print(f"Removed '{args.key}' (its past answers are kept).")
            elif command in ("pin", "unpin"):
                from bot.services.attention import pin_question

                key = args.key if command == "pin" else None
                pin_question(session=session, team_id=team.id, key=key, now=now)
                print(f"Pinned '{key}': it is in every check-in." if key else "Every question rotates again.")
            elif command == "move":
                service.move_question(
                    session=session, team_id=team.id, key=args.key, position=args.position, now=now
                )
                print(f"Moved '{args.key}' to position {args.position}.")
            for number, q in enumerate(service.team_questions(session=session, team_id=team.id, now=now), 1):
                labels = " · ".join(label for _, label in service.options_of(q))
                print(
                    f"{number:>2}. [{q.key}] {q.prompt}  ({KIND_LABELS[q.kind]}{': ' + labels if labels else ''})"
                )
    finally:
        engine.dispose()
    return 0

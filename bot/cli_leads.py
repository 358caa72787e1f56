"""`stretch leads`: load reps' lists and associations' members from CSV files, export the team's accounts
with owners, partners, splits and history, list open conflicts, and set the team's lead rules."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.domain.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from bot.models import Team


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`stretch leads import|associations import|export|conflicts|settings`."""
    leads = commands.add_parser(
        "leads", help="lead lists: import reps' lists and associations, export, conflicts"
    )
    sub = leads.add_subparsers(dest="leads_command", metavar="ACTION", required=True)
    imp = sub.add_parser("import", help="claim a rep's accounts from a CSV file (company,domain,note)")
    imp.add_argument("--rep", required=True, help="the rep's Slack user id (U…)")
    imp.add_argument("file", help="CSV file, UTF-8 (with or without BOM), header row company,domain,note")
    assoc = sub.add_parser("associations", help="an association's member accounts")
    assoc_sub = assoc.add_subparsers(dest="associations_command", metavar="ACTION", required=True)
    a_imp = assoc_sub.add_parser(
        "import", help="load (or replace) an association's member list from a CSV file"
    )
    a_imp.add_argument("--name", required=True, help='the association, e.g. "Ohio Credit Union League"')
    a_imp.add_argument("file", help="CSV file with a header row company,domain,note")
    export = sub.add_parser(
        "export", help="every account: owner, partners, split, status, who decided, history"
    )
    export.add_argument("file", nargs="?", help="write here (default: standard output)")
    sub.add_parser("conflicts", help="open overlaps, those waiting for a manager, and noisy keys")
    settings = sub.add_parser("settings", help="the team's fallback rule and name-match threshold")
    settings.add_argument("--fallback", choices=("manager", "first"), help="who settles what reps don't")
    settings.add_argument("--threshold", type=int, help="close-name match threshold, 70-100 (default 90)")
    for parser in (imp, a_imp, export, sub.choices["conflicts"], settings):
        parser.add_argument("--team", required=True, help="team id or name (see `stretch team list`)")


def _read(path: str) -> str:
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise UserError(f"Can't read {path}: {error.strerror or error}.") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(
            f"{path} isn't UTF-8 (byte {error.start + 1}). Save it as CSV UTF-8 and try again."
        ) from None


def run(
    args: argparse.Namespace,
    settings: Settings,
    *,
    find_team: Callable[[Session, str], Team],
    make_engine: Callable[[Settings], Engine],
) -> int:
    """Run one `stretch leads …` command; returns the exit code."""
    from bot.db import make_session_factory, session_scope
    from bot.domain.leads.accounts import MAX_IMPORT_ROWS, parse_csv
    from bot.services.leads import claims as lead_claims
    from bot.services.leads import export as lead_export
    from bot.services.leads import imports as lead_imports
    from bot.services.leads import overlaps as lead_overlaps
    from bot.services.leads import people as lead_people
    from bot.services.leads import settings as lead_settings

    engine = make_engine(settings)
    now = datetime.now(UTC)
    how = f"Split the file into parts of at most {MAX_IMPORT_ROWS:,} rows."
    try:
        with session_scope(make_session_factory(engine)) as session:
            team = find_team(session, args.team)
            command = args.leads_command
            if command == "import":
                accounts = parse_csv(_read(args.file), limit=MAX_IMPORT_ROWS, how_to_import=how)
                rep = lead_people.rep_of(session=session, team=team, user_id=args.rep)
                outcome = lead_claims.add_claims(
                    session=session, team=team, person=rep, accounts=accounts, actor="cli", now=now
                )
                print(
                    f"Claimed {len(outcome.added)} accounts for {args.rep} in {team.name}"
                    + (f" ({len(outcome.already)} were already theirs)" if outcome.already else "")
                    + f"; {outcome.overlaps} overlaps and {outcome.possible} possible overlaps "
                    "(the reps concerned get a DM at the next tick)."
                )
            elif command == "associations":
                accounts = parse_csv(_read(args.file), limit=MAX_IMPORT_ROWS, how_to_import=how)
                found, count, created = lead_imports.import_association(
                    session=session, team=team, name=args.name, accounts=accounts, actor="cli", now=now
                )
                print(f"{'Imported' if created else 'Replaced'} {found.name}: {count} member accounts.")
            elif command == "export":
                text = lead_export.export_csv(session=session, team=team)
                if args.file:
                    Path(args.file).write_text(text, encoding="utf-8")
                    print(f"Wrote {text.count(chr(10)) - 1} accounts to {args.file}.")
                else:
                    sys.stdout.write(text)
            elif command == "conflicts":
                views, noise = lead_overlaps.conflicts(session=session, team=team)
                if not views and not noise:
                    print(f"No open overlaps in {team.name}.")
                for view in views:
                    where = "with the managers" if view.status == "escalated" else "with the reps"
                    kind = "overlap" if view.exact else "possible overlap"
                    print(f"{view.id:>5}  {view.account}  {kind}: {view.a_user} and {view.b_user} ({where})")
                for key, claims in sorted(noise.items()):
                    print(f"noise  {key[2:]}  shared by {claims} claims: not sent to reps")
            else:
                row = lead_settings.save_settings(
                    session=session,
                    team_id=team.id,
                    fallback=args.fallback,
                    threshold=args.threshold,
                    now=now,
                )
                print(f"{team.name}: fallback {row.fallback}, name-match threshold {row.fuzzy_threshold}.")
    finally:
        engine.dispose()
    return 0

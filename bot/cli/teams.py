"""`stretch team create|list|show`: teams, their members and schedules, set up from the shell."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.cli.common import check_slack, find_team, for_terminal, open_engine, require_upgraded
from bot.config import Settings, require_slack_settings
from bot.domain.errors import UserError
from bot.domain.huddles import parse_lead
from bot.domain.schedule import WEEKDAYS, format_days, parse_days, parse_time
from bot.domain.teams import TeamDraft

if TYPE_CHECKING:
    from bot.db import SessionFactory

COMMANDS = ("team",)


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`stretch team create|list|show`."""
    team = commands.add_parser("team", help="create, list and show teams")
    team_commands = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    create = team_commands.add_parser("create", help="create a team (or update the one with that channel)")
    create.add_argument("--name", required=True)
    create.add_argument("--channel", required=True, help="the team channel's id (C…)")
    create.add_argument("--managers", required=True, help="comma-separated Slack user ids (U…)")
    create.add_argument("--reps", default="", help="comma-separated Slack user ids (U…)")
    create.add_argument("--checkin-days", default="mon,wed,fri", help="e.g. mon,wed,fri (default)")
    create.add_argument("--checkin-time", default="09:30", help="each member's local HH:MM (default 09:30)")
    create.add_argument("--digest-day", default="fri", choices=WEEKDAYS)
    create.add_argument("--digest-time", default="16:00", help="each manager's local HH:MM (default 16:00)")
    create.add_argument(
        "--huddle-days", help="team huddle days, e.g. mon,thu ('none' = no huddle; default: keep as is)"
    )
    create.add_argument(
        "--huddle-time", default="10:00", help="huddle time in the team's zone (default 10:00)"
    )
    create.add_argument(
        "--huddle-lead", default="30", help="minutes before the huddle to post its card (default 30)"
    )
    create.add_argument(
        "--huddle-day-off-note",
        action="store_true",
        help="on team days off, post one 'no huddle today' note instead of nothing",
    )
    create.add_argument("--workspace", help="Slack workspace id (T…); default: the bot token's workspace")
    team_commands.add_parser("list", help="list every team")
    show = team_commands.add_parser("show", help="show one team and its members")
    show.add_argument("team", help="team id or name")


def _huddle_days(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    if text.strip().lower() in ("none", "off", "no", ""):
        return ()
    return parse_days(text)


def _split_ids(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run `team create`, `list` or `show`."""
    from bot.db import make_session_factory, session_scope
    from bot.models import ROLE_MANAGER, HuddleSettings
    from bot.services.teams import list_teams, load_team

    if args.team_command == "create":
        draft = _team_draft(args)  # the arguments first: a typo is reported before the token or database
        require_slack_settings(settings)
    require_upgraded(settings)
    engine = open_engine(settings)
    factory = make_session_factory(engine)
    try:
        if args.team_command == "create":
            return _team_create(args, draft, settings, factory)
        with session_scope(factory) as session:
            if args.team_command == "list":
                teams = list_teams(session=session)
                if not teams:
                    print("No teams yet. Create one with `stretch team create` or `/stretch setup` in Slack.")
                for team in teams:
                    managers = sum(1 for m in team.memberships if m.role == ROLE_MANAGER)
                    reps = len(team.memberships) - managers
                    print(
                        f"{team.id:>4}  {team.name}  channel {team.channel_id}  {managers} manager(s), {reps} rep(s)"
                    )
                return 0
            team = load_team(session=session, team_id=find_team(session, args.team).id)
            print(f"Team {team.id}: {team.name}")
            print(f"  channel:   {team.channel_id}")
            print(f"  check-ins: {format_days(parse_days(team.checkin_days))} at {team.checkin_time} (local)")
            print(f"  digest:    {team.digest_day.capitalize()} at {team.digest_time} (managers' local)")
            huddle = session.get(HuddleSettings, team.id)
            if huddle is not None and huddle.days:
                note = "a 'no huddle today' note" if huddle.skip_notice else "nothing"
                print(
                    f"  huddle:    {format_days(parse_days(huddle.days))} at {huddle.at} ({team.tz}), card "
                    f"{huddle.lead_minutes} min before; on days off: {note}"
                )
            else:
                print("  huddle:    none (set one with --huddle-days or /stretch setup)")
            print(f"  currency:  {team.currency}")
            for m in team.memberships:
                print(f"  {m.role:<8} {m.person.slack_user_id}  {m.person.display_name}  ({m.person.tz})")
            return 0
    finally:
        engine.dispose()


def _team_draft(args: argparse.Namespace) -> TeamDraft:
    """The team the operator asked for, checked before anything talks to Slack or the database."""
    from bot.domain.teams import check_user_ids, validate_team_draft

    return validate_team_draft(
        TeamDraft(
            name=args.name,
            channel_id=args.channel.strip() or None,
            managers=check_user_ids(_split_ids(args.managers), option="--managers"),
            reps=check_user_ids(_split_ids(args.reps), option="--reps"),
            checkin_days=parse_days(args.checkin_days),
            checkin_time=parse_time(args.checkin_time),
            digest_day=args.digest_day,
            digest_time=parse_time(args.digest_time),
            huddle_days=_huddle_days(args.huddle_days),
            huddle_time=parse_time(args.huddle_time),
            huddle_lead_minutes=parse_lead(args.huddle_lead),
            huddle_skip_notice=args.huddle_day_off_note,
        )
    )


def _team_create(
    args: argparse.Namespace, draft: TeamDraft, settings: Settings, factory: SessionFactory
) -> int:
    from bot.db import session_scope
    from bot.services.people import get_or_create_workspace
    from bot.services.teams import save_team, team_for_channel, team_named
    from bot.slack.app import make_client
    from bot.slack.channels import ensure_in_channel
    from bot.slack.directory import fetcher_for

    client = make_client(settings)
    check_slack(client, settings)
    slack_team_id = args.workspace or str(client.auth_test().get("team_id") or "")
    now = datetime.now(UTC)
    with session_scope(factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=slack_team_id, now=now)
        existing = team_for_channel(
            session=session, workspace_id=workspace.id, channel_id=draft.channel_id or ""
        )
        # At the shell a team is named by its name (`team show`, `--team`): two of one name is a guess.
        same_name = team_named(
            session=session,
            workspace_id=workspace.id,
            name=draft.name,
            other_than=existing.id if existing else None,
        )
        if same_name is not None:
            raise UserError(
                f"There is already a team called {same_name.name} (id {same_name.id}, channel "
                f"{same_name.channel_id}). Give this one another name, like the region or segment it covers."
            )
        team = save_team(
            session=session,
            workspace=workspace,
            actor_user_id=None,
            team_id=existing.id if existing else None,
            draft=draft,
            fetch=fetcher_for(client),
            now=now,
        )
        verb = "updated" if existing else "created"
        print(f"Team {team.id} ({team.name}) {verb}: {len(team.memberships)} member(s).")
    # The team is saved either way; a channel Stretch can't join gets the one step that fixes it.
    membership = ensure_in_channel(client, draft.channel_id or "")
    print(for_terminal(membership.message), file=sys.stdout if membership.ok else sys.stderr)
    return 0

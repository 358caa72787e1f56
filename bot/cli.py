"""The `stretch` command: serve, tick, team, db and demo (and export, forget, retention, audit)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from types import FrameType
from typing import TYPE_CHECKING

from bot import __version__
from bot.config import ConfigError, Settings, load_settings, require_slack_settings
from bot.domain.errors import UserError
from bot.domain.huddles import parse_lead
from bot.domain.schedule import WEEKDAYS, format_days, parse_days, parse_time
from bot.domain.teams import TeamDraft

if TYPE_CHECKING:
    from slack_sdk import WebClient
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from bot.db import SessionFactory
    from bot.models import Team

logger = logging.getLogger("bot.cli")
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 (a server in a container listens on every interface)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stretch",
        description="Stretch: a Slack bot that helps sales leaders see whether goals stretch or snap their reps.",
    )
    parser.add_argument("--version", action="version", version=f"stretch {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser(
        "serve", help="run the bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP)"
    )
    serve.add_argument("--http", action="store_true", help="HTTP mode even when SLACK_APP_TOKEN is set")
    serve.add_argument(
        "--host",
        default=ALL_INTERFACES,
        help="address to listen on in HTTP mode (default 0.0.0.0)",
    )
    serve.add_argument("--port", type=int, default=None, help="port for HTTP mode (default: PORT or 3000)")
    serve.add_argument("--threads", type=int, default=8, help="HTTP worker threads (default 8)")
    serve.add_argument("--no-migrate", action="store_true", help="don't upgrade the database on start")
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="don't run the in-process clock (run `stretch tick` from cron)",
    )

    tick = commands.add_parser("tick", help="run once everything scheduled that is due now (idempotent)")
    tick.add_argument("--now", help="pretend it is this instant (ISO 8601, e.g. 2026-11-23T09:30:00+01:00)")

    db = commands.add_parser("db", help="database schema: upgrade, downgrade, current")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser("upgrade", help="upgrade the schema (default: to the newest)")
    upgrade.add_argument("revision", nargs="?", default="head")
    downgrade = db_commands.add_parser(
        "downgrade",
        help="undo migrations and the data in their tables: -1 (the last one), a revision id, or 'base' (all)",
    )
    downgrade.add_argument("revision", nargs="?", help="-1, -2…, a revision id, or 'base' (required)")
    downgrade.add_argument("--yes", action="store_true", help="don't ask: drop what the downgrade removes")
    db_commands.add_parser("current", help="show the schema revision")

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
    _checkin_parsers(commands)
    _demo_parser(commands)
    _chart_parser(commands)
    # --- privacy (issue 20): export, forget, retention, audit, notes-export ---------------------------
    from bot import cli_privacy

    cli_privacy.add_parsers(commands)
    # --- end privacy ----------------------------------------------------------------------------------
    # --- lead lists (issue 18) ---
    from bot.cli_leads import add_parsers as add_leads_parsers

    add_leads_parsers(commands)
    # --- end of lead lists ---
    return parser


def _demo_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser(
        "demo", help="watch three weeks of a sales team using Stretch, with no Slack workspace"
    )
    demo.add_argument("--db", help="keep the demo's data in this database URL (default: a temporary file)")
    demo.add_argument(
        "--speed", type=float, default=0.0, help="pause between messages, in seconds (default 0: no pauses)"
    )
    demo.add_argument("--step", action="store_true", help="wait for Enter between scenes")
    demo.add_argument("--json", metavar="FILE", help="also write every Slack API call Stretch made to FILE")
    demo.add_argument("--no-color", action="store_true", help="plain text, no terminal colours")
    demo.add_argument("--full", action="store_true", help="show repeated messages in full, not as one line")
    demo.add_argument("--charts", metavar="DIR", help="also write the digest's PNG charts into DIR")


def _checkin_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `stretch` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "demo":
        return _demo(args)
    try:
        # `team create` checks its own arguments before it needs Slack (see _team_create).
        settings = load_settings(
            require_slack=args.command in ("serve", "tick", "team")
            and not _is_offline(args)
            and not (args.command == "team" and args.team_command == "create")
        )
    except ConfigError as error:
        print(f"stretch: {error}", file=sys.stderr)
        return 2
    from bot.logs import configure_logging

    configure_logging(settings.log_level)
    try:
        if args.command == "serve":
            return _serve(args, settings)
        if args.command == "tick":
            return _tick(args, settings)
        if args.command == "db":
            return _db(args, settings)
        if args.command in ("questions", "skip"):
            return _checkins(args, settings)
        if args.command == "chart":
            return _chart(args, settings)
        # --- privacy (issue 20) -------------------------------------------------------------------------
        from bot import cli_privacy

        if args.command in cli_privacy.COMMANDS:
            return cli_privacy.run(args, settings)
        # --- end privacy --------------------------------------------------------------------------------
        if args.command == "leads":  # lead lists (issue 18)
            from bot.cli_leads import run as run_leads

            return run_leads(args, settings, find_team=_find_team, make_engine=_engine)
        return _team(args, settings)
    except (ConfigError, UserError) as error:
        message = error.message if isinstance(error, UserError) else str(error)
        print(f"stretch: {for_terminal(message)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        # A database that is missing, down or not upgraded is the operator's to fix: say so in one line.
        from bot.problems import database_failure

        line = database_failure(error, settings.database_url)
        if line is None:
            raise
        logger.debug("database failure", exc_info=True)
        print(f"stretch: {line}", file=sys.stderr)
        return 2


def for_terminal(message: str) -> str:
    """A reply written for Slack, readable in a terminal: `<@U1>` → U1, `<#C1>` → #C1, `*x*` → x."""
    import re

    text = re.sub(r"<@([A-Z0-9]+)(?:\|[^>]*)?>", r"\1", message)
    text = re.sub(r"<#([A-Z0-9]+)(?:\|([^>]*))?>", lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = re.sub(r"<([^|>]+)\|([^>]+)>", r"\2 (\1)", text)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _demo(args: argparse.Namespace) -> int:
    # The demo reads no settings: its Slack is in-process and its database is its own.
    from pathlib import Path

    from bot.config import normalise_database_url
    from bot.demo import DemoOptions, run_demo

    if args.speed < 0:
        print("stretch: --speed must be 0 or more (seconds between messages)", file=sys.stderr)
        return 2
    from bot.logs import configure_logging

    configure_logging("WARNING")  # the story is the output; the app's routine INFO lines would bury it
    options = DemoOptions(
        database_url=normalise_database_url(args.db) if args.db else None,
        speed=args.speed,
        step=args.step,
        json_path=Path(args.json) if args.json else None,
        color=not args.no_color and sys.stdout.isatty(),
        full=args.full,
        charts_dir=Path(args.charts) if args.charts else None,
    )
    try:
        return run_demo(options)
    except KeyboardInterrupt:
        return 130


def _is_offline(args: argparse.Namespace) -> bool:
    return args.command == "team" and args.team_command in ("list", "show")


def _engine(settings: Settings) -> Engine:
    from bot.db import make_engine

    return make_engine(settings.database_url, hide_parameters=True)


SHUTDOWN_SECONDS = 9.0  # SIGTERM to exit, at most (orchestrators usually kill after 10 s)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import threading
    import time
    from datetime import timedelta

    from bot import migrate
    from bot.db import make_session_factory
    from bot.jobs.clock import start_clock
    from bot.jobs.tick import tick
    from bot.slack.app import create_app, make_client
    from bot.slack.deps import Deps

    client = make_client(settings)
    _check_slack(client, settings)  # before the database: a wrong token is one line, not half a migration
    if not args.no_migrate:
        migrate.current_revision(settings.database_url)  # a missing database is one line, not a traceback
        migrate.upgrade(settings.database_url)
    else:
        _require_upgraded(settings)
    engine = _engine(settings)
    factory = make_session_factory(engine)
    deps = Deps(session_factory=factory, settings=settings)
    app = create_app(settings, deps, client=client)
    # Set on SIGTERM: the clock starts no new tick and a running fan-out stops after its send in flight.
    stopping = threading.Event()
    lease = timedelta(seconds=settings.delivery_lease_seconds)
    scheduler = None
    if not args.no_scheduler:

        def run_tick(now: datetime) -> object:
            if stopping.is_set():
                return None
            return tick(session_factory=factory, client=client, now=now, stop=stopping, lease=lease)

        scheduler = start_clock(run_tick, every_seconds=settings.tick_seconds)
    stop_started = 0.0

    try:
        if settings.socket_mode_available and not args.http:
            from bot.socket_mode import run_socket_mode

            def interrupt(signum: int, _frame: FrameType | None) -> None:
                raise KeyboardInterrupt

            signal.signal(signal.SIGTERM, interrupt)
            logger.info("Stretch is connecting to Slack in Socket Mode")
            run_socket_mode(app, settings)
        else:
            from bot.web import HttpServer, build_wsgi

            port = args.port if args.port is not None else settings.port
            server = HttpServer(build_wsgi(app, engine), host=args.host, port=port, threads=args.threads)

            def graceful(signum: int, _frame: FrameType | None) -> None:
                nonlocal stop_started
                if stopping.is_set():
                    return
                stop_started = time.monotonic()
                logger.info("Stretch got SIGTERM: finishing in-flight requests and sends")
                stopping.set()
                server.stop()

            signal.signal(signal.SIGTERM, graceful)
            logger.info(
                "Stretch is listening on http://%s:%s/slack/events (HTTP mode)", args.host, server.port
            )
            server.serve(drain_seconds=SHUTDOWN_SECONDS - 1)
    except KeyboardInterrupt:
        logger.info("Stretch is stopping")
    finally:
        stopping.set()
        if scheduler is not None:
            _stop_clock(scheduler, deadline=(stop_started or time.monotonic()) + SHUTDOWN_SECONDS)
        engine.dispose()
    return 0


def _check_slack(client: WebClient, settings: Settings) -> None:
    """Ask Slack who we are before serving: unreachable or a refused token is one line, not a traceback."""
    from bot.problems import quiet_logger, slack_failure

    try:
        # slack_sdk logs each failed try at ERROR; the one line below says it all.
        with quiet_logger("slack_sdk.web.base_client"):
            client.auth_test()
    except Exception as error:
        line = slack_failure(error, settings)
        if line is None:
            raise
        raise ConfigError(line) from None


def _require_upgraded(settings: Settings) -> None:
    """Refuse to work on a database whose schema is older than this Stretch (no 'no such table' later)."""
    from bot import migrate
    from bot.problems import not_upgraded_message

    current = migrate.current_revision(settings.database_url)
    if current != migrate.head_revision():
        raise ConfigError(not_upgraded_message(current))


def _stop_clock(scheduler: object, *, deadline: float) -> None:
    """Wait for a running tick to finish its send in flight, but never past `deadline`."""
    import os
    import threading
    import time

    from apscheduler.schedulers.background import BackgroundScheduler

    assert isinstance(scheduler, BackgroundScheduler)
    waiter = threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}, daemon=True)
    waiter.start()
    waiter.join(max(0.0, deadline - time.monotonic()))
    if waiter.is_alive():
        # A send is stuck on Slack: its row stays 'sending' and is checked against Slack before any
        # resend, so leaving now loses nothing. The interpreter would otherwise wait for the thread.
        logger.warning("a send was still waiting for Slack at shutdown; it will be checked, not repeated")
        logging.shutdown()
        os._exit(0)


def _parse_now(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"--now must be an ISO 8601 instant like 2026-11-23T09:30:00+00:00, got {text!r}"
        ) from None
    if moment.tzinfo is None:
        raise ConfigError("--now needs a time zone offset, like 2026-11-23T09:30:00+00:00")
    return moment.astimezone(UTC)


def _tick(args: argparse.Namespace, settings: Settings) -> int:
    import threading
    from datetime import timedelta

    from bot.db import make_session_factory
    from bot.jobs.tick import tick
    from bot.slack.app import make_client

    now = _parse_now(args.now)
    _require_upgraded(settings)
    engine = _engine(settings)
    stopping = threading.Event()

    def graceful(signum: int, _frame: FrameType | None) -> None:
        logger.info("stretch tick got SIGTERM: stopping after the send in flight")
        stopping.set()

    signal.signal(signal.SIGTERM, graceful)
    try:
        report = tick(
            session_factory=make_session_factory(engine),
            client=make_client(settings),
            now=now,
            stop=stopping,
            lease=timedelta(seconds=settings.delivery_lease_seconds),
        )
    finally:
        engine.dispose()
    if not report.led:
        print(f"tick at {now.isoformat()}: another Stretch process is running this tick; nothing to do here")
        return 0
    planned = ", ".join(f"{name} {count}" for name, count in report.planned.items()) or "nothing"
    d = report.dispatch
    print(
        f"tick at {now.isoformat()}: planned {planned}; sent {d.sent}, failed {d.failed}, "
        f"expired {d.expired}, retrying {d.retry_later}"
    )
    return 0


def _db(args: argparse.Namespace, settings: Settings) -> int:
    from bot import migrate

    # Reach the database first, quietly: a missing or unreachable one is one line, before Alembic starts.
    migrate.current_revision(settings.database_url)
    if args.db_command == "upgrade":
        migrate.upgrade(settings.database_url, args.revision)
    elif args.db_command == "downgrade":
        if not _confirm_downgrade(args, settings):
            return 2
        migrate.downgrade(settings.database_url, args.revision)
    print(f"database at revision {migrate.current_revision(settings.database_url) or 'base (empty)'}")
    return 0


def _confirm_downgrade(args: argparse.Namespace, settings: Settings) -> bool:
    """A downgrade drops tables and their data: it needs an explicit target, and --yes or a typed 'yes'."""
    from bot import migrate

    if not args.revision:
        raise ConfigError(
            "say how far to go down: `stretch db downgrade -1` undoes the last migration, "
            "`stretch db downgrade base` drops every table (each asks first, or add --yes)"
        )
    undone = migrate.revisions_to_undo(settings.database_url, args.revision)
    if not undone:
        current = migrate.current_revision(settings.database_url) or "base (empty)"
        raise ConfigError(
            f"nothing to undo down to {args.revision!r}: the database is at {current} "
            "(`stretch db current`; targets are -1, -2…, a revision id below it, or base)"
        )
    lost = "; ".join(f"{revision} {doc}".strip() for revision, doc in undone)
    warning = (
        f"this downgrade undoes {len(undone)} migration(s) and deletes the tables, columns and data "
        f"they added: {lost}"
    )
    if args.yes:
        print(f"stretch: {warning}", file=sys.stderr)
        return True
    if not sys.stdin.isatty():
        raise ConfigError(f"{warning}. Add --yes to do it (back up the database first)")
    print(f"stretch: {warning}", file=sys.stderr)
    answer = input("Type 'yes' to downgrade (back up the database first): ")
    if answer.strip().lower() != "yes":
        print("stretch: downgrade cancelled; nothing changed", file=sys.stderr)
        return False
    return True


def _huddle_days(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    if text.strip().lower() in ("none", "off", "no", ""):
        return ()
    return parse_days(text)


def _split_ids(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _team(args: argparse.Namespace, settings: Settings) -> int:

    from bot.db import make_session_factory, session_scope
    from bot.models import ROLE_MANAGER, HuddleSettings
    from bot.services.teams import list_teams, load_team

    if args.team_command == "create":
        draft = _team_draft(args)  # the arguments first: a typo is reported before the token or database
        require_slack_settings(settings)
    _require_upgraded(settings)
    engine = _engine(settings)
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
            team = load_team(session=session, team_id=_find_team(session, args.team).id)
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


def _find_team(session: Session, key: str) -> Team:
    from sqlalchemy import select

    from bot.models import Team

    if key.isdigit():
        found = session.get(Team, int(key))
    else:
        named = list(session.scalars(select(Team).where(Team.name == key).order_by(Team.id)))
        if len(named) > 1:
            ids = ", ".join(str(team.id) for team in named)
            raise UserError(f"{len(named)} teams are called {key!r} (ids {ids}): give the id instead.")
        found = named[0] if named else None
    if found is None:
        raise UserError(f"No team called {key!r}. `stretch team list` shows them all.")
    return found


def _checkins(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db import make_session_factory, session_scope
    from bot.domain.checkins import parse_iso_date
    from bot.domain.questions import KIND_LABELS
    from bot.services.checkins import availability
    from bot.services.checkins import questions as service

    _require_upgraded(settings)
    engine = _engine(settings)
    now = datetime.now(UTC)
    try:
        with session_scope(make_session_factory(engine)) as session:
            team = _find_team(session, args.team)
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
    _check_slack(client, settings)
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


# --- `stretch chart` (issue 19): the digest's charts for operators -------------------------------------


def _chart_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    chart = commands.add_parser(
        "chart", help="write a digest chart as PNG: the pie's burn-up or the zone mix"
    )
    chart.add_argument("kind", choices=("pie", "zones"), help="pie: burn-up with checkpoints; zones: 8 weeks")
    chart.add_argument("--team", required=True, help="team id or name (see `stretch team list`)")
    chart.add_argument("--out", required=True, metavar="FILE", help="where to write the PNG, e.g. burnup.png")


def _chart(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from bot.charts import burnup_text, render_burnup, render_zones, zones_text
    from bot.db import make_session_factory, session_scope
    from bot.domain.pie import format_amount
    from bot.services.charts import burnup_data, zone_mix_data

    now = datetime.now(UTC)
    with session_scope(make_session_factory(_engine(settings))) as session:
        team = _find_team(session, args.team)
        if args.kind == "pie":
            data = burnup_data(session=session, team_id=team.id, now=now)
            if data is None:
                raise UserError(f"{team.name} has no open pie, so there is no burn-up to draw.")
            png = render_burnup(data)
            currency = data.currency
            text = burnup_text(data, lambda minor: format_amount(minor, currency))
        else:
            zones = zone_mix_data(session=session, team_id=team.id, now=now)
            png, text = render_zones(zones), zones_text(zones)
    out = Path(args.out)
    try:
        out.write_bytes(png)
    except OSError as error:
        raise UserError(f"Can't write {out}: {error.strerror}.") from None
    print(f"Wrote {out} ({len(png):,} bytes).\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

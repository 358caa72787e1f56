"""Running Stretch: `stretch serve` (the bot and its clock), `stretch tick` (one pass, for cron) and `stretch db`."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from datetime import UTC, datetime
from types import FrameType
from typing import TYPE_CHECKING

from bot.cli.common import check_slack, open_engine, require_upgraded
from bot.config import HTTP_THREADS, ConfigError, Settings

if TYPE_CHECKING:
    import socket

    from slack_bolt import App
    from slack_sdk import WebClient
    from sqlalchemy import Engine

    from bot.db import SessionFactory

logger = logging.getLogger("bot.cli")
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 (a server in a container listens on every interface)
COMMANDS = ("serve", "tick", "db")


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`stretch serve`, `tick` and `db upgrade|downgrade|current`."""
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
    serve.add_argument(
        "--threads",
        type=int,
        default=HTTP_THREADS,
        help=f"HTTP request threads per process (default {HTTP_THREADS})",
    )
    serve.add_argument(
        "--processes",
        type=int,
        default=1,
        help="HTTP mode on PostgreSQL: server processes sharing the port (default 1; one per CPU core)",
    )
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


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run `serve`, `tick` or `db`."""
    if args.command == "serve":
        return _serve(args, settings)
    if args.command == "tick":
        return _tick(args, settings)
    return _db(args, settings)


SHUTDOWN_SECONDS = 9.0  # SIGTERM to exit, at most (orchestrators usually kill after 10 s)


def _check_processes(args: argparse.Namespace, settings: Settings) -> None:
    """`--processes N` needs HTTP mode and PostgreSQL: say so before anything starts."""
    if args.threads < 1:
        raise ConfigError("--threads must be 1 or more")
    if args.processes < 1:
        raise ConfigError("--processes must be 1 or more")
    if args.processes == 1:
        return
    if settings.socket_mode_available and not args.http:
        raise ConfigError(
            "--processes is for HTTP mode: Socket Mode keeps one connection to Slack. "
            "Add --http, or unset SLACK_APP_TOKEN"
        )
    if settings.database_url.startswith("sqlite"):
        raise ConfigError(
            "--processes needs PostgreSQL: SQLite lets one process write at a time. "
            "Set DATABASE_URL to a PostgreSQL database, or serve with one process"
        )


def _listen(args: argparse.Namespace, settings: Settings) -> socket.socket:
    """The HTTP port, bound and listening (shared by every server process)."""
    import os

    from bot.web import listening_socket

    port = args.port if args.port is not None else settings.port
    try:
        return listening_socket(args.host, port)
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise ConfigError(
            f"can't listen on {args.host}:{port} ({reason}): is another Stretch running there? "
            "Stop it, or choose another --port"
        ) from None


def _app(settings: Settings, client: WebClient, threads: int) -> tuple[App, Engine, SessionFactory]:
    """The Bolt app over a fresh engine: what every serving process builds for itself."""
    from bot.db import make_session_factory
    from bot.slack import answers
    from bot.slack.app import create_app
    from bot.slack.deps import Deps

    answers.fit_to_server(threads)
    engine = open_engine(settings)
    factory = make_session_factory(engine)
    deps = Deps(session_factory=factory, settings=settings)
    return create_app(settings, deps, client=client), engine, factory


def serve_http_process(sock: socket.socket, settings: Settings, threads: int, parent: int) -> None:
    """One more HTTP server process (bot/processes.py): serves on `sock` until SIGTERM, then drains."""
    from bot.logs import configure_logging
    from bot.processes import watch_parent
    from bot.slack.app import make_client
    from bot.web import HttpServer, build_wsgi

    configure_logging(settings.log_level)
    app, engine, _ = _app(settings, make_client(settings), threads)
    server = HttpServer(build_wsgi(app, engine), sock=sock, threads=threads)

    def graceful(signum: int, _frame: FrameType | None) -> None:
        server.stop()

    signal.signal(signal.SIGTERM, graceful)
    signal.signal(signal.SIGINT, graceful)  # Ctrl-C in a terminal reaches every process of the group
    # Killed outright (SIGKILL, the OOM killer), the main process can't stop us: stop when it is gone, or
    # we would keep the port and the next `stretch serve` could not listen.
    watch_parent(server.stop, parent=parent)
    try:
        server.serve(drain_seconds=SHUTDOWN_SECONDS - 1)
    finally:
        engine.dispose()


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import threading
    import time
    from datetime import timedelta

    from bot import migrate
    from bot.jobs.clock import start_clock
    from bot.jobs.tick import tick
    from bot.slack.app import make_client

    _check_processes(args, settings)
    # HTTP mode takes its port first: a port in use is one line, before Slack and the database are asked.
    sock = None if settings.socket_mode_available and not args.http else _listen(args, settings)
    client = make_client(settings)
    check_slack(client, settings)  # before the database: a wrong token is one line, not half a migration
    if not args.no_migrate:
        migrate.current_revision(settings.database_url)  # a missing database is one line, not a traceback
        migrate.upgrade(settings.database_url)
    else:
        require_upgraded(settings)
    app, engine, factory = _app(settings, client, args.threads)
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
    extra = None

    try:
        if settings.socket_mode_available and not args.http:
            from bot.socket_mode import run_socket_mode
            from bot.web import freeze_startup_objects

            def interrupt(signum: int, _frame: FrameType | None) -> None:
                raise KeyboardInterrupt

            signal.signal(signal.SIGTERM, interrupt)
            logger.info("Stretch is connecting to Slack in Socket Mode")
            freeze_startup_objects()
            run_socket_mode(app, settings)
        else:
            from bot.processes import ServerProcesses
            from bot.web import HttpServer, build_wsgi

            assert sock is not None
            server = HttpServer(build_wsgi(app, engine), sock=sock, threads=args.threads)
            if args.processes > 1:
                extra = ServerProcesses(
                    serve_http_process, sock, settings, args.threads, count=args.processes - 1
                )

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
                "Stretch is listening on http://%s:%s/slack/events (HTTP mode, %s)",
                args.host,
                server.port,
                f"{args.processes} processes" if args.processes > 1 else "1 process",
            )
            server.serve(drain_seconds=SHUTDOWN_SECONDS - 1)
    except KeyboardInterrupt:
        logger.info("Stretch is stopping")
    finally:
        stopping.set()
        deadline = (stop_started or time.monotonic()) + SHUTDOWN_SECONDS
        if extra is not None:
            extra.stop(deadline=deadline)
        if scheduler is not None:
            _stop_clock(scheduler, deadline=deadline)
        engine.dispose()
    return 0


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
    require_upgraded(settings)
    engine = open_engine(settings)
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

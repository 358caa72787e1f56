"""The `stretch` command's entry point: one parser for every command group, and the dispatch to them."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot import __version__
from bot.cli import charts, demo, leads, privacy, questions, server, teams
from bot.cli.common import for_terminal
from bot.config import ConfigError, load_settings
from bot.domain.errors import UserError

logger = logging.getLogger("bot.cli")
# The groups that read the settings, in the order `stretch --help` lists them (the demo reads none).
GROUPS = (server, teams, questions, charts, privacy, leads)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stretch",
        description="Stretch: a Slack bot that helps sales leaders see whether goals stretch or snap their reps.",
    )
    parser.add_argument("--version", action="version", version=f"stretch {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    server.add_parsers(commands)
    teams.add_parsers(commands)
    questions.add_parsers(commands)
    demo.add_parsers(commands)
    charts.add_parsers(commands)
    privacy.add_parsers(commands)
    leads.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `stretch` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command in demo.COMMANDS:
        return demo.run(args)
    try:
        # Only the bot and its clock need Slack's tokens up front: `team create` checks its own arguments
        # before it needs Slack (see bot/cli/teams.py), `team list|show` and the rest work offline.
        settings = load_settings(require_slack=args.command in ("serve", "tick"))
    except ConfigError as error:
        print(f"stretch: {error}", file=sys.stderr)
        return 2
    from bot.logs import configure_logging

    configure_logging(settings.log_level)
    try:
        group = next(group for group in GROUPS if args.command in group.COMMANDS)
        return group.run(args, settings)
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

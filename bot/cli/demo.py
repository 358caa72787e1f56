"""`stretch demo`: three weeks of a sales team using Stretch, played against an in-process Slack.

The only module that imports bot.demo: the demo drives the real app, and the app never depends on it."""

from __future__ import annotations

import argparse
import sys

COMMANDS = ("demo",)


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`stretch demo`."""
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


def run(args: argparse.Namespace) -> int:
    """Play the demo; it reads no settings."""
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

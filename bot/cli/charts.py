"""`stretch chart` (issue 19): the digest's charts for operators, written as PNG files."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from bot.cli.common import find_team, open_engine
from bot.config import Settings
from bot.domain.errors import UserError

COMMANDS = ("chart",)


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`stretch chart pie|zones`."""
    chart = commands.add_parser(
        "chart", help="write a digest chart as PNG: the pie's burn-up or the zone mix"
    )
    chart.add_argument("kind", choices=("pie", "zones"), help="pie: burn-up with checkpoints; zones: 8 weeks")
    chart.add_argument("--team", required=True, help="team id or name (see `stretch team list`)")
    chart.add_argument("--out", required=True, metavar="FILE", help="where to write the PNG, e.g. burnup.png")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Write the chart and print its text version."""
    from pathlib import Path

    from bot.charts import burnup_text, render_burnup, render_zones, zones_text
    from bot.db import make_session_factory, session_scope
    from bot.domain.pie import format_amount
    from bot.services.charts import burnup_data, zone_mix_data

    now = datetime.now(UTC)
    with session_scope(make_session_factory(open_engine(settings))) as session:
        team = find_team(session, args.team)
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

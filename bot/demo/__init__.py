"""`stretch demo`: the whole product on one machine, no Slack workspace needed.

The real app (Bolt listeners, services, jobs, block builders, migrations) runs against an in-process fake
Slack with a simulated clock, through three weeks of a sales team's story printed as people see it.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bot.demo.driver import DemoError, Output, Stage
from bot.demo.render import Style


@dataclass(frozen=True)
class DemoOptions:
    """What `stretch demo` was asked for."""

    database_url: str | None = None
    speed: float = 0.0
    step: bool = False
    json_path: Path | None = None
    color: bool = True
    full: bool = False
    charts_dir: Path | None = None  # write the digest's PNG charts here (`--charts DIR`)


def run_demo(options: DemoOptions, *, stream: IO[str] | None = None) -> int:
    """Play the story; 0 when it ran clean, 1 (with one clear line on stderr) when anything failed."""
    from bot.demo import story

    stream = stream or sys.stdout
    started = time.monotonic()

    def pause() -> None:
        if options.step:
            input("   (Enter for the next scene) ")

    out = Output(
        stream=stream, style=Style(color=options.color), speed=options.speed, step=options.step, pause=pause
    )
    with tempfile.TemporaryDirectory(prefix="stretch-demo-") as scratch:
        url = options.database_url or f"sqlite:///{Path(scratch) / 'demo.db'}"
        out.line(out.style.bold("Stretch demo: three weeks of the Northstar sales team, on your machine."))
        out.line(
            out.style.dim(
                "The real Stretch app runs against a pretend Slack and a fast clock. Every message below is what "
                "Stretch sent, shown to whoever received it, at their local time."
            )
        )
        stage = Stage(
            database_url=url,
            start=story.at(story.TEAM_TZ, story.FIRST_DAY, "09:00"),
            out=out,
            scratch=Path(scratch),
        )
        stage.full = options.full
        stage.charts_dir = options.charts_dir
        try:
            for user_id, name, tz in story.CAST:
                stage.add_person(user_id, name, tz, is_admin=user_id == story.MAYA)
            stage.add_channel(story.CHANNEL, story.CHANNEL_NAME, story.TEAM_TZ)
            play = story.NorthstarStory(stage)
            play.build()
            play.play()
        except DemoError as error:
            print(f"stretch demo: the story stopped: {error}", file=sys.stderr)
            return 1
        finally:
            stage.close()
            if options.json_path is not None:
                calls = [c.as_json() for c in stage.slack.calls]
                options.json_path.write_text(
                    json.dumps(calls, indent=1, ensure_ascii=False), encoding="utf-8"
                )
        if stage.errors.records:
            print(
                f"stretch demo: {len(stage.errors.records)} error(s) while the story ran; the first: "
                f"{stage.errors.records[0]}",
                file=sys.stderr,
            )
            return 1
        sent = sum(1 for c in stage.slack.calls if c.method == "chat.postMessage")
        out.line()
        out.line(
            out.style.bold(
                f"The end: {sent} messages over three weeks, {stage.ticks} ticks of the clock, "
                f"{time.monotonic() - started:.1f} s."
            )
        )
        out.line(
            "Connect your own workspace: see “Create the Slack app” in the README, then `stretch serve`."
        )
    return 0

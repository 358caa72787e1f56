"""How many DMs each person gets from Stretch, when, and whether anything private reached anyone else.

Run: python bench/attention.py [--json FILE]

Plays two three-week stories against the fake Slack and prints, per person and (their local ISO) week:
DMs sent, the largest day, DMs outside 08:00-19:00 local or on a weekend, and the deferrals and
merges the message-budget policy made.
- "Northstar": the `stretch demo` story (every feature in use; Leo stops answering on day 7).
- "Default": a team at default settings (Mon/Wed/Fri check-ins at 09:30) where Ava, Kai and Pri
  answer every check-in and Ian (Paris) and Ade (Adelaide, a half-hour zone) never answer anything.
With --json FILE it only reads a call log written by `stretch demo --json FILE` (Northstar's cast).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.demo import story as northstar  # noqa: E402
from bot.demo.driver import Output, Stage  # noqa: E402
from bot.demo.render import Style  # noqa: E402

DAY_START, DAY_END = 8, 19


@dataclass
class Row:
    """One person's week."""

    dms: int = 0
    per_day: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    outside: int = 0
    deferred: int = 0
    merged: int = 0


def dm_rows(
    calls: Iterable[dict[str, Any]],
    tz_of: dict[str, str],
    decisions: Iterable[tuple[str, str, datetime]] = (),
) -> dict[tuple[str, str], Row]:
    """(person, 'YYYY-Www') → Row, from chat.postMessage calls to a user id (a DM) and policy decisions."""
    rows: dict[tuple[str, str], Row] = defaultdict(Row)
    for call in calls:
        if call["method"] != "chat.postMessage":
            continue
        user = str(call["params"].get("channel", ""))
        # Planned DMs only (each carries its delivery's key); a reply to a person's own tap or command
        # (a thank-you after their review, a setup confirmation) is not Stretch reaching out.
        if user not in tz_of or not call["params"].get("metadata"):
            continue
        local = datetime.fromisoformat(call["at"]).astimezone(ZoneInfo(tz_of[user]))
        year, week, _ = local.isocalendar()
        row = rows[(user, f"{year}-W{week:02d}")]
        row.dms += 1
        row.per_day[local.date()] += 1
        if local.weekday() >= 5 or not DAY_START <= local.hour < DAY_END:
            row.outside += 1
    for user, decision, moment in decisions:
        if user not in tz_of:
            continue
        local = moment.astimezone(ZoneInfo(tz_of[user]))
        year, week, _ = local.isocalendar()
        row = rows[(user, f"{year}-W{week:02d}")]
        if decision == "merge":
            row.merged += 1
        elif decision == "defer":
            row.deferred += 1
    return rows


def print_table(title: str, rows: dict[tuple[str, str], Row], names: dict[str, str]) -> None:
    """The per person and week table, in Markdown."""
    print(f"\n{title}\n")
    print("| person | week | DMs | largest day | outside hours | deferred / merged |")
    print("|---|---|---:|---:|---:|---:|")
    for (user, week), row in sorted(rows.items(), key=lambda item: (names.get(item[0][0], ""), item[0][1])):
        largest = max(row.per_day.values(), default=0)
        print(
            f"| {names.get(user, user)} | {week} | {row.dms} | {largest} | {row.outside} | "
            f"{row.deferred} / {row.merged} |"
        )


def _decisions(stage: Stage) -> list[tuple[str, str, datetime]]:
    """The policy's logged deferrals and merges (none before the policy existed)."""
    from sqlalchemy import inspect, text

    if "dm_decisions" not in inspect(stage.engine).get_table_names():
        return []
    with stage.engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT p.slack_user_id, d.decision, d.decided_at FROM dm_decisions d "
                "JOIN people p ON p.id = d.person_id WHERE d.decision IN ('defer', 'merge')"
            )
        ).all()
    return [(str(u), str(d), _aware(m)) for u, d, m in found]


def _aware(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))


def _stage(folder: str, start: datetime, cast: Iterable[tuple[str, str, str]], admin: str) -> Stage:
    out = Output(stream=io.StringIO(), style=Style(color=False))
    stage = Stage(
        database_url=f"sqlite:///{Path(folder) / 'bench.db'}", start=start, out=out, scratch=Path(folder)
    )
    for user_id, name, tz in cast:
        stage.add_person(user_id, name, tz, is_admin=user_id == admin)
    return stage


def run_northstar() -> tuple[list[dict[str, Any]], list[tuple[str, str, datetime]]]:
    """The demo's three weeks; its calls and the policy's decisions."""
    with tempfile.TemporaryDirectory() as folder:
        stage = _stage(
            folder,
            northstar.at(northstar.TEAM_TZ, northstar.FIRST_DAY, "09:00"),
            northstar.CAST,
            northstar.MAYA,
        )
        try:
            stage.add_channel(northstar.CHANNEL, northstar.CHANNEL_NAME, northstar.TEAM_TZ)
            play = northstar.NorthstarStory(stage)
            play.build()
            play.play()
            return [c.as_json() for c in stage.slack.calls], _decisions(stage)
        finally:
            stage.close()


MAX, AVA, IAN, KAI, PRI, ADE = "U0MAX", "U0AVA", "U0IAN", "U0KAI", "U0PRI", "U0ADE"
DEFAULT_CAST = (
    (MAX, "Max Stone", "America/New_York"),
    (AVA, "Ava Cole", "America/Chicago"),
    (IAN, "Ian Roux", "Europe/Paris"),
    (KAI, "Kai Sato", "Asia/Tokyo"),
    (PRI, "Pri Nair", "Asia/Kolkata"),
    (ADE, "Ade Lowe", "Australia/Adelaide"),
)
ANSWERING = (AVA, KAI, PRI)
FIRST = date(2026, 11, 23)  # a Monday
DAYS = 21


def run_default() -> tuple[list[dict[str, Any]], list[tuple[str, str, datetime]]]:
    """A team at default settings for three weeks, ticking every 15 minutes."""
    tz = {user: zone for user, _, zone in DEFAULT_CAST}
    with tempfile.TemporaryDirectory() as folder:
        start = northstar.at("America/New_York", FIRST - timedelta(days=3), "10:00")
        stage = _stage(folder, start, DEFAULT_CAST, MAX)
        try:
            stage.add_channel("C0DEF", "default-team", "America/New_York")
            stage.command(MAX, "/stretch", "setup", channel="C0DEF")
            stage.submit(
                MAX,
                {
                    "team_name": {"value": "Default"},
                    "team_managers": {"selected_users": [MAX]},
                    "team_reps": {"selected_users": [AVA, IAN, KAI, PRI, ADE]},
                },
                say=None,
            )
            stage.command(MAX, "/claim-pie", "new 50k Q4 push", channel="C0DEF")
            beats: list[tuple[datetime, int, Any]] = []
            moment = start
            end = start + timedelta(days=DAYS + 3)
            while moment <= end:
                beats.append((moment, 0, None))
                moment += timedelta(minutes=15)
            for offset in range(DAYS):
                day = FIRST + timedelta(days=offset)
                for order, rep in enumerate(ANSWERING, start=1):
                    for clock in ("11:00", "17:00"):
                        beats.append((northstar.at(tz[rep], day, clock), order, rep))
            done: set[str] = set()
            for moment, _, rep in sorted(beats, key=lambda b: (b[0], b[1])):
                stage.clock.now = moment
                if rep is None:
                    stage.tick(moment)
                    continue
                _answer(stage, rep, done)
            return [c.as_json() for c in stage.slack.calls], _decisions(stage)
        finally:
            stage.close()


def _answer(stage: Stage, rep: str, done: set[str]) -> None:
    """The rep answers the first option of every question of their newest check-in (once), then submits."""
    message = stage.slack.latest_message(rep, lambda m: "checkin_submit" in json.dumps(m.blocks))
    if message is None or message.ts in done:
        return
    done.add(message.ts)
    with stage.held():
        rows = [
            b
            for b in message.blocks
            if b.get("type") == "actions" and str(b.get("block_id", "")).startswith("q_")
        ]
        for row in rows:
            action = row["elements"][0]["action_id"]
            stage.tap(rep, message, lambda e, a=action: e.get("action_id") == a, say=None)
        stage.tap(rep, message, lambda e: e.get("action_id") == "checkin_submit", say=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="read a `stretch demo --json` call log instead of playing")
    args = parser.parse_args()
    ns_names = {user: name.split()[0] for user, name, _ in northstar.CAST}
    ns_tz = {user: tz for user, _, tz in northstar.CAST}
    if args.json:
        print_table(
            "Northstar (from the call log)", dm_rows(json.loads(args.json.read_text()), ns_tz), ns_names
        )
        return
    calls, decisions = run_northstar()
    print_table(
        "Northstar: the demo's three weeks (Leo stops answering on Thu 26 Nov)",
        dm_rows(calls, ns_tz, decisions),
        ns_names,
    )
    calls, decisions = run_default()
    names = {user: name.split()[0] for user, name, _ in DEFAULT_CAST}
    tz = {user: zone for user, _, zone in DEFAULT_CAST}
    print_table(
        "Default settings: Ava, Kai, Pri answer everything; Ian and Ade never answer",
        dm_rows(calls, tz, decisions),
        names,
    )


if __name__ == "__main__":
    main()

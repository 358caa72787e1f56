"""Pilot lists: `/stretch pilots` (chains of versions) and the App Home's "Your pilots"."""

from __future__ import annotations

from datetime import date

from bot.domain import pilots as rules
from bot.services.pilots.core import PilotFacts
from bot.slack.blocks.common import (
    Block,
    actions,
    button,
    context,
    escape,
    header,
    section,
)
from bot.slack.blocks.pilots.messages import day_text, reframe
from bot.slack.blocks.privacy import mention  # a forgotten member shows as "a former member"
from bot.slack.ids import PilotAction

LIST_BLOCK_LIMIT = 45


STATUS_LABELS = {
    rules.STATUS_ACTIVE: "running",
    rules.STATUS_KEPT: "kept",
    rules.STATUS_TWEAKED: "tweaked",
    rules.STATUS_DROPPED: "dropped",
}


def pilot_state(pilot: PilotFacts, *, today: date) -> str:
    """'starts Tue 24 Nov', 'day 5 of 14', 'in review', or its decision."""
    if pilot.status != rules.STATUS_ACTIVE:
        return STATUS_LABELS.get(pilot.status, pilot.status)
    day = rules.day_number(pilot.start, today)
    if day < 1:
        return f"starts {day_text(pilot.start)}"
    if day > pilot.length_days:
        return "in review"
    return f"day {day} of {pilot.length_days}"


def build_pilot_list(
    *, team_name: str, chains: list[list[PilotFacts]], today: date, editable: set[int]
) -> list[Block]:
    """`/stretch pilots`: the team's active and recent pilots, each with its v1 → v2 → … chain."""
    blocks: list[Block] = [header(f"Pilots: {team_name}")]
    if not chains:
        blocks.append(
            section(
                "No pilots yet. Start one with `/stretch pilot`: pick a skill to get better at, "
                "run it for two weeks, and adjust based on what you learn."
            )
        )
        return blocks
    for chain in chains:
        latest = chain[-1]
        versions = " → ".join(f"v{p.iteration} {STATUS_LABELS.get(p.status, p.status)}" for p in chain)
        text = (
            f"*{escape(latest.name)}* · {pilot_state(latest, today=today)}\n{reframe(latest)}\n"
            f"{len(latest.participants)} taking part · owner {mention(latest.owner_id)}"
        )
        accessory = button("Edit", PilotAction.EDIT, value=str(latest.id)) if latest.id in editable else None
        blocks.append(section(text, accessory=accessory))
        if len(chain) > 1:
            blocks.append(context(f"Versions: {versions}"))
        if len(blocks) >= LIST_BLOCK_LIMIT:
            blocks.append(context("More pilots than fit here: the newest are shown first."))
            break
    blocks.append(context("Votes and learnings go to the pilot's owner and the team's managers only."))
    return blocks


def build_home_pilots(pilots: list[PilotFacts], *, today: date, user_id: str) -> list[Block]:
    """The App Home section: the person's own pilots."""
    blocks: list[Block] = [section("*Your pilots*")]
    if not pilots:
        blocks.append(
            section(
                "No pilots running. Try one: pick a skill to get better at for two weeks.",
                accessory=button("Start a pilot", PilotAction.START),
            )
        )
        return blocks
    for pilot in pilots[:5]:
        role = "you own it" if pilot.owner_id == user_id else f"owner {mention(pilot.owner_id)}"
        blocks.append(
            section(
                f"*{escape(pilot.name)}* · {pilot_state(pilot, today=today)} · {role}\n"
                f"Get better at {escape(pilot.growth_metric)}"
            )
        )
    blocks.append(actions(button("Start a pilot", PilotAction.START)))
    return blocks

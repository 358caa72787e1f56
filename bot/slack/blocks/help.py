"""The usage card for `/stretch help`, and the replies for errors and people in no team."""

from __future__ import annotations

from dataclasses import dataclass

from bot.slack.blocks.common import Block, actions, button, context, divider, escape, header, section
from bot.slack.ids import Action


@dataclass(frozen=True)
class HelpEntry:
    """One line of the usage card: what to type, what it does, and who may."""

    usage: str
    description: str
    group: str = "Everyone"


GROUP_ORDER = ("Everyone", "Check-ins", "The pie", "Shout-outs", "Pilots", "Managers")


def build_help(entries: list[HelpEntry], *, unknown: str | None = None) -> list[Block]:
    """The complete usage card; with `unknown`, it starts by saying what wasn't recognised."""
    blocks: list[Block] = []
    if unknown is not None:
        blocks.append(
            section(f":thinking_face: I didn't recognise `{escape(unknown[:60])}`. Here's what I can do:")
        )
    blocks.append(header("Stretch: goals that stretch, not snap"))
    blocks.append(
        section(
            "Stretch checks in with each rep in a DM, helps the team split its target, celebrates the "
            "swings people take, and quietly tells managers when someone's goal starts to *snap* instead "
            "of *stretch*."
        )
    )
    groups = sorted({entry.group for entry in entries}, key=_group_rank)
    for group in groups:
        lines = [f"`{e.usage}`  {e.description}" for e in entries if e.group == group]
        blocks.append(divider())
        blocks.append(section(f"*{group}*\n" + "\n".join(lines)))
    blocks.append(divider())
    blocks.append(
        context(
            "Times are always your own local time (from your Slack profile). "
            "Only managers see alerts and individual answers."
        )
    )
    return blocks


def _group_rank(group: str) -> tuple[int, str]:
    return (GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER), group)


def build_error(message: str, *, hint: str | None = None) -> list[Block]:
    """A friendly ephemeral reply for something that can't be done as asked."""
    blocks = [section(f":warning: {message}")]
    if hint:
        blocks.append(context(hint))
    return blocks


def build_team_picker(teams: list[tuple[int, str, str]], *, message: str) -> list[Block]:
    """Buttons to pick the team a command is about, for people on several teams: (team id, team name,
    the button's value) each; every button has its own action id, as Slack wants within a block."""
    buttons = [
        button(name, f"{Action.PICK_TEAM}:{team_id}", value=value) for team_id, name, value in teams[:25]
    ]
    return [section(f":busts_in_silhouette: {message}"), actions(*buttons)]


def build_not_in_team(message: str) -> list[Block]:
    """What someone in no team sees instead of an error."""
    return [
        section(f":wave: {message}"),
        context("Stretch only shows check-ins, the pie and shout-outs to people on a team."),
        actions(button("What can Stretch do?", Action.OPEN_HELP)),
    ]


def build_oops() -> list[Block]:
    """The reply when something broke on Stretch's side (the details go to the log, not the user)."""
    return [
        section(
            ":construction: Something went wrong on my side and nothing was changed. "
            "Please try again in a minute; if it keeps happening, tell whoever runs Stretch."
        )
    ]


def build_try_again_later() -> list[Block]:
    """The reply while the database is unreachable."""
    return [
        section(
            ":hourglass_flowing_sand: I can't reach my database right now, so nothing was changed. "
            "Please try again in a minute."
        )
    ]

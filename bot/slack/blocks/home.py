"""The App Home tab: who you are to Stretch, your teams, and where to go next."""

from __future__ import annotations

from typing import Any

from bot.models import ROLE_MANAGER
from bot.services.home import HomeModel
from bot.slack.blocks.common import Block, actions, button, context, divider, header, section
from bot.slack.ids import Action

HOME_BLOCK_LIMIT = 100


def build_home(model: HomeModel, *, sections: list[list[Block]] | None = None) -> dict[str, Any]:
    """The home view for one person, with the features' sections; never more than Slack's 100 blocks."""
    name = model.display_name or f"<@{model.user_id}>"
    blocks: list[Block] = [header(f"Hi {name} :wave:")]
    if not model.teams:
        blocks.append(
            section(
                "You're not on a Stretch team yet. Ask your sales manager to add you: they run "
                "`/stretch setup` in the team's channel."
                + (
                    "\n\nAs a workspace admin you can set up the first team yourself."
                    if model.is_admin
                    else ""
                )
            )
        )
        buttons = [button("What can Stretch do?", Action.OPEN_HELP)]
        if model.is_admin:
            buttons.insert(0, button("Set up a team", Action.OPEN_SETUP, style="primary"))
        blocks.append(actions(*buttons))
        return {"type": "home", "blocks": blocks}

    blocks.append(
        section(
            "Stretch checks in on how your goals *feel*, helps your team split the pie, and celebrates "
            "the swings you take, not only the results."
        )
    )
    for feature_blocks in sections or []:
        if feature_blocks:
            blocks.append(divider())
            blocks.extend(feature_blocks)
    for team in model.teams:
        blocks.append(divider())
        role = "Manager" if team.role == ROLE_MANAGER else "Rep"
        where = f" · <#{team.channel_id}>" if team.channel_id else ""
        blocks.append(
            section(
                f"*{team.name}*{where}\n{role} · {team.members} people · "
                f"check-ins {team.checkin_schedule} your time ({model.tz})",
                accessory=button("Edit team", Action.OPEN_SETUP, value=str(team.team_id))
                if team.role == ROLE_MANAGER
                else None,
            )
        )
    blocks.append(divider())
    blocks.append(actions(button("What can Stretch do?", Action.OPEN_HELP)))
    blocks.append(context("Only your team's managers see individual answers. Shout-outs are public."))
    if len(blocks) > HOME_BLOCK_LIMIT:
        blocks = [
            *blocks[: HOME_BLOCK_LIMIT - 1],
            context("There's more than fits here: `/stretch help` lists the commands that show the rest."),
        ]
    return {"type": "home", "blocks": blocks}

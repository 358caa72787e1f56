"""Shout-out messages: the channel post, the giver's confirmation, a manager's drafts DM and post modal,
and the effort leaderboard section of the App Home."""

from __future__ import annotations

import json
from typing import Any

from bot.domain.schedule import format_local
from bot.services.shoutouts.drafts import DraftCard
from bot.services.shoutouts.effort import EffortEntry, ReceivedShoutout
from bot.services.shoutouts.giving import PeerShoutoutPlan
from bot.slack.blocks.common import (
    Block,
    actions,
    button,
    clip,
    context,
    escape,
    escape_keeping_mentions,
    fit_lines,
    header,
    modal,
    plain,
    section,
)
from bot.slack.ids import ShoutoutAction, ShoutoutBlock, ShoutoutView

FOOTER = (
    "Celebrating the swing, not just the result · give one with `/shoutout @person what they stretched for`"
)


def _names(user_ids: tuple[str, ...] | list[str]) -> str:
    mentions = [f"<@{user}>" for user in user_ids]
    if len(mentions) <= 2:
        return " and ".join(mentions)
    return ", ".join(mentions[:-1]) + f" and {mentions[-1]}"


def build_peer_shoutout(
    *, giver_user_id: str, recipient_ids: tuple[str, ...], reason: str
) -> tuple[str, list[Block]]:
    """The channel message of a `/shoutout`: who, the swing they took, and who is cheering."""
    headline = f":raised_hands: *Shout-out for {_names(recipient_ids)}!*"
    text = f"Shout-out for {_names(recipient_ids)} from <@{giver_user_id}>: {escape_keeping_mentions(reason)}"
    blocks = [
        section(f"{headline}\n>{escape_keeping_mentions(reason)}"),
        context(f"From <@{giver_user_id}> · {FOOTER}"),
    ]
    return text, blocks


def build_manager_shoutout(*, manager_user_id: str, body: str) -> tuple[str, list[Block]]:
    """The channel message of a draft a manager posted (their words, edited or not)."""
    shown = escape_keeping_mentions(body)
    return shown, [section(f":raised_hands: {shown}"), context(f"From <@{manager_user_id}> · {FOOTER}")]


def build_shoutout_sent(plan: PeerShoutoutPlan) -> dict[str, Any]:
    """The giver's private confirmation, with anything worth knowing about what was posted."""
    lines = [
        f":white_check_mark: Posted your shout-out for {_names([r.user_id for r in plan.recipients])} in <#{plan.channel_id}>."
    ]
    if plan.left_out_self:
        lines.append("I left you out of it: shout-outs are for celebrating others.")
    if plan.outside_team:
        who = _names(list(plan.outside_team))
        verb = "isn't" if len(plan.outside_team) == 1 else "aren't"
        lines.append(
            f"Note: {who} {verb} on *{escape(plan.team_name)}*. I posted it anyway, so the team sees it."
        )
    left = (
        "That was your last one for today; more from midnight your time."
        if plan.left_today == 0
        else f"You can give {plan.left_today} more today."
    )
    text = "\n".join(lines)
    return {"response_type": "ephemeral", "text": text, "blocks": [section(text), context(left)]}


def build_drafts_dm(card: DraftCard) -> tuple[str, list[Block]]:
    """A manager's drafted shout-outs: each names the person and the behaviour, with Post and Skip."""
    channel = f"<#{card.channel_id}>" if card.channel_id else "the team channel"
    open_count = card.open_count
    text = f"{open_count} stretch moment(s) on {card.team_name} worth a shout-out"
    blocks: list[Block] = [
        header(f"Shout-out drafts for {card.team_name}"),
        section(
            "Your team took some swings. Here are shout-outs drafted from them: post one to "
            f"{channel} as is, edit it first, or skip it. Only managers see these drafts."
        ),
    ]
    for draft in card.drafts:
        blocks.append(
            section(
                f"*{escape(draft.display_name)}*: {escape_keeping_mentions(draft.summary or 'took a swing')}\n_{escape_keeping_mentions(draft.text)}_"
            )
        )
        if draft.handled:
            blocks.append(context(f":white_check_mark: {draft.handled}"))
        else:
            value = str(draft.moment_id)
            blocks.append(
                actions(
                    button("Post to team channel", ShoutoutAction.POST_DRAFT, value=value, style="primary"),
                    button("Skip", ShoutoutAction.SKIP_DRAFT, value=value),
                    block_id=f"{ShoutoutBlock.DRAFT_PREFIX}{draft.moment_id}",
                )
            )
    blocks.append(context("Another manager of the team may get the same drafts; whoever acts first wins."))
    return text, blocks[:50]


def build_post_modal(
    *, body: str, person_name: str, channel_id: str | None, metadata: dict[str, Any]
) -> dict[str, Any]:
    """The modal where a manager edits a draft before it goes to the channel."""
    where = f"<#{channel_id}>" if channel_id else "the team channel"
    return modal(
        callback_id=ShoutoutView.POST_DRAFT,
        title="Post a shout-out",
        submit="Post",
        blocks=[
            section(
                f"This goes to {where}, from you, celebrating *{escape(person_name)}*. Edit it as you like."
            ),
            {
                "type": "input",
                "block_id": ShoutoutBlock.TEXT,
                "label": plain("Shout-out"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": ShoutoutBlock.TEXT_INPUT,
                    "multiline": True,
                    "max_length": 700,
                    "initial_value": body,
                },
                "hint": plain("Name the behaviour, not a number. <@U…> becomes their @-mention when posted."),
            },
        ],
        private_metadata=json.dumps(metadata),
    )


def read_post_metadata(private_metadata: str) -> dict[str, Any]:
    """The modal's metadata (moment id, the DM message to refresh), or {} when unreadable."""
    try:
        data = json.loads(private_metadata or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def build_effort_section(
    *, team_name: str, entries: list[EffortEntry], pending_drafts: int | None
) -> list[Block]:
    """The App Home's effort leaderboard for one team (and, for a manager, drafts waiting)."""
    blocks: list[Block] = []
    if entries:
        lines = [
            # The count only: a swing's type (a comeback says the rep was in the snap zone) stays private.
            f"• *{escape(e.display_name)}*: {e.swings} swing{'s' if e.swings != 1 else ''}"
            for e in entries
        ]
        blocks.append(
            section(
                fit_lines(
                    f":muscle: *Swings taken this month · {escape(team_name)}*",
                    lines,
                    more=lambda n: f"…and {n} more",
                )
            )
        )
        blocks.append(
            context("Effort, not revenue: shout-outs received, pilots joined, stretch claims and answers.")
        )
    else:
        blocks.append(
            section(
                f":muscle: *Swings taken this month · {escape(team_name)}*\nNo swings recorded yet this month. "
                "Seen someone take one? `/shoutout @person what they stretched for`"
            )
        )
    if pending_drafts:
        plural = "s" if pending_drafts != 1 else ""
        blocks.append(
            context(
                f":memo: {pending_drafts} drafted shout-out{plural} waiting for you to post or skip: they're in your DMs with Stretch."
            )
        )
    return blocks


def build_received_section(*, total: int, latest: list[ReceivedShoutout], tz: str) -> list[Block]:
    """The App Home's 'Shout-outs you received': the count and the latest few, with who gave them."""
    if total == 0:
        return []
    lines = [
        f"• _{escape_keeping_mentions(clip(item.text, 200))}_ (from {escape(item.giver_name)}, {format_local(item.created_at, tz, with_day=True)})"
        for item in latest
    ]
    return [
        section(
            fit_lines(
                f":tada: *Shout-outs you received* ({total} in all)", lines, more=lambda n: f"…and {n} more"
            )
        )
    ]

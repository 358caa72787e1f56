"""The huddle card, the "Post my update" modal and its thread post, and the managers' recap DM."""

from __future__ import annotations

import json
from typing import Any

from bot.domain import huddles as rules
from bot.domain.checkpoints import pace_line
from bot.domain.figures import days_left_text, pct
from bot.domain.pie import fraction, percent
from bot.domain.schedule import format_local
from bot.domain.zones import SLACK, SNAP, STRETCH, ZONE_EMOJI
from bot.services.huddles.card import HuddleCard, ShoutoutLine
from bot.services.huddles.recaps import Recap
from bot.slack.blocks.attention import slack_date
from bot.slack.blocks.common import (
    Block,
    actions,
    button,
    clip,
    context,
    divider,
    escape,
    escape_keeping_mentions,
    fit_lines,
    header,
    modal,
    plain,
    progress_bar,
    section,
)
from bot.slack.ids import HuddleAction, HuddleInput, HuddleView

MAX_NAMES = 40


def _when(card: HuddleCard) -> str:
    # A channel post: every reader sees the huddle's time in their own zone.
    return slack_date(card.starts_at, format_local(card.starts_at, card.tz))


def pie_line(card: HuddleCard) -> str | None:
    """The pie in one line with a bar, or None without an open pie."""
    view = card.pie
    if view is None:
        return None
    return (
        f":pie: *{escape(view.title)}* `{progress_bar(fraction(view.claimed, view.target))}` "
        f"{pct(percent(view.claimed, view.target))} claimed · {view.money(view.progress)} of "
        f"{view.money(view.target)} closed · {days_left_text(card.pie_days_left or 0)}"
        + (f"\nTeam pace: {pace_line(view.pace, view.currency)}" if view.pace is not None else "")
    )


def _pilot_text(card: HuddleCard) -> str | None:
    if not card.pilots:
        return None
    shown, more = rules.summarise(card.pilots, rules.MAX_PILOT_LINES)
    lines = []
    for pilot in shown:
        reframe = f"The goal isn't _{escape(clip(pilot.not_goal, 120))}_. " if pilot.not_goal else ""
        lines.append(
            f"• *{escape(clip(pilot.title, 80))}*: {reframe}The goal is to get better at "
            f"_{escape(clip(pilot.growth_metric, 150))}_."
        )
    return fit_lines(
        "*Pilots running*",
        lines,
        hidden=more,
        more=lambda n: f"…and {n} more. `/stretch pilot` lists them all.",
    )


def _shoutout(line: ShoutoutLine) -> str:
    to = ", ".join(f"<@{u}>" for u in line.recipients[:5]) or "the team"
    text = " ".join(line.text.split())
    return f"• <@{line.giver}> → {to}: {escape_keeping_mentions(clip(text, rules.SHOUTOUT_CLIP))}"


def _shoutout_text(card: HuddleCard) -> str | None:
    if not card.shoutouts:
        return None
    shown, more = rules.summarise(card.shoutouts, rules.MAX_SHOUTOUT_LINES)
    return fit_lines(
        f"*Shout-outs since the last huddle* ({len(card.shoutouts)})",
        [_shoutout(s) for s in shown],
        hidden=more,
        more=lambda n: f"…and {n} more in the channel. Keep them coming with `/shoutout`.",
    )


def pulse_text(card: HuddleCard) -> str:
    """The team's pulse in aggregate, only with enough answers that nobody can be picked out."""
    pulse = card.pulse
    if pulse.people < rules.PULSE_MIN_ANSWERS:
        return (
            f"*Team pulse*: not shown: it needs check-ins from {rules.PULSE_MIN_ANSWERS} different people "
            "since the last huddle, so nobody's answers can be picked out."
        )
    zones = " · ".join(
        f"{ZONE_EMOJI[zone]} {pulse.zones.get(zone, 0)} {zone}" for zone in (STRETCH, SLACK, SNAP)
    )
    readiness = f" · readiness {pulse.readiness:.1f}/5" if pulse.readiness is not None else ""
    return f"*Team pulse* ({pulse.answers} check-ins): {zones}{readiness}"


def build_huddle_card(card: HuddleCard) -> tuple[str, list[Block]]:
    """The card posted in the team channel before the huddle (at most 12 blocks, whatever the lists)."""
    if card.kind == "day_off":
        upcoming = (
            f" See you at the next one, {slack_date(card.next_huddle, format_local(card.next_huddle, card.tz))}."
            if card.next_huddle
            else ""
        )
        text = f":palm_tree: No huddle today: it's a team day off for *{escape(card.team_name)}*.{upcoming}"
        return "No huddle today", [section(text)]
    blocks: list[Block] = [
        header(f"Team huddle · {card.team_name}"),
        context(f"{_when(card)} · a card to warm up: reply in the thread, even if you can't join live."),
    ]
    pie = pie_line(card)
    if pie:
        blocks.append(section(pie))
    for part in (_pilot_text(card), _shoutout_text(card)):
        if part:
            blocks.append(section(part))
    blocks.append(section(pulse_text(card)))
    blocks.append(divider())
    blocks.append(
        section(f":speech_balloon: *{rules.PROMPT}*\nReply in this thread, or post a short update.")
    )
    blocks.append(
        actions(
            button("Post my update", HuddleAction.POST_UPDATE, value=str(card.huddle_id), style="primary"),
            block_id=f"huddle_{card.huddle_id}",
        )
    )
    blocks.append(
        context(
            "Stretch notes who replies in this thread and when, never what you write, so managers can "
            "see who joined in."
        )
    )
    return f"Team huddle · {card.team_name}: {rules.PROMPT}", blocks


# --- the update modal -------------------------------------------------------------------------------------


def _text_input(block_id: str, action_id: str, label: str, *, placeholder: str, optional: bool) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": plain(label),
        "element": {
            "type": "plain_text_input",
            "action_id": action_id,
            "multiline": True,
            "max_length": rules.UPDATE_MAX,
            "placeholder": plain(placeholder),
        },
    }


def build_update_modal(*, huddle_id: int, team_name: str) -> dict[str, Any]:
    """What I did, what I'll stretch for, where I'm stuck (the last one only reaches managers)."""
    blocks: list[Block] = [
        _text_input(
            HuddleInput.DID_BLOCK,
            HuddleInput.DID,
            "What I did",
            placeholder="Booked 4 meetings, tried the new opener",
            optional=True,
        ),
        _text_input(
            HuddleInput.STRETCH_BLOCK,
            HuddleInput.STRETCH,
            "What I'll stretch for this week",
            placeholder="Two calls a day to accounts I've been avoiding",
            optional=False,
        ),
        _text_input(
            HuddleInput.STUCK_BLOCK,
            HuddleInput.STUCK,
            "Where I'm stuck (managers only)",
            placeholder="Optional: only your managers see this, in a private message",
            optional=True,
        ),
        context(
            f"Your update goes in *{escape(team_name)}*'s huddle thread, from Stretch, with your name on it."
        ),
    ]
    return modal(
        callback_id=HuddleView.UPDATE,
        title="My huddle update",
        submit="Post",
        blocks=blocks,
        private_metadata=json.dumps({"huddle_id": huddle_id}),
    )


def update_huddle_id(private_metadata: str) -> int | None:
    """The huddle id the update modal was opened for."""
    try:
        data = json.loads(private_metadata or "{}")
    except ValueError:
        return None
    value = data.get("huddle_id") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def _quote(text: str) -> str:
    return "\n".join(f"> {escape(line)}" for line in text.splitlines() if line.strip())


def build_update_post(
    *, user_id: str, did: str, stretch: str, stuck_flagged: bool
) -> tuple[str, list[Block]]:
    """The update as posted in the thread by Stretch, quoting the rep and saying clearly it's theirs."""
    parts = [f":raising_hand: *Update from <@{user_id}>* (posted for them by Stretch)"]
    if did:
        parts.append(f"*What I did*\n{_quote(did)}")
    parts.append(f"*What I'll stretch for*\n{_quote(stretch)}")
    blocks = [section("\n".join(parts))]
    if stuck_flagged:
        blocks.append(context("They also shared something privately with their managers."))
    return f"Update from <@{user_id}>: {clip(stretch, 200)}", blocks


# --- the managers' recap ----------------------------------------------------------------------------------


def _names(user_ids: tuple[str, ...] | list[str]) -> str:
    shown = [f"<@{u}>" for u in user_ids[:MAX_NAMES]]
    more = len(user_ids) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def build_recap(recap: Recap) -> tuple[str, list[Block]]:
    """The private after-huddle DM: who posted in the thread, who didn't, and who is stuck."""
    posted = [u for u, _ in recap.posted]
    lines = [
        f":busts_in_silhouette: *{escape(recap.team_name)} huddle · {format_local(recap.starts_at, recap.tz)}*",
        f"*Posted in the thread* ({len(posted)}): {_names(posted) if posted else 'nobody yet'}",
        f"*Didn't post* ({len(recap.not_posted)}): "
        + (_names(list(recap.not_posted)) if recap.not_posted else "everyone expected did :tada:"),
    ]
    if not recap.thread_readable:
        # Slack sends Stretch no replies from a channel it isn't in: say so instead of blaming people.
        lines[1:] = [
            f"*Posted an update* ({len(posted)}): {_names(posted) if posted else 'nobody from the modal'}",
            f":warning: I couldn't read the thread: I'm not a member of <#{recap.channel_id}>, so I can't "
            "tell who replied there and nobody is counted as quiet. Type `/invite @Stretch` in the channel.",
        ]
    if recap.away:
        lines.append(f"*Away* (not expected): {_names(list(recap.away))}")
    blocks: list[Block] = [section("\n".join(lines))]
    if recap.stuck:
        stuck_lines = [
            f"• <@{user}>: {escape(clip(' '.join(text.split()), 400))}" for user, text in recap.stuck[:10]
        ]
        blocks.append(
            section(
                fit_lines(
                    "*Flagged as stuck*",
                    stuck_lines,
                    hidden=max(0, len(recap.stuck) - 10),
                    more=lambda n: f"…and {n} more in the thread updates.",
                )
            )
        )
    blocks.append(
        context(
            "Only you and the team's other managers get this. A quiet huddle is a reason to ask, not to "
            "call anyone out."
        )
    )
    if not recap.thread_readable:
        return f"{recap.team_name} huddle: I couldn't read the thread (invite me to the channel)", blocks
    return f"{recap.team_name} huddle: {len(posted)} posted, {len(recap.not_posted)} didn't", blocks


def build_stuck_note(recap: Recap, *, user_id: str, text: str) -> tuple[str, list[Block]]:
    """A stuck note that came in after the recap was sent."""
    body = (
        f":construction: <@{user_id}> flagged something as stuck in the *{escape(recap.team_name)}* huddle "
        f"({format_local(recap.starts_at, recap.tz)}):\n> {escape(clip(' '.join(text.split()), 400))}"
    )
    return f"{recap.team_name} huddle: a stuck note", [
        section(body),
        context("Only the team's managers get this."),
    ]

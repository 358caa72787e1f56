"""Block Kit for the pie: the status card, its modals, the channel celebrations and the managers' DMs.

Public messages (the channel) show team totals only; who claimed how much is on the card people ask
for themselves, listed in claim order and never ranked, so a small slice is never singled out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.domain import figures
from bot.domain.checkpoints import (
    pace_line,
)
from bot.domain.figures import pct
from bot.domain.pie import (
    fraction,
    percent,
)
from bot.services.checkpoints import RepPace
from bot.services.pie_claims import ClaimOutcome
from bot.services.pie_reads import PieView, SliceLine
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
    progress_bar,
    section,
)
from bot.slack.blocks.pie_checkpoints import build_rep_pace_section, pace_blocks, short_date
from bot.slack.blocks.privacy import mention  # a forgotten member shows as "a former member"
from bot.slack.ids import CheckpointAction, PieAction

MAX_SLICE_LINES = 30
NOTE_CLIP = 200
ChannelBuilder = Callable[[PieView], tuple[str, list[Block]]]


def closes_text(view: PieView) -> str:
    """When claims close, as people read it: 'end of Sun 29 Nov (America/New_York)'."""
    return f"end of {short_date(view.claim_by)} ({view.tz})"


def claimers_text(view: PieView) -> str:
    """'3 of 5 reps have a slice' (singular and plural right)."""
    return figures.claimers_text(view.claimers, view.reps)


def _bar_line(label: str, part: int, view: PieView) -> str:
    return (
        f"{label} `{progress_bar(fraction(part, view.target))}` {pct(percent(part, view.target))} · "
        f"{view.money(part)} of {view.money(view.target)}"
    )


def _slice_line(line: SliceLine, view: PieView, viewer: str) -> str:
    who = mention(line.user_id) + (" (you)" if line.user_id == viewer else "")
    text = f"• {who}: *{view.money(line.amount)}*" if line.amount else f"• {who}: no slice"
    if line.progress:
        text += f" · {view.money(line.progress)} closed"
    if line.note:
        text += f" · _{escape_keeping_mentions(clip(line.note, NOTE_CLIP))}_"
    return text


def claims_line(view: PieView, now: datetime | None) -> str:
    """When claims close, or (after the deadline) that they are closed and what is left; with the days left."""
    if now is None:
        return f"Claims close at the {closes_text(view)}"
    numbers = view.figures(now)
    if numbers.claims_open:
        return f"Claims close at the {closes_text(view)} · {numbers.days_text} in the period"
    if numbers.left > 0:
        rest = f"{view.money(numbers.left)} of {view.money(view.target)} was left unclaimed"
    elif numbers.left == 0:
        rest = "the whole pie was claimed"
    else:
        rest = f"claims stretched {view.money(-numbers.left)} past the target"
    return (
        f"Claims closed at the end of {short_date(view.claim_by)}: {rest} · {numbers.days_text} in the period"
    )


def build_pie_card(
    view: PieView, *, viewer: str, is_manager: bool, now: datetime | None = None
) -> list[Block]:
    """The status card: totals, bars, slices, deadline (or that claims are closed), and the buttons."""
    left = view.left
    closed = now is not None and not view.figures(now).claims_open
    if left > 0 and closed:
        left_text = f"*{view.money(left)}* unclaimed (claims are closed)"
    elif left > 0:
        left_text = f"*{view.money(left)}* left to claim"
    elif left == 0:
        left_text = "*All claimed* :tada:"
    else:
        left_text = f"*Stretched {view.money(-left)} past the target* :muscle:"
    blocks: list[Block] = [
        header(f"{view.team_name} · {view.title}"),
        section(
            f"{_bar_line('Claimed', view.claimed, view)}\n{_bar_line('Eaten  ', view.progress, view)}\n"
            f"{left_text} · {claimers_text(view)}"
        ),
        *pace_blocks(view),
    ]
    if view.slices:
        lines = [_slice_line(s, view, viewer) for s in view.slices[:MAX_SLICE_LINES]]
        text = fit_lines(
            "*Slices*",
            lines,
            hidden=max(0, len(view.slices) - MAX_SLICE_LINES),
            more=lambda n: f"…and {n} more",
        )
        blocks.append(section(text))
    else:
        blocks.append(section("Nobody has claimed a slice yet. Be the first: take what fits your pipeline."))
    facts = [
        claims_line(view, now),
        f"period ends {short_date(view.period_end)}",
        f"an even cut is {view.money(view.equal_share)}",
    ]
    if view.allow_overclaim:
        facts.append("claims may stretch past the target")
    blocks.append(context(" · ".join(facts)))
    if is_manager and view.unclaimed_user_ids:
        who = ", ".join(f"<@{u}>" for u in view.unclaimed_user_ids[:20])
        blocks.append(context(f"Only you see this: no slice yet from {who}."))
    mine = view.slice_of(viewer)
    buttons = []
    if not is_manager:
        if mine is None or mine.amount == 0:
            buttons.append(button("Claim a slice", PieAction.CLAIM, value=str(view.team_id), style="primary"))
        buttons.append(button("Change my slice", PieAction.CHANGE, value=str(view.team_id)))
    else:
        buttons.append(button("Change the target", PieAction.LOWER_TARGET, value=str(view.pie_id)))
        buttons.append(button("Extend the deadline", PieAction.EXTEND, value=str(view.pie_id)))
    if view.pace is not None:  # the team's path, or the rep's own (issue 19)
        buttons.append(button("Checkpoints", CheckpointAction.OPEN, value=str(view.team_id)))
    blocks.append(actions(*buttons))
    blocks.append(
        context(
            "Take what fits your pipeline, your time off and your energy. A smaller slice while you "
            "recover is fine. `/claim-pie 20k` claims · `/claim-pie release` gives it back · "
            "`/claim-pie progress 5k` logs a win"
        )
    )
    return blocks


def build_claim_reply(
    outcome: ClaimOutcome, *, viewer: str, now: datetime | None = None
) -> tuple[str, list[Block]]:
    """The claimer's private confirmation, with the card below it."""
    view = outcome.view
    if outcome.before == 0:
        text = f":pie: You claimed *{view.money(outcome.amount)}* of *{escape(view.title)}*."
    elif outcome.before == outcome.amount:
        text = f":pie: Your slice stays at *{view.money(outcome.amount)}*; note updated."
    else:
        text = f":pie: Your slice is now *{view.money(outcome.amount)}* (was {view.money(outcome.before)})."
    if outcome.stretch:
        text += " That's a real stretch: thank you for reaching."
    if outcome.covered_now:
        text += " And with that, the whole pie is claimed! :tada:"
    return text, [section(text), divider(), *build_pie_card(view, viewer=viewer, is_manager=False, now=now)]


# --- messages ---------------------------------------------------------------------------------------


def build_baked(view: PieView) -> tuple[str, list[Block]]:
    """The channel hears a pie is out of the oven."""
    text = (
        f":pie: A fresh pie is out of the oven: *{escape(view.title)}*, {view.money(view.target)} for the team. "
        f"Claim the slice that fits your pipeline by the {closes_text(view)}."
    )
    return text, [
        section(text),
        context(
            "`/claim-pie` shows the pie · `/claim-pie 20k` claims · a smaller slice is fine when you need it"
        ),
        actions(button("Claim a slice", PieAction.CLAIM, value=str(view.team_id), style="primary")),
    ]


def build_covered(view: PieView) -> tuple[str, list[Block]]:
    """The channel celebrates: the claims cover the pie."""
    text = (
        f":tada: The whole *{escape(view.title)}* pie is claimed: {view.money(view.claimed)} of "
        f"{view.money(view.target)}, split by {view.claimers} of you. Thank you for reaching. Now let's eat it!"
    )
    return text, [section(text)]


def build_eaten(view: PieView) -> tuple[str, list[Block]]:
    """The channel celebrates: progress has eaten the pie."""
    text = (
        f":trophy: *{escape(view.title)}* is eaten! {view.money(view.progress)} closed against a "
        f"{view.money(view.target)} target. That's the whole team's work: well done, everyone."
    )
    return text, [section(text)]


def build_closed(view: PieView) -> tuple[str, list[Block]]:
    """The channel's wrap-up when a manager closes the period: totals only, no names."""
    text = (
        f":checkered_flag: *{escape(view.title)}* is closed. Together we closed {view.money(view.progress)} "
        f"({percent(view.progress, view.target)}% of {view.money(view.target)}). Thank you for every swing you took."
    )
    return text, [section(text)]


def build_close_summary(view: PieView, *, viewer: str) -> tuple[str, list[Block]]:
    """The closing manager's private summary."""
    text = f":checkered_flag: *{escape(view.title)}* is closed and kept as history."
    lines = [
        _bar_line("Claimed", view.claimed, view),
        _bar_line("Eaten", view.progress, view),
    ]
    blocks = [section(text), section("\n".join(lines))]
    if view.slices:
        blocks.append(
            section(
                fit_lines(
                    "*Slices*",
                    [_slice_line(s, view, viewer) for s in view.slices[:MAX_SLICE_LINES]],
                    hidden=max(0, len(view.slices) - MAX_SLICE_LINES),
                    more=lambda n: f"…and {n} more",
                )
            )
        )
    blocks.append(
        context(
            "The channel got a short wrap-up with the team's totals (no names). Bake the next one with `/claim-pie new`."
        )
    )
    return text, blocks


def build_reminder(view: PieView, *, number: int) -> tuple[str, list[Block]]:
    """A rep's private nudge to claim (at most two per pie)."""
    text = (
        f":pie: {escape(view.team_name)}'s *{escape(view.title)}* pie closes for claims at the "
        f"{closes_text(view)}. {view.money(max(0, view.left))} is still unclaimed."
    )
    return text, [
        section(text),
        context(
            "Claim what fits your pipeline, time off and energy: a smaller slice while you recover is "
            "perfectly fine." + (" This is the last reminder." if number >= 2 else "")
        ),
        actions(button("Claim a slice", PieAction.CLAIM, value=str(view.team_id), style="primary")),
    ]


def build_deadline_dm(view: PieView) -> tuple[str, list[Block]]:
    """A manager's private note at the deadline when pie is left, with three ways forward."""
    text = (
        f":hourglass: Claims for *{escape(view.title)}* ({escape(view.team_name)}) closed with "
        f"*{view.money(view.left)} unclaimed* of {view.money(view.target)}."
    )
    claimed = [s for s in view.slices if s.amount]
    lines = [
        f"• {mention(s.user_id)}: {view.money(s.amount)}"
        + (f" · _{escape_keeping_mentions(clip(s.note, NOTE_CLIP))}_" if s.note else "")
        for s in claimed
    ]
    blocks: list[Block] = [
        section(text),
        section(
            fit_lines("*Who claimed what*", lines, more=lambda n: f"…and {n} more")
            if lines
            else "*Who claimed what*\nNobody claimed a slice."
        ),
    ]
    if view.unclaimed_user_ids:
        blocks.append(context("No slice: " + ", ".join(f"<@{u}>" for u in view.unclaimed_user_ids[:20])))
    blocks.append(
        context(
            "Unclaimed pie is feedback: the target may be too aggressive, or something is in the way. Only you see this."
        )
    )
    value = str(view.pie_id)
    blocks.append(
        actions(
            button("Lower the target", PieAction.LOWER_TARGET, value=value),
            button("Extend the deadline", PieAction.EXTEND, value=value),
            button("Talk it through", PieAction.TALK, value=value),
        )
    )
    return text, blocks


def build_snap_heads_up(view: PieView, *, rep_user_id: str, amount: int) -> tuple[str, list[Block]]:
    """A manager's private heads-up: a rep who last checked in from the snap zone took a big slice."""
    text = (
        f":eyes: Heads-up: <@{rep_user_id}> just claimed *{view.money(amount)}* of *{escape(view.title)}*, above an "
        f"even cut ({view.money(view.equal_share)}), and their last check-in was in the snap zone."
    )
    return text, [
        section(text),
        context(
            "Maybe a great sign, maybe over-commitment. A quiet one-on-one check beats a public comment. "
            "Only you and the team's other managers see this."
        ),
    ]


def build_home_pie(
    view: PieView,
    *,
    viewer: str,
    is_manager: bool,
    now: datetime | None = None,
    rep_pace: RepPace | None = None,
) -> list[Block]:
    """The App Home section for one team's open pie (with the viewer's own pace, only they see it)."""
    mine = view.slice_of(viewer)
    if is_manager:
        you = f"{claimers_text(view)}."
    elif mine and mine.amount:
        you = f"Your slice: *{view.money(mine.amount)}*, {view.money(mine.progress)} closed so far."
    else:
        you = "You haven't claimed a slice yet."
    blocks: list[Block] = [
        section(
            f":pie: *{escape(view.team_name)} · {escape(view.title)}*\n{_bar_line('Claimed', view.claimed, view)}\n"
            f"{_bar_line('Eaten', view.progress, view)}\n{you}"
        ),
        context(f"{claims_line(view, now)} · `/claim-pie` for the whole pie"),
    ]
    if view.pace is not None:
        blocks.append(context(f"Team pace: {pace_line(view.pace, view.currency)}"))
    if rep_pace is not None:
        blocks.append(build_rep_pace_section(rep_pace))
    if not is_manager:
        label, action = (
            ("Change my slice", PieAction.CHANGE)
            if mine and mine.amount
            else ("Claim a slice", PieAction.CLAIM)
        )
        blocks.append(actions(button(label, action, value=str(view.team_id))))
    return blocks


# --- answers to /claim-pie changes ------------------------------------------------------------------


def build_card_reply(
    message: str, view: PieView, *, viewer: str, is_manager: bool, now: datetime
) -> tuple[str, list[Block]]:
    """A one-line answer above the person's own pie card (what a change typed at /claim-pie answers)."""
    return message, [section(message), *build_pie_card(view, viewer=viewer, is_manager=is_manager, now=now)]


def released_text(view: PieView, released: int) -> str:
    """The answer to giving a slice back."""
    return f":pie: You gave back your {view.money(released)} slice. No problem: it's back in the pie."


def progress_text(
    view: PieView, *, whose: str, amount: int, viewer: str, shared: list[tuple[str, int]]
) -> str:
    """The answer to logging progress; a shared account's split names each partner's part."""
    who = "you" if whose == viewer else f"<@{whose}>"
    message = f":moneybag: Logged {view.money(amount)} closed for {who}. Nice work."
    if shared:
        parts = ", ".join(f"{view.money(part)} to <@{user}>" for user, part in shared)
        message += f" Shared account, so it's split: {parts}."
    return message


def baked_text(view: PieView) -> str:
    """The answer to baking a pie."""
    return f":pie: *{escape(view.title)}* is baked: {view.money(view.target)}. The channel has been told."


def target_changed_text(view: PieView, old: int) -> str:
    """The answer to changing the target."""
    return f":dart: Target changed from {view.money(old)} to *{view.money(view.target)}*."

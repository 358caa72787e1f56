"""Pilot messages: the reframe card, the participants' reminder DMs (kickoff, mid-point, review), and
the owner's summary, late reviews, decision and tweak requests."""

from __future__ import annotations

from datetime import date

from bot.domain import pilots as rules
from bot.services.pilots.core import PilotFacts
from bot.services.pilots.lists import ReviewLine
from bot.slack.blocks.common import (
    Block,
    actions,
    button,
    clip,
    context,
    divider,
    escape,
    header,
    section,
)
from bot.slack.blocks.privacy import mention  # a forgotten member shows as "a former member"
from bot.slack.ids import PilotAction

SCORE_LABELS = {1: "1 · rough", 2: "2", 3: "3 · okay", 4: "4", 5: "5 · great"}
MID_ACTIONS = (
    PilotAction.MID_1,
    PilotAction.MID_2,
    PilotAction.MID_3,
    PilotAction.MID_4,
    PilotAction.MID_5,
)


def day_text(value: date) -> str:
    """'Mon 9 Nov'."""
    return f"{value:%a} {value.day} {value:%b}"


def reframe(pilot: PilotFacts) -> str:
    """'The goal isn't 40 demos. The goal is to get better at …' (the first half only when given)."""
    first = f"The goal isn't _{escape(pilot.not_goal)}_.\n" if pilot.not_goal else ""
    return f"{first}*The goal is to get better at {escape(pilot.growth_metric)}.*"


def build_card(pilot: PilotFacts) -> list[Block]:
    """The reframe card for the team channel."""
    who = ", ".join(mention(u) for u in pilot.participants[:30])
    more = f" and {len(pilot.participants) - 30} more" if len(pilot.participants) > 30 else ""
    blocks = [
        header(f"🧪 Pilot: {pilot.name}"),
        section(reframe(pilot)),
    ]
    if pilot.observe:
        blocks.append(section(f"*How we'll know:* {pilot.observe}"))
    blocks.append(
        context(
            f"{who}{more} · {pilot.length_days} days, {day_text(pilot.start)} to {day_text(pilot.end)} · "
            f"started by {mention(pilot.owner_id)}. We pilot it, then adjust based on what we learn."
        )
    )
    return blocks


def build_kickoff(pilot: PilotFacts) -> list[Block]:
    """The day-1 DM to a participant: the reframe and what to observe."""
    blocks = [
        header(f"Day 1: {pilot.name}"),
        section(reframe(pilot)),
        section(
            f"*What to notice:* {pilot.observe}"
            if pilot.observe
            else "*What to notice:* each time you practise it, what happened, and what you'd change."
        ),
        context(
            f"{pilot.length_days} days, to {day_text(pilot.end)}. I'll check in halfway and ask for your "
            f"review at the end. Started by {mention(pilot.owner_id)}."
        ),
    ]
    return blocks


def build_midpoint(pilot: PilotFacts, *, day: int) -> list[Block]:
    """The mid-point DM: how's it going, 1–5, a note, or ask for a tweak now."""
    return [
        section(
            f"*{escape(pilot.name)}*, day {day} of {pilot.length_days}: how's it going?\n{reframe(pilot)}"
        ),
        actions(
            *(button(SCORE_LABELS[n], MID_ACTIONS[n - 1], value=str(pilot.id)) for n in range(1, 6)),
            block_id="pilot_mid_scores",
        ),
        actions(
            button("Add a note", PilotAction.MID_NOTE, value=str(pilot.id)),
            button("Tweak now", PilotAction.TWEAK_NOW, value=str(pilot.id)),
            block_id="pilot_mid_more",
        ),
        context("1 is rough, 5 is great. Only the pilot's owner and your managers see your answer."),
    ]


def build_mid_thanks(pilot: PilotFacts, *, score: int) -> list[Block]:
    """The mid-point DM once answered (replaces the buttons)."""
    return [
        section(f":white_check_mark: Thanks: *{escape(pilot.name)}* is at {score}/5 for you so far."),
        actions(
            button("Add a note", PilotAction.MID_NOTE, value=str(pilot.id)),
            button("Tweak now", PilotAction.TWEAK_NOW, value=str(pilot.id)),
        ),
    ]


def build_review(pilot: PilotFacts) -> list[Block]:
    """The end-of-pilot DM: Keep · Tweak · Drop (each opens the review)."""
    return [
        header(f"Review: {pilot.name}"),
        section(f"{pilot.length_days} days are up. {reframe(pilot)}\nWhat should we do with it?"),
        actions(
            button("Keep", PilotAction.REVIEW_KEEP, value=str(pilot.id), style="primary"),
            button("Tweak", PilotAction.REVIEW_TWEAK, value=str(pilot.id)),
            button("Drop", PilotAction.REVIEW_DROP, value=str(pilot.id)),
        ),
        context("Then tell us what you learned. Trying it is what counts, whatever you vote."),
    ]


def _avg(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}/5"


def build_summary(
    pilot: PilotFacts,
    lines: list[ReviewLine],
    *,
    previous_mid: float | None,
    can_decide: bool,
) -> list[Block]:
    """The summary for the owner and the managers: votes, learnings, the mid-point trend, the decision."""
    counts = {v: sum(1 for line in lines if line.vote == v) for v in rules.VOTES}
    answered = sum(1 for line in lines if line.vote)
    mid = rules.average(line.mid_score for line in lines)
    skill = rules.average(line.skill for line in lines)
    trend = f"Mid-point {_avg(mid)} ({sum(1 for x in lines if x.mid_score)} of {len(lines)} answered)"
    if previous_mid is not None and mid is not None:
        arrow = "↗" if mid > previous_mid else ("↘" if mid < previous_mid else "→")
        trend += f", v{pilot.iteration - 1} was {_avg(previous_mid)} {arrow}"
    blocks: list[Block] = [
        header(f"Pilot summary: {pilot.name}"),
        section(reframe(pilot)),
        section(
            f"*Votes* ({answered} of {len(lines)} answered): Keep {counts['keep']} · "
            f"Tweak {counts['tweak']} · Drop {counts['drop']}\n*{trend}*\n"
            f"*Better at the skill:* {_avg(skill)}"
        ),
    ]
    learned = [line for line in lines if line.learning or line.mid_note]
    for line in learned[:15]:
        parts = []
        if line.learning:
            parts.append(f"learned: {escape(line.learning)}")
        if line.mid_note:
            parts.append(f"mid-point: {escape(line.mid_note)}")
        vote = f" ({rules.VOTE_LABELS[line.vote]})" if line.vote else ""
        blocks.append(section(f"{mention(line.user_id)}{vote}: " + " · ".join(parts)))
    if len(learned) > 15:
        blocks.append(context(f"{len(learned) - 15} more answers with learnings are not shown here."))
    if can_decide:
        blocks.append(divider())
        blocks.append(
            section("*Your call:* keep it as a standing practice, tweak it for two more weeks, or drop it.")
        )
        blocks.append(
            actions(
                button("Keep", PilotAction.DECIDE_KEEP, value=str(pilot.id), style="primary"),
                button(
                    "Tweak for v" + str(pilot.iteration + 1), PilotAction.DECIDE_TWEAK, value=str(pilot.id)
                ),
                button("Drop", PilotAction.DECIDE_DROP, value=str(pilot.id)),
            )
        )
    blocks.append(context("Only the pilot's owner and the team's managers see this summary."))
    return blocks


def build_late_review(pilot: PilotFacts, line: ReviewLine) -> list[Block]:
    """A review that arrived after the summary went out."""
    learning = f"\nLearned: {escape(line.learning)}" if line.learning else ""
    vote = rules.VOTE_LABELS.get(line.vote or "", "–")
    return [
        section(
            f"A late review for *{escape(pilot.name)}* from <@{line.user_id}>: {vote}, "
            f"{line.skill or '–'}/5 better at the skill.{learning}"
        )
    ]


def build_decided(pilot: PilotFacts, *, decision: str, by: str) -> list[Block]:
    """What replaces the decision buttons once someone decided."""
    text = {
        rules.STATUS_KEPT: f":white_check_mark: *{escape(pilot.name)}* is kept: it's a standing practice now.",
        rules.STATUS_DROPPED: f":leaves: *{escape(pilot.name)}* is dropped, with its learnings. Trying it counted: "
        "everyone who took part has a stretch moment for it.",
        rules.STATUS_TWEAKED: f":repeat: *{escape(pilot.name)}* is tweaked into v{pilot.iteration + 1}.",
    }[decision]
    return [section(text), context(f"Decided by <@{by}>.")]


def build_tweak_request(pilot: PilotFacts, *, user_id: str, note: str | None) -> list[Block]:
    """The DM to the owner when a participant asks for a tweak now."""
    said = f"\n> {escape(clip(note, 500))}" if note else ""
    return [
        section(
            f"<@{user_id}> thinks *{escape(pilot.name)}* could use a tweak now, before the review.{said}"
        ),
        actions(
            button("Tweak it now", PilotAction.DECIDE_TWEAK, value=str(pilot.id)),
        ),
    ]

"""Pilot Block Kit: the proposal modal, the reframe card, the reminder DMs, the summary and the lists."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.domain import pilots as rules
from bot.domain.errors import UserError
from bot.services.pilots import PilotFacts, ReviewLine
from bot.slack.blocks.common import (
    Block,
    actions,
    button,
    clip,
    context,
    divider,
    header,
    input_block,
    modal,
    option,
    plain,
    section,
)
from bot.slack.blocks.privacy import mention  # a forgotten member shows as "a former member"
from bot.slack.ids import PilotAction, PilotBlock, PilotInput, PilotView

LIST_BLOCK_LIMIT = 45
SCORE_LABELS = {1: "1 · rough", 2: "2", 3: "3 · okay", 4: "4", 5: "5 · great"}
MID_ACTIONS = (
    PilotAction.MID_1,
    PilotAction.MID_2,
    PilotAction.MID_3,
    PilotAction.MID_4,
    PilotAction.MID_5,
)


def _day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b}"


def reframe(pilot: PilotFacts) -> str:
    """'The goal isn't 40 demos. The goal is to get better at …' (the first half only when given)."""
    first = f"The goal isn't _{pilot.not_goal}_.\n" if pilot.not_goal else ""
    return f"{first}*The goal is to get better at {pilot.growth_metric}.*"


def _text(action_id: str, value: str, *, max_length: int, multiline: bool = False, placeholder: str = ""):
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": action_id,
        "max_length": max_length,
        "multiline": multiline,
    }
    if value:
        element["initial_value"] = value
    if placeholder:
        element["placeholder"] = plain(placeholder)
    return element


SHARE_OPTION = option("Post the reframe card in the team channel", "share")
WHOLE_TEAM_OPTION_VALUE = "whole_team"


def build_pilot_modal(
    *,
    draft: rules.PilotDraft,
    team_id: int,
    team_name: str,
    team_reps: int,
    is_manager: bool,
    pilot_id: int | None,
    previous_id: int | None,
    iteration: int,
) -> dict[str, Any]:
    """The modal to propose, edit or tweak a pilot, pre-filled from `draft`."""
    participants: dict[str, Any] = {"type": "multi_users_select", "action_id": PilotInput.PARTICIPANTS}
    if draft.participants:
        participants["initial_users"] = list(draft.participants)
    start: dict[str, Any] = {"type": "datepicker", "action_id": PilotInput.START}
    if draft.start:
        start["initial_date"] = draft.start.isoformat()
    share: dict[str, Any] = {"type": "checkboxes", "action_id": PilotInput.SHARE, "options": [SHARE_OPTION]}
    if draft.share:
        share["initial_options"] = [SHARE_OPTION]
    blocks: list[Block] = []
    if previous_id is not None:
        blocks.append(
            context(
                f":repeat: Version {iteration}: a new two-week iteration linked to the last one. "
                "Change what you learned needs changing."
            )
        )
    blocks += [
        input_block(
            rules.FIELD_TITLE,
            "Title",
            _text(PilotInput.TITLE, draft.title, max_length=rules.MAX_TITLE, placeholder="Discovery first"),
        ),
        input_block(
            rules.FIELD_NOT_GOAL,
            "The goal isn't…",
            _text(
                PilotInput.NOT_GOAL,
                draft.not_goal,
                max_length=rules.MAX_NOT_GOAL,
                placeholder="40 demos booked",
            ),
            optional=True,
            hint="The outcome number we usually chase. Optional.",
        ),
        input_block(
            rules.FIELD_METRIC,
            "The goal is to get better at…",
            _text(
                PilotInput.METRIC,
                draft.growth_metric,
                max_length=rules.MAX_METRIC,
                placeholder="asking a second discovery question",
            ),
            hint="A skill or behaviour you can practise every day.",
        ),
        input_block(
            rules.FIELD_OBSERVE,
            "How we'll know",
            _text(
                PilotInput.OBSERVE,
                draft.observe,
                max_length=rules.MAX_OBSERVE,
                multiline=True,
                placeholder="Notes show a second question on most first calls",
            ),
            optional=True,
            hint="What to notice while it runs.",
        ),
        input_block(rules.FIELD_PARTICIPANTS, "Participants", participants, optional=is_manager),
    ]
    if is_manager:
        whole = option(f"Everyone on {team_name} ({team_reps} reps)", WHOLE_TEAM_OPTION_VALUE)
        whole_team: dict[str, Any] = {
            "type": "checkboxes",
            "action_id": PilotInput.WHOLE_TEAM,
            "options": [whole],
        }
        if draft.whole_team:
            whole_team["initial_options"] = [whole]
        blocks.append(input_block(rules.FIELD_WHOLE_TEAM, "Whole team", whole_team, optional=True))
    blocks += [
        input_block(
            rules.FIELD_START, "Start date", start, hint="Kickoff DMs go out that day at check-in time."
        ),
        input_block(
            rules.FIELD_LENGTH,
            "Length (days)",
            {
                "type": "number_input",
                "action_id": PilotInput.LENGTH,
                "is_decimal_allowed": False,
                "initial_value": str(draft.length_days or rules.DEFAULT_LENGTH),
                "min_value": str(rules.MIN_LENGTH),
                "max_value": str(rules.MAX_LENGTH),
            },
            hint="Mid-point check halfway, review on the last day.",
        ),
        input_block(
            rules.FIELD_SHARE, "Share", share, optional=True, hint="Post it, share it, say it out loud."
        ),
    ]
    title = "Tweak the pilot" if previous_id else ("Edit the pilot" if pilot_id else "Start a pilot")
    submit = "Start v" + str(iteration) if previous_id else ("Save" if pilot_id else "Start pilot")
    return modal(
        callback_id=PilotView.PILOT,
        title=title,
        submit=submit,
        blocks=blocks,
        private_metadata=json.dumps({"team_id": team_id, "pilot_id": pilot_id, "previous_id": previous_id}),
    )


def read_meta(private_metadata: str) -> dict[str, int | None]:
    """The team, pilot and previous pilot ids a pilot modal was opened for."""
    try:
        data = json.loads(private_metadata or "{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    return {key: value if isinstance(value, int) else None for key, value in data.items()}


def parse_pilot_state(values: dict[str, dict[str, Any]]) -> rules.PilotDraft:
    """Read the pilot modal's state.values into a draft (the rules check it afterwards)."""

    def element(block_id: str, action_id: str) -> dict[str, Any]:
        return values.get(block_id, {}).get(action_id, {}) or {}

    raw_length = str(element(rules.FIELD_LENGTH, PilotInput.LENGTH).get("value") or "").strip()
    length: int | None = None
    if raw_length:
        try:
            length = int(raw_length)
        except ValueError:
            raise UserError(
                f"'{raw_length[:20]}' isn't a number of days. Try {rules.DEFAULT_LENGTH}.",
                field=rules.FIELD_LENGTH,
            ) from None
    raw_start = element(rules.FIELD_START, PilotInput.START).get("selected_date")
    start: date | None = None
    if raw_start:
        try:
            start = date.fromisoformat(str(raw_start))
        except ValueError:
            raise UserError("Pick the start date from the calendar.", field=rules.FIELD_START) from None

    def chosen(block_id: str, action_id: str) -> set[str]:
        return {str(o.get("value")) for o in element(block_id, action_id).get("selected_options") or []}

    return rules.PilotDraft(
        title=str(element(rules.FIELD_TITLE, PilotInput.TITLE).get("value") or ""),
        not_goal=str(element(rules.FIELD_NOT_GOAL, PilotInput.NOT_GOAL).get("value") or ""),
        growth_metric=str(element(rules.FIELD_METRIC, PilotInput.METRIC).get("value") or ""),
        observe=str(element(rules.FIELD_OBSERVE, PilotInput.OBSERVE).get("value") or ""),
        participants=tuple(
            element(rules.FIELD_PARTICIPANTS, PilotInput.PARTICIPANTS).get("selected_users") or ()
        ),
        whole_team=WHOLE_TEAM_OPTION_VALUE in chosen(rules.FIELD_WHOLE_TEAM, PilotInput.WHOLE_TEAM),
        start=start,
        length_days=length,
        share="share" in chosen(rules.FIELD_SHARE, PilotInput.SHARE),
    )


def build_saved(pilot: PilotFacts, *, created: bool, shared: bool, tweaked_from: str | None) -> str:
    """The DM to whoever saved the pilot."""
    if not created:
        return f":white_check_mark: *{pilot.name}* is updated. Reminders follow the new dates."
    people = len(pilot.participants)
    where = " I'll post the reframe card in the team channel on day 1." if shared else ""
    previous = f" It follows on from *{tweaked_from}*, now closed as tweaked." if tweaked_from else ""
    return (
        f":test_tube: *{pilot.name}* starts {_day(pilot.start)} and runs {pilot.length_days} days "
        f"(to {_day(pilot.end)}) with {people} {'person' if people == 1 else 'people'}. Each gets a "
        f"kickoff DM on day 1, a mid-point check and a review at the end.{where}{previous}"
    )


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
            f"{who}{more} · {pilot.length_days} days, {_day(pilot.start)} to {_day(pilot.end)} · "
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
            f"{pilot.length_days} days, to {_day(pilot.end)}. I'll check in halfway and ask for your "
            f"review at the end. Started by {mention(pilot.owner_id)}."
        ),
    ]
    return blocks


def build_midpoint(pilot: PilotFacts, *, day: int) -> list[Block]:
    """The mid-point DM: how's it going, 1–5, a note, or ask for a tweak now."""
    return [
        section(f"*{pilot.name}*, day {day} of {pilot.length_days}: how's it going?\n{reframe(pilot)}"),
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
        section(f":white_check_mark: Thanks: *{pilot.name}* is at {score}/5 for you so far."),
        actions(
            button("Add a note", PilotAction.MID_NOTE, value=str(pilot.id)),
            button("Tweak now", PilotAction.TWEAK_NOW, value=str(pilot.id)),
        ),
    ]


def build_note_modal(pilot: PilotFacts, *, note: str) -> dict[str, Any]:
    """A modal for the optional mid-point note."""
    return modal(
        callback_id=PilotView.NOTE,
        title="Mid-point note",
        submit="Save note",
        blocks=[
            section(f"*{clip(pilot.name, 200)}*\n{reframe(pilot)}"),
            input_block(
                PilotBlock.NOTE,
                "What's working, what isn't?",
                _text(PilotInput.NOTE, note, max_length=rules.MAX_NOTE, multiline=True),
            ),
        ],
        private_metadata=json.dumps({"pilot_id": pilot.id}),
    )


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


def build_review_modal(pilot: PilotFacts, *, vote: str | None) -> dict[str, Any]:
    """The review: vote, what you learned, how much better you feel (1–5)."""
    votes = [option(rules.VOTE_LABELS[v], v) for v in rules.VOTES]
    vote_element: dict[str, Any] = {"type": "radio_buttons", "action_id": PilotInput.VOTE, "options": votes}
    if vote in rules.VOTES:
        vote_element["initial_option"] = votes[rules.VOTES.index(vote)]
    return modal(
        callback_id=PilotView.REVIEW,
        title="Pilot review",
        submit="Send review",
        blocks=[
            section(f"*{clip(pilot.name, 200)}*\n{reframe(pilot)}"),
            input_block(PilotBlock.VOTE, "Keep, tweak or drop?", vote_element),
            input_block(
                PilotBlock.LEARNING,
                "What did you learn?",
                _text(PilotInput.LEARNING, "", max_length=rules.MAX_LEARNING, multiline=True),
                optional=True,
            ),
            input_block(
                PilotBlock.SKILL,
                "How much better at it do you feel?",
                {
                    "type": "static_select",
                    "action_id": PilotInput.SKILL,
                    "options": [option(SCORE_LABELS[n], str(n)) for n in range(1, 6)],
                },
                hint="1 no different, 5 a lot better.",
            ),
        ],
        private_metadata=json.dumps({"pilot_id": pilot.id}),
    )


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
            parts.append(f"learned: {line.learning}")
        if line.mid_note:
            parts.append(f"mid-point: {line.mid_note}")
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
    learning = f"\nLearned: {line.learning}" if line.learning else ""
    vote = rules.VOTE_LABELS.get(line.vote or "", "–")
    return [
        section(
            f"A late review for *{pilot.name}* from <@{line.user_id}>: {vote}, "
            f"{line.skill or '–'}/5 better at the skill.{learning}"
        )
    ]


def build_decided(pilot: PilotFacts, *, decision: str, by: str) -> list[Block]:
    """What replaces the decision buttons once someone decided."""
    text = {
        rules.STATUS_KEPT: f":white_check_mark: *{pilot.name}* is kept: it's a standing practice now.",
        rules.STATUS_DROPPED: f":leaves: *{pilot.name}* is dropped, with its learnings. Trying it counted: "
        "everyone who took part has a stretch moment for it.",
        rules.STATUS_TWEAKED: f":repeat: *{pilot.name}* is tweaked into v{pilot.iteration + 1}.",
    }[decision]
    return [section(text), context(f"Decided by <@{by}>.")]


def build_tweak_request(pilot: PilotFacts, *, user_id: str, note: str | None) -> list[Block]:
    """The DM to the owner when a participant asks for a tweak now."""
    said = f"\n> {clip(note, 500)}" if note else ""
    return [
        section(f"<@{user_id}> thinks *{pilot.name}* could use a tweak now, before the review.{said}"),
        actions(
            button("Tweak it now", PilotAction.DECIDE_TWEAK, value=str(pilot.id)),
        ),
    ]


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
        return f"starts {_day(pilot.start)}"
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
            f"*{latest.name}* · {pilot_state(latest, today=today)}\n{reframe(latest)}\n"
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
                f"*{pilot.name}* · {pilot_state(pilot, today=today)} · {role}\n"
                f"Get better at {pilot.growth_metric}"
            )
        )
    blocks.append(actions(button("Start a pilot", PilotAction.START)))
    return blocks

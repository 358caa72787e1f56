"""The team setup modal: built from a TeamDraft, and parsed back into one on submit."""

from __future__ import annotations

import json
from typing import Any

from bot.domain.huddles import (
    DEFAULT_LEAD_MINUTES,
    FIELD_HUDDLE_DAYS,
    FIELD_HUDDLE_LEAD,
    FIELD_HUDDLE_SKIP,
    FIELD_HUDDLE_TIME,
)
from bot.domain.schedule import WEEKDAY_NAMES, WEEKDAYS, format_time, parse_time
from bot.domain.teams import (
    FIELD_CHANNEL,
    FIELD_CHECKIN_DAYS,
    FIELD_CHECKIN_TIME,
    FIELD_DIGEST_DAY,
    FIELD_DIGEST_TIME,
    FIELD_MANAGERS,
    FIELD_NAME,
    FIELD_REPS,
    MAX_TEAM_NAME,
    TeamDraft,
)
from bot.slack.blocks.common import Block, context, input_block, modal, option, plain
from bot.slack.ids import HuddleInput, LeadInput, SetupInput, View

LEAD_CHOICES = (0, 10, 15, 30, 45, 60, 90, 120)
SKIP_NOTICE = "notice"


def _day_option(day: str) -> dict[str, Any]:
    return option(WEEKDAY_NAMES[day], day)


def _lead_option(minutes: int) -> dict[str, Any]:
    return option("At the huddle's start" if minutes == 0 else f"{minutes} minutes before", str(minutes))


def _huddle_inputs(draft: TeamDraft) -> list[Block]:
    """The team huddle's fields: optional, since no days means no huddle."""
    days: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": HuddleInput.DAYS,
        "options": [_day_option(day) for day in WEEKDAYS],
    }
    if draft.huddle_days:
        days["initial_options"] = [_day_option(day) for day in draft.huddle_days]
    leads = sorted({*LEAD_CHOICES, draft.huddle_lead_minutes})
    skip_option = option('Post a short "no huddle today" note on team days off', SKIP_NOTICE)
    skip: dict[str, Any] = {"type": "checkboxes", "action_id": HuddleInput.SKIP, "options": [skip_option]}
    if draft.huddle_skip_notice:
        skip["initial_options"] = [skip_option]
    return [
        input_block(
            FIELD_HUDDLE_DAYS,
            "Team huddle days",
            days,
            optional=True,
            hint="Leave empty for no huddle. The huddle card goes to the team channel.",
        ),
        input_block(
            FIELD_HUDDLE_TIME,
            "Team huddle time",
            {
                "type": "timepicker",
                "action_id": HuddleInput.TIME,
                "initial_time": format_time(draft.huddle_time),
            },
            optional=True,
            hint="In the team's time zone.",
        ),
        input_block(
            FIELD_HUDDLE_LEAD,
            "Post the huddle card",
            {
                "type": "static_select",
                "action_id": HuddleInput.LEAD,
                "options": [_lead_option(m) for m in leads],
                "initial_option": _lead_option(draft.huddle_lead_minutes),
            },
            optional=True,
        ),
        input_block(FIELD_HUDDLE_SKIP, "Huddles on team days off", skip, optional=True),
    ]


def build_setup_modal(draft: TeamDraft, *, team_id: int | None) -> dict[str, Any]:
    """The setup modal, pre-filled from `draft`; `team_id` None means a new team."""
    name: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": SetupInput.NAME,
        "max_length": MAX_TEAM_NAME,
        "placeholder": plain("West Coast SDRs"),
    }
    if draft.name:
        name["initial_value"] = draft.name
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": SetupInput.CHANNEL,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
        "placeholder": plain("Pick the team's channel"),
    }
    if draft.channel_id:
        channel["initial_conversation"] = draft.channel_id
    managers: dict[str, Any] = {"type": "multi_users_select", "action_id": SetupInput.MANAGERS}
    if draft.managers:
        managers["initial_users"] = list(draft.managers)
    reps: dict[str, Any] = {"type": "multi_users_select", "action_id": SetupInput.REPS}
    if draft.reps:
        reps["initial_users"] = list(draft.reps)
    days: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": SetupInput.CHECKIN_DAYS,
        "options": [_day_option(day) for day in WEEKDAYS],
    }
    if draft.checkin_days:
        days["initial_options"] = [_day_option(day) for day in draft.checkin_days]
    blocks: list[Block] = [
        input_block(FIELD_NAME, "Team name", name),
        input_block(
            FIELD_CHANNEL, "Team channel", channel, hint="Shout-outs, the pie and huddle cards go here."
        ),
        input_block(
            FIELD_MANAGERS, "Managers", managers, hint="They get alerts and digests; reps never see those."
        ),
        input_block(FIELD_REPS, "Reps", reps, optional=True, hint="They get the pulse check-ins in a DM."),
        input_block(FIELD_CHECKIN_DAYS, "Check-in days", days),
        input_block(
            FIELD_CHECKIN_TIME,
            "Check-in time",
            {
                "type": "timepicker",
                "action_id": SetupInput.CHECKIN_TIME,
                "initial_time": format_time(draft.checkin_time),
            },
            hint="Each person's own local time, from their Slack profile.",
        ),
        input_block(
            FIELD_DIGEST_DAY,
            "Manager digest day",
            {
                "type": "static_select",
                "action_id": SetupInput.DIGEST_DAY,
                "options": [_day_option(day) for day in WEEKDAYS],
                "initial_option": _day_option(draft.digest_day),
            },
        ),
        input_block(
            FIELD_DIGEST_TIME,
            "Manager digest time",
            {
                "type": "timepicker",
                "action_id": SetupInput.DIGEST_TIME,
                "initial_time": format_time(draft.digest_time),
            },
            hint="In each manager's local time.",
        ),
        *_huddle_inputs(draft),
        _lead_fallback_input(draft),  # lead lists (issue 18)
        context("Only this team's managers and workspace admins can change this setup."),
    ]
    return modal(
        callback_id=View.TEAM_SETUP,
        title="Set up your team" if team_id is None else "Edit your team",
        submit="Create team" if team_id is None else "Save",
        blocks=blocks,
        private_metadata=json.dumps({"team_id": team_id}),
    )


def setup_team_id(private_metadata: str) -> int | None:
    """The team id the modal was opened for (None for a new team)."""
    try:
        data = json.loads(private_metadata or "{}")
    except ValueError:
        return None
    value = data.get("team_id") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def parse_setup_state(values: dict[str, dict[str, Any]]) -> TeamDraft:
    """Read the modal's state.values into a draft (validation happens in the domain)."""

    def element(block_id: str, action_id: str) -> dict[str, Any]:
        return values.get(block_id, {}).get(action_id, {}) or {}

    checkin_time = element(FIELD_CHECKIN_TIME, SetupInput.CHECKIN_TIME).get("selected_time") or "09:30"
    digest_time = element(FIELD_DIGEST_TIME, SetupInput.DIGEST_TIME).get("selected_time") or "16:00"
    digest_day = (element(FIELD_DIGEST_DAY, SetupInput.DIGEST_DAY).get("selected_option") or {}).get(
        "value", "fri"
    )
    days = tuple(
        day
        for day in WEEKDAYS
        if day
        in {
            o.get("value")
            for o in element(FIELD_CHECKIN_DAYS, SetupInput.CHECKIN_DAYS).get("selected_options") or []
        }
    )
    huddle_days = {
        o.get("value") for o in element(FIELD_HUDDLE_DAYS, HuddleInput.DAYS).get("selected_options") or []
    }
    huddle_time = element(FIELD_HUDDLE_TIME, HuddleInput.TIME).get("selected_time") or "10:00"
    lead = (element(FIELD_HUDDLE_LEAD, HuddleInput.LEAD).get("selected_option") or {}).get("value")
    skip = element(FIELD_HUDDLE_SKIP, HuddleInput.SKIP).get("selected_options") or []
    return TeamDraft(
        name=element(FIELD_NAME, SetupInput.NAME).get("value") or "",
        channel_id=element(FIELD_CHANNEL, SetupInput.CHANNEL).get("selected_conversation"),
        managers=tuple(element(FIELD_MANAGERS, SetupInput.MANAGERS).get("selected_users") or ()),
        reps=tuple(element(FIELD_REPS, SetupInput.REPS).get("selected_users") or ()),
        checkin_days=days,
        checkin_time=parse_time(checkin_time),
        digest_day=digest_day if digest_day in WEEKDAYS else "fri",
        digest_time=parse_time(digest_time),
        huddle_days=tuple(day for day in WEEKDAYS if day in huddle_days),
        huddle_time=parse_time(huddle_time),
        huddle_lead_minutes=int(str(lead)) if str(lead or "").isdigit() else DEFAULT_LEAD_MINUTES,
        huddle_skip_notice=any(o.get("value") == SKIP_NOTICE for o in skip),
        extra=_lead_fallback_state(values),  # lead lists (issue 18)
    )


def build_setup_saved(
    *, team_name: str, channel_id: str | None, created: bool, managers: int, reps: int
) -> str:
    """The confirmation DM'd to whoever saved the setup."""
    verb = "is set up" if created else "is updated"
    where = f" in <#{channel_id}>" if channel_id else ""
    return (
        f":white_check_mark: *{team_name}* {verb}{where}: {managers} manager(s), {reps} rep(s). "
        "Run `/stretch help` to see what the team can do next."
    )


# --- lead lists (issue 18): who settles an overlap the reps leave open for 2 working days ----------------
_FALLBACK_CHOICES = {
    "manager": "The managers decide",
    "first": "The first claimer keeps it",
}


def _lead_fallback_input(draft: TeamDraft) -> Block:
    """The team's fallback rule for lead overlaps (reps see it before they claim)."""
    current = draft.extra.get("lead_fallback", "manager")
    return input_block(
        LeadInput.FALLBACK,
        "Lead overlaps the reps don't settle in 2 working days",
        {
            "type": "static_select",
            "action_id": f"{LeadInput.FALLBACK}_input",
            "options": [option(text, value) for value, text in _FALLBACK_CHOICES.items()],
            "initial_option": option(_FALLBACK_CHOICES.get(current, _FALLBACK_CHOICES["manager"]), current),
        },
        hint="An association claim never outranks a rep who named the account.",
    )


def _lead_fallback_state(values: dict[str, dict[str, Any]]) -> dict[str, str]:
    picked = (values.get(LeadInput.FALLBACK, {}).get(f"{LeadInput.FALLBACK}_input", {}) or {}).get(
        "selected_option"
    ) or {}
    value = str(picked.get("value") or "")
    return {"lead_fallback": value} if value in _FALLBACK_CHOICES else {}

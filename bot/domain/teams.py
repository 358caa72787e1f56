"""Rules for a team's setup: what a valid team looks like, checked before anything is written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time

from bot.domain.errors import UserError
from bot.domain.huddles import DEFAULT_HUDDLE_TIME, DEFAULT_LEAD_MINUTES, check_lead_minutes

MAX_TEAM_NAME = 80
# Slack ids: public channels C…, private channels (older ones) G…; people U… (or W… on Enterprise Grid).
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
MAX_MEMBERS = 200

# Block ids of the setup modal, so a rule's complaint lands beside the right field.
FIELD_NAME = "team_name"
FIELD_CHANNEL = "team_channel"
FIELD_MANAGERS = "team_managers"
FIELD_REPS = "team_reps"
FIELD_CHECKIN_DAYS = "checkin_days"
FIELD_CHECKIN_TIME = "checkin_time"
FIELD_DIGEST_DAY = "digest_day"
FIELD_DIGEST_TIME = "digest_time"


@dataclass(frozen=True)
class TeamDraft:
    """A team as someone asked for it in the setup modal or the CLI, before it is saved."""

    name: str
    channel_id: str | None
    managers: tuple[str, ...]
    reps: tuple[str, ...]
    checkin_days: tuple[str, ...] = ("mon", "wed", "fri")
    checkin_time: time = time(9, 30)
    digest_day: str = "fri"
    digest_time: time = time(16, 0)
    currency: str = "USD"
    extra: dict[str, str] = field(default_factory=dict)
    # The team huddle, in the team's time zone: None keeps what is stored, () means no huddle.
    huddle_days: tuple[str, ...] | None = None
    huddle_time: time = DEFAULT_HUDDLE_TIME
    huddle_lead_minutes: int = DEFAULT_LEAD_MINUTES
    huddle_skip_notice: bool = False


def validate_team_draft(draft: TeamDraft) -> TeamDraft:
    """Return a cleaned draft, or raise UserError naming the field to fix."""
    name = " ".join(draft.name.split())
    if not name:
        raise UserError("Give the team a name, like 'West Coast SDRs'.", field=FIELD_NAME)
    if len(name) > MAX_TEAM_NAME:
        raise UserError(f"Keep the team name under {MAX_TEAM_NAME} characters.", field=FIELD_NAME)
    if not draft.channel_id:
        raise UserError(
            "Pick the team's channel: shout-outs, the pie and huddles are posted there.", field=FIELD_CHANNEL
        )
    if not CHANNEL_ID.match(draft.channel_id):
        raise UserError(
            f"'{draft.channel_id}' isn't a channel id. Channel ids look like C0123ABCD (G… for some private "
            "channels): in Slack, open the channel's name, then 'About'; the id is at the bottom.",
            field=FIELD_CHANNEL,
        )
    managers = tuple(dict.fromkeys(draft.managers))
    reps = tuple(dict.fromkeys(draft.reps))
    if not managers:
        raise UserError("A team needs at least one manager.", field=FIELD_MANAGERS)
    both = [user for user in reps if user in managers]
    if both:
        raise UserError(
            f"<@{both[0]}> is listed as a manager and a rep. Pick one role for each person.", field=FIELD_REPS
        )
    if len(managers) + len(reps) > MAX_MEMBERS:
        raise UserError(f"A team can have at most {MAX_MEMBERS} people.", field=FIELD_REPS)
    if not draft.checkin_days:
        raise UserError("Pick at least one check-in day.", field=FIELD_CHECKIN_DAYS)
    return TeamDraft(
        name=name,
        channel_id=draft.channel_id,
        managers=managers,
        reps=reps,
        checkin_days=draft.checkin_days,
        checkin_time=draft.checkin_time,
        digest_day=draft.digest_day,
        digest_time=draft.digest_time,
        currency=draft.currency.upper(),
        extra=dict(draft.extra),
        huddle_days=draft.huddle_days,
        huddle_time=draft.huddle_time,
        huddle_lead_minutes=check_lead_minutes(draft.huddle_lead_minutes),
        huddle_skip_notice=draft.huddle_skip_notice,
    )


def check_user_ids(user_ids: tuple[str, ...], *, option: str) -> tuple[str, ...]:
    """Refuse what isn't a Slack user id (a name like 'bob', an @handle), naming the option it came from."""
    for user_id in user_ids:
        if not USER_ID.match(user_id):
            raise UserError(
                f"{option}: '{user_id}' isn't a Slack user id. User ids look like U0123ABCD: in Slack, "
                "open the person's profile, click ⋮ and 'Copy member ID'."
            )
    return user_ids

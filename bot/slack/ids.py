"""Every slash command, action_id, block_id and callback_id Stretch uses: one place to look them up."""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    """Slash commands (must match manifest.yml)."""

    STRETCH = "/stretch"
    CLAIM_PIE = "/claim-pie"
    SHOUTOUT = "/shoutout"


class View(StrEnum):
    """callback_id of every modal."""

    TEAM_SETUP = "team_setup"


class Action(StrEnum):
    """action_id of every interactive element that has a listener."""

    # App Home and help
    OPEN_SETUP = "open_setup"
    OPEN_HELP = "open_help"


class SetupInput(StrEnum):
    """action_ids of the setup modal's inputs (their block ids live in bot.domain.teams)."""

    NAME = "name_input"
    CHANNEL = "channel_input"
    MANAGERS = "managers_input"
    REPS = "reps_input"
    CHECKIN_DAYS = "checkin_days_input"
    CHECKIN_TIME = "checkin_time_input"
    DIGEST_DAY = "digest_day_input"
    DIGEST_TIME = "digest_time_input"


# --- Shout-outs (peer `/shoutout`, manager drafts, effort leaderboard) -----------------------------------
class ShoutoutAction(StrEnum):
    """action_ids of the drafted shout-outs a manager gets in a DM."""

    POST_DRAFT = "shoutout_post_draft"
    SKIP_DRAFT = "shoutout_skip_draft"


class ShoutoutView(StrEnum):
    """callback_id of the modal where a manager edits a draft before posting it."""

    POST_DRAFT = "shoutout_post_draft_modal"


class ShoutoutBlock(StrEnum):
    """block_ids (and prefixes) of shout-out messages and the post modal."""

    DRAFT_PREFIX = "shoutout_draft_"  # + moment id: the buttons of one draft in the DM
    TEXT = "shoutout_text"  # the modal's text input block
    TEXT_INPUT = "shoutout_text_input"  # … and its action_id

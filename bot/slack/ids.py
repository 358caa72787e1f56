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


# --- The pie (/claim-pie) ---------------------------------------------------------------------------


class PieAction(StrEnum):
    """action_ids of the pie's buttons (values carry a team id, a pie id or a team pick)."""

    CLAIM = "pie_claim"
    CHANGE = "pie_change"
    PICK_TEAM = "pie_pick_team"
    LOWER_TARGET = "pie_lower_target"
    EXTEND = "pie_extend"
    TALK = "pie_talk"


class PieView(StrEnum):
    """callback_ids of the pie's modals."""

    CLAIM = "pie_claim_modal"
    NEW = "pie_new_modal"
    TARGET = "pie_target_modal"
    EXTEND = "pie_extend_modal"
    TALK = "pie_talk_modal"
    DONE = "pie_done"


class PieInput(StrEnum):
    """action_ids of the pie modals' inputs (their block ids live in bot.domain.pie)."""

    AMOUNT = "pie_amount_input"
    NOTE = "pie_note_input"
    TITLE = "pie_title_input"
    TARGET = "pie_target_input"
    CLAIM_BY = "pie_claim_by_input"
    PERIOD_END = "pie_period_end_input"
    OVERCLAIM = "pie_overclaim_input"
    MESSAGE = "pie_message_input"

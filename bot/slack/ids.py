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


# --- Pulse check-ins ---------------------------------------------------------------------------------------


class CheckinAction(StrEnum):
    """action_ids of the check-in DM, the App Home pulse and the questions modal.

    ANSWER is a prefix: each answer button is `checkin_answer:<question id>:<value>` (unique in the
    message), matched by one listener.
    """

    ANSWER = "checkin_answer"
    ADD_NOTE = "checkin_add_note"
    SUBMIT = "checkin_submit"
    AWAY = "checkin_away"
    BACK = "checkin_back"
    QUESTION_MENU = "checkin_question_menu"
    QUESTION_ADD = "checkin_question_add"


class CheckinView(StrEnum):
    """callback_ids of the check-in modals."""

    NOTE = "checkin_note"
    AWAY = "checkin_away_modal"
    QUESTIONS = "checkin_questions"
    QUESTION_EDIT = "checkin_question_edit"


class CheckinInput(StrEnum):
    """block_ids and action_ids of the check-in modals' inputs (notes use `note_<question id>`)."""

    NOTE = "note_input"
    AWAY_BLOCK = "away_until"
    AWAY_UNTIL = "away_until_input"
    PROMPT_BLOCK = "q_prompt"
    PROMPT = "q_prompt_input"
    KIND_BLOCK = "q_kind"
    KIND = "q_kind_input"
    OPTIONS_BLOCK = "q_options"
    OPTIONS = "q_options_input"

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


# --- Pilots (test-and-tweak experiments) -----------------------------------------------------------


class PilotView(StrEnum):
    """callback_id of the pilot modals."""

    PILOT = "pilot"
    REVIEW = "pilot_review"
    NOTE = "pilot_note"


class PilotAction(StrEnum):
    """action_id of every pilot button (values carry the pilot id)."""

    START = "pilot_start"
    EDIT = "pilot_edit"
    MID_1 = "pilot_mid_1"
    MID_2 = "pilot_mid_2"
    MID_3 = "pilot_mid_3"
    MID_4 = "pilot_mid_4"
    MID_5 = "pilot_mid_5"
    MID_NOTE = "pilot_mid_note"
    TWEAK_NOW = "pilot_tweak_now"
    REVIEW_KEEP = "pilot_review_keep"
    REVIEW_TWEAK = "pilot_review_tweak"
    REVIEW_DROP = "pilot_review_drop"
    DECIDE_KEEP = "pilot_decide_keep"
    DECIDE_TWEAK = "pilot_decide_tweak"
    DECIDE_DROP = "pilot_decide_drop"


class PilotInput(StrEnum):
    """action_ids of the pilot modals' inputs (the pilot form's block ids live in bot.domain.pilots)."""

    TITLE = "pilot_title_input"
    NOT_GOAL = "pilot_not_goal_input"
    METRIC = "pilot_metric_input"
    OBSERVE = "pilot_observe_input"
    PARTICIPANTS = "pilot_participants_input"
    WHOLE_TEAM = "pilot_whole_team_input"
    START = "pilot_start_input"
    LENGTH = "pilot_length_input"
    SHARE = "pilot_share_input"
    VOTE = "pilot_vote_input"
    LEARNING = "pilot_learning_input"
    SKILL = "pilot_skill_input"
    NOTE = "pilot_note_input"


class PilotBlock(StrEnum):
    """block_ids of the review and note modals."""

    VOTE = "pilot_review_vote"
    LEARNING = "pilot_review_learning"
    SKILL = "pilot_review_skill"
    NOTE = "pilot_mid_note_text"


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


# --- Manager digest and App Home dashboard ------------------------------------------------------------


class DigestAction(StrEnum):
    """action_ids of the manager dashboard's buttons that no other feature already had (value: team id).

    The dashboard reuses Action.OPEN_SETUP, PilotAction.START and ShoutoutAction.POST_DRAFT.
    """

    SEND_NOW = "digest_send_now"
    OPEN_QUESTIONS = "digest_open_questions"
    NEW_PIE = "digest_new_pie"


# --- Quiet-rep alerts ------------------------------------------------------------------------------------


class AlertAction(StrEnum):
    """action_ids of the alert DM's buttons (value: the alert id) and the settings card."""

    ACKNOWLEDGE = "quiet_alert_ack"
    SNOOZE = "quiet_alert_snooze"
    DISMISS = "quiet_alert_dismiss"
    EDIT_SETTINGS = "quiet_alert_settings"


class AlertView(StrEnum):
    """callback_id of the thresholds modal."""

    SETTINGS = "quiet_alert_settings_modal"


class AlertBlock(StrEnum):
    """block_ids of the alert DM (each threshold input uses its setting's name as block and action id)."""

    ACTIONS = "quiet_alert_actions"


# --- Team huddles ------------------------------------------------------------------------------------------


class HuddleInput(StrEnum):
    """action_ids of the huddle fields in the setup modal (block ids live in bot.domain.huddles) and
    block/action ids of the "Post my update" modal."""

    DAYS = "huddle_days_input"
    TIME = "huddle_time_input"
    LEAD = "huddle_lead_input"
    SKIP = "huddle_skip_input"
    DID_BLOCK = "huddle_did"
    DID = "huddle_did_input"
    STRETCH_BLOCK = "huddle_stretch"
    STRETCH = "huddle_stretch_input"
    STUCK_BLOCK = "huddle_stuck"
    STUCK = "huddle_stuck_input"


class HuddleAction(StrEnum):
    """action_ids of the huddle card's buttons (the value carries the huddle id)."""

    POST_UPDATE = "huddle_post_update"


class HuddleView(StrEnum):
    """callback_id of the update modal."""

    UPDATE = "huddle_update"


# --- privacy (issue 20): export, forget ------------------------------------------------------------
class PrivacyView(StrEnum):
    """callback_id of the "forget me" confirmation modal."""

    FORGET = "privacy_forget"


class PrivacyInput(StrEnum):
    """The forget modal's confirmation checkbox (block and action ids)."""

    CONFIRM_BLOCK = "privacy_forget_confirm"
    CONFIRM = "privacy_forget_confirm_input"


# --- end privacy -----------------------------------------------------------------------------------
# --- Lead lists (/claim-leads) ------------------------------------------------------------------------------


class LeadsCommand(StrEnum):
    """The lead lists' slash command (must match manifest.yml)."""

    CLAIM_LEADS = "/claim-leads"


class LeadAction(StrEnum):
    """action_ids of the lead lists' buttons (values carry a team id, or an overlap id, or `id:version`)."""

    ADD = "lead_add"  # /claim-leads card: open "Add accounts" (value: team id)
    RELEASE = "lead_release"  # /claim-leads card: open "Release…" (value: team id)
    PARTNER = "lead_partner"  # overlap DM: open the split modal (value: overlap id)
    ACCEPT = "lead_accept"  # proposal DM: accept the offered split (value: "overlap id:version")
    YIELD = "lead_yield"  # overlap DM: "It's yours" (value: overlap id)
    ASK_MANAGER = "lead_ask_manager"  # overlap DM (value: overlap id)
    SAME = "lead_same"  # possible-overlap DM: the same company (value: overlap id)
    DIFFERENT = "lead_different"  # possible-overlap DM: two companies (value: overlap id)
    DECIDE_A = "lead_decide_a"  # decision card: give it to the first claimer (value: overlap id)
    DECIDE_B = "lead_decide_b"  # decision card: give it to the second claimer (value: overlap id)
    DECIDE_SPLIT = "lead_decide_split"  # decision card: open the split modal (value: overlap id)
    DECIDE_BOTH = "lead_decide_both"  # decision card: open the keep-both modal (value: overlap id)
    IMPORT = "lead_import"  # managers' home: open the paste-CSV modal (value: team id)


class LeadView(StrEnum):
    """callback_ids of the lead lists' modals."""

    ADD = "lead_add_modal"
    RELEASE = "lead_release_modal"
    PARTNER = "lead_partner_modal"
    DECIDE_SPLIT = "lead_decide_split_modal"
    DECIDE_BOTH = "lead_decide_both_modal"
    IMPORT = "lead_import_modal"


class LeadInput(StrEnum):
    """block_ids (and action_ids, with `_input`) of the lead modals' fields."""

    ACCOUNTS = "lead_accounts"
    RELEASE = "lead_release_pick"
    SHARE = "lead_share"
    REASON = "lead_reason"
    KIND = "lead_import_kind"
    REP = "lead_import_rep"
    ASSOCIATION = "lead_import_association"
    CSV = "lead_import_csv"
    FALLBACK = "lead_fallback"  # the setup modal's "overlaps the reps don't settle" select

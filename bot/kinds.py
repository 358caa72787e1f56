"""Every kind of delivery Stretch sends, and the key that makes each one happen exactly once.

Naming: a kind's constant is its stored name in upper case (`PIE_BAKED = "pie_baked"`), and its key
builder is the kind's name with `_key` (`pie_baked_key`). A delivery's key is unique in the outbox, so
planning the same message twice inserts nothing. Kinds and keys are stored: a kind is never renamed and a
key builder never changes its format, or a row planned before an upgrade would be planned again after it.

Builders whose name ends in `_prefix` give the key of a message planned to several people at once with
`deliveries.enqueue_dms`, which appends `:<person id>` for each recipient.

How each kind is rendered, and what happens after it is sent, is listed per feature in `bot/features.py`.
"""

from __future__ import annotations

from datetime import date, datetime

# --- the welcome (attention) -------------------------------------------------------------------------
WELCOME = "welcome"

# --- check-ins -------------------------------------------------------------------------------------------
CHECKIN = "checkin"
CHECKIN_NUDGE = "checkin_nudge"

# --- /claim-pie and its checkpoints ---------------------------------------------------------------------
PIE_BAKED = "pie_baked"
PIE_COVERED = "pie_covered"
PIE_EATEN = "pie_eaten"
PIE_CLOSED = "pie_closed"
PIE_REMINDER = "pie_reminder"
PIE_DEADLINE = "pie_deadline"
PIE_SNAP_HEADS_UP = "pie_snap_heads_up"
PIE_CHECKPOINT = "pie_checkpoint"

# --- shout-outs ---------------------------------------------------------------------------------------------
SHOUTOUT_DRAFTS = "shoutout_drafts"

# --- pilots ----------------------------------------------------------------------------------------------------
PILOT_KICKOFF = "pilot_kickoff"
PILOT_MIDPOINT = "pilot_midpoint"
PILOT_REVIEW = "pilot_review"
PILOT_CARD = "pilot_card"
PILOT_SUMMARY = "pilot_summary"
PILOT_LATE_REVIEW = "pilot_late_review"

# --- quiet-rep alerts and digests --------------------------------------------------------------------------
QUIET_ALERT = "quiet_alert"
DIGEST = "digest"
DIGEST_NOW = "digest_now"

# --- huddles -------------------------------------------------------------------------------------------------
HUDDLE_CARD = "huddle_card"
HUDDLE_RECAP = "huddle_recap"
HUDDLE_STUCK = "huddle_stuck"

# --- people's data ----------------------------------------------------------------------------------------------
PRIVACY_FORGOTTEN = "privacy_forgotten"

# --- lead lists -------------------------------------------------------------------------------------------------
LEAD_OVERLAP = "lead_overlap"  # to each of the two reps: the overlap and its three buttons
LEAD_PROPOSAL = "lead_proposal"  # to the other rep: a split offered, to accept
LEAD_SETTLED = "lead_settled"  # to both reps: how it was settled
LEAD_DECISION = "lead_decision"  # to each manager: the decision card
LEAD_NOISE = "lead_noise"  # to each manager: a key shared by so many claims it means nothing

ALL: frozenset[str] = frozenset(
    {
        WELCOME,
        CHECKIN,
        CHECKIN_NUDGE,
        PIE_BAKED,
        PIE_COVERED,
        PIE_EATEN,
        PIE_CLOSED,
        PIE_REMINDER,
        PIE_DEADLINE,
        PIE_SNAP_HEADS_UP,
        PIE_CHECKPOINT,
        SHOUTOUT_DRAFTS,
        PILOT_KICKOFF,
        PILOT_MIDPOINT,
        PILOT_REVIEW,
        PILOT_CARD,
        PILOT_SUMMARY,
        PILOT_LATE_REVIEW,
        QUIET_ALERT,
        DIGEST,
        DIGEST_NOW,
        HUDDLE_CARD,
        HUDDLE_RECAP,
        HUDDLE_STUCK,
        PRIVACY_FORGOTTEN,
        LEAD_OVERLAP,
        LEAD_PROPOSAL,
        LEAD_SETTLED,
        LEAD_DECISION,
        LEAD_NOISE,
    }
)
PILOT_KINDS = (PILOT_KICKOFF, PILOT_MIDPOINT, PILOT_REVIEW, PILOT_CARD, PILOT_SUMMARY, PILOT_LATE_REVIEW)


# --- keys ------------------------------------------------------------------------------------------------------
def welcome_key(team_id: int, person_id: int) -> str:
    """A person's welcome to one team."""
    return f"{WELCOME}:{team_id}:{person_id}"


def checkin_key(team_id: int, person_id: int, day: date) -> str:
    """A rep's check-in of one local day in one team."""
    return f"{CHECKIN}:{team_id}:{person_id}:{day.isoformat()}"


def checkin_nudge_key(checkin_id: int) -> str:
    """The one nudge a check-in may get."""
    return f"{CHECKIN_NUDGE}:{checkin_id}"


def pie_announcement_key(pie_id: int, event: str) -> str:
    """A pie's card in the team channel when it is baked, covered, eaten or closed (`event`)."""
    return f"pie:{pie_id}:{event}"


def pie_reminder_key(pie_id: int, person_id: int, reminder: int | str) -> str:
    """One of the reminders to a rep who has not claimed a slice yet."""
    return f"pie:{pie_id}:remind:{person_id}:{reminder}"


def pie_deadline_prefix(pie_id: int, deadline: datetime) -> str:
    """The managers' note that a pie's claim deadline has come (per manager)."""
    return f"pie:{pie_id}:deadline:{deadline:%Y%m%d%H%M}"


def pie_snap_heads_up_prefix(pie_id: int, person_id: int) -> str:
    """The managers' heads-up that a rep in the snap zone claimed a big slice (per manager)."""
    return f"pie:{pie_id}:snap:{person_id}"


def pie_checkpoint_key(pie_id: int, day: str) -> str:
    """A pie's checkpoint-day card (`day` an ISO date in the team's time zone)."""
    return f"pie:{pie_id}:checkpoint:{day}"


def shoutout_drafts_key(*, team_id: int, manager_person_id: int, day: str) -> str:
    """A manager's weekly shout-out drafts: one per ISO week (`day` any ISO date in it)."""
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{SHOUTOUT_DRAFTS}:{team_id}:{manager_person_id}:{year}-W{week:02d}"


def pilot_card_key(pilot_id: int) -> str:
    """A pilot's card in the team channel."""
    return f"pilot:{pilot_id}:card"


def pilot_stage_key(pilot_id: int, stage: str, person_id: int) -> str:
    """A participant's kick-off, mid-point or review DM (`stage` as in `bot.domain.pilots`)."""
    return f"pilot:{pilot_id}:{stage}:{person_id}"


def pilot_summary_key(pilot_id: int, person_id: int) -> str:
    """A pilot's summary to one of its recipients."""
    return f"pilot:{pilot_id}:summary:{person_id}"


def pilot_late_review_prefix(pilot_id: int, reviewer_person_id: int) -> str:
    """A review that came in after the summary, to the summary's recipients (per recipient)."""
    return f"pilot:{pilot_id}:late:{reviewer_person_id}"


def pilot_late_reviewer(key: str) -> int:
    """The reviewer's person id in a `pilot_late_review_prefix` key (with its recipient appended)."""
    return int(key.split(":")[3])


def quiet_alert_key(*, alert_id: int, manager_person_id: int, round_: str) -> str:
    """One round (first, reminder, escalation) of an alert to one manager."""
    return f"{QUIET_ALERT}:{alert_id}:{manager_person_id}:{round_}"


def digest_key(*, team_id: int, manager_person_id: int, week_of: str) -> str:
    """A manager's weekly digest of one team."""
    return f"{DIGEST}:{team_id}:{manager_person_id}:{week_of}"


def digest_now_key(*, team_id: int, manager_person_id: int, now: datetime) -> str:
    """A digest a manager asked for (`/stretch digest now`): one a minute at the most."""
    return f"{DIGEST_NOW}:{team_id}:{manager_person_id}:{now:%Y%m%dT%H%M}"


def huddle_card_key(huddle_id: int) -> str:
    """A huddle's card in the team channel."""
    return f"{HUDDLE_CARD}:{huddle_id}"


def huddle_recap_prefix(huddle_id: int) -> str:
    """A huddle's recap to the team's managers (per manager)."""
    return f"{HUDDLE_RECAP}:{huddle_id}"


def huddle_stuck_prefix(item_id: int) -> str:
    """A stuck item raised after its huddle's recap went, to the managers (per manager)."""
    return f"{HUDDLE_STUCK}:{item_id}"


def privacy_forgotten_prefix(audit_id: int, team_id: int) -> str:
    """The managers' note that someone of their team was forgotten (per manager)."""
    return f"forgotten:{audit_id}:{team_id}"


def lead_overlap_key(overlap_id: int, person_id: int, *, confirmed: bool = False) -> str:
    """An overlap, to one of its two reps; `confirmed` when a possible overlap was confirmed the same account."""
    key = f"leads:overlap:{overlap_id}:{person_id}"
    return f"{key}:same" if confirmed else key


def lead_proposal_key(overlap_id: int, version: int) -> str:
    """A split offered in an overlap (each new offer is a new version)."""
    return f"leads:proposal:{overlap_id}:{version}"


def lead_settled_key(overlap_id: int, person_id: int) -> str:
    """How an overlap was settled, to one of its reps."""
    return f"leads:settled:{overlap_id}:{person_id}"


def lead_decision_key(overlap_id: int, manager_person_id: int) -> str:
    """An overlap's decision card, to one manager."""
    return f"leads:decide:{overlap_id}:{manager_person_id}"


def lead_noise_key(*, team_id: int, manager_person_id: int, account_key: str) -> str:
    """A manager's note that one account key is claimed so often it means nothing (fits the column)."""
    return f"leads:noise:{team_id}:{manager_person_id}:{account_key}"[:200]

"""A rep's attention: the one message-budget policy every planned DM passes, working hours, back-off for
the quiet, and which questions a short check-in asks. Pure rules: no clock, database or Slack.

The policy, for one planned DM to one person at `now` (first rule that applies wins):

| rule | when | decision |
|------|------|----------|
| welcome first | their welcome DM waits for their hours and this is not it | defer until just after it |
| own hours | outside day_starts–day_ends local, or not one of their working days | defer to the next working slot (a nudge is skipped instead: tomorrow it means nothing) |
| merge | a rider (pilot kickoff, pie reminder) while their check-in is due within the merge window | defer until the check-in, which carries it: one DM |
| essential | check-ins, the welcome, alerts, digests, drafts, summaries | send (counted) |
| day full | `day_budget` DMs already sent today (local) | nudge: skip; others: defer to the next day with room |
| week full | `week_budget` DMs already sent this local week (Mon–Sun), counting the check-ins still to come | nudge: skip; others: defer to the next week with room |
| otherwise | | send |

A team whose manager chose more check-ins a week than the budget allows gets a week budget of its
check-ins plus one (`with_cadence`): the cadence they chose always fits.

A DM updated in place (chat.update) is not a new DM; merged DMs share one message and count once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain.schedule import WEEKDAYS, local_date, local_moment, weekday_key, zone

ESSENTIAL = "essential"  # the point of Stretch for this person: held only by their hours
OPTIONAL = "optional"  # worth sending only now (a nudge): skipped when the budget is spent
DEFERRABLE = "deferrable"  # can wait: moved to the next free slot when the budget is spent
RIDER = "rider"  # deferrable, and rides along with the same day's check-in when one is due

SEND, DEFER, MERGE, SKIP = "send", "defer", "merge", "skip"
MERGE_WINDOW = timedelta(hours=2)
SEARCH_DAYS = 28


@dataclass(frozen=True)
class Budget:
    """A team's attention settings (the defaults are what a team without settings gets)."""

    week: int = 4
    day: int = 2
    work_days: tuple[str, ...] = WEEKDAYS[:5]
    day_starts: time = time(8, 0)
    day_ends: time = time(19, 0)


DEFAULT_BUDGET = Budget()


def with_cadence(budget: Budget, checkins_a_week: int) -> Budget:
    """The budget for a team whose manager chose `checkins_a_week` check-ins: that cadence always fits,
    with room for one more DM (at default settings, three check-ins: the week stays at four)."""
    week = max(budget.week, checkins_a_week + 1)
    return (
        budget
        if week == budget.week
        else Budget(week, budget.day, budget.work_days, budget.day_starts, budget.day_ends)
    )


@dataclass(frozen=True)
class Decision:
    """What the policy decided for one DM, and why (logged as it is)."""

    action: str
    reason: str
    until: datetime | None = None


def in_hours(moment: datetime, tz_name: str, budget: Budget) -> bool:
    """Whether `moment` is inside the person's working hours on one of their working days."""
    local = moment.astimezone(zone(tz_name))
    return (
        weekday_key(local.date()) in budget.work_days
        and budget.day_starts <= local.time().replace(tzinfo=None) < budget.day_ends
    )


def next_in_hours(moment: datetime, tz_name: str, budget: Budget) -> datetime:
    """`moment` if it is inside working hours, else the start of the person's next working slot.

    Local times are turned into instants through the zone (DST gaps and half-hour offsets included)."""
    if in_hours(moment, tz_name, budget):
        return moment
    today = local_date(moment, tz_name)
    for offset in range(0, 15):
        day = today + timedelta(days=offset)
        if weekday_key(day) not in budget.work_days:
            continue
        start = local_moment(day, budget.day_starts, tz_name)
        if start > moment:
            return start
        if moment < local_moment(day, budget.day_ends, tz_name):
            return moment
    return moment + timedelta(days=1)  # no working day at all: never hold a message forever


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _counts(sent: Iterable[datetime], tz_name: str) -> tuple[dict[date, int], dict[date, int]]:
    per_day: dict[date, int] = {}
    per_week: dict[date, int] = {}
    for moment in sent:
        day = local_date(moment, tz_name)
        per_day[day] = per_day.get(day, 0) + 1
        week = _week_start(day)
        per_week[week] = per_week.get(week, 0) + 1
    return per_day, per_week


def next_free_slot(
    *,
    now: datetime,
    tz_name: str,
    budget: Budget,
    sent: Sequence[datetime],
    booked: Sequence[datetime] = (),
    reserved: int = 0,
) -> datetime:
    """The first working slot after today with room under both budgets (counting DMs already sent and
    those already waiting for a slot); never further than four weeks out."""
    per_day, per_week = _counts([*sent, *booked], tz_name)
    today = local_date(now, tz_name)
    per_week[_week_start(today)] = per_week.get(_week_start(today), 0) + reserved
    for offset in range(1, SEARCH_DAYS):
        day = today + timedelta(days=offset)
        if weekday_key(day) not in budget.work_days:
            continue
        if per_day.get(day, 0) >= budget.day or per_week.get(_week_start(day), 0) >= budget.week:
            continue
        return local_moment(day, budget.day_starts, tz_name)
    return next_in_hours(now + timedelta(days=SEARCH_DAYS), tz_name, budget)


def decide(
    *,
    kind_class: str,
    tz_name: str,
    budget: Budget,
    sent: Sequence[datetime],
    now: datetime,
    welcome_pending_at: datetime | None = None,
    checkin_due_at: datetime | None = None,
    booked: Sequence[datetime] = (),
    reserved: int = 0,
) -> Decision:
    """The one policy for a DM due now (see the module's table).

    `sent`: when this person's DMs of the last two weeks were sent (one instant per message);
    `welcome_pending_at`: when their unsent welcome is due, if it is; `checkin_due_at`: when an unsent
    check-in of theirs is due, if one is; `booked`: slots already promised to other deferred DMs;
    `reserved`: check-ins still to come this week, whose places a DM that can wait must leave free."""
    if welcome_pending_at is not None and welcome_pending_at > now:
        # Waiting for their hours: everything else waits behind it. (A welcome already due is sent
        # first in the same pass: the sender takes due messages oldest first.)
        return Decision(DEFER, "their welcome comes first", welcome_pending_at + timedelta(minutes=1))
    if not in_hours(now, tz_name, budget):
        if kind_class == OPTIONAL:
            return Decision(SKIP, "outside their working hours, and a nudge is only worth sending now")
        return Decision(DEFER, "outside their working hours", next_in_hours(now, tz_name, budget))
    if kind_class == RIDER and checkin_due_at is not None and checkin_due_at - now <= MERGE_WINDOW:
        return Decision(MERGE, "rides along with their check-in: one DM", max(now, checkin_due_at))
    if kind_class == ESSENTIAL:
        return Decision(SEND, "essential")
    per_day, per_week = _counts(sent, tz_name)
    today = local_date(now, tz_name)
    if per_day.get(today, 0) >= budget.day:
        if kind_class == OPTIONAL:
            return Decision(SKIP, f"{budget.day} DMs already today")
        until = next_free_slot(
            now=now, tz_name=tz_name, budget=budget, sent=sent, booked=booked, reserved=reserved
        )
        return Decision(DEFER, f"{budget.day} DMs already today", until)
    if per_week.get(_week_start(today), 0) + reserved >= budget.week:
        if kind_class == OPTIONAL:
            return Decision(SKIP, f"{budget.week} DMs already this week")
        until = next_free_slot(
            now=now, tz_name=tz_name, budget=budget, sent=sent, booked=booked, reserved=reserved
        )
        return Decision(DEFER, f"{budget.week} DMs already this week", until)
    return Decision(SEND, "within budget")


# --- back-off for the quiet ---------------------------------------------------------------------------------

QUIET_AFTER = 3  # missed in a row: check-ins drop to one a week
NO_NUDGE_AFTER = 2  # missed in a row: no more nudges


def missed_streak(statuses: Sequence[str]) -> int:
    """Check-ins missed in a row, newest first (answered ends the streak; excused, skipped and
    undeliverable ones never count either way)."""
    streak = 0
    for status in statuses:
        if status == "missed":
            streak += 1
        elif status == "answered":
            break
    return streak


def checkin_wanted(*, streak: int, day: date, earlier_this_week: Iterable[date]) -> bool:
    """Whether a quiet rep gets a check-in on `day`: always, until three were missed in a row; then only
    the first of each week (`earlier_this_week`: their check-in dates already created that week)."""
    if streak < QUIET_AFTER:
        return True
    start = _week_start(day)
    return not any(start <= other < day for other in earlier_this_week)


def nudge_wanted(*, streak: int, managers_alerted: bool) -> bool:
    """One nudge per check-in, but none once two were missed in a row or the managers were alerted."""
    return streak < NO_NUDGE_AFTER and not managers_alerted


# --- short check-ins ----------------------------------------------------------------------------------------

ALWAYS = ("readiness", "goal_feel")  # the zone needs both, every time
MAX_QUESTIONS = 4


def choose_questions(
    *,
    keys: Sequence[str],
    last_asked: dict[str, date],
    pinned: str | None = None,
    limit: int = MAX_QUESTIONS,
    notes: Iterable[str] = (),
) -> tuple[str, ...]:
    """The questions of one check-in, in the team's order: readiness and goal feel, the pinned one, then
    the tap questions asked longest ago (never asked first; ties in the team's order), `limit` taps in
    all. `notes` (free-text questions, optional and behind one "Add a note" button) are always offered
    and cost no tap.

    With the default questions (five to tap, one note) and three check-ins a week, each of the three
    rotating questions comes back at least every third check-in, inside two weeks."""
    optional = set(notes)
    chosen = [key for key in keys if key in ALWAYS]
    if pinned and pinned in keys and pinned not in chosen and pinned not in optional:
        chosen.append(pinned)
    rest = [key for key in keys if key not in chosen and key not in optional]
    rest.sort(key=lambda key: (last_asked.get(key, date.min), keys.index(key)))
    chosen.extend(rest[: max(0, limit - len(chosen))])
    return tuple(key for key in keys if key in chosen or key in optional)


def encode_keys(keys: Sequence[str]) -> str:
    """Question keys as stored on a check-in."""
    return json.dumps(list(keys))


def decode_keys(text: str | None) -> tuple[str, ...] | None:
    """The stored question keys of a check-in (None: it asks every question)."""
    if not text:
        return None
    try:
        return tuple(str(k) for k in json.loads(text))
    except (ValueError, TypeError):
        return None

"""The alert as its managers see it and act on it: the DM's card with live figures, the buttons (check
in, snooze a week, not a concern), every manager's copy of the DM, and the live episodes the digest lists."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import kinds
from bot.domain import alerts as rules
from bot.domain import one_on_one as page_rules
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.schedule import format_local, local_date
from bot.models import ROLE_MANAGER, Delivery, Membership, Person, QuietAlert, Team
from bot.models.alerts import (
    ALERT_ACKNOWLEDGED,
    ALERT_DISMISSED,
    ALERT_OPEN,
    ALERT_RECOVERED,
    ALERT_SNOOZED,
)
from bot.models.checkins import Checkin
from bot.services.alerts.signals import signal_label

SNOOZE = timedelta(days=7)
# "last answer 40 days ago" may reach further back than the signals read.
LIVE_HISTORY = timedelta(days=366)
SHOWN = (ALERT_OPEN, ALERT_ACKNOWLEDGED, ALERT_SNOOZED)

ACK = "ack"
SNOOZE_ACTION = "snooze"
DISMISS = "dismiss"


@dataclass(frozen=True)
class EpisodeFacts:
    """What every view of an alert episode shows: the signal, its evidence and next step, and its state."""

    alert_id: int
    signal: str
    signal_label: str
    evidence: str
    suggested_step: str
    strong_record: bool
    status: str


def episode_facts(alert: QuietAlert) -> dict[str, Any]:
    """An episode's EpisodeFacts fields, as stored."""
    return {
        "alert_id": alert.id,
        "signal": alert.signal,
        "signal_label": signal_label(alert.signal),
        "evidence": alert.evidence,
        "suggested_step": alert.suggested_step,
        "strong_record": alert.strong_record,
        "status": alert.status,
    }


@dataclass(frozen=True)
class AlertCard(EpisodeFacts):
    """Everything the alert DM shows."""

    team_name: str
    rep_user_id: str
    rep_name: str
    acted_by_user_id: str | None
    acted_by_person_id: int | None
    acted_at_text: str
    snoozed_until_text: str
    team_id: int = 0
    person_id: int = 0
    title: str = ""
    live: tuple[str, ...] = ()
    is_new: bool = False
    escalated: bool = False


# Signals whose stored figures go stale as the rep keeps missing: shown as the live lines instead.
LIVE_EVIDENCE = frozenset({rules.MISSED_IN_A_ROW, rules.NEW_NO_ANSWER})


def live_lines(
    *, session: Session, reps: set[tuple[int, int]], now: datetime, tz: str
) -> dict[tuple[int, int], tuple[str, ...]]:
    """For each (team, rep), the figures as they stand now ("missed 11 in a row since Thu 26 Nov",
    "last answer 12 days ago"), from a year of check-in statuses, in one statement."""
    if not reps:
        return {}
    facts: dict[tuple[int, int], list[page_rules.DayFact]] = defaultdict(list)
    for team_id, person_id, day, status in session.execute(
        select(Checkin.team_id, Checkin.person_id, Checkin.local_date, Checkin.status).where(
            Checkin.person_id.in_({p for _, p in reps}),
            Checkin.team_id.in_({t for t, _ in reps}),
            Checkin.local_date >= (now - LIVE_HISTORY).date(),
            Checkin.due_at <= now,
        )
    ):
        if (team_id, person_id) in reps:
            facts[(team_id, person_id)].append(page_rules.DayFact(local_date=day, status=status))
    today = local_date(now, tz)
    return {key: tuple(page_rules.live_lines(facts.get(key, []), today=today)) for key in reps}


def alert_card(
    *, session: Session, alert_id: int, viewer_tz: str = "UTC", now: datetime | None = None
) -> AlertCard | None:
    """The alert as its DM shows it (times in the viewer's zone, figures as of `now`), or None when gone."""
    alert = session.get(QuietAlert, alert_id)
    if alert is None:
        return None
    rep = session.get(Person, alert.person_id)
    team = session.get(Team, alert.team_id)
    actor = session.get(Person, alert.acted_by_person_id) if alert.acted_by_person_id else None
    facts = episode_facts(alert)
    name = (rep.display_name if rep else "") or "a rep"
    details = alert.details or {}
    key = (alert.team_id, alert.person_id)
    live = live_lines(session=session, reps={key}, now=now, tz=viewer_tz).get(key, ()) if now else ()
    return AlertCard(
        **facts,
        team_name=team.name if team else "",
        rep_user_id=rep.slack_user_id if rep else "",
        rep_name=name,
        acted_by_user_id=actor.slack_user_id if actor else None,
        acted_by_person_id=alert.acted_by_person_id,
        acted_at_text=format_local(alert.acted_at, viewer_tz) if alert.acted_at else "",
        snoozed_until_text=format_local(alert.snoozed_until, viewer_tz) if alert.snoozed_until else "",
        team_id=alert.team_id,
        person_id=alert.person_id,
        title=rules.alert_title(alert.signal, name, details, facts["signal_label"]),
        live=live,
        is_new=rules.is_new_signal(alert.signal, details),
        escalated=alert.escalated_at is not None and alert.status == ALERT_OPEN,
    )


def handled_note(card: AlertCard, *, viewer_person_id: int | None = None) -> str:
    """Who took the alert and what they chose, from one viewer's point of view."""
    who = (
        "You"
        if viewer_person_id and viewer_person_id == card.acted_by_person_id
        else f"<@{card.acted_by_user_id}>"
    )
    if card.status == ALERT_ACKNOWLEDGED:
        verb = "are" if who == "You" else "is"
        return f"{who} {verb} checking in with {card.rep_name} ({card.acted_at_text})."
    if card.status == ALERT_SNOOZED:
        return f"{who} snoozed this until {card.snoozed_until_text}."
    if card.status == ALERT_DISMISSED:
        return f"{who} marked this as not a concern ({card.acted_at_text})."
    if card.status == ALERT_RECOVERED:
        return f"This has cleared: {card.rep_name}'s check-ins look like their usual self again."
    return ""


class AlertHandledError(UserError):
    """A click on an alert another manager (or this one) already handled."""


def act_on_alert(
    *, session: Session, workspace_id: int, alert_id: int, manager_user_id: str, action: str, now: datetime
) -> QuietAlert:
    """Acknowledge, snooze or dismiss an open alert as one of its team's managers (not the rep)."""
    alert = session.scalar(select(QuietAlert).where(QuietAlert.id == alert_id).with_for_update())
    manager = session.scalar(
        select(Person).where(Person.workspace_id == workspace_id, Person.slack_user_id == manager_user_id)
    )
    if alert is None or manager is None:
        raise UserError("I can't find that alert any more, so nothing changed.")
    is_manager = session.scalar(
        select(Membership.id).where(
            Membership.team_id == alert.team_id,
            Membership.person_id == manager.id,
            Membership.role == ROLE_MANAGER,
        )
    )
    if is_manager is None:
        raise NotAllowedError("Only the team's managers can act on this alert.")
    if alert.person_id == manager.id:
        raise NotAllowedError("This alert is about you, so another manager will pick it up.")
    if alert.status != ALERT_OPEN:
        card = alert_card(session=session, alert_id=alert.id, viewer_tz=manager.tz, now=now)
        assert card is not None
        raise AlertHandledError(f"Already handled: {handled_note(card, viewer_person_id=manager.id)}")
    if action == ACK:
        alert.status = ALERT_ACKNOWLEDGED
    elif action == SNOOZE_ACTION:
        alert.status = ALERT_SNOOZED
        alert.snoozed_until = now + SNOOZE
        alert.escalated_at = None  # back from the snooze, its 3 working days start again
    elif action == DISMISS:
        alert.status = ALERT_DISMISSED
    else:
        raise UserError("That button isn't one I know, so nothing changed.")
    alert.acted_by_person_id = manager.id
    alert.acted_at = now
    return alert


@dataclass(frozen=True)
class AlertCopy:
    """One manager's copy of an alert DM."""

    channel: str
    ts: str
    manager_person_id: int
    tz: str


def alert_copies(*, session: Session, alert_id: int) -> list[AlertCopy]:
    """The alert DMs that were sent, so every manager's copy can show who took it."""
    rows = session.execute(
        select(Delivery.message_channel, Delivery.message_ts, Delivery.person_id, Person.tz)
        .join(Person, Person.id == Delivery.person_id)
        .where(
            Delivery.kind == kinds.QUIET_ALERT,
            Delivery.ref_id == alert_id,
            Delivery.message_ts.is_not(None),
            Delivery.message_channel.is_not(None),
        )
    ).all()
    return [AlertCopy(str(r[0]), str(r[1]), int(r[2] or 0), str(r[3])) for r in rows]


def viewer_of_delivery(*, session: Session, delivery: Delivery) -> tuple[int | None, str]:
    """The manager a delivery goes to and their zone."""
    person = session.get(Person, delivery.person_id) if delivery.person_id else None
    return (person.id, person.tz) if person else (None, "UTC")


@dataclass(frozen=True)
class OpenAlert(EpisodeFacts):
    """One live episode for the digest: who, what, the evidence, and who took it."""

    person_id: int
    user_id: str
    display_name: str
    opened_at: datetime
    acted_by_user_id: str | None
    acted_at: datetime | None
    snoozed_until: datetime | None


def open_alerts(*, session: Session, team_id: int, now: datetime) -> list[OpenAlert]:
    """The team's open, acknowledged and snoozed episodes, newest first (manager-only data)."""
    rows = session.execute(
        select(QuietAlert, Person.slack_user_id, Person.display_name)
        .join(Person, Person.id == QuietAlert.person_id)
        .where(QuietAlert.team_id == team_id, QuietAlert.status.in_(SHOWN))
        .order_by(QuietAlert.opened_at.desc(), QuietAlert.id.desc())
    ).all()
    actors = {
        p.id: p.slack_user_id
        for p in session.scalars(
            select(Person).where(
                Person.id.in_({a.acted_by_person_id for a, _, _ in rows if a.acted_by_person_id})
            )
        )
    }
    return [
        OpenAlert(
            **episode_facts(alert),
            person_id=alert.person_id,
            user_id=user_id,
            display_name=name or user_id,
            opened_at=alert.opened_at,
            acted_by_user_id=actors.get(alert.acted_by_person_id) if alert.acted_by_person_id else None,
            acted_at=alert.acted_at,
            snoozed_until=alert.snoozed_until,
        )
        for alert, user_id, name in rows
    ]

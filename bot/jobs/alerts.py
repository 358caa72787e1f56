"""Quiet-rep alerts on the clock: evaluate signals (hourly, or sooner when check-in data changed) and send
each episode's DM to every manager of the team, promptly but never 21:00–08:00 on the manager's clock."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from bot.deliveries import Message
from bot.models import Delivery, QuietAlert
from bot.models.alerts import ALERT_OPEN
from bot.services.alerts import SignalSource, alert_card, evaluate_if_due, viewer_of_delivery
from bot.slack.blocks.alerts import build_alert_dm


def plan_quiet_alerts(session: Session, now: datetime, *, sources: Mapping[str, SignalSource]) -> int:
    """Open and recover episodes from every feature's signal `sources` and plan their DMs; returns how
    many DMs were planned."""
    return evaluate_if_due(session=session, now=now, sources=sources).planned


def render_alert(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The alert as it stands when sent; nothing once it was handled, snoozed or cleared meanwhile."""
    alert = session.get(QuietAlert, delivery.ref_id) if delivery.ref_id else None
    if alert is None or alert.status != ALERT_OPEN:
        return None
    viewer_id, tz = viewer_of_delivery(session=session, delivery=delivery)
    if viewer_id is None or viewer_id == alert.person_id:
        return None
    card = alert_card(session=session, alert_id=alert.id, viewer_tz=tz)
    if card is None:
        return None
    text, blocks = build_alert_dm(card, viewer_person_id=viewer_id)
    return Message(text=text, blocks=blocks)

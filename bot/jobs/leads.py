"""Lead lists' clock and DMs: overlaps still open after 2 working days go to the managers (or the team's
rule decides), and the renderers of every lead DM (each re-reads the overlap, so nothing stale is sent)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.deliveries import Message
from bot.models import Delivery, Person, Team
from bot.models.leads import OVERLAP_ESCALATED, OVERLAP_OPEN, LeadOverlap
from bot.services.leads.decisions import escalate_due
from bot.services.leads.overlaps import OverlapView, conflicts, overlap_view
from bot.slack.blocks import leads as lead_blocks


def plan_leads(session: Session, now: datetime) -> int:
    """Escalate (or settle by the team's rule) every overlap whose 2 working days have passed."""
    return escalate_due(session=session, now=now)


def _view(session: Session, delivery: Delivery) -> tuple[OverlapView, str] | None:
    overlap = session.get(LeadOverlap, delivery.ref_id) if delivery.ref_id is not None else None
    person = session.get(Person, delivery.person_id) if delivery.person_id is not None else None
    if overlap is None or person is None:
        return None
    return overlap_view(session=session, overlap=overlap), person.slack_user_id


def render_overlap(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """A rep's overlap DM, unless it was settled or sent up meanwhile."""
    found = _view(session, delivery)
    if found is None or found[0].status != OVERLAP_OPEN:
        return None
    return Message(*lead_blocks.build_overlap_dm(found[0], me=found[1]))


def render_proposal(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The offered split, unless a newer offer replaced it or it was settled."""
    found = _view(session, delivery)
    if found is None or found[0].status != OVERLAP_OPEN or found[0].proposal_split_a is None:
        return None
    view, me = found
    if view.proposal_by_user == me or not delivery.dedupe_key.endswith(f":{view.proposal_version}"):
        return None
    return Message(*lead_blocks.build_proposal_dm(view, me=me))


def render_settled(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """How the overlap ended."""
    found = _view(session, delivery)
    if found is None or not found[0].settled:
        return None
    return Message(*lead_blocks.build_settled_dm(found[0], me=found[1]))


def render_decision(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """A manager's decision card, unless it was settled meanwhile."""
    found = _view(session, delivery)
    if found is None or found[0].status not in (OVERLAP_OPEN, OVERLAP_ESCALATED):
        return None
    return Message(*lead_blocks.build_decision_card(found[0]))


def render_noise(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """Managers: a key so many claims share that it is noise."""
    team = session.get(Team, delivery.team_id) if delivery.team_id is not None else None
    if team is None:
        return None
    key = delivery.dedupe_key.split(":", 4)[-1]
    _, noise = conflicts(session=session, team=team)
    if key not in noise:
        return None
    return Message(*lead_blocks.build_noise_dm(team_name=team.name, key=key, claims=noise[key]))

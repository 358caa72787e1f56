"""The team's lead export: every account held, its status, owner, partners, split and whole history, as CSV."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Membership, Person, Team
from bot.models.leads import (
    OVERLAP_ASSIGNED,
    OVERLAP_BOTH,
    OVERLAP_DISMISSED,
    OVERLAP_ESCALATED,
    OVERLAP_OPEN,
    OVERLAP_PARTNERED,
    LeadEvent,
    LeadOverlap,
)
from bot.services.leads.entries import entries_of
from bot.services.leads.people import pair_ids

EXPORT_COLUMNS = (
    "account",
    "domain",
    "claimed_by",
    "via_association",
    "status",
    "owner",
    "partners",
    "split",
    "decided_by",
    "history",
)


def export_rows(*, session: Session, team: Team) -> list[dict[str, str]]:
    """Every account the team's reps hold: who claimed it (and via which association), its status, owner,
    partners and split, who decided, and its whole history."""
    entries = entries_of(session, team.id)
    people = {
        p.id: p.slack_user_id
        for p in session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.team_id == team.id)
        )
    }
    overlaps = list(
        session.scalars(select(LeadOverlap).where(LeadOverlap.team_id == team.id).order_by(LeadOverlap.id))
    )
    by_entry: dict[tuple[int, int], list[LeadOverlap]] = defaultdict(list)
    for o in overlaps:
        by_entry[(o.claim_a_id, o.member_a_id)].append(o)
        by_entry[(o.claim_b_id, o.member_b_id)].append(o)
    history: dict[str, list[str]] = defaultdict(list)
    for e in session.scalars(select(LeadEvent).where(LeadEvent.team_id == team.id).order_by(LeadEvent.id)):
        history[e.account_key].append(
            f"{e.at:%Y-%m-%d %H:%M} {e.actor} {e.action}" + (f" ({e.detail})" if e.detail else "")
        )
    rows = []
    for entry in sorted(entries, key=lambda x: (x.label.casefold(), x.keys.claim_id)):
        mine = people.get(entry.keys.person_id, "")
        status, owner, partners, split, decided = "sole", mine, "", "", ""
        for o in by_entry.get((entry.keys.claim_id, entry.keys.member_id), []):
            if o.status == OVERLAP_DISMISSED:
                continue
            a_person, b_person = pair_ids(session, o)
            other = people.get(b_person if a_person == entry.keys.person_id else a_person, "")
            status = o.status
            decided = o.decided_by
            if o.status == OVERLAP_PARTNERED and o.split_a is not None:
                share = o.split_a if a_person == entry.keys.person_id else 100 - o.split_a
                partners, split, owner = other, f"{share}/{100 - share}", f"{mine} {other}"
            elif o.status == OVERLAP_ASSIGNED:
                owner = people.get(o.owner_person_id or 0, "")
            elif o.status in (OVERLAP_OPEN, OVERLAP_ESCALATED):
                owner, partners = "", other
            elif o.status == OVERLAP_BOTH:
                partners = other
        domain = (
            entry.label[entry.label.rfind("(") + 1 : -1]
            if entry.label.endswith(")")
            else (entry.keys.domain_key and entry.label)
        )
        rows.append(
            {
                "account": entry.label,
                "domain": domain or "",
                "claimed_by": mine,
                "via_association": entry.association,
                "status": status,
                "owner": owner,
                "partners": partners,
                "split": split,
                "decided_by": decided,
                "history": " | ".join(history.get(entry.account_key, [])),
            }
        )
    return rows


def export_csv(*, session: Session, team: Team) -> str:
    """The export as CSV text (UTF-8, a header row)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(EXPORT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in export_rows(session=session, team=team):
        writer.writerow({k: _safe_cell(v) for k, v in row.items()})
    return out.getvalue()


def _safe_cell(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets: neutralise it.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value

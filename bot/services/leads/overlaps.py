"""Overlaps found and read: recorded when claims are added (both reps DM'd, managers told of noisy keys),
read as a view for DMs and cards, counted and listed for managers.

Nothing about an overlap is ever planned for a channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import dm, enqueue_many
from bot.domain.leads.matching import Match, reconcile
from bot.domain.leads.rules import ESCALATE_AFTER_WORKING_DAYS, working_days_after
from bot.models import Team, TeamSkipDate
from bot.models.leads import (
    OVERLAP_ESCALATED,
    OVERLAP_OPEN,
    OVERLAP_SETTLED,
    LeadClaim,
    LeadEvent,
    LeadOverlap,
)
from bot.services.leads.entries import Entry, entries_of
from bot.services.leads.history import record_event
from bot.services.leads.people import managers_of, people_by_id
from bot.services.leads.settings import settings_of


@dataclass
class NewOverlaps:
    """What newly claimed accounts overlap: how many overlaps, how many possible ones, the DMs to send."""

    exact: int = 0
    possible: int = 0
    dm_keys: list[str] = field(default_factory=list)


def record_overlaps(
    session: Session, *, team: Team, existing: list[Entry], new: list[Entry], now: datetime
) -> NewOverlaps:
    """Record the overlaps between new entries and the team's (history lines, both reps DM'd) and tell the
    managers of keys so many claims share they are noise."""
    outcome = NewOverlaps()
    settings = settings_of(session=session, team_id=team.id)
    by_pair = {(e.keys.claim_id, e.keys.member_id): e for e in [*existing, *new]}
    found = reconcile(
        [e.keys for e in existing], threshold=settings.fuzzy_threshold, new=[e.keys for e in new]
    )
    skip = _skip_dates(session, team.id)
    escalate_at = working_days_after(now, ESCALATE_AFTER_WORKING_DAYS, tz_name=team.tz, skip=skip)
    rows: list[tuple[LeadOverlap, int, int]] = []
    for match in [*found.exact, *found.possible]:
        newer = by_pair[(match.a.claim_id, match.a.member_id)]
        older = by_pair[(match.b.claim_id, match.b.member_id)]
        overlap = LeadOverlap(
            team_id=team.id,
            claim_a_id=older.keys.claim_id,
            member_a_id=older.keys.member_id,
            claim_b_id=newer.keys.claim_id,
            member_b_id=newer.keys.member_id,
            account=_overlap_label(older, newer, match),
            account_key=(older.account_key if not older.keys.umbrella else newer.account_key),
            exact=match.exact,
            status=OVERLAP_OPEN,
            opened_at=now,
            escalate_at=escalate_at,
            updated_at=now,
        )
        rows.append((overlap, older.keys.person_id, newer.keys.person_id))
    if not rows and not found.noise:
        return outcome
    # One INSERT … RETURNING for the overlaps, one for their history lines, one for the DMs.
    if rows:
        columns = [
            "team_id", "claim_a_id", "member_a_id", "claim_b_id", "member_b_id", "account", "account_key",
            "exact", "status", "opened_at", "escalate_at", "updated_at",
        ]  # fmt: skip
        # Rows come back in any order; the four ids of a pair are unique (a constraint).
        returned = session.execute(
            insert(LeadOverlap).returning(
                LeadOverlap.id,
                LeadOverlap.claim_a_id,
                LeadOverlap.member_a_id,
                LeadOverlap.claim_b_id,
                LeadOverlap.member_b_id,
            ),
            [{c: getattr(o, c) for c in columns} for o, _, _ in rows],
        )
        by_pair_ids = {tuple(row[1:]): row[0] for row in returned}
        for overlap, _, _ in rows:
            ids4 = (overlap.claim_a_id, overlap.member_a_id, overlap.claim_b_id, overlap.member_b_id)
            overlap.id = by_pair_ids[ids4]
    people = people_by_id(session, {p for _, a, b in rows for p in (a, b)})
    deliveries = []
    events = []
    for overlap, a_person, b_person in rows:
        if overlap.exact:
            outcome.exact += 1
        else:
            outcome.possible += 1
        events.append(
            {
                "team_id": team.id,
                "account_key": overlap.account_key,
                "account": overlap.account[:250],
                "actor": "stretch",
                "action": "overlap" if overlap.exact else "possible overlap",
                "detail": f"<@{people[a_person].slack_user_id}> and <@{people[b_person].slack_user_id}>",
                "overlap_id": overlap.id,
                "at": now,
            }
        )
        for person_id in (a_person, b_person):
            key = kinds.lead_overlap_key(overlap.id, person_id)
            deliveries.append(
                dm(
                    kind=kinds.LEAD_OVERLAP,
                    dedupe_key=key,
                    person=people[person_id],
                    due_at=now,
                    team_id=team.id,
                    ref_id=overlap.id,
                )
            )
            outcome.dm_keys.append(key)
    if events:
        session.execute(insert(LeadEvent), events)
    noisy = sorted(k for k in found.noise if any(k in e.keys.match_keys() for e in new))
    managers = managers_of(session, team.id) if noisy else []
    for key in noisy:
        record_event(
            session,
            team_id=team.id,
            account_key=key,
            account=key[2:],
            actor="stretch",
            action="noise",
            detail=f"{found.noise[key]} claims share this key; not sent to reps",
            now=now,
        )
        deliveries += [
            dm(
                kind=kinds.LEAD_NOISE,
                dedupe_key=kinds.lead_noise_key(
                    team_id=team.id, manager_person_id=manager.id, account_key=key
                ),
                person=manager,
                due_at=now,
                team_id=team.id,
            )
            for manager in managers
        ]
    enqueue_many(session=session, rows=deliveries, now=now)
    return outcome


def _overlap_label(older: Entry, newer: Entry, match: Match) -> str:
    """The overlap's account as both reps know it (the member named with its association)."""
    if older.keys.umbrella and not newer.keys.umbrella:
        return f"{newer.label} (in {older.association})"
    if newer.keys.umbrella and not older.keys.umbrella:
        return f"{older.label} (in {newer.association})"
    if not match.exact and older.label != newer.label:
        return f"{older.label} / {newer.label}"
    return older.label


def _skip_dates(session: Session, team_id: int) -> list[date]:
    return list(session.scalars(select(TeamSkipDate.day).where(TeamSkipDate.team_id == team_id)))


@dataclass(frozen=True)
class OverlapView:
    """An overlap as a DM or a card shows it."""

    id: int
    team_id: int
    team_name: str
    account: str
    exact: bool
    status: str
    a_user: str
    b_user: str
    a_user_name: str
    b_user_name: str
    a_person: int
    b_person: int
    a_umbrella: str
    b_umbrella: str
    split_a: int | None
    owner_user: str | None
    proposal_by_user: str | None
    proposal_split_a: int | None
    proposal_version: int
    reason: str
    decided_by: str
    escalate_at: datetime
    fallback: str

    def other_of(self, user_id: str) -> str:
        """The other rep's Slack id."""
        return self.b_user if user_id == self.a_user else self.a_user

    def share_of(self, user_id: str, split_a: int | None) -> int | None:
        """A rep's percent under a split given as claim A's share."""
        if split_a is None:
            return None
        return split_a if user_id == self.a_user else 100 - split_a

    @property
    def settled(self) -> bool:
        """Whether nothing is left to decide."""
        return self.status in OVERLAP_SETTLED


def overlap_view(*, session: Session, overlap: LeadOverlap) -> OverlapView:
    """Read an overlap with its two reps for a builder."""
    a = session.get(LeadClaim, overlap.claim_a_id)
    b = session.get(LeadClaim, overlap.claim_b_id)
    team = session.get(Team, overlap.team_id)
    assert a is not None and b is not None and team is not None
    ids = {a.person_id, b.person_id}
    ids |= {p for p in (overlap.owner_person_id, overlap.proposal_by_person_id) if p is not None}
    people = people_by_id(session, ids)
    return OverlapView(
        id=overlap.id,
        team_id=team.id,
        team_name=team.name,
        account=overlap.account,
        exact=overlap.exact,
        status=overlap.status,
        a_user=people[a.person_id].slack_user_id,
        b_user=people[b.person_id].slack_user_id,
        a_user_name=people[a.person_id].display_name or people[a.person_id].slack_user_id,
        b_user_name=people[b.person_id].display_name or people[b.person_id].slack_user_id,
        a_person=a.person_id,
        b_person=b.person_id,
        a_umbrella=a.company if a.association_id else "",
        b_umbrella=b.company if b.association_id else "",
        split_a=overlap.split_a,
        owner_user=people[overlap.owner_person_id].slack_user_id if overlap.owner_person_id else None,
        proposal_by_user=(
            people[overlap.proposal_by_person_id].slack_user_id if overlap.proposal_by_person_id else None
        ),
        proposal_split_a=overlap.proposal_split_a,
        proposal_version=overlap.proposal_version,
        reason=overlap.reason,
        decided_by=overlap.decided_by,
        escalate_at=overlap.escalate_at,
        fallback=settings_of(session=session, team_id=team.id).fallback,
    )


def overlap_counts(*, session: Session, team_id: int) -> tuple[int, int]:
    """How many of the team's overlaps the reps are settling, and how many wait for a manager."""
    counts = dict(
        session.execute(
            select(LeadOverlap.status, func.count(LeadOverlap.id))
            .where(LeadOverlap.team_id == team_id, LeadOverlap.status.in_((OVERLAP_OPEN, OVERLAP_ESCALATED)))
            .group_by(LeadOverlap.status)
        ).all()
    )
    return int(counts.get(OVERLAP_OPEN, 0)), int(counts.get(OVERLAP_ESCALATED, 0))


def conflicts(*, session: Session, team: Team) -> tuple[list[OverlapView], dict[str, int]]:
    """Open and escalated overlaps, and noisy keys (shared by 20+ claims), for managers."""
    overlaps = session.scalars(
        select(LeadOverlap)
        .where(LeadOverlap.team_id == team.id, LeadOverlap.status.in_((OVERLAP_OPEN, OVERLAP_ESCALATED)))
        .order_by(LeadOverlap.id)
    ).all()
    settings = settings_of(session=session, team_id=team.id)
    found = reconcile([e.keys for e in entries_of(session, team.id)], threshold=settings.fuzzy_threshold)
    return [overlap_view(session=session, overlap=o) for o in overlaps], found.noise

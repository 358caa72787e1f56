"""Lead lists' intents: claim accounts or a whole association, release, settle an overlap between two
reps (partner with a split, give it up, ask the manager), managers' decisions, imports and the export.

Every change writes a line of the account's append-only history (lead_events) in the same transaction.
Overlap DMs and managers' decision cards are delivery rows (bot/jobs/leads.py renders them); nothing
about an overlap is ever planned for a channel.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import dm, enqueue_many
from bot.domain.errors import NotAllowedError, NotInTeamError, UserError
from bot.domain.leads import (
    DEFAULT_FUZZY_THRESHOLD,
    ESCALATE_AFTER_WORKING_DAYS,
    FALLBACK_FIRST,
    FALLBACK_MANAGER,
    Account,
    ClaimKeys,
    Match,
    check_fallback,
    check_threshold,
    clip,
    close_pairs,
    name_key,
    parse_account,
    reconcile,
    split_credit,
    working_days_after,
)
from bot.models import ROLE_MANAGER, ROLE_REP, Membership, Person, Team, TeamSkipDate, Workspace
from bot.models.leads import (
    CLAIM_ACTIVE,
    CLAIM_RELEASED,
    OVERLAP_ASSIGNED,
    OVERLAP_BOTH,
    OVERLAP_DISMISSED,
    OVERLAP_ESCALATED,
    OVERLAP_OPEN,
    OVERLAP_PARTNERED,
    OVERLAP_SETTLED,
    LeadAssociation,
    LeadAssociationMember,
    LeadClaim,
    LeadEvent,
    LeadOverlap,
    LeadSettings,
)
from bot.services.teams import NOT_IN_TEAM, TeamRole

HOW_TO_IMPORT = (
    "For a long list, ask your manager to import it as a CSV file: Import lead list on their Stretch "
    "home, or `stretch leads import --team T --rep U FILE.csv`."
)


# --- who is asking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Asker:
    """The person asking, their role and team."""

    role: TeamRole
    person: Person

    @property
    def team(self) -> Team:
        """The team the request is about."""
        return self.role.team


def asker(
    *, session: Session, slack_team_id: str, user_id: str, channel_id: str | None, team_id: int | None = None
) -> Asker:
    """The team a lead request is about (the channel's, the named one, or the person's only team)."""
    rows = session.execute(
        select(Team, Membership.role, Person)
        .join(Membership, Membership.team_id == Team.id)
        .join(Person, Person.id == Membership.person_id)
        .join(Workspace, Workspace.id == Team.workspace_id)
        .where(Workspace.slack_team_id == slack_team_id, Person.slack_user_id == user_id)
        .order_by(Team.id)
    ).all()
    if not rows:
        raise NotInTeamError(NOT_IN_TEAM)
    chosen = None
    if team_id is not None:
        chosen = next((r for r in rows if r[0].id == team_id), None)
        if chosen is None:
            raise NotInTeamError("You're not on that team any more, so its lead list isn't yours to change.")
    elif channel_id:
        chosen = next((r for r in rows if r[0].channel_id == channel_id), None)
    if chosen is None and len(rows) == 1:
        chosen = rows[0]
    if chosen is None:
        channels = ", ".join(f"<#{r[0].channel_id}>" for r in rows if r[0].channel_id)
        raise UserError(
            f"You're on {len(rows)} teams. Run `/claim-leads` in your team's channel ({channels}) so I know "
            "which team's list you mean."
        )
    return Asker(role=TeamRole(team=chosen[0], role=chosen[1]), person=chosen[2])


def require_rep(who: Asker) -> None:
    """Claims are the reps': a manager is told how to load a rep's list instead."""
    if who.role.role != ROLE_REP:
        raise NotAllowedError(
            f"Only the reps of *{who.team.name}* claim accounts. To load a rep's list, use Import lead list "
            "on your Stretch home or `stretch leads import`."
        )


def require_manager(who: Asker, what: str) -> None:
    """A manager's action refused to a rep."""
    if not who.role.is_manager:
        raise NotAllowedError(f"Only a manager of *{who.team.name}* can {what}.")


def settings_of(*, session: Session, team_id: int) -> LeadSettings:
    """The team's lead rules (defaults when never set; not saved)."""
    found = session.get(LeadSettings, team_id)
    if found is not None:
        return found
    return LeadSettings(team_id=team_id, fallback=FALLBACK_MANAGER, fuzzy_threshold=DEFAULT_FUZZY_THRESHOLD)


def save_settings(
    *, session: Session, team_id: int, fallback: str | None, threshold: int | None, now: datetime
) -> LeadSettings:
    """Change the team's fallback rule and/or name-match threshold."""
    row = session.get(LeadSettings, team_id)
    if row is None:
        row = LeadSettings(
            team_id=team_id,
            fallback=FALLBACK_MANAGER,
            fuzzy_threshold=DEFAULT_FUZZY_THRESHOLD,
            updated_at=now,
        )
        session.add(row)
    if fallback is not None:
        row.fallback = check_fallback(fallback)
    if threshold is not None:
        row.fuzzy_threshold = check_threshold(threshold)
    row.updated_at = now
    session.flush()
    return row


# --- history ------------------------------------------------------------------------------------------


def _event(
    session: Session,
    *,
    team_id: int,
    account_key: str,
    account: str,
    actor: str,
    action: str,
    now: datetime,
    detail: str = "",
    overlap_id: int | None = None,
) -> None:
    session.add(
        LeadEvent(
            team_id=team_id,
            account_key=account_key,
            account=account[:250],
            actor=actor,
            action=action,
            detail=detail[:500],
            overlap_id=overlap_id,
            at=now,
        )
    )


# --- entries: every account a rep holds, umbrella members expanded ------------------------------------


@dataclass(frozen=True)
class Entry:
    """One account a rep holds: an individual claim, or one member of an association they claimed."""

    keys: ClaimKeys
    label: str
    account_key: str
    association: str = ""


def _entries(
    session: Session,
    team_id: int,
    *,
    name_keys: set[str] | None = None,
    domain_keys: set[str] | None = None,
    person_id: int | None = None,
) -> list[Entry]:
    """Every active claimed account of the team, in two queries; with keys given, only the accounts
    sharing one of them (and every individual claim of `person_id`)."""
    claims = select(
        LeadClaim.id,
        LeadClaim.person_id,
        LeadClaim.name_key,
        LeadClaim.domain_key,
        LeadClaim.company,
        LeadClaim.domain,
        LeadClaim.account_key,
    ).where(
        LeadClaim.team_id == team_id,
        LeadClaim.status == CLAIM_ACTIVE,
        LeadClaim.association_id.is_(None),
    )
    members = (
        select(
            LeadClaim.id,
            LeadClaim.person_id,
            LeadAssociationMember.id,
            LeadAssociationMember.name_key,
            LeadAssociationMember.domain_key,
            LeadAssociationMember.company,
            LeadAssociationMember.domain,
            LeadAssociationMember.account_key,
            LeadAssociation.name,
        )
        .join(LeadAssociationMember, LeadAssociationMember.association_id == LeadClaim.association_id)
        .join(LeadAssociation, LeadAssociation.id == LeadClaim.association_id)
        .where(LeadClaim.team_id == team_id, LeadClaim.status == CLAIM_ACTIVE)
    )
    if name_keys is not None or domain_keys is not None:
        names, domains = list(name_keys or ()), list(domain_keys or ())
        claims = claims.where(
            LeadClaim.name_key.in_(names)
            | LeadClaim.domain_key.in_(domains)
            | (LeadClaim.person_id == (person_id or 0))
        )
        members = members.where(
            LeadAssociationMember.name_key.in_(names) | LeadAssociationMember.domain_key.in_(domains)
        )
    out = [
        Entry(ClaimKeys(cid, pid, nk, dk), _label(company, domain), key)
        for cid, pid, nk, dk, company, domain, key in session.execute(claims)
    ]
    out += [
        Entry(ClaimKeys(cid, pid, nk, dk, umbrella=True, member_id=mid), _label(company, domain), key, name)
        for cid, pid, mid, nk, dk, company, domain, key, name in session.execute(members)
    ]
    return out


def _candidates(
    session: Session, team_id: int, *, keys: list[ClaimKeys], person_id: int, threshold: int
) -> list[Entry]:
    """The team's accounts that may overlap `keys`: the same domain or name, or a close name (found among
    the team's distinct names, two one-column queries), plus the rep's own claims."""
    names = {k.name_key for k in keys if k.name_key}
    domains = {k.domain_key for k in keys if k.domain_key}
    if names and threshold < 100:
        team_names = set(
            session.scalars(
                select(LeadClaim.name_key).where(
                    LeadClaim.team_id == team_id,
                    LeadClaim.status == CLAIM_ACTIVE,
                    LeadClaim.association_id.is_(None),
                )
            )
        )
        team_names |= set(
            session.scalars(
                select(LeadAssociationMember.name_key)
                .join(LeadClaim, LeadClaim.association_id == LeadAssociationMember.association_id)
                .where(LeadClaim.team_id == team_id, LeadClaim.status == CLAIM_ACTIVE)
            )
        )
        names |= {other for _, other in close_pairs(names, team_names, threshold=threshold)}
    return _entries(session, team_id, name_keys=names, domain_keys=domains, person_id=person_id)


def team_entries(*, session: Session, team_id: int) -> list[Entry]:
    """Every account the team's reps hold (association members expanded), for reconciliation."""
    return _entries(session, team_id)


def _label(company: str, domain: str) -> str:
    return f"{company} ({domain})" if company and domain else company or domain


# --- claiming ---------------------------------------------------------------------------------------


@dataclass
class ClaimOutcome:
    """What a batch of claims did: accounts added, ones the rep already had, overlaps found (private)."""

    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    overlaps: int = 0
    possible: int = 0
    dm_keys: list[str] = field(default_factory=list)


def add_claims(
    *,
    session: Session,
    team: Team,
    person: Person,
    accounts: Sequence[Account],
    actor: str,
    now: datetime,
) -> ClaimOutcome:
    """Claim accounts for a rep; overlaps with other reps' claims are recorded and both reps DM'd."""
    outcome = ClaimOutcome()
    threshold = settings_of(session=session, team_id=team.id).fuzzy_threshold
    wanted = [ClaimKeys(0, person.id, a.name_key, a.domain_key) for a in accounts]
    existing = _candidates(session, team.id, keys=wanted, person_id=person.id, threshold=threshold)
    mine = {
        k
        for e in existing
        if e.keys.person_id == person.id and not e.keys.umbrella
        for k in e.keys.match_keys()
    }
    fresh: list[dict[str, object]] = []
    for account in accounts:
        if any(k in mine for k in account.match_keys()):
            outcome.already.append(account.label)
            continue
        fresh.append(
            {
                "team_id": team.id,
                "person_id": person.id,
                "company": account.company,
                "domain": account.domain,
                "name_key": account.name_key,
                "domain_key": account.domain_key,
                "account_key": account.key,
                "note": account.note,
                "status": CLAIM_ACTIVE,
                "claimed_by": actor,
                "claimed_at": now,
            }
        )
        mine.update(account.match_keys())
    if not fresh:
        return outcome
    # One INSERT … RETURNING for the claims, one for their history lines.
    # Rows come back in any order; each new claim's account key is unique in the batch.
    by_key = {
        key: claim_id
        for claim_id, key in session.execute(
            insert(LeadClaim).returning(LeadClaim.id, LeadClaim.account_key), fresh
        )
    }
    ids = [by_key[str(row["account_key"])] for row in fresh]
    detail = "" if actor == person.slack_user_id else f"for <@{person.slack_user_id}>"
    labels = [_label(str(row["company"]), str(row["domain"])) for row in fresh]
    outcome.added.extend(labels)
    session.execute(
        insert(LeadEvent),
        [
            {
                "team_id": team.id,
                "account_key": row["account_key"],
                "account": label[:250],
                "actor": actor,
                "action": "claimed",
                "detail": detail,
                "overlap_id": None,
                "at": now,
            }
            for row, label in zip(fresh, labels, strict=True)
        ],
    )
    new = [
        Entry(
            ClaimKeys(claim_id, person.id, str(row["name_key"]), str(row["domain_key"])),
            label,
            str(row["account_key"]),
        )
        for claim_id, row, label in zip(ids, fresh, labels, strict=True)
    ]
    _record_overlaps(session, team=team, existing=existing, new=new, outcome=outcome, now=now)
    return outcome


def claim_umbrella(
    *, session: Session, team: Team, person: Person, association_name: str, actor: str, now: datetime
) -> tuple[ClaimOutcome, LeadAssociation]:
    """Claim every member account of an association the team imported."""
    wanted = name_key(association_name)
    if not wanted:
        raise UserError("Name the association, like `/claim-leads umbrella Ohio Credit Union League`.")
    association = session.scalar(
        select(LeadAssociation).where(LeadAssociation.team_id == team.id, LeadAssociation.name_key == wanted)
    )
    if association is None:
        known = list(session.scalars(select(LeadAssociation.name).where(LeadAssociation.team_id == team.id)))
        listed = f" The team has: {', '.join(f'*{n}*' for n in known[:10])}." if known else ""
        raise UserError(
            f"Nobody has imported an association called *{clip(association_name, 80)}* for *{team.name}* yet."
            f"{listed} Ask your manager to import its member list (Import lead list on their Stretch home, "
            "or `stretch leads associations import`)."
        )
    outcome = ClaimOutcome()
    already = session.scalar(
        select(LeadClaim.id).where(
            LeadClaim.team_id == team.id,
            LeadClaim.person_id == person.id,
            LeadClaim.association_id == association.id,
            LeadClaim.status == CLAIM_ACTIVE,
        )
    )
    if already is not None:
        outcome.already.append(association.name)
        return outcome, association
    existing = _entries(session, team.id)
    claim = LeadClaim(
        team_id=team.id,
        person_id=person.id,
        association_id=association.id,
        company=association.name,
        name_key=association.name_key,
        account_key=f"a:{association.name_key}",
        status=CLAIM_ACTIVE,
        claimed_by=actor,
        claimed_at=now,
    )
    session.add(claim)
    session.flush()
    outcome.added.append(association.name)
    _event(
        session,
        team_id=team.id,
        account_key=claim.account_key,
        account=association.name,
        actor=actor,
        action="claimed",
        detail="the whole association",
        now=now,
    )
    members = session.execute(
        select(LeadAssociationMember).where(LeadAssociationMember.association_id == association.id)
    ).scalars()
    new = [
        Entry(
            ClaimKeys(claim.id, person.id, m.name_key, m.domain_key, umbrella=True, member_id=m.id),
            _label(m.company, m.domain),
            m.account_key,
            association.name,
        )
        for m in members
    ]
    _record_overlaps(session, team=team, existing=existing, new=new, outcome=outcome, now=now)
    return outcome, association


def _record_overlaps(
    session: Session,
    *,
    team: Team,
    existing: list[Entry],
    new: list[Entry],
    outcome: ClaimOutcome,
    now: datetime,
) -> None:
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
        return
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
    people = _people(session, {p for _, a, b in rows for p in (a, b)})
    deliveries = []
    events = []
    for overlap, a_person, b_person in rows:
        if overlap.exact:
            outcome.overlaps += 1
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
    managers = _managers(session, team.id) if noisy else []
    for key in noisy:
        _event(
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


def _overlap_label(older: Entry, newer: Entry, match: Match) -> str:
    if older.keys.umbrella and not newer.keys.umbrella:
        return f"{newer.label} (in {older.association})"
    if newer.keys.umbrella and not older.keys.umbrella:
        return f"{older.label} (in {newer.association})"
    if not match.exact and older.label != newer.label:
        return f"{older.label} / {newer.label}"
    return older.label


def _skip_dates(session: Session, team_id: int) -> list[date]:
    return list(session.scalars(select(TeamSkipDate.day).where(TeamSkipDate.team_id == team_id)))


def _people(session: Session, ids: set[int]) -> dict[int, Person]:
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}


def _managers(session: Session, team_id: int) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.team_id == team_id, Membership.role == ROLE_MANAGER, Person.deleted.is_(False))
            .order_by(Person.id)
        )
    )


def _pair_people(session: Session, overlap: LeadOverlap) -> tuple[int, int]:
    a = session.get(LeadClaim, overlap.claim_a_id)
    b = session.get(LeadClaim, overlap.claim_b_id)
    assert a is not None and b is not None
    return a.person_id, b.person_id


# --- releasing --------------------------------------------------------------------------------------


def release(
    *, session: Session, team: Team, person: Person, text: str, now: datetime
) -> tuple[str, list[str]]:
    """Give back one claimed account (or association) by name or domain; open overlaps on it settle."""
    typed = " ".join((text or "").split())
    if not typed:
        raise UserError("Say which account to give back, like `/claim-leads release Acme`.")
    account = parse_account(typed)
    keys = set(account.match_keys())
    claims = list(
        session.scalars(
            select(LeadClaim).where(
                LeadClaim.team_id == team.id,
                LeadClaim.person_id == person.id,
                LeadClaim.status == CLAIM_ACTIVE,
            )
        )
    )
    found = [
        c
        for c in claims
        if (c.domain_key and f"d:{c.domain_key}" in keys) or (c.name_key and f"n:{c.name_key}" in keys)
    ]
    if not found:
        raise UserError(
            f"You haven't claimed *{clip(typed, 80)}*. Type `/claim-leads` to see your accounts, then "
            "`/claim-leads release` with one of them."
        )
    claim = found[0]
    return claim.label, _release_claim(session, claim=claim, actor=person.slack_user_id, now=now)


def my_claims(*, session: Session, team_id: int, person_id: int) -> list[str]:
    """The labels of a rep's active claims, oldest first (for the Release… modal)."""
    return [
        c.label
        for c in session.scalars(
            select(LeadClaim)
            .where(
                LeadClaim.team_id == team_id,
                LeadClaim.person_id == person_id,
                LeadClaim.status == CLAIM_ACTIVE,
            )
            .order_by(LeadClaim.id)
        )
    ]


def _release_claim(session: Session, *, claim: LeadClaim, actor: str, now: datetime) -> list[str]:
    claim.status = CLAIM_RELEASED
    claim.released_at = now
    _event(
        session,
        team_id=claim.team_id,
        account_key=claim.account_key,
        account=claim.label,
        actor=actor,
        action="released",
        now=now,
    )
    open_ones = session.scalars(
        select(LeadOverlap).where(
            (LeadOverlap.claim_a_id == claim.id) | (LeadOverlap.claim_b_id == claim.id),
            LeadOverlap.status.in_((OVERLAP_OPEN, OVERLAP_ESCALATED)),
        )
    ).all()
    keys: list[str] = []
    for overlap in open_ones:
        other = overlap.claim_b_id if overlap.claim_a_id == claim.id else overlap.claim_a_id
        other_claim = session.get(LeadClaim, other)
        assert other_claim is not None
        keys += _settle(
            session,
            overlap,
            status=OVERLAP_ASSIGNED,
            owner=other_claim.person_id,
            actor=actor,
            decided_by=actor,
            detail="released their claim",
            now=now,
        )
    return keys


# --- settling an overlap ------------------------------------------------------------------------------


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
    people = _people(session, ids)
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


def _lock_overlap(session: Session, overlap_id: int) -> LeadOverlap:
    overlap = session.scalar(
        select(LeadOverlap)
        .where(LeadOverlap.id == overlap_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if overlap is None:
        raise UserError("That overlap no longer exists: one of the claims was removed.")
    return overlap


def overlap_for_rep(
    *, session: Session, overlap_id: int, user_id: str, slack_team_id: str
) -> tuple[LeadOverlap, Person]:
    """The overlap locked for one of its two reps; anyone else is refused."""
    overlap = _lock_overlap(session, overlap_id)
    a_person, b_person = _pair_people(session, overlap)
    person = session.scalar(
        select(Person)
        .join(Workspace, Workspace.id == Person.workspace_id)
        .where(Workspace.slack_team_id == slack_team_id, Person.slack_user_id == user_id)
    )
    if person is None or person.id not in (a_person, b_person):
        raise NotAllowedError(
            "This overlap isn't yours: only the two reps who claimed the account can settle it."
        )
    member = session.scalar(
        select(Membership.id).where(Membership.team_id == overlap.team_id, Membership.person_id == person.id)
    )
    if member is None:
        raise NotInTeamError("You're not on that team any more, so this overlap isn't yours to settle.")
    return overlap, person


def _require_open(overlap: LeadOverlap, *, for_reps: bool = True) -> None:
    if overlap.status in OVERLAP_SETTLED:
        raise UserError("This overlap is already settled. Type `/claim-leads` to see where things stand.")
    if for_reps and overlap.status == OVERLAP_ESCALATED:
        raise UserError(
            "You've asked your manager about this one; they'll decide. Type `/claim-leads` to see it."
        )


def require_open_for_reps(overlap: LeadOverlap) -> None:
    """Refuse a rep's step on an overlap that is settled or with the manager."""
    _require_open(overlap)


def require_undecided(overlap: LeadOverlap) -> None:
    """Refuse a manager's decision on an overlap that is already settled."""
    _require_open(overlap, for_reps=False)


def propose_split(
    *, session: Session, overlap: LeadOverlap, person: Person, my_share: int, now: datetime
) -> tuple[str, list[str]]:
    """Offer a split (my percent); if the other rep already offered the same split, it's agreed.

    Returns what happened ('proposed' or 'partnered') and the delivery keys to send now."""
    _require_open(overlap)
    if not overlap.exact:
        raise UserError("First say whether this is the same company (tap *Same company*).")
    a_person, b_person = _pair_people(session, overlap)
    split_a = my_share if person.id == a_person else 100 - my_share
    if (
        overlap.proposal_by_person_id is not None
        and overlap.proposal_by_person_id != person.id
        and overlap.proposal_split_a == split_a
    ):
        return "partnered", _partner(session, overlap, split_a=split_a, actor=person.slack_user_id, now=now)
    overlap.proposal_by_person_id = person.id
    overlap.proposal_split_a = split_a
    overlap.proposal_version += 1
    overlap.updated_at = now
    other_id = b_person if person.id == a_person else a_person
    other = session.get(Person, other_id)
    assert other is not None
    _event(
        session,
        team_id=overlap.team_id,
        account_key=overlap.account_key,
        account=overlap.account,
        actor=person.slack_user_id,
        action="proposed",
        detail=f"{my_share}% <@{person.slack_user_id}> / {100 - my_share}% <@{other.slack_user_id}>",
        overlap_id=overlap.id,
        now=now,
    )
    key = kinds.lead_proposal_key(overlap.id, overlap.proposal_version)
    enqueue_many(
        session=session,
        rows=[
            dm(
                kind=kinds.LEAD_PROPOSAL,
                dedupe_key=key,
                person=other,
                due_at=now,
                team_id=overlap.team_id,
                ref_id=overlap.id,
            )
        ],
        now=now,
    )
    return "proposed", [key]


def accept_split(
    *, session: Session, overlap: LeadOverlap, person: Person, version: int, now: datetime
) -> list[str]:
    """Accept the other rep's offered split (the exact offer the button showed)."""
    _require_open(overlap)
    if overlap.proposal_by_person_id is None or overlap.proposal_split_a is None:
        raise UserError("There's no split on the table for this account. Tap *Partner on it* to offer one.")
    if overlap.proposal_by_person_id == person.id:
        raise UserError("That's your own offer: your teammate has to accept it.")
    if overlap.proposal_version != version:
        raise UserError(
            "That offer was replaced by a newer one. Look for the latest message about this account."
        )
    return _partner(session, overlap, split_a=overlap.proposal_split_a, actor=person.slack_user_id, now=now)


def _partner(session: Session, overlap: LeadOverlap, *, split_a: int, actor: str, now: datetime) -> list[str]:
    a_person, b_person = _pair_people(session, overlap)
    people = _people(session, {a_person, b_person})
    detail = f"{split_a}% <@{people[a_person].slack_user_id}> / {100 - split_a}% <@{people[b_person].slack_user_id}>"
    overlap.split_a = split_a
    return _settle(
        session,
        overlap,
        status=OVERLAP_PARTNERED,
        owner=None,
        actor=actor,
        decided_by=overlap.decided_by or "reps",
        detail=detail,
        now=now,
        action="accepted" if actor != "rule" else "decided",
    )


def give_up(*, session: Session, overlap: LeadOverlap, person: Person, now: datetime) -> list[str]:
    """'It's yours': the other rep keeps the account; an individual claim of mine is released."""
    _require_open(overlap, for_reps=False)
    a_person, b_person = _pair_people(session, overlap)
    other = b_person if person.id == a_person else a_person
    mine = session.get(LeadClaim, overlap.claim_a_id if person.id == a_person else overlap.claim_b_id)
    assert mine is not None
    keys = _settle(
        session,
        overlap,
        status=OVERLAP_ASSIGNED,
        owner=other,
        actor=person.slack_user_id,
        decided_by="reps",
        detail="gave it to their teammate",
        now=now,
        action="gave up",
    )
    if mine.association_id is None and mine.status == CLAIM_ACTIVE:
        mine.status = CLAIM_RELEASED
        mine.released_at = now
        _event(
            session,
            team_id=mine.team_id,
            account_key=mine.account_key,
            account=mine.label,
            actor=person.slack_user_id,
            action="released",
            now=now,
        )
    return keys


def confirm_possible(
    *, session: Session, overlap: LeadOverlap, person: Person, same: bool, now: datetime
) -> list[str]:
    """A possible overlap: 'same company' makes it a real one (the usual choices follow), else dismissed."""
    _require_open(overlap)
    if overlap.exact:
        raise UserError("This one is already known to be the same account.")
    if not same:
        return _settle(
            session,
            overlap,
            status=OVERLAP_DISMISSED,
            owner=None,
            actor=person.slack_user_id,
            decided_by="reps",
            detail="two different companies",
            now=now,
            action="dismissed",
        )
    overlap.exact = True
    overlap.updated_at = now
    _event(
        session,
        team_id=overlap.team_id,
        account_key=overlap.account_key,
        account=overlap.account,
        actor=person.slack_user_id,
        action="confirmed",
        detail="the same company",
        overlap_id=overlap.id,
        now=now,
    )
    a_person, b_person = _pair_people(session, overlap)
    people = _people(session, {a_person, b_person})
    keys = [kinds.lead_overlap_key(overlap.id, pid, confirmed=True) for pid in (a_person, b_person)]
    enqueue_many(
        session=session,
        rows=[
            dm(
                kind=kinds.LEAD_OVERLAP,
                dedupe_key=key,
                person=people[pid],
                due_at=now,
                team_id=overlap.team_id,
                ref_id=overlap.id,
            )
            for key, pid in zip(keys, (a_person, b_person), strict=True)
        ],
        now=now,
    )
    return keys


def ask_manager(*, session: Session, overlap: LeadOverlap, person: Person | None, now: datetime) -> list[str]:
    """Send the overlap up to the team's managers (a rep asked, or 2 working days passed)."""
    _require_open(overlap)
    overlap.status = OVERLAP_ESCALATED
    overlap.escalated_at = now
    overlap.updated_at = now
    actor = person.slack_user_id if person else "stretch"
    _event(
        session,
        team_id=overlap.team_id,
        account_key=overlap.account_key,
        account=overlap.account,
        actor=actor,
        action="asked manager" if person else "escalated",
        detail="" if person else f"open after {ESCALATE_AFTER_WORKING_DAYS} working days",
        overlap_id=overlap.id,
        now=now,
    )
    managers = _managers(session, overlap.team_id)
    if not managers:
        return []
    rows = [
        dm(
            kind=kinds.LEAD_DECISION,
            dedupe_key=kinds.lead_decision_key(overlap.id, m.id),
            person=m,
            due_at=now,
            team_id=overlap.team_id,
            ref_id=overlap.id,
        )
        for m in managers
    ]
    enqueue_many(session=session, rows=rows, now=now)
    return [r["dedupe_key"] for r in rows]


def overlap_for_manager(
    *, session: Session, overlap_id: int, user_id: str, slack_team_id: str
) -> LeadOverlap:
    """The overlap locked for a manager of its team; anyone else is refused."""
    overlap = _lock_overlap(session, overlap_id)
    role = session.scalar(
        select(Membership.role)
        .join(Person, Person.id == Membership.person_id)
        .join(Workspace, Workspace.id == Person.workspace_id)
        .where(
            Membership.team_id == overlap.team_id,
            Workspace.slack_team_id == slack_team_id,
            Person.slack_user_id == user_id,
        )
    )
    if role != ROLE_MANAGER:
        raise NotAllowedError("Only a manager of this team can decide who pursues the account.")
    return overlap


def decide(
    *,
    session: Session,
    overlap: LeadOverlap,
    manager_user_id: str,
    owner: str | None = None,
    split_a: int | None = None,
    reason: str | None = None,
    now: datetime,
) -> list[str]:
    """A manager's decision: give the account to one rep ('a'/'b'), partner them, or keep both (reason)."""
    _require_open(overlap, for_reps=False)
    a_person, b_person = _pair_people(session, overlap)
    overlap.decided_by = manager_user_id
    if owner is not None:
        winner = a_person if owner == "a" else b_person
        return _settle(
            session,
            overlap,
            status=OVERLAP_ASSIGNED,
            owner=winner,
            actor=manager_user_id,
            decided_by=manager_user_id,
            detail=f"assigned to <@{_people(session, {winner})[winner].slack_user_id}>",
            now=now,
            action="decided",
        )
    if split_a is not None:
        overlap.split_a = split_a
        people = _people(session, {a_person, b_person})
        detail = f"partners: {split_a}% <@{people[a_person].slack_user_id}> / {100 - split_a}% <@{people[b_person].slack_user_id}>"
        return _settle(
            session,
            overlap,
            status=OVERLAP_PARTNERED,
            owner=None,
            actor=manager_user_id,
            decided_by=manager_user_id,
            detail=detail,
            now=now,
            action="decided",
        )
    text = " ".join((reason or "").split())
    if not text:
        raise UserError(
            "Write the reason for keeping both claims, so the reps know why.", field="lead_reason"
        )
    if len(text) > 500:
        raise UserError("Keep the reason under 500 characters.", field="lead_reason")
    overlap.reason = text
    return _settle(
        session,
        overlap,
        status=OVERLAP_BOTH,
        owner=None,
        actor=manager_user_id,
        decided_by=manager_user_id,
        detail=f"kept both: {text}",
        now=now,
        action="decided",
    )


def _settle(
    session: Session,
    overlap: LeadOverlap,
    *,
    status: str,
    owner: int | None,
    actor: str,
    decided_by: str,
    detail: str,
    now: datetime,
    action: str = "settled",
) -> list[str]:
    overlap.status = status
    overlap.owner_person_id = owner
    overlap.decided_by = decided_by
    overlap.settled_at = now
    overlap.updated_at = now
    _event(
        session,
        team_id=overlap.team_id,
        account_key=overlap.account_key,
        account=overlap.account,
        actor=actor,
        action=action,
        detail=detail,
        overlap_id=overlap.id,
        now=now,
    )
    a_person, b_person = _pair_people(session, overlap)
    people = _people(session, {a_person, b_person})
    rows = [
        dm(
            kind=kinds.LEAD_SETTLED,
            dedupe_key=kinds.lead_settled_key(overlap.id, pid),
            person=people[pid],
            due_at=now,
            team_id=overlap.team_id,
            ref_id=overlap.id,
        )
        for pid in (a_person, b_person)
    ]
    enqueue_many(session=session, rows=rows, now=now)
    return [r["dedupe_key"] for r in rows]


# --- the clock: 2 working days --------------------------------------------------------------------------


def escalate_due(*, session: Session, now: datetime) -> int:
    """Open overlaps past their 2 working days: the fallback rule decides, or the managers are asked."""
    due = list(
        session.scalars(
            select(LeadOverlap)
            .where(
                LeadOverlap.status == OVERLAP_OPEN,
                LeadOverlap.escalate_at <= now,
                LeadOverlap.exact.is_(True),
            )
            .order_by(LeadOverlap.id)
        )
    )
    done = 0
    for overlap in due:
        rule = settings_of(session=session, team_id=overlap.team_id).fallback
        if rule == FALLBACK_FIRST:
            a = session.get(LeadClaim, overlap.claim_a_id)
            b = session.get(LeadClaim, overlap.claim_b_id)
            assert a is not None and b is not None
            # The first claimer keeps it, but naming the account outranks an association claim.
            winner = b if (a.association_id is not None and b.association_id is None) else a
            _settle(
                session,
                overlap,
                status=OVERLAP_ASSIGNED,
                owner=winner.person_id,
                actor="rule",
                decided_by="rule",
                detail="the team's rule: the first claimer keeps it"
                + (" (the account was named, not just its association)" if winner is b else ""),
                now=now,
                action="decided",
            )
        else:
            ask_manager(session=session, overlap=overlap, person=None, now=now)
        done += 1
    return done


# --- credit -------------------------------------------------------------------------------------------


def progress_shares(
    *, session: Session, team_id: int, person_id: int, account_text: str
) -> list[tuple[Person, int]] | None:
    """Who shares credit for progress on an account the rep partnered on: [(rep, pct), (partner, pct)].

    None when the text names no account the rep shares (the progress is theirs alone)."""
    typed = " ".join((account_text or "").split())
    if not typed:
        return None
    try:
        account = parse_account(typed)
    except UserError:
        return None
    keys = set(account.match_keys())
    overlaps = session.execute(
        select(LeadOverlap).where(
            LeadOverlap.team_id == team_id,
            LeadOverlap.status == OVERLAP_PARTNERED,
            LeadOverlap.split_a.is_not(None),
        )
    ).scalars()
    for overlap in overlaps:
        a_person, b_person = _pair_people(session, overlap)
        if person_id not in (a_person, b_person):
            continue
        if not _overlap_keys(session, overlap) & keys:
            continue
        assert overlap.split_a is not None
        people = _people(session, {a_person, b_person})
        mine = overlap.split_a if person_id == a_person else 100 - overlap.split_a
        other = b_person if person_id == a_person else a_person
        return [(people[person_id], mine), (people[other], 100 - mine)]
    return None


def _overlap_keys(session: Session, overlap: LeadOverlap) -> set[str]:
    keys: set[str] = set()
    for claim_id, member_id in (
        (overlap.claim_a_id, overlap.member_a_id),
        (overlap.claim_b_id, overlap.member_b_id),
    ):
        if member_id:
            member = session.get(LeadAssociationMember, member_id)
            if member is not None:
                keys |= set(_keys_of(member.name_key, member.domain_key))
        else:
            claim = session.get(LeadClaim, claim_id)
            if claim is not None:
                keys |= set(_keys_of(claim.name_key, claim.domain_key))
    return keys


def _keys_of(nk: str, dk: str) -> list[str]:
    return [*([f"d:{dk}"] if dk else []), *([f"n:{nk}"] if nk else [])]


def credit_parts(amount: int, shares: list[tuple[Person, int]]) -> list[tuple[Person, int]]:
    """The amount each partner is credited (adds up to the amount exactly)."""
    by_id = {p.id: p for p, _ in shares}
    return [(by_id[pid], part) for pid, part in split_credit(amount, [(p.id, pct) for p, pct in shares])]


# --- reading: the rep's card ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimLine:
    """One of a rep's claims as their card shows it."""

    label: str
    umbrella: bool
    members: int
    # (the account, how it is shared): the second part holds only mentions and numbers, no user text.
    shared: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class LeadsCard:
    """What `/claim-leads` shows one rep."""

    team_id: int
    team_name: str
    is_manager: bool
    fallback: str
    claims: tuple[ClaimLine, ...]
    waiting: tuple[OverlapView, ...]
    escalated: tuple[OverlapView, ...]


def card(*, session: Session, who: Asker) -> LeadsCard:
    """The asker's claims (with partners and splits) and the overlaps waiting for them."""
    team = who.team
    claims = list(
        session.scalars(
            select(LeadClaim)
            .where(
                LeadClaim.team_id == team.id,
                LeadClaim.person_id == who.person.id,
                LeadClaim.status == CLAIM_ACTIVE,
            )
            .order_by(LeadClaim.id)
        )
    )
    ids = [c.id for c in claims]
    overlaps = (
        list(
            session.scalars(
                select(LeadOverlap)
                .where(LeadOverlap.claim_a_id.in_(ids) | LeadOverlap.claim_b_id.in_(ids))
                .order_by(LeadOverlap.id)
            )
        )
        if ids
        else []
    )
    views = [overlap_view(session=session, overlap=o) for o in overlaps]
    shared: dict[int, list[tuple[str, str]]] = defaultdict(list)
    me = who.person.slack_user_id
    for overlap, view in zip(overlaps, views, strict=True):
        mine = overlap.claim_a_id if view.a_user == me else overlap.claim_b_id
        other = view.other_of(me)
        if view.status == OVERLAP_PARTNERED:
            share = view.share_of(me, view.split_a)
            shared[mine].append(
                (view.account, f"partner <@{other}>, you {share}% / them {100 - (share or 0)}%")
            )
        elif view.status == OVERLAP_ASSIGNED:
            shared[mine].append((view.account, "yours" if view.owner_user == me else f"<@{other}>'s"))
        elif view.status == OVERLAP_BOTH:
            shared[mine].append((view.account, "you both keep it"))
    members = dict(
        session.execute(
            select(LeadAssociationMember.association_id, func.count(LeadAssociationMember.id))
            .where(
                LeadAssociationMember.association_id.in_(
                    [c.association_id for c in claims if c.association_id]
                )
            )
            .group_by(LeadAssociationMember.association_id)
        ).all()
    )
    lines = tuple(
        ClaimLine(
            label=c.label,
            umbrella=c.association_id is not None,
            members=int(members.get(c.association_id, 0)) if c.association_id else 0,
            shared=tuple(shared.get(c.id, [])),
        )
        for c in claims
    )
    return LeadsCard(
        team_id=team.id,
        team_name=team.name,
        is_manager=who.role.is_manager,
        fallback=settings_of(session=session, team_id=team.id).fallback,
        claims=lines,
        waiting=tuple(v for v in views if v.status == OVERLAP_OPEN),
        escalated=tuple(v for v in views if v.status == OVERLAP_ESCALATED),
    )


# --- imports (CLI and the managers' paste modal) ------------------------------------------------------------


def rep_of(*, session: Session, team: Team, user_id: str) -> Person:
    """A rep of the team by Slack id; a clear refusal for anyone else."""
    person = session.scalar(
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.team_id == team.id, Person.slack_user_id == user_id, Membership.role == ROLE_REP)
    )
    if person is None:
        raise UserError(
            f"<@{user_id}> isn't a rep on *{team.name}*. Add them with `/stretch setup` first, or pick one of "
            "the team's reps."
        )
    return person


def import_association(
    *, session: Session, team: Team, name: str, accounts: Sequence[Account], actor: str, now: datetime
) -> tuple[LeadAssociation, int, bool]:
    """Load (or replace) an association's member list; returns it, how many members, and if it is new."""
    clean = " ".join((name or "").split())
    key = name_key(clean)
    if not key:
        raise UserError("Give the association a name, like `Ohio Credit Union League`.")
    if len(clean) > 120:
        raise UserError("Keep the association's name under 120 characters.")
    association = session.scalar(
        select(LeadAssociation).where(LeadAssociation.team_id == team.id, LeadAssociation.name_key == key)
    )
    created = association is None
    if association is None:
        association = LeadAssociation(
            team_id=team.id, name=clean, name_key=key, imported_by=actor, created_at=now, updated_at=now
        )
        session.add(association)
        session.flush()
    else:
        association.updated_at = now
        association.imported_by = actor
        session.execute(
            delete(LeadAssociationMember).where(LeadAssociationMember.association_id == association.id)
        )
    session.execute(
        insert(LeadAssociationMember),
        [
            {
                "association_id": association.id,
                "company": a.company,
                "domain": a.domain,
                "name_key": a.name_key,
                "domain_key": a.domain_key,
                "account_key": a.key,
            }
            for a in accounts
        ],
    )
    _event(
        session,
        team_id=team.id,
        account_key=f"a:{key}",
        account=clean,
        actor=actor,
        action="imported",
        detail=f"{len(accounts)} member accounts",
        now=now,
    )
    return association, len(accounts), created


# --- reconciliation and export ---------------------------------------------------------------------------


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
    found = reconcile([e.keys for e in _entries(session, team.id)], threshold=settings.fuzzy_threshold)
    return [overlap_view(session=session, overlap=o) for o in overlaps], found.noise


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
    entries = _entries(session, team.id)
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
            a_person, b_person = _pair_people(session, o)
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

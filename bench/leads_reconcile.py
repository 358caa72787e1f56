"""Lead lists at size: 50 reps × 400 accounts (20,000 claims) in one team.

Prints the time of a full reconciliation (every claim loaded, exact and close-name overlaps found) and of
adding 50 accounts to that team (the claims written, overlaps with the 20,000 found, DMs planned), with
the SQL statements each ran. Targets (issue 18): under 2 s and under 200 ms.

    .venv/bin/python bench/leads_reconcile.py [--database-url postgresql://…] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime

from _setup import database, fill
from sqlalchemy import event, insert, select

from bot.db import make_session_factory
from bot.domain.leads.accounts import Account, parse_account
from bot.domain.leads.matching import reconcile
from bot.models import Person, Team
from bot.models.leads import LeadClaim
from bot.services.leads.claims import add_claims
from bot.services.leads.entries import team_entries

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
REPS, PER_REP, UNIVERSE = 50, 400, 8_000
WORDS = [
    "acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka", "tyrell", "cyberdyne",
    "soylent", "aperture", "vandelay", "massive", "dynamic", "oscorp", "nakatomi", "gringotts", "monarch",
    "virtucon", "pied", "piper", "blue", "north", "south", "river", "lake", "summit", "harbor", "pioneer",
    "liberty", "eagle", "falcon", "cedar", "oak", "maple", "granite", "silver", "golden", "first", "united",
    "national", "coastal", "prairie", "metro", "capital", "heritage", "frontier", "keystone", "beacon",
]  # fmt: skip
KINDS = ["Industries", "Holdings", "Labs", "Logistics", "Foods", "Credit Union", "Bank", "Health", "Systems"]
SUFFIXES = ["", " Inc.", " LLC", " Corp", " Ltd", " GmbH"]


def universe(rng: random.Random) -> list[tuple[str, str]]:
    """8,000 distinct companies (name, domain); a third without a domain."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    while len(out) < UNIVERSE:
        a, b, kind = rng.choice(WORDS), rng.choice(WORDS), rng.choice(KINDS)
        name = f"{a.title()} {b.title()} {kind}"
        # Distinct companies: not the same words in another order (that would be a real possible overlap).
        words = " ".join(sorted(f"{a} {b} {kind}".lower().split()))
        if a == b or words in seen:
            continue
        seen.add(words)
        domain = f"{a}{b}{kind.split()[0].lower()}.{rng.choice(['com', 'co.uk', 'io', 'de'])}"
        out.append((name, domain if rng.random() > 0.33 else ""))
    return out


def typed(company: tuple[str, str], rng: random.Random) -> str:
    """How a rep might type it: with a legal suffix, a URL, now and then a typo."""
    name, domain = company
    if not domain and rng.random() < 0.05:  # a typo: two letters swapped in the first word
        first, _, rest = name.partition(" ")
        if len(first) > 4:
            name = f"{first[:2]}{first[3]}{first[2]}{first[4:]} {rest}"
    written = name + rng.choice(SUFFIXES)
    if domain and rng.random() < 0.5:
        return f"{written} (https://www.{domain})"
    return written


class Counter:
    """Counts SQL statements on an engine."""

    def __init__(self, engine: object) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._one)

    def _one(self, *args: object) -> None:
        self.count += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="a PostgreSQL URL (its schema is dropped); default: SQLite")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(18)
    url, engine = database(args.database_url)
    fill(engine, members=REPS + 1, team_size=REPS + 1)
    factory = make_session_factory(engine)
    companies = universe(rng)
    started = time.perf_counter()
    lists = [[parse_account(typed(c, rng)) for c in rng.sample(companies, PER_REP)] for _ in range(REPS)]
    normalise = time.perf_counter() - started
    with factory() as session:
        team = session.scalar(select(Team))
        people = list(session.scalars(select(Person).order_by(Person.id)))
        assert team is not None
        reps, newcomer = people[:REPS], people[REPS]
        session.execute(
            insert(LeadClaim),
            [
                {
                    "team_id": team.id,
                    "person_id": rep.id,
                    "company": a.company,
                    "domain": a.domain,
                    "name_key": a.name_key,
                    "domain_key": a.domain_key,
                    "account_key": a.key,
                    "status": "active",
                    "claimed_by": "bench",
                    "claimed_at": NOW,
                }
                for rep, accounts in zip(reps, lists, strict=True)
                for a in accounts
            ],
        )
        session.commit()
        team_id = team.id
    counter = Counter(engine)

    full, full_statements, found = [], 0, None
    for _ in range(args.runs):
        with factory() as session:
            before = counter.count
            started = time.perf_counter()
            team = session.get(Team, team_id)
            assert team is not None
            entries = team_entries(session=session, team_id=team_id)
            found = reconcile([e.keys for e in entries], threshold=90)
            full.append(time.perf_counter() - started)
            full_statements = counter.count - before
    assert found is not None

    adds, add_statements, outcome = [], 0, None
    for run in range(args.runs):
        fifty: list[Account] = [parse_account(typed(c, rng)) for c in rng.sample(companies, 50)]
        with factory() as session:
            session.connection()  # the transaction is open before the clock starts
            before = counter.count
            started = time.perf_counter()
            team = session.get(Team, team_id)
            person = session.get(Person, newcomer.id)
            assert team is not None and person is not None
            outcome = add_claims(
                session=session, team=team, person=person, accounts=fifty, actor="bench", now=NOW
            )
            session.flush()
            adds.append(time.perf_counter() - started)
            add_statements = counter.count - before
            session.rollback()
        del run
    assert outcome is not None

    print(f"database: {engine.dialect.name}  ({REPS} reps × {PER_REP} accounts = {REPS * PER_REP:,} claims)")
    print(f"normalising 20,000 typed accounts (domains, names):  {normalise * 1000:8.0f} ms")
    print(
        f"full reconciliation:        median {statistics.median(full) * 1000:6.0f} ms  "
        f"max {max(full) * 1000:6.0f} ms  statements {full_statements}  "
        f"({len(found.exact):,} overlaps, {len(found.possible):,} possible, {len(found.noise)} noisy keys)"
    )
    print(
        f"add 50 accounts:            median {statistics.median(adds) * 1000:6.0f} ms  "
        f"max {max(adds) * 1000:6.0f} ms  statements {add_statements}  "
        f"({outcome.overlaps} overlaps, {outcome.possible} possible, {len(outcome.dm_keys)} DMs planned)"
    )
    del url


if __name__ == "__main__":
    main()

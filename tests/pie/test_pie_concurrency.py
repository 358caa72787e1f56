"""Many reps claiming at the same instant never push the claims past the target."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.db import SessionFactory, session_scope
from bot.domain.errors import UserError
from bot.domain.pie import parse_amount
from bot.services import pie_claims, pie_reads
from bot.services.teams import teams_of
from tests.conftest import Member, Running, postgres_url, seed_team
from tests.fakeslack import FakeSlack
from tests.pie.helpers import NOW_BAKE, PieReply, bake_for, pie, slices, team


def _race(session_factory: SessionFactory, fake: FakeSlack, reps: int, amount: str, target: str) -> None:
    members = [Member(f"U0R{i:03d}", f"Rep {i}") for i in range(reps)]
    seed_team(session_factory=session_factory, fake=fake, managers=[Member("U0MIA", "Mia")], reps=members)
    bake_for(session_factory, target)
    start = threading.Barrier(reps)
    successes: list[str] = []
    refusals: list[str] = []

    def claim(user_id: str) -> None:
        start.wait()
        try:
            with session_scope(session_factory) as session:
                role = teams_of(session=session, workspace_id=1, user_id=user_id)[0]
                person = pie_reads.pie_team(
                    session=session, workspace_id=1, user_id=user_id, channel_id=None
                )[1]
                pie_claims.claim_slice(
                    session=session, role=role, person=person, amount_text=amount, note=None, now=NOW_BAKE
                )
            successes.append(user_id)
        except UserError as error:
            assert "left" in error.message or "already claimed" in error.message
            refusals.append(user_id)

    with ThreadPoolExecutor(max_workers=reps) as pool:
        list(pool.map(claim, [m.user_id for m in members]))

    with session_factory() as session:
        pie = pie_reads.open_pie(session=session, team_id=1)
        assert pie is not None
        view = pie_reads.pie_view(session=session, pie=pie)
    assert view.claimed <= view.target
    assert len(successes) + len(refusals) == reps
    assert sorted(s.user_id for s in view.slices) == sorted(successes)
    each = parse_amount(amount, "USD")
    assert view.claimed == len(successes) * each
    # Every slice that fits was granted: the refusals only start once no slice fits any more.
    assert len(successes) == min(reps, view.target // each)


def test_concurrent_claims_on_sqlite_never_exceed_the_target(
    session_factory: SessionFactory, fake_slack: FakeSlack
) -> None:
    if postgres_url():
        pytest.skip("the SQLite variant; PostgreSQL runs the 50-thread one")
    _race(session_factory, fake_slack, reps=8, amount="15k", target="100k")


def test_fifty_reps_claiming_at_once_on_postgresql_never_exceed_the_target(
    session_factory: SessionFactory, fake_slack: FakeSlack
) -> None:
    if not postgres_url():
        pytest.skip("needs TEST_DATABASE_URL (PostgreSQL)")
    _race(session_factory, fake_slack, reps=50, amount="3k", target="100k")


def test_fifty_reps_claiming_at_once_over_http_each_get_one_answer_and_the_pie_holds(
    running: Running,
) -> None:
    members = [Member(f"U0H{i:03d}", f"Rep {i}") for i in range(50)]
    team(running, reps=members)
    bake_for(running.deps.session_factory, "100k")
    start = threading.Barrier(len(members))

    def claim(user_id: str) -> PieReply:
        start.wait()
        return pie(running, "3k", user=user_id, wait=60)

    with ThreadPoolExecutor(max_workers=len(members)) as pool:
        replies = dict(zip(members, pool.map(claim, [m.user_id for m in members]), strict=True))

    assert all(reply.status == 200 for reply in replies.values())
    granted = sorted(m.user_id for m, reply in replies.items() if "You claimed *$3,000*" in reply.text)
    refused = [m for m, reply in replies.items() if "$1,000 is left of $100,000" in reply.text]
    assert len(granted) == 33 and len(refused) == 17  # every slice that fits, and one answer each
    # One answer each: in the ack, or (when the queue was too long to wait for it) at response_url.
    late = [c.params["_name"] for c in running.fake.calls_to("response_url")]
    assert len(set(late)) == len(late)
    assert sum(reply.in_ack for reply in replies.values()) + len(late) == len(members)
    assert sorted(slices(running.deps.session_factory)) == granted
    assert "$99,000 of $100,000 claimed" in pie(running, user=members[0].user_id).text

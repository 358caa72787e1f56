"""The /claim-pie path a whole team hits at once: a fixed number of statements, whatever the team's size,
and a card, built from the slices read before the claim with the claim in it, that matches what the
database says afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from bot.db import SessionFactory, session_scope
from bot.models import Pie, StretchMoment, Team
from bot.services import pie as pie_service
from bot.services import pie_claims, pie_reads
from bot.services.people import find_person
from bot.services.pie_reads import PieView
from bot.slack.deps import Deps
from bot.slack.listeners.commands.pie import run_pie_command
from tests.conftest import Clock, Member, seed_team
from tests.fakeslack import WORKSPACE_ID, FakeSlack
from tests.pie.helpers import NOW_BAKE, bake_for

# Status: the person's teams with the open pie, the slices with the reps, then the pace's inputs in one (the
# team's days off, its checkpoint path, the last two weeks' logged revenue). A claim: the person's teams, the
# slices with the reps and their last pie's slice, the slice's INSERT/UPDATE, then the lock (an UPDATE that
# returns the pie) and the claimed total under it: the lock is held for one statement and the commit.
STATUS_STATEMENTS = 3
CLAIM_STATEMENTS = 5


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement run on the engine inside the block (SQLite's BEGIN IMMEDIATE aside)."""
    seen: list[str] = []

    def record(*args: object) -> None:
        if not str(args[2]).startswith("BEGIN"):
            seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _team(session_factory: SessionFactory, fake: FakeSlack, reps: int) -> list[Member]:
    members = [Member(f"U0R{i:03d}", f"Rep {i:03d}") for i in range(reps)]
    seed_team(session_factory=session_factory, fake=fake, managers=[Member("U0MIA", "Mia")], reps=members)
    bake_for(session_factory, "10m")
    return members


def _command(deps: Deps, user_id: str, text: str) -> str:
    body = run_pie_command(
        deps=deps,
        client=None,  # type: ignore[arg-type]  # only `/claim-pie new` opens a modal
        text=text,
        user_id=user_id,
        channel_id="C0TEAM",
        slack_team_id=WORKSPACE_ID,
        trigger_id="trigger",
    )
    assert body is not None
    return str(body["text"])


@pytest.mark.parametrize("reps", [4, 40])
def test_status_and_claims_run_a_fixed_number_of_statements_whatever_the_team_size(
    engine: Engine,
    session_factory: SessionFactory,
    fake_slack: FakeSlack,
    deps: Deps,
    clock: Clock,
    reps: int,
) -> None:
    clock.set(NOW_BAKE + timedelta(hours=1))
    members = _team(session_factory, fake_slack, reps)
    for member in members[: reps // 2]:
        _command(deps, member.user_id, "2k")  # half the team already has a slice
    with counting(engine) as status:
        assert "claimed" in _command(deps, members[0].user_id, "")
    with counting(engine) as new_claim:
        assert "You claimed" in _command(deps, members[-1].user_id, "3k")
    with counting(engine) as lower:
        assert "now *$1,000*" in _command(deps, members[0].user_id, "1k")
    assert len(status) == STATUS_STATEMENTS, status
    assert len(lower) == CLAIM_STATEMENTS, lower
    # A new or bigger slice also needs the rep's slice in the team's last closed pie (a bigger slice than
    # last time is a stretch moment): it comes with the slices and the reps, in the same statement.
    assert len(new_claim) == CLAIM_STATEMENTS, new_claim


def _fresh_view(session_factory: SessionFactory) -> PieView:
    with session_factory() as session:
        pie = session.scalar(select(Pie).where(Pie.open_team_id.is_not(None)))
        assert pie is not None
        return pie_reads.pie_view(session=session, pie=pie)


def test_the_card_a_claim_answers_with_is_what_the_database_holds_afterwards(
    session_factory: SessionFactory, fake_slack: FakeSlack, deps: Deps, clock: Clock
) -> None:
    clock.set(NOW_BAKE + timedelta(hours=1))
    members = _team(session_factory, fake_slack, 5)
    a, b, c, d, _e = (m.user_id for m in members)
    steps = [
        (a, "20k first"),
        (b, "10k"),
        (c, "progress 3k"),  # a slice with progress and no claim yet
        (a, "25k"),  # a change keeps its place in the claim order
        (c, "5k now claiming"),  # the progress-only slice becomes a claim, after the others
        (b, "release"),  # a released slice keeps its place for when it is claimed again
        (d, "1k"),
        (b, "7k back in"),
    ]
    for user_id, text in steps:
        clock.advance(timedelta(minutes=1))
        if text.startswith(("progress", "release")):
            _command(deps, user_id, text)
            continue
        with session_scope(session_factory) as session:
            context = pie_reads.pie_context(
                session=session, workspace_id=1, user_id=user_id, channel_id="C0TEAM"
            )
            amount, _, note = text.partition(" ")
            outcome = pie_claims.claim_slice(
                session=session,
                role=context.role,
                person=context.person,
                amount_text=amount,
                note=note or None,
                now=deps.now(),
                pie=context.pie,
            )
        assert outcome.view == _fresh_view(session_factory), text
    view = _fresh_view(session_factory)
    assert [s.user_id for s in view.slices] == [a, b, c, d]
    assert [s.amount for s in view.slices] == [2_500_000, 700_000, 500_000, 100_000]
    assert view.slice_of(c) is not None and view.slice_of(c).progress == 300_000  # type: ignore[union-attr]
    assert view.unclaimed_user_ids == (_e,)


def test_a_claim_read_against_a_pie_that_was_replaced_counts_in_the_new_pies_currency(
    session_factory: SessionFactory, fake_slack: FakeSlack, deps: Deps
) -> None:
    members = _team(session_factory, fake_slack, 3)
    with session_scope(session_factory) as session:
        stale = pie_reads.pie_context(
            session=session, workspace_id=1, user_id=members[0].user_id, channel_id="C0TEAM"
        )
        assert stale.pie is not None and stale.pie.currency == "USD"
        session.expunge(stale.pie)
    # Between that read and the claim, the manager closes the pie and bakes one in yen.
    with session_scope(session_factory) as session:
        manager = pie_reads.pie_context(session=session, workspace_id=1, user_id="U0MIA", channel_id=None)
        pie_service.close_pie(session=session, role=manager.role, now=NOW_BAKE)
        team = session.get(Team, manager.role.team.id)
        assert team is not None
        team.currency = "JPY"
    bake_for(session_factory, "10m")
    with session_scope(session_factory) as session:
        fresh = pie_reads.pie_context(
            session=session, workspace_id=1, user_id=members[0].user_id, channel_id="C0TEAM"
        )
        outcome = pie_claims.claim_slice(
            session=session,
            role=fresh.role,
            person=fresh.person,
            amount_text="20k",
            note=None,
            now=NOW_BAKE,
            pie=stale.pie,
        )
    assert outcome.view.currency == "JPY"
    assert outcome.amount == 20_000  # yen have no minor unit; read as dollars it would be 2,000,000


def test_a_slice_bigger_than_the_reps_last_one_is_a_stretch_moment_even_below_an_even_cut(
    session_factory: SessionFactory, fake_slack: FakeSlack, deps: Deps, clock: Clock
) -> None:
    clock.set(NOW_BAKE + timedelta(hours=1))
    members = _team(session_factory, fake_slack, 4)  # 10m across 4 reps: an even cut is 2.5m
    raj, ann = members[0].user_id, members[1].user_id
    _command(deps, raj, "10k")
    _command(deps, ann, "30k")
    _command(deps, "U0MIA", "close")
    bake_for(session_factory, "10m")
    assert "real stretch" in _command(deps, raj, "12k")  # above his 10k last time
    assert "real stretch" not in _command(deps, ann, "20k")  # below her 30k: no moment, no fuss
    with session_factory() as session:
        moments = [(m.person_id, m.summary) for m in session.scalars(select(StretchMoment))]
        raj_person = find_person(session=session, workspace_id=1, user_id=raj)
    assert raj_person is not None
    assert moments == [(raj_person.id, "claimed a bigger slice than last time (Q4 2026)")]

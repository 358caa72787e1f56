"""Retention on the clock: check-ins (with answers and notes) dated more than N days before today in
their own zone are deleted, a batch per transaction, exactly, across a daylight-saving change; 0 keeps
everything; a second tick finds nothing to do."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.db import session_scope
from bot.domain.privacy import DEFAULT_RETENTION_DAYS, coarse_cutoff, retention_cutoff
from bot.jobs import retention as retention_jobs
from bot.jobs.tick import tick
from bot.models import Checkin, CheckinAnswer, PilotParticipant, PrivacyAudit
from bot.services import retention as retention_service
from bot.services.retention import retention_days, set_retention_days
from bot.slack.app import make_client
from tests.conftest import Member, Running, seed_team
from tests.privacy.helpers import add_checkin, person_id

NY, TOKYO = "America/New_York", "Asia/Tokyo"
# 20:30 in New York on Friday 20 November (EST, after the 1 November change), already 21 November in UTC
# and in Tokyo.
NOW = datetime(2026, 11, 21, 1, 30, tzinfo=UTC)
FIRST, LAST = date(2026, 10, 20), date(2026, 11, 20)


def _seed(running: Running) -> tuple[int, int]:
    factory = running.deps.session_factory
    team = seed_team(
        session_factory=factory,
        fake=running.fake,
        managers=[Member("U0MIA", "Mia")],
        reps=[Member("U0RAJ", "Raj", NY), Member("U0KEN", "Ken", TOKYO)],
        now=NOW - timedelta(days=60),
    )
    raj, ken = person_id(factory, "U0RAJ"), person_id(factory, "U0KEN")
    day = FIRST
    while day <= LAST:
        add_checkin(factory, team=team, person=raj, day=day, tz=NY, note=f"note {day}", now=NOW)
        add_checkin(factory, team=team, person=ken, day=day, tz=TOKYO, note=f"note {day}", now=NOW)
        day += timedelta(days=1)
    return raj, ken


def _dates(running: Running, person: int) -> list[date]:
    with running.deps.session_factory() as session:
        return list(
            session.scalars(
                select(Checkin.local_date).where(Checkin.person_id == person).order_by(Checkin.local_date)
            )
        )


def _tick(running: Running, now: datetime) -> int:
    report = tick(
        session_factory=running.deps.session_factory, client=make_client(running.deps.settings), now=now
    )
    return report.planned.get("retention", -1)


def test_cutoffs_count_calendar_days_in_each_zone() -> None:
    """20 days before 20 Nov in New York is 31 Oct (across the DST change); Tokyo is a day ahead."""
    assert retention_cutoff(NOW, NY, 20) == date(2026, 10, 31)
    assert retention_cutoff(NOW, TOKYO, 20) == date(2026, 11, 1)
    assert retention_cutoff(NOW, NY, 0) is None
    coarse = coarse_cutoff(NOW, 20)
    assert coarse is not None and coarse >= max(date(2026, 10, 31), date(2026, 11, 1))


def test_retention_deletes_exactly_what_is_older_than_n_days_across_a_dst_change(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 20 days, Raj (New York) keeps 31 Oct onwards and Ken (Tokyo) 1 Nov onwards, though 31 Oct
    09:30 EDT is more than 20×24 hours ago; small batches each commit; a second tick deletes nothing."""
    raj, ken = _seed(running)
    running.clock.set(NOW)
    with session_scope(running.deps.session_factory) as session:
        assert retention_days(session=session) == DEFAULT_RETENTION_DAYS
        set_retention_days(session=session, days=20, actor="operator", now=NOW)
    monkeypatch.setattr(retention_jobs, "BATCH", 7)
    # One row per page near the cutoff: Raj's kept 31 October comes before Ken's expired one (lower id)
    # and must not hide it.
    monkeypatch.setattr(retention_service, "BOUNDARY_PAGE", 1)
    deleted = _tick(running, NOW)
    assert deleted == 11 + 12  # Raj: 20–30 Oct; Ken: 20–31 Oct
    assert _dates(running, raj)[0] == date(2026, 10, 31)
    assert _dates(running, ken)[0] == date(2026, 11, 1)
    assert _dates(running, raj)[-1] == _dates(running, ken)[-1] == LAST
    with running.deps.session_factory() as session:
        orphans = session.scalar(
            select(func.count())
            .select_from(CheckinAnswer)
            .where(~CheckinAnswer.checkin_id.in_(select(Checkin.id)))
        )
        assert orphans == 0
        purges = session.scalars(select(PrivacyAudit).where(PrivacyAudit.action == "retention_purge")).all()
        assert len(purges) == 4  # 23 check-ins in batches of 7
        assert all("note 2026" not in p.detail for p in purges)
    assert _tick(running, NOW) == 0
    # An hour later it is 21 November in New York: 31 October goes too.
    assert _tick(running, NOW + timedelta(hours=4)) == 1
    assert _dates(running, raj)[0] == date(2026, 11, 1)


def test_zero_keeps_everything_forever(running: Running) -> None:
    """Retention 0: nothing is deleted, however old."""
    raj, _ = _seed(running)
    with session_scope(running.deps.session_factory) as session:
        set_retention_days(session=session, days=0, actor="operator", now=NOW)
    assert _tick(running, NOW + timedelta(days=3000)) == 0
    # (the tick also plans that day's new check-in; every old one is still there)
    assert _dates(running, raj)[:32] == [FIRST + timedelta(days=n) for n in range(32)]


def test_old_pilot_notes_are_cleared_but_the_review_stays(running: Running) -> None:
    """Pilot notes and lessons older than the retention are cleared; votes and scores stay."""
    from tests.privacy.helpers import seed_history

    seed_history(running)
    with session_scope(running.deps.session_factory) as session:
        set_retention_days(session=session, days=5, actor="operator", now=NOW)
    _tick(running, datetime(2026, 11, 25, 15, 0, tzinfo=UTC))
    with running.deps.session_factory() as session:
        (part,) = session.scalars(select(PilotParticipant)).all()
        assert part.mid_note is None and part.learning is None
        assert part.vote == "keep" and part.skill_score == 4

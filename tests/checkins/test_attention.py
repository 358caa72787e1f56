"""A rep's attention through the real tick and outbox: a welcome first, their own hours, and a rep who
never answers hearing less and less (one nudge at most, none after two missed, weekly after three)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db import SessionFactory
from bot.jobs.tick import tick
from bot.models import Delivery, DmDecision, Person
from tests.conftest import Member, seed_team
from tests.fakeslack import FakeSlack

ADL = "Australia/Adelaide"  # UTC+10:30 in November: a half-hour zone on summer time
SEEDED = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)  # Sunday 21:30 in Adelaide


def _local(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(ADL))


def _ticks() -> list[datetime]:
    """08:01, 09:30, 13:30 (a nudge's moment) and just past midnight in Adelaide, for three weeks."""
    moments = [SEEDED]
    for day in range(22):
        base = datetime(2026, 11, 22, 21, 31, tzinfo=UTC) + timedelta(days=day)  # 08:01 Adelaide
        moments += [base, base + timedelta(minutes=89), base + timedelta(hours=5, minutes=29)]
        moments.append(base + timedelta(hours=16))  # 00:01 the next day: unanswered is missed
    return moments


def test_a_new_rep_gets_the_welcome_first_in_their_hours_then_hears_less_while_quiet(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[Member("U0MGR", "Mo", tz="Europe/London")],
        reps=[Member("U0ADE", "Ade", tz=ADL)],
        now=SEEDED,
        welcomed=False,
    )
    for moment in _ticks():
        tick(session_factory=session_factory, client=slack_client, now=moment)
    with session_factory() as session:
        sent = session.execute(
            select(Delivery.kind, Delivery.sent_at)
            .join(Person, Person.id == Delivery.person_id)
            .where(Person.slack_user_id == "U0ADE", Delivery.status == "sent")
            .order_by(Delivery.sent_at, Delivery.id)
        ).all()
        reasons = {d.reason for d in session.scalars(select(DmDecision))}
    kinds = [kind for kind, _ in sent]
    local = [_local(moment) for _, moment in sent]
    # Sunday evening's welcome waited for Monday 08:00 in Adelaide; it came before anything else.
    assert kinds[0] == "welcome" and (local[0].weekday(), local[0].hour) == (0, 8)
    assert all(moment.weekday() < 5 and 8 <= moment.hour < 19 for moment in local), local
    weeks = Counter(moment.isocalendar()[1] for moment in local)
    nudge_weeks = [
        moment.isocalendar()[1] for kind, moment in zip(kinds, local, strict=True) if kind == "checkin_nudge"
    ]
    # Week one: the welcome, three check-ins and at most one nudge (2 a day; none after two missed).
    assert weeks[48] <= 5 and len(nudge_weeks) <= 1, (weeks, nudge_weeks)
    # After three missed in a row: one check-in a week, saying so kindly, and no nudges.
    assert weeks[49] == 1 and weeks[50] == 1, weeks
    assert set(nudge_weeks) <= {48}
    assert "just once a week" in str(fake_slack.messages_to("U0ADE")[-1].params["blocks"])
    assert "outside their working hours" in reasons

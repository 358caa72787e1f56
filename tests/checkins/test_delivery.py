"""Check-in delivery by the tick: each rep at their own 09:30, once, whatever Slack or the clock does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.db import SessionFactory, make_engine, make_session_factory, session_scope
from bot.jobs.tick import tick
from bot.models import Person, TeamSkipDate
from bot.models.checkins import Checkin
from bot.services.checkins import availability as service
from bot.services.people import get_or_create_workspace
from tests.conftest import Member, seed_team
from tests.fakeslack import WORKSPACE_ID, FakeSlack

SEEDED = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # Sunday
# Monday 23 Nov 2026, 09:30 local.
DUE = {
    "U0ADL": datetime(2026, 11, 22, 23, 0, tzinfo=UTC),  # Australia/Adelaide, UTC+10:30
    "U0KOL": datetime(2026, 11, 23, 4, 0, tzinfo=UTC),  # Asia/Kolkata, UTC+5:30
    "U0BER": datetime(2026, 11, 23, 8, 30, tzinfo=UTC),  # Europe/Berlin, UTC+1
    "U0NYC": datetime(2026, 11, 23, 14, 30, tzinfo=UTC),  # America/New_York, UTC-5
}
REPS = [
    Member("U0ADL", "Ada", tz="Australia/Adelaide"),
    Member("U0KOL", "Kiran", tz="Asia/Kolkata"),
    Member("U0BER", "Ben", tz="Europe/Berlin"),
    Member("U0NYC", "Nia", tz="America/New_York"),
]


def _seed(factory: SessionFactory, fake: FakeSlack, reps: list[Member] = REPS, **kwargs: object) -> int:
    return seed_team(
        session_factory=factory,
        fake=fake,
        managers=[Member("U0MGR", "Mo", tz="Europe/London")],
        reps=reps,
        now=kwargs.pop("now", SEEDED),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def _checkin_dms(fake: FakeSlack, user: str) -> list[object]:
    return [c for c in fake.messages_to(user) if "pulse check-in" in str(c.params.get("text"))]


def _statuses(factory: SessionFactory) -> dict[tuple[str, date], str]:
    with factory() as session:
        rows = session.execute(
            select(Person.slack_user_id, Checkin.local_date, Checkin.status).join(
                Person, Person.id == Checkin.person_id
            )
        ).all()
    return {(user, day): status for user, day, status in rows}


def test_each_rep_gets_their_checkin_at_their_own_local_time_and_only_once(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    """A tick a minute before someone's 09:30 sends them nothing; at 09:30 it does; a repeat sends nothing new."""
    _seed(session_factory, fake_slack)
    for user, due in sorted(DUE.items(), key=lambda item: item[1]):
        tick(session_factory=session_factory, client=slack_client, now=due - timedelta(minutes=1))
        assert _checkin_dms(fake_slack, user) == [], f"{user} was asked early"
        tick(session_factory=session_factory, client=slack_client, now=due)
        assert len(_checkin_dms(fake_slack, user)) == 1, f"{user} wasn't asked at 09:30 local"
        again = tick(session_factory=session_factory, client=slack_client, now=due + timedelta(minutes=1))
        assert again.dispatch.sent == 0
    assert {user: len(_checkin_dms(fake_slack, user)) for user in DUE} == dict.fromkeys(DUE, 1)
    assert fake_slack.messages_to("U0MGR") == []  # managers aren't checked in on
    # By New York's 09:30 it is past midnight in Adelaide: Ada's unanswered check-in is now missed.
    statuses = _statuses(session_factory)
    assert statuses.pop(("U0ADL", date(2026, 11, 23))) == "missed"
    assert set(statuses.values()) == {"open"}


def test_a_restart_between_ticks_sends_nothing_twice(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client, database_url: str
) -> None:
    """A fresh process (new engine, new sessions) finds the rows and sends nothing new."""
    _seed(session_factory, fake_slack)
    tick(session_factory=session_factory, client=slack_client, now=DUE["U0KOL"])
    tick(session_factory=session_factory, client=slack_client, now=DUE["U0BER"])
    sent_before = len(_checkin_dms(fake_slack, "U0KOL") + _checkin_dms(fake_slack, "U0BER"))
    assert sent_before == 2  # Kolkata and Berlin (Adelaide's was 5 hours late by the first tick: skipped)
    engine = make_engine(database_url)
    try:
        restarted = make_session_factory(engine)
        report = tick(
            session_factory=restarted, client=slack_client, now=DUE["U0BER"] + timedelta(seconds=30)
        )
    finally:
        engine.dispose()
    assert report.dispatch.sent == 0
    assert len(_checkin_dms(fake_slack, "U0KOL") + _checkin_dms(fake_slack, "U0BER")) == sent_before


def test_with_30_percent_of_sends_rate_limited_every_rep_still_gets_exactly_one_dm(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    """429s are waited out and retried; nobody is dropped and nobody is asked twice."""
    reps = [
        Member(f"U0R{i:02d}", f"Rep {i}", tz=tz)
        for i, tz in enumerate(
            ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Adelaide"] * 3
        )
    ]
    _seed(session_factory, fake_slack, reps=reps)
    fake_slack.fail("chat.postMessage", status=429, share=0.3, retry_after=0)
    for moment in sorted(DUE.values()):
        tick(session_factory=session_factory, client=slack_client, now=moment)
        tick(session_factory=session_factory, client=slack_client, now=moment + timedelta(minutes=1))
    limited = [c for c in fake_slack.calls_to("chat.postMessage", ok_only=False) if c.status == 429]
    assert limited, "the fault never fired"
    assert {r.user_id: len(_checkin_dms(fake_slack, r.user_id)) for r in reps} == {r.user_id: 1 for r in reps}


def test_a_checkin_more_than_three_hours_late_is_skipped_not_sent(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    """The bot was down at Berlin's 09:30; at 11:31 it records 'skipped', sends nothing, and never marks it missed."""
    _seed(session_factory, fake_slack, reps=[REPS[2]])
    late = DUE["U0BER"] + timedelta(hours=3, minutes=1)
    tick(session_factory=session_factory, client=slack_client, now=late)
    assert fake_slack.messages_to("U0BER") == []
    tick(session_factory=session_factory, client=slack_client, now=DUE["U0BER"] + timedelta(days=1))
    assert _statuses(session_factory) == {("U0BER", date(2026, 11, 23)): "skipped"}


def test_one_nudge_after_four_hours_then_missed_at_local_end_of_day(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    """Berlin: sent 09:30, nudged 13:30 (once), marked missed at midnight local."""
    _seed(session_factory, fake_slack, reps=[REPS[2]])
    sent = DUE["U0BER"]
    tick(session_factory=session_factory, client=slack_client, now=sent)
    tick(session_factory=session_factory, client=slack_client, now=sent + timedelta(hours=3, minutes=59))
    assert len(fake_slack.messages_to("U0BER")) == 1
    tick(session_factory=session_factory, client=slack_client, now=sent + timedelta(hours=4))
    tick(session_factory=session_factory, client=slack_client, now=sent + timedelta(hours=5))
    nudges = [c for c in fake_slack.messages_to("U0BER") if "nudge" in str(c.params.get("text"))]
    assert len(nudges) == 1
    tick(session_factory=session_factory, client=slack_client, now=datetime(2026, 11, 23, 22, 59, tzinfo=UTC))
    assert _statuses(session_factory)[("U0BER", date(2026, 11, 23))] == "open"
    tick(session_factory=session_factory, client=slack_client, now=datetime(2026, 11, 23, 23, 0, tzinfo=UTC))
    assert _statuses(session_factory)[("U0BER", date(2026, 11, 23))] == "missed"


def test_no_nudge_would_land_after_six_pm_local(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    """A 15:00 check-in would be nudged at 19:00, so it isn't nudged at all."""
    _seed(session_factory, fake_slack, reps=[REPS[2]], checkin_time="15:00")
    sent = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    tick(session_factory=session_factory, client=slack_client, now=sent)
    tick(session_factory=session_factory, client=slack_client, now=sent + timedelta(hours=4, minutes=1))
    assert len(fake_slack.messages_to("U0BER")) == 1


def test_away_and_team_skip_dates_mean_no_checkin_no_nudge_and_no_missed_mark(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    """Kolkata is away; Berlin's team skips Monday in team B; Berlin goes away after being sent one."""
    _seed(session_factory, fake_slack, reps=[REPS[1], REPS[2]])
    team_b = _seed(
        session_factory,
        fake_slack,
        reps=[Member("U0NYC", "Nia", tz="America/New_York")],
        name="B",
        channel="C0B",
    )
    with session_scope(session_factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=WORKSPACE_ID, now=SEEDED)
        service.set_away(
            session=session, workspace=workspace, user_id="U0KOL", text="until 2026-11-24", now=SEEDED
        )
        session.add(TeamSkipDate(team_id=team_b, day=date(2026, 11, 23), created_at=SEEDED))
    tick(session_factory=session_factory, client=slack_client, now=DUE["U0KOL"])
    tick(session_factory=session_factory, client=slack_client, now=DUE["U0BER"])
    assert len(fake_slack.messages_to("U0BER")) == 1
    with session_scope(session_factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=WORKSPACE_ID, now=SEEDED)
        service.set_away(session=session, workspace=workspace, user_id="U0BER", text="1d", now=DUE["U0BER"])
    tick(session_factory=session_factory, client=slack_client, now=DUE["U0NYC"])
    assert fake_slack.messages_to("U0KOL") == [] and fake_slack.messages_to("U0NYC") == []
    tick(
        session_factory=session_factory, client=slack_client, now=DUE["U0BER"] + timedelta(hours=4, minutes=1)
    )
    tick(session_factory=session_factory, client=slack_client, now=datetime(2026, 11, 24, 0, 0, tzinfo=UTC))
    assert [c.params["text"] for c in fake_slack.messages_to("U0BER")] == [
        _checkin_dms(fake_slack, "U0BER")[0].params["text"]  # type: ignore[attr-defined]
    ]  # no nudge
    assert _statuses(session_factory) == {("U0BER", date(2026, 11, 23)): "excused"}


def test_a_rep_who_blocked_the_bot_is_marked_and_everyone_else_still_gets_theirs(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    """cannot_dm_bot marks that person and their check-in never counts; the fan-out goes on."""
    _seed(session_factory, fake_slack)
    fake_slack.dm_errors["U0ADL"] = "cannot_dm_bot"
    for moment in sorted(DUE.values()):
        tick(session_factory=session_factory, client=slack_client, now=moment)
    for user in ("U0KOL", "U0BER", "U0NYC"):
        assert len(_checkin_dms(fake_slack, user)) == 1
    with session_factory() as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == "U0ADL"))
        assert person is not None and person.unreachable_reason == "cannot_dm_bot"
    assert _statuses(session_factory)[("U0ADL", date(2026, 11, 23))] == "undeliverable"


def test_checkins_follow_the_us_and_eu_dst_changes(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    """09:30 local before and after each change: 13:30→14:30 UTC in New York, 07:30→08:30 UTC in Berlin."""
    _seed(
        session_factory,
        fake_slack,
        reps=[REPS[2], REPS[3]],
        now=datetime(2026, 10, 21, 0, 0, tzinfo=UTC),
    )
    moments = [
        datetime(2026, 10, 23, 7, 30, tzinfo=UTC),  # Fri, Berlin CEST
        datetime(2026, 10, 23, 13, 30, tzinfo=UTC),  # Fri, New York EDT
        datetime(2026, 10, 26, 8, 30, tzinfo=UTC),  # Mon, Berlin CET (EU change Sun 25 Oct)
        datetime(2026, 10, 26, 13, 30, tzinfo=UTC),  # Mon, New York still EDT
        datetime(2026, 11, 2, 8, 30, tzinfo=UTC),  # Mon, Berlin CET
        datetime(2026, 11, 2, 14, 30, tzinfo=UTC),  # Mon, New York EST (US change Sun 1 Nov)
    ]
    for moment in moments:
        before = sum(len(_checkin_dms(fake_slack, u)) for u in ("U0BER", "U0NYC"))
        tick(session_factory=session_factory, client=slack_client, now=moment - timedelta(minutes=1))
        assert sum(len(_checkin_dms(fake_slack, u)) for u in ("U0BER", "U0NYC")) == before, moment
        tick(session_factory=session_factory, client=slack_client, now=moment)
        assert sum(len(_checkin_dms(fake_slack, u)) for u in ("U0BER", "U0NYC")) == before + 1, moment
    assert len(_checkin_dms(fake_slack, "U0BER")) == 3
    assert len(_checkin_dms(fake_slack, "U0NYC")) == 3

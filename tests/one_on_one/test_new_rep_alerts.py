"""A new rep without a baseline, end to end on the clock and over signed HTTP: ignoring the first three
check-ins raises exactly one alert that names the signal and says "new to Stretch"; nobody acknowledges
it, so it is raised again once after three working days and then stays on the watchlist; the alert's
"Open Leo's page" button opens his 1:1 page for a manager."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import select

from bot.jobs.tick import tick
from bot.models import Person, QuietAlert
from bot.services.digest import gather_digest
from bot.slack.blocks.digest import build_digest
from bot.slack.ids import OneOnOneAction
from tests.alerts.helpers import alert_deliveries
from tests.conftest import Member, Running, seed_team
from tests.slackclient import flatten_text

MANAGER, LEO, SUE = "U0MAYA", "U0LEO", "U0SUE"


def _alerts_to(running: Running, user: str) -> list[str]:
    return [
        flatten_text(c.json_param("blocks"))
        for c in running.fake.messages_to(user)
        if "Quiet-rep alert" in str(c.params.get("text"))
    ]


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _run_days(running: Running, client: WebClient, days: list[date]) -> None:
    """Each day: the 09:30 check-in (New York), the night it counts as missed, the managers' morning."""
    for day in days:
        for moment in (
            datetime(day.year, day.month, day.day, 14, 35, tzinfo=UTC),
            datetime(day.year, day.month, day.day, 5, 30, tzinfo=UTC) + timedelta(days=1),
            datetime(day.year, day.month, day.day, 13, 5, tzinfo=UTC) + timedelta(days=1),
        ):
            running.clock.set(moment)
            tick(session_factory=running.deps.session_factory, client=client, now=moment)


def _answer_sue(running: Running) -> None:
    """Sue answers every check-in she has (so only Leo is quiet)."""
    from bot.models.checkins import Checkin

    with running.deps.session_factory.begin() as session:  # type: ignore[attr-defined]
        sue = session.scalar(select(Person.id).where(Person.slack_user_id == SUE))
        for checkin in session.scalars(
            select(Checkin).where(Checkin.person_id == sue, Checkin.status.in_(("open", "missed")))
        ):
            checkin.status = "answered"
            checkin.first_answer_at = checkin.due_at + timedelta(minutes=10)
            checkin.readiness, checkin.zone = 4, "stretch"


def test_a_new_rep_ignoring_the_first_three_check_ins_raises_one_alert_then_once_more(
    running: Running, slack_client: WebClient
) -> None:
    team_id = seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[Member(MANAGER, "Maya")],
        reps=[Member(LEO, "Leo"), Member(SUE, "Sue")],
        now=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
    )
    # Mon 2 – Fri 6 Nov: three check-ins (Mon, Wed, Fri), Leo answers none. The alert is raised on Sat 7
    # and reaches Maya in her working hours, on Mon 9.
    for day in _days(date(2026, 11, 2), date(2026, 11, 9)):
        _run_days(running, slack_client, [day])
        _answer_sue(running)
    texts = _alerts_to(running, MANAGER)
    assert len(texts) == 1, texts
    [text] = texts
    assert "Leo: no answer to their first 3 check-ins" in text
    assert "New to Stretch" in text and "quieter than usual" not in text
    with running.deps.session_factory() as session:
        alerts = session.scalars(select(QuietAlert)).all()
        assert [a.signal for a in alerts] == ["new_no_answer"]
    # Nobody acknowledges it: after three working days (Mon 9, Tue 10, Wed 11) it is raised once more,
    # and never again while it waits; a fourth and fifth miss add no second alert.
    for day in _days(date(2026, 11, 10), date(2026, 11, 20)):
        _run_days(running, slack_client, [day])
        _answer_sue(running)
    texts = _alerts_to(running, MANAGER)
    assert len(texts) == 2, texts
    assert "Raised again" in texts[1] and "Leo: no answer to their first 3 check-ins" in texts[1]
    with running.deps.session_factory() as session:
        [alert] = session.scalars(select(QuietAlert)).all()
        assert alert.signal == "new_no_answer" and alert.status == "open" and alert.escalated_at is not None
        maya = session.scalar(select(Person).where(Person.slack_user_id == MANAGER))
        assert maya is not None
        digest = gather_digest(session=session, team_id=team_id, manager=maya, now=running.clock())
    _title, blocks = build_digest(digest)
    digest_text = flatten_text(blocks)
    # Still on the watchlist, computed when read: every miss since Mon 2 Nov.
    assert "Raised again" in digest_text and "Leo: no answer to their first 3 check-ins" in digest_text
    # Every miss since Mon 2 Nov: three in the first week, then one a week (Stretch gets quieter with him).
    assert "missed 5 in a row since Mon 2 Nov" in digest_text and "Nobody has gone quiet" not in digest_text
    assert len(alert_deliveries(running.deps.session_factory)) == 2
    # The DM's "Open Leo's page" opens his 1:1 page for Maya.
    [delivery] = alert_deliveries(running.deps.session_factory)[-1:]
    message = next(
        c for c in running.fake.messages_to(MANAGER) if "Quiet-rep alert" in str(c.params.get("text"))
    )
    button = next(
        e
        for b in message.json_param("blocks")
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == OneOnOneAction.OPEN
    )
    assert button["text"]["text"] == "Open Leo's page"
    reply = running.slack.action(OneOnOneAction.OPEN, user=MANAGER, value=button["value"])
    assert reply.status == 200
    [opened] = running.fake.wait_for("views.open")
    page = flatten_text(opened.json_param("view"))
    assert "Leo" in page and "missed 5 in a row since Mon 2 Nov" in page
    assert "no answer to their first check-ins" in page  # the alert, listed on his page
    assert delivery.channel == MANAGER


def test_snooze_a_week_really_snoozes_then_the_alert_comes_back_once(
    running: Running, slack_client: WebClient
) -> None:
    """Snoozed on Mon 9 Nov, when it reached Maya (in her working hours): no DM, no escalation and no
    second alert for Leo for a week even though he keeps missing; it comes back once a week later, and is
    raised again only 3 working days after that."""
    seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[Member(MANAGER, "Maya")],
        reps=[Member(LEO, "Leo"), Member(SUE, "Sue")],
        now=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
    )
    for day in _days(date(2026, 11, 2), date(2026, 11, 9)):
        _run_days(running, slack_client, [day])
        _answer_sue(running)
    assert len(_alerts_to(running, MANAGER)) == 1
    with running.deps.session_factory() as session:
        alert_id = session.scalar(select(QuietAlert.id))
    reply = running.slack.action("quiet_alert_snooze", user=MANAGER, value=str(alert_id))
    assert reply.status == 200
    with running.deps.session_factory() as session:
        assert running.fake.wait_for("chat.update") and session.scalar(select(QuietAlert.status)) == "snoozed"
    # Snoozed on Tue 10 Nov 13:05 UTC; ticks up to Mon 16 Nov 13:05 UTC, a day short of the week.
    for day in _days(date(2026, 11, 10), date(2026, 11, 15)):
        _run_days(running, slack_client, [day])
        _answer_sue(running)
    assert len(_alerts_to(running, MANAGER)) == 1, "a snoozed alert came back within the week"
    with running.deps.session_factory() as session:
        assert session.scalar(select(QuietAlert.escalated_at)) is None
        assert len(session.scalars(select(QuietAlert)).all()) == 1
    for day in _days(date(2026, 11, 16), date(2026, 11, 18)):
        _run_days(running, slack_client, [day])
        _answer_sue(running)
    texts = _alerts_to(running, MANAGER)
    assert len(texts) == 2 and "Raised again" not in texts[1]
    for day in _days(date(2026, 11, 19), date(2026, 11, 25)):
        _run_days(running, slack_client, [day])
        _answer_sue(running)
    texts = _alerts_to(running, MANAGER)
    assert len(texts) == 3 and "Raised again" in texts[2]

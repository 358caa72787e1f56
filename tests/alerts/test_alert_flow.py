"""Quiet-rep alerts end to end: ticks with the injected clock, DMs to managers only, and the three buttons
over signed HTTP."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.features import wiring
from bot.jobs.tick import tick
from bot.models import QuietAlert
from bot.services.alerts import cards as service
from bot.services.alerts.signals import RaisedSignal
from tests.alerts.helpers import add_history, alert_deliveries, person_id, set_status, utc
from tests.conftest import Member, Running, seed_team
from tests.slackclient import flatten_text, state_values_from_view

MANAGERS = [Member("U0MIA", "Mia"), Member("U0MAX", "Max", tz="Europe/Berlin")]
REPS = [Member("U0RAJ", "Raj"), Member("U0SUE", "Sue")]
BASELINE = (date(2026, 10, 12), date(2026, 11, 20))  # six weeks of Mon/Wed/Fri answers


def _team(running: Running) -> int:
    return seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=MANAGERS,
        reps=REPS,
        now=utc(2026, 10, 1, 12, 0),
    )


def _alert_texts(running: Running, user: str) -> list[str]:
    return [
        flatten_text(c.json_param("blocks"))
        for c in running.fake.messages_to(user)
        if "Quiet-rep alert" in str(c.params.get("text"))
    ]


def _tick(running: Running, client: WebClient, now: object) -> None:
    running.clock.set(now)  # type: ignore[arg-type]
    tick(session_factory=running.deps.session_factory, client=client, now=now)  # type: ignore[arg-type]


def test_a_rep_ignoring_four_check_ins_alerts_each_manager_once_and_nobody_else(
    running: Running, slack_client: WebClient
) -> None:
    team_id = _team(running)
    factory = running.deps.session_factory
    for rep in ("U0RAJ", "U0SUE"):
        add_history(factory, team_id=team_id, user_id=rep, start=BASELINE[0], end=BASELINE[1])
    for day in (date(2026, 11, 23), date(2026, 11, 25), date(2026, 11, 27), date(2026, 11, 30)):
        send = utc(day.year, day.month, day.day, 14, 30)  # 09:30 New York
        _tick(running, slack_client, send)
        # Sue answers; Raj ignores it.
        with factory() as session:
            from bot.models.checkins import Checkin

            sue = session.scalar(
                select(Checkin).where(
                    Checkin.person_id == person_id(factory, "U0SUE"), Checkin.local_date == day
                )
            )
            assert sue is not None
        set_status(factory, user_id="U0SUE", day=day, status="answered")
        next_day = send + timedelta(days=1)
        for hour, minute in ((5, 1), (5, 2), (7, 0), (13, 0)):
            moment = next_day.replace(hour=hour, minute=minute)
            _tick(running, slack_client, moment)
            if day == date(2026, 11, 25) and (hour, minute) == (5, 2):
                # The episode opened in the night: nobody is messaged before 08:00 on their own clock.
                assert alert_deliveries(factory) and _alert_texts(running, "U0MIA") == []
                assert _alert_texts(running, "U0MAX") == []

    mia, max_ = _alert_texts(running, "U0MIA"), _alert_texts(running, "U0MAX")
    # Raised once; nobody acknowledged it in 3 working days (Thu, Fri, Mon): raised again once.
    assert len(mia) == 2 and len(max_) == 2
    for text in (mia[0], max_[0]):
        assert "<@U0RAJ>" in text and "Raj: missed check-ins in a row" in text
        assert "missed 2 in a row since Mon 23 Nov" in text  # as it stood when sent
        assert "Strong record" in text  # 18 answers in a row before
        assert "1:1" in text and "Raised again" not in text
    for text in (mia[1], max_[1]):
        assert "Raised again" in text and "Raj: missed" in text
        # Computed when sent: four misses by then, not the two of the day it fired.
        assert "missed 4 in a row since Mon 23 Nov" in text
    assert "Sue" not in "".join(mia + max_)
    # Nothing to the rep about it, nothing in any channel.
    assert all("Quiet-rep" not in str(c.params.get("text")) for c in running.fake.messages_to("U0RAJ"))
    assert running.fake.messages_to("C0TEAM") == []
    deliveries = alert_deliveries(factory)
    assert sorted(d.channel for d in deliveries) == ["U0MAX", "U0MAX", "U0MIA", "U0MIA"]
    with factory() as session:
        [alert] = session.scalars(select(QuietAlert)).all()
        assert alert.signal == "missed_in_a_row" and alert.status == "open" and alert.strong_record


@pytest.fixture
def quiet_raj(running: Running, slack_client: WebClient) -> int:
    """Raj answered six weeks, then missed Mon 23 and Wed 25 Nov; a tick on Thu 26 Nov at 10:00 New York."""
    team_id = _team(running)
    factory = running.deps.session_factory
    add_history(factory, team_id=team_id, user_id="U0RAJ", start=BASELINE[0], end=BASELINE[1])
    add_history(
        factory,
        team_id=team_id,
        user_id="U0RAJ",
        start=date(2026, 11, 23),
        end=date(2026, 11, 25),
        status="missed",
    )
    _tick(running, slack_client, utc(2026, 11, 26, 15, 0))
    assert len(alert_deliveries(factory)) == 2
    return team_id


def _click(running: Running, action_id: str, user: str) -> None:
    [delivery] = [d for d in alert_deliveries(running.deps.session_factory) if d.channel == user][-1:]
    with running.deps.session_factory() as session:
        alert_id = session.scalar(select(QuietAlert.id).order_by(QuietAlert.id.desc()))
    reply = running.slack.action(
        action_id,
        user=user,
        value=str(alert_id),
        channel=delivery.message_channel,
        message={"type": "message", "ts": delivery.message_ts, "text": "", "blocks": []},
    )
    assert reply.status == 200


def _alert(running: Running) -> QuietAlert:
    with running.deps.session_factory() as session:
        alert = session.scalar(select(QuietAlert).order_by(QuietAlert.id.desc()))
        assert alert is not None
        session.expunge(alert)
        return alert


def test_ill_check_in_records_who_and_tells_the_other_manager(
    running: Running, quiet_raj: int, slack_client: WebClient
) -> None:
    _click(running, "quiet_alert_ack", "U0MIA")
    updates = running.fake.wait_for("chat.update", count=2)
    texts = {c.params["channel"]: flatten_text(c.json_param("blocks")) for c in updates}
    mia_channel = next(
        d.message_channel for d in alert_deliveries(running.deps.session_factory) if d.channel == "U0MIA"
    )
    max_channel = next(
        d.message_channel for d in alert_deliveries(running.deps.session_factory) if d.channel == "U0MAX"
    )
    assert "You are checking in with Raj" in texts[mia_channel]
    assert "<@U0MIA> is checking in with Raj" in texts[max_channel]
    alert = _alert(running)
    assert alert.status == "acknowledged" and alert.acted_by_person_id == person_id(
        running.deps.session_factory, "U0MIA"
    )
    assert alert.acted_at == utc(2026, 11, 26, 15, 0)
    # Max's copy still had buttons when he clicked: a polite, private "already handled".
    _click(running, "quiet_alert_snooze", "U0MAX")
    [stale] = running.fake.wait_for("response_url")
    assert "Already handled: <@U0MIA> is checking in" in stale.params.get("text", "")
    assert _alert(running).status == "acknowledged"
    # Still quiet a day later: no repeat.
    _tick(running, slack_client, utc(2026, 11, 27, 15, 0))
    assert len(alert_deliveries(running.deps.session_factory)) == 2


def test_snooze_a_week_holds_the_alert_then_it_returns_if_still_quiet(
    running: Running, quiet_raj: int, slack_client: WebClient
) -> None:
    _click(running, "quiet_alert_snooze", "U0MAX")
    running.fake.wait_for("chat.update", count=2)
    alert = _alert(running)
    assert alert.status == "snoozed" and alert.snoozed_until == utc(2026, 12, 3, 15, 0)
    _tick(running, slack_client, utc(2026, 11, 30, 20, 0))
    assert len(alert_deliveries(running.deps.session_factory)) == 2
    _tick(running, slack_client, utc(2026, 12, 3, 16, 0))  # a week on and Raj is still quiet
    assert _alert(running).status == "open"
    assert len(alert_deliveries(running.deps.session_factory)) == 4


def test_not_a_concern_dismisses_this_episode_only(
    running: Running, quiet_raj: int, slack_client: WebClient
) -> None:
    factory = running.deps.session_factory
    _click(running, "quiet_alert_dismiss", "U0MIA")
    updates = running.fake.wait_for("chat.update", count=2)
    assert any(
        "<@U0MIA> marked this as not a concern" in flatten_text(c.json_param("blocks")) for c in updates
    )
    assert _alert(running).status == "dismissed"
    _tick(running, slack_client, utc(2026, 11, 27, 15, 0))
    assert len(alert_deliveries(factory)) == 2
    # He catches up (the episode ends), then goes quiet again: a new episode, new DMs.
    set_status(factory, user_id="U0RAJ", day=date(2026, 11, 25), status="answered")
    _tick(running, slack_client, utc(2026, 11, 27, 16, 0))
    with factory() as session:
        [first] = session.scalars(select(QuietAlert)).all()
        assert first.status == "dismissed" and first.recovered_at is not None
    add_history(
        factory,
        team_id=quiet_raj,
        user_id="U0RAJ",
        start=date(2026, 11, 27),
        end=date(2026, 11, 30),
        status="missed",
    )
    _tick(running, slack_client, utc(2026, 12, 1, 15, 0))
    assert len(alert_deliveries(factory)) == 4


def test_recovery_then_a_second_drop_opens_a_second_episode_and_a_repeat_tick_sends_nothing(
    running: Running, quiet_raj: int, slack_client: WebClient
) -> None:
    factory = running.deps.session_factory
    set_status(factory, user_id="U0RAJ", day=date(2026, 11, 25), status="answered")
    _tick(running, slack_client, utc(2026, 11, 26, 16, 0))
    first = _alert(running)
    assert first.status == "recovered" and first.recovered_at == utc(2026, 11, 26, 16, 0)
    with factory() as session:
        assert service.open_alerts(session=session, team_id=quiet_raj, now=utc(2026, 11, 26, 16, 0)) == []
    add_history(
        factory,
        team_id=quiet_raj,
        user_id="U0RAJ",
        start=date(2026, 11, 27),
        end=date(2026, 11, 30),
        status="missed",
    )
    _tick(running, slack_client, utc(2026, 12, 1, 15, 0))
    second = _alert(running)
    assert second.id != first.id and second.status == "open"
    assert len(_alert_texts(running, "U0MIA")) == 2 and len(_alert_texts(running, "U0MAX")) == 2
    before = len(running.fake.calls_to("chat.postMessage"))
    _tick(running, slack_client, utc(2026, 12, 1, 15, 1))
    _tick(running, slack_client, utc(2026, 12, 1, 17, 0))
    assert len(alert_deliveries(factory)) == 4
    assert (
        len(
            [
                c
                for c in running.fake.calls_to("chat.postMessage")[before:]
                if "Quiet-rep" in str(c.params.get("text"))
            ]
        )
        == 0
    )
    with factory() as session:
        [live] = service.open_alerts(session=session, team_id=quiet_raj, now=utc(2026, 12, 1, 17, 0))
    assert live.user_id == "U0RAJ" and live.signal == "missed_in_a_row" and live.acted_by_user_id is None
    assert "missed 2 of the last 2" in live.evidence


def test_a_manager_who_is_the_rep_in_question_hears_nothing_about_themselves(
    running: Running, slack_client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signal from another source (as huddles will add) about a manager goes to the other managers."""
    team_id = _team(running)
    mia = person_id(running.deps.session_factory, "U0MIA")

    def huddles(session: object, now: object) -> list[RaisedSignal]:
        return [
            RaisedSignal(
                team_id=team_id,
                person_id=mia,
                signal="huddle_quiet",
                episode_start=date(2026, 11, 23),
                evidence="spoke in 0 of the last 3 huddles; usually 3 of 3",
                suggested_step="Ask how the huddles feel lately.",
            )
        ]

    monkeypatch.setitem(wiring().signal_sources, "huddles", huddles)
    _tick(running, slack_client, utc(2026, 11, 26, 15, 0))
    assert _alert_texts(running, "U0MIA") == []
    [text] = _alert_texts(running, "U0MAX")
    assert "Mia" in text and "quiet in huddles" in text and "spoke in 0 of the last 3 huddles" in text
    # With a crafted click she still can't act on an alert about herself.
    with running.deps.session_factory() as session:
        alert_id = session.scalar(select(QuietAlert.id))
    running.slack.action("quiet_alert_dismiss", user="U0MIA", value=str(alert_id))
    [refused] = running.fake.wait_for("response_url")
    assert "about you" in refused.params.get("text", "")
    assert _alert(running).status == "open"


def test_reps_and_strangers_cannot_act_on_an_alert(running: Running, quiet_raj: int) -> None:
    with running.deps.session_factory() as session:
        alert_id = session.scalar(select(QuietAlert.id))
    running.slack.action("quiet_alert_ack", user="U0SUE", value=str(alert_id))
    running.slack.action("quiet_alert_ack", user="U0MIA", value="not-a-number")
    replies = running.fake.wait_for("response_url", count=2)
    texts = " ".join(r.params.get("text", "") for r in replies)
    assert "Only the team's managers" in texts and "can't find that alert" in texts
    assert _alert(running).status == "open"


def test_managers_see_and_change_thresholds_and_reps_are_refused(running: Running) -> None:
    _team(running)
    running.clock.set(utc(2026, 11, 26, 15, 0))
    reply = running.slack.stretch("alerts", user="U0MIA", channel="C0TEAM")
    assert "Missed check-ins in a row: *2*" in reply.text and "Readiness drop" in reply.text
    refused = running.slack.stretch("alerts", user="U0RAJ", channel="C0TEAM")
    assert "Only a manager" in refused.text
    running.slack.action(
        "quiet_alert_settings", user="U0MIA", value=str(reply.json()["blocks"][-1]["elements"][0]["value"])
    )
    [opened] = running.fake.wait_for("views.open")
    view = opened.json_param("view")
    bad = running.slack.submit_view(
        view, state_values_from_view(view, {"missed_in_a_row": {"value": "two"}}), user="U0MIA"
    )
    assert bad.json()["response_action"] == "errors" and "missed_in_a_row" in bad.json()["errors"]
    good = running.slack.submit_view(
        view,
        state_values_from_view(view, {"missed_in_a_row": {"value": "3"}, "readiness_drop": {"value": "2"}}),
        user="U0MIA",
    )
    assert good.status == 200
    running.fake.wait_for("chat.postMessage", channel="U0MIA")
    again = running.slack.stretch("alerts", user="U0MIA", channel="C0TEAM")
    assert "Missed check-ins in a row: *3*" in again.text and "points below baseline): *2*" in again.text

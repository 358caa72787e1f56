"""The check-in over signed HTTP: tap, change, note, submit, edit later, stale buttons, commands, App Home."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.jobs.tick import tick
from bot.models import Person, StretchMoment, TeamSkipDate
from bot.models.checkins import Checkin, CheckinAnswer, CheckinQuestion
from bot.services.checkins.pulse import latest_zone
from tests.conftest import Member, Running, seed_team
from tests.slackclient import flatten_text, state_values_from_view
from tests.waiting import eventually

SEEDED = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
MONDAY_0930_BERLIN = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
REP = "U0BER"


def wait_for(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Listeners run after the ack: poll until `check` gives something truthy."""
    value = eventually(check, timeout=timeout)
    if not value:
        raise AssertionError("timed out waiting")
    return value


@pytest.fixture
def team(running: Running) -> int:
    """A team with a manager in London and a rep in Berlin."""
    return seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[Member("U0MGR", "Mo", tz="Europe/London")],
        reps=[Member(REP, "Ben", tz="Europe/Berlin")],
        now=SEEDED,
    )


def _send_checkin(running: Running, slack_client: Any, now: datetime = MONDAY_0930_BERLIN) -> dict[str, Any]:
    running.clock.set(now)
    tick(session_factory=running.deps.session_factory, client=slack_client, now=now)
    dm = [c for c in running.fake.messages_to(REP) if "pulse check-in" in c.params["text"]][-1]
    with running.deps.session_factory() as session:
        checkin = session.scalars(select(Checkin).order_by(Checkin.id.desc())).first()
        assert checkin is not None and checkin.message_ts
        return {
            "ts": checkin.message_ts,
            "channel": checkin.message_channel,
            "blocks": dm.json_param("blocks"),
        }


def _button(blocks: list[dict[str, Any]], *, prefix: str, label: str | None = None) -> dict[str, Any]:
    for block in blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element["action_id"].startswith(prefix) and (
                label is None or element["text"]["text"] == label
            ):
                return element
    raise AssertionError(f"no button {prefix} {label}")


def _question_buttons(blocks: list[dict[str, Any]], key_index: int) -> list[dict[str, Any]]:
    groups = [b for b in blocks if b.get("type") == "actions" and str(b.get("block_id", "")).startswith("q_")]
    return groups[key_index]["elements"]


def _tap(running: Running, message: dict[str, Any], element: dict[str, Any], user: str = REP) -> None:
    running.slack.action(
        element["action_id"],
        user=user,
        value=element["value"],
        channel=message["channel"],
        message={"type": "message", "ts": message["ts"], "text": "", "blocks": message["blocks"]},
    )


def _answers(running: Running) -> dict[str, str]:
    with running.deps.session_factory() as session:
        return {a.question_key: a.value for a in session.scalars(select(CheckinAnswer))}


def _updates(running: Running) -> list[Any]:
    return running.fake.calls_to("chat.update")


def test_tap_change_note_submit_and_edit_later(running: Running, team: int, slack_client: Any) -> None:
    """Every answer updates the DM in place; notes come from a modal; answers can change until the next one."""
    message = _send_checkin(running, slack_client)
    ready_4 = _question_buttons(message["blocks"], 0)[3]
    _tap(running, message, ready_4)
    update = wait_for(lambda: _updates(running))[-1]
    assert update.params["ts"] == message["ts"]
    chosen = [e for e in _question_buttons(update.json_param("blocks"), 0) if e.get("style") == "primary"]
    assert [e["text"]["text"] for e in chosen] == ["4"]
    assert _answers(running) == {"readiness": "4"}

    # Change it.
    _tap(running, message, _question_buttons(message["blocks"], 0)[1])
    wait_for(lambda: len(_updates(running)) >= 2)
    wait_for(lambda: _answers(running) == {"readiness": "2"})

    # Add a note through the modal.
    _tap(running, message, _button(message["blocks"], prefix="checkin_add_note"))
    opened = wait_for(lambda: running.fake.calls_to("views.open"))[-1].json_param("view")
    note_block = next(b["block_id"] for b in opened["blocks"] if b.get("type") == "input")
    reply = running.slack.submit_view(
        opened, state_values_from_view(opened, {note_block: {"value": "Called 40 cold leads"}}), user=REP
    )
    assert reply.status == 200 and b"errors" not in reply.body
    wait_for(lambda: len(_updates(running)) >= 3)
    assert _answers(running)["stretch_swing"] == "Called 40 cold leads"
    with running.deps.session_factory() as session:
        # Nothing is decided per tap: no zone and no moment before Submit.
        assert session.scalars(select(StretchMoment)).all() == []
        assert session.scalars(select(Checkin)).one().zone is None
    assert "noted" in flatten_text(_updates(running)[-1].json_param("blocks"))

    # Submit: the stretch moment is recorded now (without the note's text); no goal feel, so no zone.
    _tap(running, message, _button(message["blocks"], prefix="checkin_submit"))
    wait_for(lambda: "Submitted" in flatten_text(_updates(running)[-1].json_param("blocks")))
    with running.deps.session_factory() as session:
        moment = session.scalars(select(StretchMoment)).one()
        assert moment.kind == "stretch_answer" and "Called" not in moment.summary
        assert session.scalars(select(Checkin)).one().zone is None

    # Edit the next day: the goal now feels overwhelming → snap once they press Update.
    running.clock.set(MONDAY_0930_BERLIN + timedelta(days=1))
    _tap(running, message, _question_buttons(message["blocks"], 1)[4])
    wait_for(lambda: _answers(running).get("goal_feel") == "5")
    with running.deps.session_factory() as session:
        assert session.scalars(select(Checkin)).one().zone is None
    _tap(running, message, _button(message["blocks"], prefix="checkin_submit"))

    def _zone() -> str | None:
        with running.deps.session_factory() as session:
            return session.scalars(select(Checkin)).one().zone

    wait_for(lambda: _zone() == "snap")
    with running.deps.session_factory() as session:
        checkin = session.scalars(select(Checkin)).one()
        assert checkin.zone == "snap" and checkin.submitted_at is not None
        assert latest_zone(session=session, team_id=team, person_id=checkin.person_id) == "snap"


def test_a_stale_button_says_the_checkin_has_closed_and_changes_nothing(
    running: Running, team: int, slack_client: Any
) -> None:
    """Monday's buttons after Wednesday's check-in is due get a polite ephemeral."""
    message = _send_checkin(running, slack_client)
    running.clock.set(datetime(2026, 11, 25, 8, 31, tzinfo=UTC))  # Wed 09:31 Berlin
    _tap(running, message, _question_buttons(message["blocks"], 0)[0])
    reply = wait_for(lambda: running.fake.calls_to("response_url"))[-1]
    assert "check-in has closed" in reply.params.get("text", "")
    assert _answers(running) == {}
    assert _updates(running) == []


def test_someone_else_cannot_answer_your_checkin(running: Running, team: int, slack_client: Any) -> None:
    """A forwarded button pressed by the manager changes nothing."""
    message = _send_checkin(running, slack_client)
    _tap(running, message, _question_buttons(message["blocks"], 0)[0], user="U0MGR")
    reply = wait_for(lambda: running.fake.calls_to("response_url"))[-1]
    assert "someone else" in reply.params.get("text", "")
    assert _answers(running) == {}


def test_checkin_on_demand_early_is_not_sent_again_by_the_tick(
    running: Running, team: int, slack_client: Any
) -> None:
    """At 07:00 Berlin `/stretch checkin` sends today's; the 09:30 tick sends nothing more."""
    running.clock.set(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
    reply = running.slack.stretch("checkin", user=REP, channel="D0DM", channel_name="directmessage")
    assert "waiting in our DM" in reply.text
    assert len(running.fake.messages_to(REP)) == 1
    tick(session_factory=running.deps.session_factory, client=slack_client, now=MONDAY_0930_BERLIN)
    assert len(running.fake.messages_to(REP)) == 1
    again = running.slack.stretch("checkin", user=REP, channel="D0DM", channel_name="directmessage")
    assert "bottom of our DM" in again.text
    assert len(running.fake.messages_to(REP)) == 2


@pytest.mark.parametrize(
    ("text", "user", "says"),
    [
        ("away until 2026-11-22", REP, "already passed"),
        ("away 999d", REP, "more than 180 days"),
        ("away", REP, "how long"),
        ("skip notadate", "U0MGR", "isn't a date"),
        ("skip 2026-11-01", "U0MGR", "already passed"),
        ("skip 2026-12-25", REP, "only a manager"),
        ("questions", REP, "only a manager"),
        ("unskip", "U0MGR", "which day"),
    ],
)
def test_bad_input_gets_a_clear_ephemeral_and_writes_nothing(
    running: Running, team: int, text: str, user: str, says: str
) -> None:
    """Each refusal is private, says what to do, and leaves the database as it was."""
    running.clock.set(MONDAY_0930_BERLIN)
    reply = running.slack.stretch(text, user=user)
    assert reply.status == 200
    assert reply.json().get("response_type") == "ephemeral"
    assert says in reply.text.lower()
    with running.deps.session_factory() as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == REP))
        assert person is not None and person.away_until is None
        assert session.scalar(select(func.count()).select_from(TeamSkipDate)) == 0
    assert running.fake.calls_to("views.open") == []


def test_away_back_and_skip_commands(running: Running, team: int) -> None:
    """A rep pauses for 5 days and comes back; a manager adds, lists and removes a day off."""
    running.clock.set(MONDAY_0930_BERLIN)
    assert "away until *Fri 27 Nov 2026*" in running.slack.stretch("away 5d", user=REP).text
    with running.deps.session_factory() as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == REP))
        assert person is not None and str(person.away_until) == "2026-11-27"
    assert "Welcome back" in running.slack.stretch("back", user=REP).text
    assert "day off" in running.slack.stretch("skip 2026-12-25 Christmas", user="U0MGR").text
    assert "2026-12-25" in running.slack.stretch("skip", user="U0MGR").text
    assert "normal working day" in running.slack.stretch("unskip 2026-12-25", user="U0MGR").text


def test_app_home_shows_the_pulse_and_the_away_button_works(
    running: Running, team: int, slack_client: Any
) -> None:
    """Zones row, readiness, next check-in in the rep's zone; Away modal then Back."""
    message = _send_checkin(running, slack_client)
    _tap(running, message, _question_buttons(message["blocks"], 0)[4])
    wait_for(lambda: _answers(running))
    running.slack.event({"type": "app_home_opened", "user": REP, "tab": "home"})
    home = wait_for(lambda: running.fake.calls_to("views.publish"))[-1].json_param("view")
    text = flatten_text(home)
    assert "🟢" in text and "Readiness █" in text
    assert "Next check-in: *Wed 25 Nov, 09:30 (Europe/Berlin)*" in text
    away_button = next(
        b["accessory"] for b in home["blocks"] if b.get("accessory", {}).get("action_id") == "checkin_away"
    )
    running.slack.action(away_button["action_id"], user=REP, view=home)
    modal = wait_for(lambda: running.fake.calls_to("views.open"))[-1].json_param("view")
    running.slack.submit_view(
        modal, state_values_from_view(modal, {"away_until": {"selected_date": "2026-11-30"}}), user=REP
    )
    home = wait_for(
        lambda: [
            c
            for c in running.fake.calls_to("views.publish")
            if "away until" in flatten_text(c.json_param("view"))
        ]
    )[-1].json_param("view")
    assert "Next check-in: *Wed 2 Dec" in flatten_text(home)
    running.slack.action("checkin_back", user=REP, view=home)
    wait_for(
        lambda: "I'm away" in flatten_text(running.fake.calls_to("views.publish")[-1].json_param("view"))
    )


def _questions(running: Running, team: int) -> list[tuple[str, str, bool]]:
    with running.deps.session_factory() as session:
        rows = session.scalars(
            select(CheckinQuestion).where(CheckinQuestion.team_id == team).order_by(CheckinQuestion.position)
        )
        return [(q.key, q.prompt, q.removed_at is None) for q in rows]


def test_a_manager_customises_questions_in_the_modal_and_removed_answers_stay(
    running: Running, team: int, slack_client: Any
) -> None:
    """Add, reword, reorder and remove from `/stretch questions`; a removed question keeps its answers."""
    message = _send_checkin(running, slack_client)
    _tap(running, message, _question_buttons(message["blocks"], 2)[0])  # goal_input: yes
    wait_for(lambda: _answers(running))

    running.slack.stretch("questions", user="U0MGR")
    modal = wait_for(lambda: running.fake.calls_to("views.open"))[-1].json_param("view")
    modal["id"] = "VQ1"
    running.slack.action("checkin_question_add", user="U0MGR", view=modal)
    editor = wait_for(lambda: running.fake.calls_to("views.push"))[-1].json_param("view")
    bad = running.slack.submit_view(
        editor,
        state_values_from_view(
            editor, {"q_prompt": {"value": "Pipeline?"}, "q_options": {"value": "just one"}}
        ),
        user="U0MGR",
    )
    assert "errors" in bad.json() and "q_options" in bad.json()["errors"]
    running.slack.submit_view(
        editor,
        state_values_from_view(
            editor,
            {"q_prompt": {"value": "How full is your pipeline?"}, "q_options": {"value": "thin\nok\nfull"}},
        ),
        user="U0MGR",
    )
    wait_for(lambda: running.fake.calls_to("views.update"))
    assert ("how_full_is_your_pipeline", "How full is your pipeline?", True) in _questions(running, team)

    def menu(value: str) -> None:
        running.slack.action(
            "checkin_question_menu",
            user="U0MGR",
            view=modal,
            element={"type": "overflow", "selected_option": {"value": value}},
        )

    count = len(running.fake.calls_to("views.update"))
    menu("remove:goal_input")
    wait_for(lambda: len(running.fake.calls_to("views.update")) > count)
    count += 1
    menu("up:limiter")
    wait_for(lambda: len(running.fake.calls_to("views.update")) > count)
    active = [key for key, _, on in _questions(running, team) if on]
    assert active[:4] == ["readiness", "goal_feel", "limiter", "room_to_miss"]
    assert ("goal_input", "Did you have input into your goal?", False) in _questions(running, team)
    assert _answers(running) == {"goal_input": "yes"}  # kept

    menu("reword:readiness")
    reword = wait_for(
        lambda: len(running.fake.calls_to("views.push")) >= 2 and running.fake.calls_to("views.push")
    )[-1]
    reword_view = reword.json_param("view")
    running.slack.submit_view(
        reword_view,
        state_values_from_view(reword_view, {"q_prompt": {"value": "Energy today?"}}),
        user="U0MGR",
    )
    wait_for(lambda: ("readiness", "Energy today?", True) in _questions(running, team))

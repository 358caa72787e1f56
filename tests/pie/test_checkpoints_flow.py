"""Checkpoints end to end: the new-pie modal, `/claim-pie checkpoints` for managers and reps, the pace on
the card and the Home, and the checkpoint-day card in the channel (team figures, nobody named)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.jobs.tick import tick
from bot.models import Delivery, Pie
from bot.models.checkpoints import PieCheckpoint, TeamPressureSetting
from bot.slack.app import make_client
from tests.conftest import Running
from tests.pie.helpers import open_pie_row, opened_view, pie, team, wait_for
from tests.slackclient import SignedSlack, flatten_text, state_values_from_view

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday 23 Nov, 10:00 in New York
PATH = "30k by 30 Nov\n100k by 31 Dec"


def _open_checkpoints(running: Running, user: str, count: int) -> dict[str, Any]:
    client = SignedSlack(
        running.slack.events_url,
        "test-signing-secret-0123456789abcdef",
        response_url=running.fake.response_url(),
    )
    client.command("/claim-pie", "checkpoints", user=user, channel="C0TEAM", channel_name="sales-team")
    return opened_view(running, count)


def _initial_path(view: dict[str, Any]) -> str:
    (block,) = [b for b in view["blocks"] if b.get("block_id") == "pie_checkpoints"]
    return str(block["element"].get("initial_value") or "")


def _path_rows(running: Running, person: bool = False) -> list[tuple[date, int]]:
    with running.deps.session_factory() as session:
        who = PieCheckpoint.person_id.is_not(None) if person else PieCheckpoint.person_id.is_(None)
        return [
            (r.day, r.amount_minor)
            for r in session.scalars(select(PieCheckpoint).where(who).order_by(PieCheckpoint.day))
        ]


def _bake_with_modal(running: Running, checkpoints: str) -> Any:
    pie(running, "new", user="U0MIA")
    view = opened_view(running, len(running.fake.calls_to("views.open")))
    values = state_values_from_view(
        view, {"pie_target": {"value": "100k"}, "pie_checkpoints": {"value": checkpoints}}
    )
    return running.slack.submit_view(view, values, user="U0MIA")


def test_bad_checkpoints_in_the_new_pie_modal_are_field_errors_and_bake_nothing(running: Running) -> None:
    """Backwards, on a weekend, above the target, short of it: each an error on the field; no pie."""
    running.clock.set(NOW)
    team(running, now=NOW)
    for bad, phrase in (
        ("65k by 30 Nov\n30k by 15 Dec\n100k by 31 Dec", "go backwards"),
        ("30k by 28 Nov\n100k by 31 Dec", "weekend"),
        ("130k by 31 Dec", "more than the target"),
        ("30k by 30 Nov\n90k by 31 Dec", "has to reach the target"),
        ("30k by 30 Nov 2027", "outside the period"),
    ):
        reply = _bake_with_modal(running, bad)
        errors = reply.json()["errors"]
        assert phrase in errors["pie_checkpoints"], (bad, errors)
    with running.deps.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Pie)) == 0
        assert session.scalar(select(func.count()).select_from(PieCheckpoint)) == 0
        # (Established teams have their welcome DMs on record; nothing else may be planned.)
        assert (
            session.scalar(select(func.count()).select_from(Delivery).where(Delivery.kind != "welcome")) == 0
        )


def test_checkpoints_from_the_modal_set_the_path_the_card_measures_pace_against(running: Running) -> None:
    """The manager's path is stored and the card shows the team's pace and the checkpoints."""
    running.clock.set(NOW)
    team(running, now=NOW)
    assert _bake_with_modal(running, PATH).json()["response_action"] == "update"
    assert _path_rows(running) == [(date(2026, 11, 30), 3_000_000), (date(2026, 12, 31), 10_000_000)]
    card = pie(running, user="U0REP1").text
    assert "Team pace" in card and "$30,000 by 30 Nov · $100,000 by 31 Dec" in card


def test_without_checkpoints_the_pie_gets_one_per_month_by_working_days(running: Running) -> None:
    """`/claim-pie new 100k` → Nov's last working day and Dec 31, spread by working days."""
    running.clock.set(NOW)
    team(running, now=NOW)
    pie(running, "new 100k", user="U0MIA")
    card = pie(running, user="U0MIA").text
    # 23 Nov–31 Dec 2026: 29 working days, 6 of them in November (23–27, 30).
    assert f"${100_000 * 6 // 29:,} by 30 Nov · $100,000 by 31 Dec" in card  # whole dollars
    assert _path_rows(running) == []  # the default is computed, so it follows a changed target


def test_a_manager_reshapes_the_team_path_and_turns_on_the_pressure_question(running: Running) -> None:
    """A bad path changes nothing (not even the checkbox); a good one is saved with it."""
    running.clock.set(NOW)
    team(running, now=NOW)
    pie(running, "new 100k", user="U0MIA")
    view = _open_checkpoints(running, "U0MIA", 1)
    assert _initial_path(view).endswith("$100,000 by 2026-12-31")
    on = {"pie_pressure": {"selected_options": [{"value": "on"}]}}
    bad = running.slack.submit_view(
        view,
        state_values_from_view(view, {"pie_checkpoints": {"value": "50k by 15 Dec\n40k by 31 Dec"}, **on}),
        user="U0MIA",
    )
    assert "pie_checkpoints" in bad.json()["errors"]
    with running.deps.session_factory() as session:
        assert session.get(TeamPressureSetting, 1) is None
    assert _path_rows(running) == []
    good = running.slack.submit_view(
        view, state_values_from_view(view, {"pie_checkpoints": {"value": PATH}, **on}), user="U0MIA"
    )
    assert good.json()["response_action"] == "update"
    assert _path_rows(running)[-1] == (date(2026, 12, 31), 10_000_000)
    with running.deps.session_factory() as session:
        assert session.scalar(select(TeamPressureSetting.enabled)) is True
    # a changed target keeps the manager's shape, scaled
    pie(running, "target 200k", user="U0MIA")
    assert _path_rows(running) == [(date(2026, 11, 30), 6_000_000), (date(2026, 12, 31), 20_000_000)]


def test_a_rep_reshapes_their_own_path_and_sees_their_pace_only_on_their_home(running: Running) -> None:
    """Pro rata by default; a path short of the slice is refused; their pace is on their Home only."""
    running.clock.set(NOW)
    team(running, now=NOW)
    assert _bake_with_modal(running, PATH).json()["response_action"] == "update"
    pie(running, "20k", user="U0REP1")
    view = _open_checkpoints(running, "U0REP1", 2)
    assert _initial_path(view) == "$6,000 by 2026-11-30\n$20,000 by 2026-12-31"  # a fifth of the team's
    short = running.slack.submit_view(
        view,
        state_values_from_view(view, {"pie_checkpoints": {"value": "2k by 30 Nov\n15k by 31 Dec"}}),
        user="U0REP1",
    )
    assert "has to reach your slice" in short.json()["errors"]["pie_checkpoints"]
    assert _path_rows(running, person=True) == []
    ok = running.slack.submit_view(
        view,
        state_values_from_view(view, {"pie_checkpoints": {"value": "2k by 30 Nov\n20k by 31 Dec"}}),
        user="U0REP1",
    )
    assert ok.json()["response_action"] == "update"
    assert _path_rows(running, person=True) == [
        (date(2026, 11, 30), 200_000),
        (date(2026, 12, 31), 2_000_000),
    ]
    running.slack.event({"type": "app_home_opened", "user": "U0REP1", "tab": "home"})
    home = wait_for(
        lambda: [
            flatten_text(c.json_param("view"))
            for c in running.fake.calls_to("views.publish")
            if c.params.get("user_id") == "U0REP1" and "Your pace" in flatten_text(c.json_param("view"))
        ]
    )[-1]
    assert "your own shape" in home
    running.slack.event({"type": "app_home_opened", "user": "U0REP2", "tab": "home"})
    other = wait_for(
        lambda: [
            flatten_text(c.json_param("view"))
            for c in running.fake.calls_to("views.publish")
            if c.params.get("user_id") == "U0REP2" and "Team pace" in flatten_text(c.json_param("view"))
        ]
    )[-1]
    assert "Your pace" not in other  # no slice, no pace; and nobody else's
    for call in running.fake.messages_to("C0TEAM"):
        assert "Your pace" not in flatten_text(call.json_param("blocks")) + (call.params.get("text") or "")


def test_on_a_checkpoint_day_the_channel_gets_one_card_that_names_nobody(running: Running) -> None:
    """At 16:00 team time on 30 Nov: where the team is, celebrating; once, however often the clock ticks."""
    running.clock.set(NOW)
    team(running, now=NOW)
    assert _bake_with_modal(running, PATH).json()["response_action"] == "update"
    for rep, amount in (("U0REP1", "20k"), ("U0REP2", "5k"), ("U0REP3", "6k")):
        pie(running, amount, user=rep)
        pie(running, f"progress {amount}", user=rep)
    client = make_client(running.deps.settings)
    checkpoint_day = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)  # 16:00 in New York
    for at in (checkpoint_day - timedelta(hours=1), checkpoint_day, checkpoint_day + timedelta(minutes=5)):
        tick(session_factory=running.deps.session_factory, client=client, now=at)
    cards = [
        c for c in running.fake.messages_to("C0TEAM") if "checkpoint 1 of 2" in (c.params.get("text") or "")
    ]
    assert len(cards) == 1
    text = flatten_text(cards[0].json_param("blocks"))
    assert "the team passed checkpoint 1 of 2: $30,000 by 30 Nov" in text
    assert "$31,000 closed so far" in text and "3 people have put revenue on the board" in text
    assert "<@" not in text and "Raj" not in text
    assert "Next: $100,000 by 31 Dec" in text
    row = open_pie_row(running.deps.session_factory)
    assert row is not None
    with running.deps.session_factory() as session:
        keys = session.scalars(select(Delivery.dedupe_key).where(Delivery.kind == "pie_checkpoint")).all()
    assert keys == [f"pie:{row.id}:checkpoint:2026-11-30"]

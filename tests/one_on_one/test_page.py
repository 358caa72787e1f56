"""The 1:1 page end to end over signed HTTP: a manager opens a rep's page from the command, the dashboard
and the alert DM and reads the rep's notes; the rep opens their own without the managers' note; everyone
else gets one refusal that names nothing about the rep; "1:1 done", the note and the pages of check-ins."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from bot.db import session_scope
from bot.domain.checkins import end_of_day
from bot.domain.schedule import local_moment
from bot.models import Checkin, CheckinAnswer, CheckinQuestion, ManagerNote, OneOnOne, Person
from bot.services.alerts.cards import alert_card
from bot.slack.blocks.alerts import build_alert_dm
from bot.slack.ids import OneOnOneAction, OneOnOneBlock
from tests.conftest import Running
from tests.reliability.authz_world import (
    ADMIN,
    MANAGER,
    NOW,
    OTHER_MANAGER,
    REP,
    STRANGER,
    TEAM_CHANNEL,
    World,
    build_world,
    changed_tables,
    send,
    snapshot,
)
from tests.slackclient import flatten_text, state_values_from_view

NOTE = "Acme wants <legal> review & a 2nd demo"


def _history(running: Running, world: World, days: int = 20) -> None:
    """Raj answered the weekdays before today; one note; a missed day and a few snap answers."""
    with session_scope(running.deps.session_factory) as session:
        raj = world.extra["raj"]
        questions = {
            q.key: q
            for q in session.scalars(select(CheckinQuestion).where(CheckinQuestion.team_id == world.team))
        }
        text_q = next(q for q in questions.values() if q.kind == "text")
        day = NOW.date() - timedelta(days=1)
        made = 0
        while made < days:
            if day.weekday() < 5:
                due = local_moment(day, __import__("datetime").time(9, 30), "America/New_York")
                missed = made == 3
                checkin = Checkin(
                    team_id=world.team,
                    person_id=raj,
                    local_date=day,
                    tz="America/New_York",
                    due_at=due,
                    closes_at=due + timedelta(days=1),
                    day_ends_at=end_of_day(day, "America/New_York"),
                    status="missed" if missed else "answered",
                    sent_at=due,
                    first_answer_at=None if missed else due + timedelta(minutes=20),
                    readiness=None if missed else (2 if made < 3 else 4),
                    zone=None if missed else ("snap" if made < 2 else "stretch"),
                    created_at=due,
                )
                session.add(checkin)
                session.flush()
                if made == 0:
                    session.add(
                        CheckinAnswer(
                            checkin_id=checkin.id,
                            question_id=text_q.id,
                            question_key=text_q.key,
                            value=NOTE,
                            answered_at=due,
                            updated_at=due,
                        )
                    )
                if "limiter" in questions and not missed:
                    session.add(
                        CheckinAnswer(
                            checkin_id=checkin.id,
                            question_id=questions["limiter"].id,
                            question_key="limiter",
                            value="pipeline",
                            answered_at=due,
                            updated_at=due,
                        )
                    )
                made += 1
            day -= timedelta(days=1)


def _opened(outcome: Any) -> dict[str, Any]:
    views = [c for c in outcome.calls if c.method in ("views.open", "views.update")]
    assert views, f"no modal: {outcome.text[:300]}"
    return views[-1].json_param("view")


def _days(view: dict[str, Any]) -> list[date]:
    """The days of the check-ins listed on a page (their entries start with the mark and *Day d Mon*)."""
    import re

    found = []
    for block in view["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        match = re.match(r"^\S+ \*(\w{3}) (\d{1,2}) (\w{3})\*", text)
        if match:
            found.append(
                __import__("datetime").datetime.strptime(f"{match[2]} {match[3]} 2026", "%d %b %Y").date()
            )
    return found


def _page_text(view: dict[str, Any]) -> str:
    return flatten_text(view["blocks"])


def test_a_manager_opens_a_reps_page_from_the_command_and_reads_the_note_they_wrote(running: Running) -> None:
    """`/stretch rep @Raj` opens a modal with his note (escaped once), zones, summary and three questions."""
    world = build_world(running)
    _history(running, world)
    outcome = send(running, lambda c: c.stretch("rep <@U0RAJ|raj>", user=MANAGER, channel=TEAM_CHANNEL))
    view = _opened(outcome)
    text = _page_text(view)
    assert "Acme wants &lt;legal&gt; review &amp; a 2nd demo" in text
    assert "The last four weeks" in text and "Three questions for the 1:1" in text
    assert "Zones, last 8 weeks" in text and "missed" in text
    assert "pipeline" in text.lower()
    assert "Alerts about them" in text and "Managers' note for the next 1:1" in text
    assert len(view["blocks"]) <= 100
    assert not outcome.channel_posts()


def test_the_dashboard_button_and_the_alert_dm_open_the_same_page(running: Running) -> None:
    """The "1:1" button on the manager's Home and the alert DM's "Open Raj's page" both open his page."""
    world = build_world(running)
    _history(running, world)
    value = f"{world.team}:{world.extra['raj']}"
    from_home = send(running, lambda c: c.action(OneOnOneAction.OPEN, user=MANAGER, value=value))
    assert "Acme wants &lt;legal&gt;" in _page_text(_opened(from_home))
    with running.deps.session_factory() as session:
        card = alert_card(session=session, alert_id=world.alert, viewer_tz="UTC")
        assert card is not None
        _text, blocks = build_alert_dm(card, viewer_person_id=None)
    buttons = [
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == OneOnOneAction.OPEN
    ]
    assert [b["text"]["text"] for b in buttons] == ["Open Raj's page"]
    from_alert = send(
        running, lambda c: c.action(OneOnOneAction.OPEN, user=MANAGER, value=buttons[0]["value"])
    )
    assert "Raj" in _page_text(_opened(from_alert))


def test_the_home_shows_a_1on1_button_beside_each_rep_for_managers_only(running: Running) -> None:
    """The manager's Home lists Raj and Ann with a "1:1" button; Raj's Home has only "Open my page"."""
    world = build_world(running)
    for user in (MANAGER, REP):
        send(running, lambda c, u=user: c.event({"type": "app_home_opened", "user": u, "tab": "home"}))
    homes = {c.params["user_id"]: c.json_param("view") for c in running.fake.calls_to("views.publish")}
    manager = [
        b["accessory"]["value"]
        for b in homes[MANAGER]["blocks"]
        if b.get("accessory", {}).get("action_id") == OneOnOneAction.OPEN
    ]
    assert sorted(manager) == sorted(f"{world.team}:{world.extra[k]}" for k in ("raj", "ann"))
    # The drafts DM comes at most weekly: the dashboard shows the waiting draft with its Post button.
    home_text = flatten_text(homes[MANAGER]["blocks"])
    assert "*Shout-outs waiting* (1)" in home_text and "claimed a bigger slice" in home_text
    posts = [
        b["accessory"]["value"]
        for b in homes[MANAGER]["blocks"]
        if b.get("accessory", {}).get("action_id") == "shoutout_post_draft"
    ]
    assert posts == [str(world.moment)]
    rep_ids = [b.get("accessory", {}).get("action_id") for b in homes[REP]["blocks"]]
    assert OneOnOneAction.OPEN not in rep_ids and OneOnOneAction.OPEN_OWN in rep_ids


def test_the_rep_sees_their_own_page_without_the_managers_note_or_alerts(running: Running) -> None:
    """Raj's "Open my page" shows his note but never the managers' private note nor alerts about him."""
    world = build_world(running)
    _history(running, world)
    with session_scope(running.deps.session_factory) as session:
        session.add(
            ManagerNote(
                team_id=world.team, rep_person_id=world.extra["raj"], text="Raise comp plan", updated_at=NOW
            )
        )
    text = _page_text(_opened(send(running, lambda c: c.action(OneOnOneAction.OPEN_OWN, user=REP))))
    assert "Acme wants" in text
    assert "Raise comp plan" not in text and "Alerts about them" not in text
    assert "Managers' note" not in text
    # Raj clicking a 1:1 button with his own id gets the same own view, never the managers' parts.
    own = send(
        running, lambda c: c.action(OneOnOneAction.OPEN, user=REP, value=f"{world.team}:{world.extra['raj']}")
    )
    assert "Raise comp plan" not in _page_text(_opened(own))


def test_everyone_else_gets_a_refusal_that_names_nothing_about_the_rep(running: Running) -> None:
    """Ann (a rep), a manager of another team, an admin on no team and a stranger: a private refusal,
    no modal, nothing written, and not a word of Raj's name or data."""
    world = build_world(running)
    _history(running, world)
    value = f"{world.team}:{world.extra['raj']}"
    for user in ("U0ANN", OTHER_MANAGER, ADMIN, STRANGER):
        for how in ("command", "button"):
            before = snapshot(running)
            if how == "command":
                outcome = send(
                    running, lambda c, u=user: c.stretch("rep <@U0RAJ|raj>", user=u, channel=TEAM_CHANNEL)
                )
            else:
                outcome = send(running, lambda c, u=user: c.action(OneOnOneAction.OPEN, user=u, value=value))
            who = f"{user} by {how}"
            assert not outcome.modals, who
            assert not changed_tables(before, snapshot(running)), who
            assert "Only the managers of a rep's team" in outcome.text, who
            assert "Raj" not in outcome.text and "U0RAJ" not in outcome.text, who
            assert not outcome.channel_posts(), who


def test_the_command_without_a_rep_explains_itself(running: Running) -> None:
    build_world(running)
    outcome = send(running, lambda c: c.stretch("rep", user=MANAGER, channel=TEAM_CHANNEL))
    assert "/stretch rep @someone" in outcome.text and not outcome.modals


def test_1on1_done_and_the_managers_note_are_kept_for_the_next_1on1(running: Running) -> None:
    """ "1:1 done" records the date (the summary then starts there); the note is saved for the managers."""
    world = build_world(running)
    _history(running, world)
    view = _opened(send(running, lambda c: c.stretch("rep <@U0RAJ|raj>", user=MANAGER, channel=TEAM_CHANNEL)))
    view = {**view, "id": "VPAGE", "hash": "h1"}
    done = send(running, lambda c: c.action(OneOnOneAction.DONE, user=MANAGER, value="x", view=view))
    updated = _opened(done)
    assert "Since your last 1:1" in _page_text(updated)
    with running.deps.session_factory() as session:
        [held] = session.scalars(select(OneOnOne)).all()
        mia = session.scalar(select(Person.id).where(Person.slack_user_id == MANAGER))
        assert held.rep_person_id == world.extra["raj"] and held.manager_person_id == mia
    values = state_values_from_view(
        updated, {OneOnOneBlock.NOTE: {"value": "Ask about the Acme legal review"}}
    )
    reply = running.slack.submit_view({**updated, "id": "VPAGE"}, values, user=MANAGER)
    assert reply.status == 200
    with running.deps.session_factory() as session:
        note = session.scalar(select(ManagerNote.text))
    assert note == "Ask about the Acme legal review"
    reopened = _opened(send(running, lambda c: c.stretch("rep <@U0RAJ|raj>", user=MANAGER)))
    note_block = next(b for b in reopened["blocks"] if b.get("block_id") == OneOnOneBlock.NOTE)
    assert note_block["element"]["initial_value"] == "Ask about the Acme legal review"
    # The rep can't write the managers' note with the same submission.
    before = snapshot(running)
    running.slack.submit_view({**updated, "id": "VPAGE"}, values, user=REP)
    assert not changed_tables(before, snapshot(running))


def test_older_check_ins_come_a_page_at_a_time(running: Running) -> None:
    """Twenty check-ins: the first page shows the newest seven, "Older →" the next seven, "← Newer" back."""
    world = build_world(running)
    _history(running, world, days=20)
    first = _opened(send(running, lambda c: c.stretch("rep <@U0RAJ|raj>", user=MANAGER)))
    older = next(
        e
        for b in first["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == OneOnOneAction.OLDER
    )
    second = _opened(
        send(
            running,
            lambda c: c.action(
                OneOnOneAction.OLDER, user=MANAGER, value=older["value"], view={**first, "id": "V2"}
            ),
        )
    )
    assert "Zones, last 8 weeks" not in _page_text(second)
    oldest_first_page = date.fromisoformat(older["value"])
    shown_second = [d for d in _days(second)]
    assert len(_days(first)) == 7 and len(shown_second) == 7
    assert all(d < oldest_first_page for d in shown_second)
    newer = next(
        e
        for b in second["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == OneOnOneAction.NEWER
    )
    back = _opened(
        send(
            running,
            lambda c: c.action(
                OneOnOneAction.NEWER, user=MANAGER, value=newer["value"], view={**second, "id": "V3"}
            ),
        )
    )
    assert _page_text(back) == _page_text(first)
    assert "Zones, last 8 weeks" in _page_text(back)


def test_forgetting_a_rep_removes_the_managers_note_and_1on1s_about_them(running: Running) -> None:
    """`forget me` (issue 20) also deletes the managers' private note and the 1:1 dates about the rep."""
    from bot.services.privacy import forget_person

    world = build_world(running)
    with session_scope(running.deps.session_factory) as session:
        raj = world.extra["raj"]
        session.add(
            ManagerNote(team_id=world.team, rep_person_id=raj, text="Raise comp plan", updated_at=NOW)
        )
        session.add(OneOnOne(team_id=world.team, rep_person_id=raj, held_at=NOW))
        session.add(OneOnOne(team_id=world.team, rep_person_id=world.extra["ann"], held_at=NOW))
    with session_scope(running.deps.session_factory) as session:
        person = session.get(Person, world.extra["raj"])
        assert person is not None
        forget_person(session=session, person=person, actor=REP, now=NOW, tell_managers=False)
    with running.deps.session_factory() as session:
        assert session.scalars(select(ManagerNote)).all() == []
        assert [o.rep_person_id for o in session.scalars(select(OneOnOne))] == [world.extra["ann"]]


def test_the_page_shows_the_reps_pace_on_their_open_slice(running: Running) -> None:
    """Issue 19: a rep's own pace against their checkpoint path is on their managers' 1:1 page (and never
    in a channel)."""
    from bot.models import Pie, PieSlice

    world = build_world(running)
    with session_scope(running.deps.session_factory) as session:
        pie = session.scalar(select(Pie).where(Pie.open_team_id == world.team))
        raj = session.scalar(select(Person).where(Person.slack_user_id == REP))
        assert pie is not None and raj is not None
        session.add(
            PieSlice(
                pie_id=pie.id,
                person_id=raj.id,
                amount_minor=2_000_000,
                progress_minor=500_000,
                claimed_at=NOW,
                updated_at=NOW,
            )
        )
    outcome = send(running, lambda c: c.stretch("rep <@U0RAJ|raj>", user=MANAGER, channel=TEAM_CHANNEL))
    text = _page_text(_opened(outcome))
    assert "Pace on the open slice:" in text
    assert not outcome.channel_posts()

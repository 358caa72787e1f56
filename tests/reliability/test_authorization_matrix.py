"""The authorization matrix: every button (action_id) and every modal (callback_id) Stretch listens to,
tried by the five people who might click it — a rep and a manager of the team it belongs to, a manager
of another team, a workspace admin on no team and a stranger — with the ids the real buttons carry.

Whoever may not do it gets a clear private answer, and not one row changes and nothing reaches a
channel; the same payload from someone who may, works. The matrix is checked against the listeners the
Bolt app really registers, so a new button without a row here fails the suite."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from slack_bolt import App

from bot.slack.blocks.help import build_oops
from bot.slack.ids import (
    Action,
    AlertAction,
    CheckinAction,
    CheckpointAction,
    DigestAction,
    HuddleAction,
    LeadAction,
    OneOnOneAction,
    PieAction,
    PilotAction,
    PressureAction,
    ShoutoutAction,
)
from bot.slack.payloads import picker_value
from tests.conftest import Running
from tests.reliability.authz_world import (
    ACTORS,
    World,
    build_world,
    changed_tables,
    send,
    snapshot,
)
from tests.slackclient import SignedSlack

EVERYONE = frozenset(ACTORS)
OOPS = build_oops()[0]["text"]["text"]


@dataclass(frozen=True)
class ActionCase:
    """One button: who may click it, what its real value is, and where it sits."""

    allowed: frozenset[str]
    value: Callable[[World], str] | None = None
    on_view: bool = False  # the button sits in a modal (its private_metadata names the team)
    # The modal's private_metadata when it isn't the questions modal's (issue 17: the 1:1 page).
    metadata: Callable[[World], str] | None = None
    pie: bool = True  # the world has an open pie (a "new pie" button needs there to be none)


def _team(w: World) -> str:
    return str(w.team)


def _pie(w: World) -> str:
    return str(w.pie)


def _raj_page(w: World) -> str:
    return json.dumps({"team": w.team, "rep": w.extra["raj"], "before": ""})


MANAGERS = frozenset({"manager"})
REPS = frozenset({"rep"})
MEMBERS = frozenset({"rep", "manager"})
SETUP = frozenset({"manager", "admin"})

ACTIONS: dict[str, ActionCase] = {
    Action.OPEN_SETUP: ActionCase(SETUP, _team),
    Action.OPEN_HELP: ActionCase(EVERYONE),
    Action.PICK_TEAM: ActionCase(
        MEMBERS, lambda w: picker_value(team_id=w.team, command="/claim-pie", text="")
    ),
    PilotAction.START: ActionCase(MEMBERS, _team),
    PilotAction.EDIT: ActionCase(MANAGERS, lambda w: str(w.pilot)),
    PilotAction.DECIDE_TWEAK: ActionCase(MANAGERS, lambda w: str(w.pilot)),
    PilotAction.MID_1: ActionCase(REPS, lambda w: str(w.pilot)),
    PilotAction.MID_2: ActionCase(REPS, lambda w: str(w.pilot)),
    PilotAction.MID_3: ActionCase(REPS, lambda w: str(w.pilot)),
    PilotAction.MID_4: ActionCase(REPS, lambda w: str(w.pilot)),
    PilotAction.MID_5: ActionCase(REPS, lambda w: str(w.pilot)),
    PilotAction.MID_NOTE: ActionCase(REPS, lambda w: str(w.pilot)),
    PilotAction.TWEAK_NOW: ActionCase(MEMBERS, lambda w: str(w.pilot)),
    PilotAction.REVIEW_KEEP: ActionCase(REPS, lambda w: str(w.pilot)),
    PilotAction.REVIEW_TWEAK: ActionCase(REPS, lambda w: str(w.pilot)),
    PilotAction.REVIEW_DROP: ActionCase(REPS, lambda w: str(w.pilot)),
    PilotAction.DECIDE_KEEP: ActionCase(MANAGERS, lambda w: str(w.pilot)),
    PilotAction.DECIDE_DROP: ActionCase(MANAGERS, lambda w: str(w.pilot)),
    ShoutoutAction.POST_DRAFT: ActionCase(MANAGERS, lambda w: str(w.moment)),
    ShoutoutAction.SKIP_DRAFT: ActionCase(MANAGERS, lambda w: str(w.moment)),
    PieAction.CLAIM: ActionCase(REPS, _team),
    PieAction.CHANGE: ActionCase(REPS, _team),
    PieAction.PICK_TEAM: ActionCase(MEMBERS, lambda w: json.dumps({"team": w.team, "text": ""})),
    PieAction.LOWER_TARGET: ActionCase(MANAGERS, _pie),
    PieAction.EXTEND: ActionCase(MANAGERS, _pie),
    PieAction.TALK: ActionCase(MANAGERS, _pie),
    CheckinAction.ANSWER: ActionCase(REPS, lambda w: w.answer_value),
    # Issue 19: the rep's anonymous pressure answer (their own check-in only), the pie card's Checkpoints.
    PressureAction.ANSWER: ActionCase(REPS, lambda w: f"{w.checkin}:never"),
    CheckpointAction.OPEN: ActionCase(MEMBERS, _team),
    CheckinAction.ADD_NOTE: ActionCase(REPS, lambda w: str(w.checkin)),
    CheckinAction.SUBMIT: ActionCase(REPS, lambda w: str(w.checkin)),
    # Away and Back only ever touch the clicker's own away time (Back needs a team to come back to).
    CheckinAction.AWAY: ActionCase(EVERYONE),
    CheckinAction.BACK: ActionCase(frozenset({"rep", "manager", "other manager"})),
    CheckinAction.QUESTION_MENU: ActionCase(MANAGERS, lambda w: "remove:" + "{key}", on_view=True),
    CheckinAction.QUESTION_ADD: ActionCase(MANAGERS, on_view=True),
    DigestAction.SEND_NOW: ActionCase(MANAGERS, _team),
    DigestAction.OPEN_QUESTIONS: ActionCase(MANAGERS, _team),
    DigestAction.NEW_PIE: ActionCase(MANAGERS, _team, pie=False),
    AlertAction.ACKNOWLEDGE: ActionCase(MANAGERS, lambda w: str(w.alert)),
    AlertAction.SNOOZE: ActionCase(MANAGERS, lambda w: str(w.alert)),
    AlertAction.DISMISS: ActionCase(MANAGERS, lambda w: str(w.alert)),
    AlertAction.EDIT_SETTINGS: ActionCase(MANAGERS, _team),
    HuddleAction.POST_UPDATE: ActionCase(MEMBERS, lambda w: str(w.huddle)),
    # --- issue 17: the 1:1 page (the dashboard's button names Ann; Raj asking for her page is refused) ---
    OneOnOneAction.OPEN: ActionCase(MANAGERS, lambda w: f"{w.team}:{w.extra['ann']}"),
    OneOnOneAction.OPEN_OWN: ActionCase(REPS),
    # Inside Raj's page: paging works for his managers and for Raj (his own page); only managers record 1:1s.
    OneOnOneAction.OLDER: ActionCase(MEMBERS, lambda w: "2026-11-20", on_view=True, metadata=_raj_page),
    OneOnOneAction.NEWER: ActionCase(MEMBERS, lambda w: "latest", on_view=True, metadata=_raj_page),
    OneOnOneAction.DONE: ActionCase(MANAGERS, lambda w: "x", on_view=True, metadata=_raj_page),
    # Lead lists: the card's buttons are the reps'; an overlap's are its two reps' (Raj is one); the
    # decision card and the import are the team's managers'.
    LeadAction.ADD: ActionCase(REPS, _team),
    LeadAction.RELEASE: ActionCase(REPS, _team),
    LeadAction.PARTNER: ActionCase(REPS, lambda w: str(w.extra["overlap"])),
    LeadAction.ACCEPT: ActionCase(REPS, lambda w: str(w.extra["proposal"])),
    LeadAction.YIELD: ActionCase(REPS, lambda w: str(w.extra["overlap"])),
    LeadAction.ASK_MANAGER: ActionCase(REPS, lambda w: str(w.extra["overlap"])),
    LeadAction.SAME: ActionCase(REPS, lambda w: str(w.extra["possible"])),
    LeadAction.DIFFERENT: ActionCase(REPS, lambda w: str(w.extra["possible"])),
    LeadAction.DECIDE_A: ActionCase(MANAGERS, lambda w: str(w.extra["overlap"])),
    LeadAction.DECIDE_B: ActionCase(MANAGERS, lambda w: str(w.extra["overlap"])),
    LeadAction.DECIDE_SPLIT: ActionCase(MANAGERS, lambda w: str(w.extra["overlap"])),
    LeadAction.DECIDE_BOTH: ActionCase(MANAGERS, lambda w: str(w.extra["overlap"])),
    LeadAction.IMPORT: ActionCase(MANAGERS, _team),
}


# --- what the Bolt app really listens to --------------------------------------------------------------


@contextmanager
def _recording_listeners() -> Iterator[dict[str, list[str]]]:
    """Record the constraint of every app.action / app.view registration made while the app is built."""
    seen: dict[str, list[str]] = {"action": [], "view": []}
    originals = {kind: getattr(App, kind) for kind in seen}

    def recorder(kind: str) -> Any:
        def register(self: App, constraints: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(constraints, re.Pattern):
                seen[kind].append(constraints.pattern.strip("^:"))
            elif isinstance(constraints, dict):
                seen[kind].append(str(constraints.get("action_id") or constraints.get("callback_id")))
            else:
                seen[kind].append(str(constraints))
            return originals[kind](self, constraints, *args, **kwargs)

        return register

    for kind in seen:
        setattr(App, kind, recorder(kind))
    try:
        yield seen
    finally:
        for kind, original in originals.items():
            setattr(App, kind, original)


def registered_listeners(running: Running) -> dict[str, list[str]]:
    """The action_ids and callback_ids a freshly built Stretch app registers listeners for."""
    from bot.slack.app import create_app

    with _recording_listeners() as seen:
        create_app(running.deps.settings, running.deps, client=running.app.client)
    return seen


def test_every_registered_button_is_in_the_matrix(running: Running) -> None:
    """A new action_id with a listener and no row in the matrix fails here."""
    seen = registered_listeners(running)
    assert seen["view"], "the recorder saw the modal listeners too"
    assert set(seen["action"]) == set(ACTIONS), "update ACTIONS in the authorization matrix"


# --- the matrix -----------------------------------------------------------------------------------------


def _click(running: Running, world: World, action_id: str, case: ActionCase, user: str) -> Any:
    value = case.value(world) if case.value else None
    if value and "{key}" in value:
        from bot.services.checkins.questions import team_questions

        with running.deps.session_factory() as session:
            value = value.format(
                key=team_questions(session=session, team_id=world.team, now=running.clock())[-1].key
            )
    element_id = f"{action_id}:{value}" if action_id == CheckinAction.ANSWER else action_id
    if action_id == Action.PICK_TEAM:
        element_id = f"{action_id}:{world.team}"  # one action id per team in the picker
    elif action_id == PressureAction.ANSWER and value:  # one button per choice: pressure_answer:<choice>
        element_id = f"{action_id}:{value.rsplit(':', 1)[-1]}"

    def do(client: SignedSlack) -> Any:
        if case.on_view:
            view = {
                "id": "VQUESTIONS",
                "type": "modal",
                "callback_id": "one_on_one_page" if case.metadata else "checkin_questions",
                "private_metadata": (
                    case.metadata(world) if case.metadata else json.dumps({"team_id": world.team})
                ),
                "blocks": [],
            }
            return client.action(element_id, user=user, value=value, view=view)
        return client.action(
            element_id,
            user=user,
            value=value,
            channel="D" + user[1:],
            message={"type": "message", "ts": "1700000000.000500", "text": "", "blocks": []},
        )

    return send(running, do)


def assert_refused(outcome: Any, before: dict[str, Any], after: dict[str, Any], who: str) -> None:
    """A clear private answer, no modal, nothing written, nothing posted to a channel."""
    assert not changed_tables(before, after), f"{who} changed {changed_tables(before, after)}"
    assert not outcome.modals, f"{who} got a modal: {outcome.text[:200]}"
    assert not outcome.channel_posts(), f"{who} made Stretch post to a channel"
    assert outcome.text.strip(), f"{who} got no answer at all"
    assert OOPS not in outcome.text, f"{who} got the apology instead of a refusal"


def assert_worked(outcome: Any, before: dict[str, Any], after: dict[str, Any], who: str) -> None:
    """Something visible happened: a modal opened or the database changed, and no apology."""
    assert OOPS not in outcome.text, f"{who}: {outcome.text[:300]}"
    assert (
        outcome.modals or changed_tables(before, after) or outcome.calls or outcome.response_text.strip()
    ), f"{who}: nothing happened"
    private = f"{outcome.reply.text}\n{outcome.response_text}"
    assert REFUSAL.search(private) is None, f"{who} was refused: {private[:300]}"


# How Stretch's refusals read (NotAllowedError / NotInTeamError messages), to tell one from a success.
REFUSAL = re.compile(
    r"only (a|the|this|team)|not (on|in|part of|taking part)|you're not|isn't yours|can't find|no longer",
    re.I,
)


@pytest.mark.parametrize("action_id", sorted(ACTIONS))
def test_each_button_refuses_whoever_may_not_click_it_and_works_for_who_may(
    running: Running, action_id: str
) -> None:
    """Everyone not allowed gets a private refusal and changes nothing; then each allowed person succeeds
    with the same payload."""
    case = ACTIONS[action_id]
    world = build_world(running, with_pie=case.pie)
    for role in sorted(EVERYONE - case.allowed):
        before = snapshot(running)
        outcome = _click(running, world, action_id, case, ACTORS[role])
        assert_refused(outcome, before, snapshot(running), f"{role} clicking {action_id}")
    for role in sorted(case.allowed):
        before = snapshot(running)
        outcome = _click(running, world, action_id, case, ACTORS[role])
        assert_worked(outcome, before, snapshot(running), f"{role} clicking {action_id}")
        assert not outcome.channel_posts() or action_id in CHANNEL_OK, f"{role} {action_id} posted"


# Buttons whose allowed use may post to the team channel.
CHANNEL_OK: set[str] = set()


@pytest.mark.parametrize("action_id", [ShoutoutAction.POST_DRAFT, ShoutoutAction.SKIP_DRAFT])
@pytest.mark.parametrize("value", ["abc", "12; drop", ""])
def test_a_mangled_draft_button_says_the_draft_is_out_of_date(
    running: Running, action_id: str, value: str
) -> None:
    """A Post/Skip button whose value is not a draft id gets a friendly answer, not the apology, and
    nothing changes."""
    build_world(running)
    before = snapshot(running)
    outcome = send(
        running,
        lambda client: client.action(
            action_id,
            user=ACTORS["manager"],
            value=value,
            channel="D0MIA",
            message={"type": "message", "ts": "1700000000.000500", "text": "", "blocks": []},
        ),
    )
    assert "out of date" in outcome.text
    assert OOPS not in outcome.text
    assert not changed_tables(before, snapshot(running))

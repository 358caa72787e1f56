"""The modal part of the authorization matrix: every view Stretch listens to (callback_id), opened by
someone who may use it — so its private_metadata carries the real ids — and then submitted, exactly as
opened, by each of the five people: a rep and a manager of the team, a manager of another team, a
workspace admin on no team and a stranger.

Whoever may not gets a field error in the modal or a private message, not one row changes and nothing
reaches a channel; whoever may, succeeds with the same submission. The list is checked against the view
listeners the Bolt app really registers, so a new modal without a row here fails the suite."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.slack.ids import (
    AlertView,
    CheckinAction,
    CheckinView,
    DigestAction,
    HuddleView,
    LeadAction,
    LeadView,
    PieView,
    PilotAction,
    PilotView,
    PrivacyInput,
    PrivacyView,
    ShoutoutView,
    View,
)
from tests.conftest import Running
from tests.reliability.authz_world import ACTORS, World, build_world, changed_tables, send, snapshot
from tests.reliability.test_authorization_matrix import (
    ACTIONS,
    OOPS,
    REFUSAL,
    SETUP,
    _click,
    registered_listeners,
)
from tests.slackclient import SignedSlack, state_values_from_view

EVERYONE = frozenset(ACTORS)
MANAGERS = frozenset({"manager"})
REPS = frozenset({"rep"})
MEMBERS = frozenset({"rep", "manager"})


@dataclass(frozen=True)
class ModalCase:
    """One modal: the button that opens it, who opens it, what they type, and who may submit it."""

    callback_id: str
    opener: str  # the action_id of the button that opens it (its row in the button matrix gives the value)
    opened_by: str  # a role allowed to open it
    allowed: frozenset[str]
    typed: dict[str, Any] = field(default_factory=dict)  # block_id → element state
    pie: bool = True
    # privacy (issue 20): a modal opened by a `/stretch` command instead of a button (then `opener` is "").
    command: str = ""


def _text(value: str) -> dict[str, Any]:
    return {"value": value}


CASES: dict[str, ModalCase] = {
    "team setup": ModalCase(View.TEAM_SETUP, "open_setup", "manager", SETUP),
    "alert thresholds": ModalCase(AlertView.SETTINGS, "quiet_alert_settings", "manager", MANAGERS),
    "check-in note": ModalCase(
        CheckinView.NOTE,
        CheckinAction.ADD_NOTE,
        "rep",
        REPS,
        {"note_6": _text("Two demos booked"), "note_7": _text("Pricing pushback")},
    ),
    # Away only ever sets the submitter's own away time; someone on no team has none to set.
    "away until": ModalCase(
        CheckinView.AWAY, CheckinAction.AWAY, "rep", frozenset({"rep", "manager", "other manager"})
    ),
    "check-in question": ModalCase(
        CheckinView.QUESTION_EDIT,
        CheckinAction.QUESTION_ADD,
        "manager",
        MANAGERS,
        {"q_prompt": _text("What's one win from today?"), "q_options": _text("A deal\nA demo")},
    ),
    "huddle update": ModalCase(
        HuddleView.UPDATE,
        "huddle_post_update",
        "rep",
        MEMBERS,
        {"huddle_did": _text("Ten calls"), "huddle_stretch": _text("Two more demos")},
    ),
    "pie claim": ModalCase(PieView.CLAIM, "pie_claim", "rep", REPS, {"pie_amount": _text("5k")}),
    "new pie": ModalCase(
        PieView.NEW,
        DigestAction.NEW_PIE,
        "manager",
        MANAGERS,
        {"pie_title": _text("Q1 push"), "pie_target": _text("120k")},
        pie=False,
    ),
    "pie target": ModalCase(
        PieView.TARGET, "pie_lower_target", "manager", MANAGERS, {"pie_target": _text("90k")}
    ),
    "pie deadline": ModalCase(PieView.EXTEND, "pie_extend", "manager", MANAGERS),
    "pie message": ModalCase(
        PieView.TALK, "pie_talk", "manager", MANAGERS, {"pie_message": _text("Last day to claim!")}
    ),
    "new pilot": ModalCase(
        PilotView.PILOT,
        PilotAction.START,
        "manager",
        MEMBERS,
        {
            "pilot_title": _text("Voice notes"),
            "pilot_not_goal": _text("Not a script"),
            "pilot_metric": _text("replies"),
            "pilot_observe": _text("reply rate"),
        },
    ),
    "pilot edit": ModalCase(PilotView.PILOT, PilotAction.EDIT, "manager", MANAGERS),
    "pilot review": ModalCase(
        PilotView.REVIEW,
        PilotAction.REVIEW_KEEP,
        "rep",
        REPS,
        {
            "pilot_review_learning": _text("Works"),
            "pilot_review_skill": {"selected_option": {"value": "4"}},
        },
    ),
    "pilot note": ModalCase(
        PilotView.NOTE, PilotAction.MID_NOTE, "rep", REPS, {"pilot_mid_note_text": _text("Going well")}
    ),
    "shout-out draft": ModalCase(ShoutoutView.POST_DRAFT, "shoutout_post_draft", "manager", MANAGERS),
    # privacy (issue 20): only the person who opened "forget me" can confirm it, and only for themselves.
    "forget me": ModalCase(
        PrivacyView.FORGET,
        "",
        "rep",
        REPS,
        {PrivacyInput.CONFIRM_BLOCK: {"selected_options": [{"value": "forget"}]}},
        command="forget me",
    ),
    "lead add": ModalCase(
        LeadView.ADD, LeadAction.ADD, "rep", REPS, {"lead_accounts": _text("Initech (initech.io)\nHooli")}
    ),
    "lead release": ModalCase(
        LeadView.RELEASE,
        LeadAction.RELEASE,
        "rep",
        REPS,
        {"lead_release_pick": {"selected_option": {"value": "Acme Corp (acme.com)"}}},
    ),
    "lead partner": ModalCase(LeadView.PARTNER, LeadAction.PARTNER, "rep", REPS, {"lead_share": _text("60")}),
    "lead decide split": ModalCase(
        LeadView.DECIDE_SPLIT, LeadAction.DECIDE_SPLIT, "manager", MANAGERS, {"lead_share": _text("50")}
    ),
    "lead keep both": ModalCase(
        LeadView.DECIDE_BOTH,
        LeadAction.DECIDE_BOTH,
        "manager",
        MANAGERS,
        {"lead_reason": _text("Different buyers: IT and finance")},
    ),
    "lead import": ModalCase(
        LeadView.IMPORT,
        LeadAction.IMPORT,
        "manager",
        MANAGERS,
        {
            "lead_import_association": _text("Texas Bankers"),
            "lead_import_csv": _text("company,domain,note\nLone Star Bank,lonestar.com,\n"),
        },
    ),
}

# Refusals that name the owner instead of the role.
OTHER_REFUSALS = re.compile(r"belongs to someone else|are for the reps", re.I)

# Modals whose allowed submission posts in the team channel (that is what they are for).
CHANNEL_OK = {"huddle update", "pie message", "shout-out draft", "new pie", "new pilot"}


def test_every_modal_with_a_listener_is_in_the_matrix(running: Running) -> None:
    """A new callback_id with a listener and no row here fails."""
    seen = registered_listeners(running)["view"]
    assert seen, "the recorder saw no modal listeners"
    assert set(seen) == {case.callback_id for case in CASES.values()}, "update CASES in the modal matrix"


def _open(running: Running, world: World, case: ModalCase) -> dict[str, Any]:
    """Click the real button as someone allowed and return the modal Slack was asked to show."""
    if case.command:
        outcome = send(running, lambda client: client.stretch(case.command, user=ACTORS[case.opened_by]))
    else:
        outcome = _click(running, world, case.opener, ACTIONS[case.opener], ACTORS[case.opened_by])
    for call in outcome.modals:
        view = call.json_param("view")
        if view.get("callback_id") == case.callback_id:
            return dict(view)
    raise AssertionError(f"{case.opener} opened no {case.callback_id}: {outcome.text[:300]}")


def _submit(running: Running, view: dict[str, Any], values: dict[str, Any], user: str) -> Any:
    def do(client: SignedSlack) -> Any:
        return client.submit_view(view, values, user=user)

    return send(running, do)


def _private(outcome: Any, user: str) -> str:
    """What only the submitter saw: the modal's field errors, the ack's new view, their own DMs."""
    parts = [*outcome.view_errors.values(), outcome.reply.text]
    parts += [str(c.params.get("text", "")) for c in outcome.dms_to(user)]
    parts += [str(c.params.get("text", "")) for c in outcome.calls if c.method == "chat.postEphemeral"]
    return "\n".join(p for p in parts if p)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_modal_refuses_whoever_may_not_submit_it_and_works_for_who_may(
    running: Running, name: str
) -> None:
    """Opened for real, then submitted as is by each of the five people."""
    case = CASES[name]
    world = build_world(running, with_pie=case.pie)
    view = _open(running, world, case)
    values = state_values_from_view(view, case.typed)
    for role in sorted(EVERYONE - case.allowed):
        user = ACTORS[role]
        before = snapshot(running)
        outcome = _submit(running, view, values, user)
        who = f"{role} submitting {name}"
        assert not changed_tables(before, snapshot(running)), (
            f"{who} changed {changed_tables(before, snapshot(running))}"
        )
        assert not outcome.channel_posts(), f"{who} made Stretch post to a channel"
        assert not outcome.modals, f"{who} was shown another modal"
        said = _private(outcome, user)
        assert said.strip(), f"{who} got no answer"
        assert OOPS not in outcome.text, f"{who} got the apology instead of a refusal"
        assert outcome.view_errors or outcome.dms_to(user), f"{who}: neither a field error nor a DM"
        assert REFUSAL.search(said) or OTHER_REFUSALS.search(said), f"{who} was not told why: {said[:200]}"
    for role in sorted(case.allowed):
        user = ACTORS[role]
        before = snapshot(running)
        outcome = _submit(running, view, values, user)
        who = f"{role} submitting {name}"
        assert outcome.reply.status == 200, who
        assert OOPS not in outcome.text, f"{who}: {outcome.text[:300]}"
        assert not outcome.view_errors, f"{who} got {outcome.view_errors}"
        assert REFUSAL.search(_private(outcome, user)) is None, (
            f"{who} was refused: {_private(outcome, user)}"
        )
        assert changed_tables(before, snapshot(running)) or outcome.calls, f"{who}: nothing happened"
        assert not outcome.channel_posts() or name in CHANNEL_OK, f"{who} posted in a channel"

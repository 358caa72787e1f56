"""`/stretch forget me` over signed HTTP: the modal says what goes and what stays, only its opener can
confirm it, the closed pie still adds up with "a former member", managers get one line without content,
a crash mid-way changes nothing and a second run is harmless."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlalchemy import select

from bot import kinds
from bot.db import session_scope
from bot.domain.privacy import FORGET_DELETES, FORGET_KEEPS, FORMER_MEMBER
from bot.models import (
    Base,
    Checkin,
    Delivery,
    Membership,
    Person,
    Pie,
    PieSlice,
    Pilot,
    PrivacyAudit,
    QuietAlert,
    Shoutout,
    StretchMoment,
)
from bot.services import privacy as privacy_service
from bot.services.pie import pie_view
from bot.services.pilots.core import facts_of
from bot.slack.blocks.pie import build_close_summary
from bot.slack.blocks.pilots.messages import build_card
from bot.slack.ids import PrivacyInput, PrivacyView
from tests.conftest import Running
from tests.privacy.helpers import ANN, LEE, MIA, NOTE, OMAR, RAJ, seed_history
from tests.slackclient import flatten_text, state_values_from_view
from tests.waiting import eventually

TICKED = {PrivacyInput.CONFIRM_BLOCK: {"selected_options": [{"value": "forget"}]}}


def _snapshot(running: Running) -> dict[str, str]:
    with running.deps.session_factory() as session:
        return {
            t.name: hashlib.sha1(
                "\n".join(sorted(repr(tuple(r)) for r in session.execute(select(t)))).encode()
            ).hexdigest()
            for t in Base.metadata.sorted_tables
        }


def _open_modal(running: Running, user: str) -> dict[str, Any]:
    running.fake.reset_calls()
    reply = running.slack.stretch("forget me", user=user)
    assert reply.status == 200
    (call,) = running.fake.wait_for("views.open")
    view = call.json_param("view")
    assert view["callback_id"] == PrivacyView.FORGET
    return dict(view)


def test_the_modal_says_exactly_what_goes_and_what_stays(running: Running) -> None:
    """Nothing is deleted by opening it; it lists deletions, what stays as a former member, who is told."""
    seed_history(running)
    before = _snapshot(running)
    view = _open_modal(running, RAJ.user_id)
    text = flatten_text(view)
    for fact in FORGET_DELETES + FORGET_KEEPS:
        assert fact in text
    assert FORMER_MEMBER in text and "*Closers*" in text and "/stretch export me" in text
    assert view["private_metadata"] == RAJ.user_id
    assert _snapshot(running) == before


def test_a_rep_forgets_themselves_and_the_closed_pie_still_adds_up(running: Running) -> None:
    """Raj confirms: his check-ins, notes, moments and alerts are gone; the pie, shout-outs and pilot stay
    as "a former member"; Mia gets one line without content; Ann's data is untouched."""
    history = seed_history(running)
    raj = history.people[RAJ.user_id]
    view = _open_modal(running, RAJ.user_id)
    reply = running.slack.submit_view(view, state_values_from_view(view, TICKED), user=RAJ.user_id)
    assert reply.status == 200 and reply.json()["response_action"] == "update"
    assert "Done" in flatten_text(reply.json()["view"])

    factory = running.deps.session_factory
    with factory() as session:
        assert session.scalars(select(Checkin).where(Checkin.person_id == raj)).all() == []
        assert (
            len(
                session.scalars(select(Checkin).where(Checkin.person_id == history.people[ANN.user_id])).all()
            )
            == 1
        )
        assert session.scalars(select(QuietAlert)).all() == []
        assert session.scalars(select(StretchMoment)).all() == []
        assert session.scalars(select(Membership).where(Membership.person_id == raj)).all() == []
        person = session.get(Person, raj)
        assert person is not None
        assert person.display_name == FORMER_MEMBER and RAJ.user_id not in person.slack_user_id
        pie = session.get(Pie, history.pie)
        assert pie is not None
        slices = session.scalars(select(PieSlice).where(PieSlice.pie_id == pie.id)).all()
        assert sum(s.amount_minor for s in slices) == 9_000_000
        assert sum(s.progress_minor for s in slices) == 9_000_000
        assert all(s.note == "" for s in slices if s.person_id == raj)
        summary = flatten_text(build_close_summary(pie_view(session=session, pie=pie), viewer=MIA.user_id)[1])
        assert FORMER_MEMBER in summary and RAJ.user_id not in summary
        texts = sorted(s.text for s in session.scalars(select(Shoutout)))
        assert texts == sorted([f"{FORMER_MEMBER} booked three demos", f"<@{LEE.user_id}> closed Globex"])
        # The pilot Raj started stays, credited to a former member, not to a broken mention.
        card = flatten_text(build_card(facts_of(session.scalars(select(Pilot)).one())))
        assert FORMER_MEMBER in card and "forgotten:" not in card
        (audit,) = session.scalars(select(PrivacyAudit)).all()
        assert (audit.actor, audit.action, audit.subject) == (RAJ.user_id, "forget", RAJ.user_id)
        assert NOTE not in audit.detail

    notes = running.fake.wait_for("chat.postMessage", channel=MIA.user_id)
    assert len(notes) == 1
    line = str(notes[0].params["text"])
    assert f"<@{RAJ.user_id}>" in line and "Closers" in line and NOTE not in line and "\n" not in line
    assert not running.fake.messages_to(OMAR.user_id)

    # A second confirmation (a double click, a retried request) is harmless.
    def note_recorded() -> bool:
        with factory() as session:
            return (
                session.scalar(select(Delivery.status).where(Delivery.kind == kinds.PRIVACY_FORGOTTEN))
                == "sent"
            )

    assert eventually(note_recorded), "the managers' note was never recorded as sent"
    before = _snapshot(running)
    again = running.slack.submit_view(view, state_values_from_view(view, TICKED), user=RAJ.user_id)
    assert "nothing left to forget" in flatten_text(again.json()["view"])
    assert _snapshot(running) == before


def test_nobody_can_confirm_someone_elses_forget(running: Running) -> None:
    """Ann submitting Raj's modal gets a field error and nothing changes; typing a name is refused."""
    seed_history(running)
    view = _open_modal(running, RAJ.user_id)
    before = _snapshot(running)
    reply = running.slack.submit_view(view, state_values_from_view(view, TICKED), user=ANN.user_id)
    assert "belongs to someone else" in reply.json()["errors"][PrivacyInput.CONFIRM_BLOCK]
    other = running.slack.stretch(f"forget <@{RAJ.user_id}|raj>", user=MIA.user_id)
    assert "nobody can make Stretch forget someone else" in other.text
    unticked = running.slack.submit_view(view, state_values_from_view(view), user=RAJ.user_id)
    assert "Tick the box" in str(unticked.json().get("errors"))
    assert _snapshot(running) == before


def test_a_crash_mid_forget_leaves_nothing_half_deleted(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The forget dies after deleting check-ins (before anonymising): all of it rolls back; a rerun works."""
    history = seed_history(running)
    before = _snapshot(running)

    def crash(*_: Any, **__: Any) -> str:
        raise RuntimeError("power cut")

    monkeypatch.setattr(privacy_service, "scrub_mentions", crash)
    with pytest.raises(RuntimeError), session_scope(running.deps.session_factory) as session:
        person = session.get(Person, history.people[RAJ.user_id])
        assert person is not None
        privacy_service.forget_person(session=session, person=person, actor="operator", now=running.clock())
    assert _snapshot(running) == before

    monkeypatch.undo()
    with session_scope(running.deps.session_factory) as session:
        person = session.get(Person, history.people[RAJ.user_id])
        assert person is not None
        assert privacy_service.forget_person(
            session=session, person=person, actor="operator", now=running.clock()
        )
    with session_scope(running.deps.session_factory) as session:
        person = session.get(Person, history.people[RAJ.user_id])
        assert person is not None
        assert (
            privacy_service.forget_person(
                session=session, person=person, actor="operator", now=running.clock()
            )
            is None
        )

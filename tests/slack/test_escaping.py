"""Text people type shows as they typed it: stored unescaped whether it came typed (Slack escapes & < >)
or from a modal (raw), and escaped exactly once where it enters mrkdwn, never in plain_text."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.models import Pie, PieSlice, Shoutout
from tests.conftest import Running
from tests.pie.helpers import opened_view, pie, team
from tests.slackclient import state_values_from_view

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TYPED = "M&A <Acme> upsell *big* _fast_ ~maybe~ `v2`"
# What Slack sends for TYPED in a slash command's text: &, < and > escaped.
AS_SLACK_SENDS = TYPED.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
IN_MRKDWN = "M&amp;A &lt;Acme&gt; upsell *big* _fast_ ~maybe~ `v2`"


def _note(running: Running) -> str | None:
    with running.deps.session_factory() as session:
        return session.scalar(select(PieSlice.note).where(PieSlice.amount_minor > 0))


def _baked(running: Running, title: str = "Q4 push") -> None:
    running.clock.set(NOW)
    team(running, now=NOW)
    assert "is baked" in pie(running, f"new 100k {title}", user="U0MIA").text


def test_a_typed_claim_note_is_stored_as_typed_and_shown_escaped_once(running: Running) -> None:
    """`/claim-pie 20k M&A <Acme> upsell …`: the note is stored unescaped; the card shows it right."""
    _baked(running)
    pie(running, f"20k {AS_SLACK_SENDS}", user="U0REP1")
    assert _note(running) == TYPED
    card = pie(running, user="U0REP2").text
    assert f"_{IN_MRKDWN}_" in card
    assert "&amp;amp;" not in card and "<Acme>" not in card


def test_a_claim_note_from_the_modal_is_stored_raw_and_shown_escaped_once(running: Running) -> None:
    """The claim modal's note arrives raw: stored as typed, the card shows `M&A <Acme> upsell`."""
    _baked(running)
    with running.deps.session_factory() as session:
        team_id = session.scalar(select(Pie.team_id))
    running.slack.action("pie_claim", user="U0REP1", value=str(team_id))
    view = opened_view(running, 1)
    values = state_values_from_view(view, {"pie_amount": {"value": "35k"}, "pie_note": {"value": TYPED}})
    done = running.slack.submit_view(view, values, user="U0REP1")
    assert done.status == 200
    assert _note(running) == TYPED
    card = pie(running, user="U0REP2").text
    assert f"_{IN_MRKDWN}_" in card and "<Acme>" not in card
    # Opening the modal again pre-fills the note as typed (plain_text input: nothing escaped).
    running.slack.action("pie_change", user="U0REP1", value=str(team_id))
    again = opened_view(running, 2)
    note_input = next(b for b in again["blocks"] if b.get("block_id") == "pie_note")
    assert note_input["element"]["initial_value"] == TYPED


def test_a_typed_pie_title_is_plain_in_the_header_and_escaped_in_mrkdwn(running: Running) -> None:
    """A title with & < > is stored as typed, shown raw in the plain_text header and escaped in mrkdwn."""
    running.clock.set(NOW)
    team(running, now=NOW)
    baked = pie(running, "new 100k M&amp;A &lt;Q4&gt;", user="U0MIA").body
    with running.deps.session_factory() as session:
        assert session.scalar(select(Pie.title)) == "M&A <Q4>"
    header = next(b for b in baked["blocks"] if b["type"] == "header")
    assert header["text"]["text"] == "Closers · M&A <Q4>"
    sections = " ".join(b["text"]["text"] for b in baked["blocks"] if b["type"] == "section")
    assert "*M&amp;A &lt;Q4&gt;* is baked" in sections and "<Q4>" not in sections


def test_a_typed_shout_out_keeps_its_mentions_and_escapes_the_rest_once(running: Running) -> None:
    """`/shoutout @ann M&A <Acme> …`: the mention stays a mention, the rest shows as typed."""
    team(running, now=NOW)
    running.clock.set(NOW)
    reply = running.slack.command(
        "/shoutout", f"<@U0REP2|ann> {AS_SLACK_SENDS}", user="U0REP1", channel="C0TEAM"
    )
    assert reply.status == 200
    post = running.fake.messages_to("C0TEAM")[0]
    text = " ".join(b["text"]["text"] for b in post.json_param("blocks") if b["type"] == "section")
    assert "<@U0REP2>" in text and IN_MRKDWN in text and "<Acme>" not in text
    with running.deps.session_factory() as session:
        assert session.scalar(select(Shoutout.text)) == TYPED

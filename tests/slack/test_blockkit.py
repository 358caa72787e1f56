"""Block Kit Slack takes, whatever the inputs: the fake Web API refuses what Slack refuses, and the
builders that list people's text stay within every limit for large and odd inputs (property tests)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.questions import parse_options
from bot.services.checkins.answering import CheckinView
from bot.services.checkins.questions import QuestionView
from bot.services.huddles.recaps import Recap
from bot.services.pie_reads import PieView, SliceLine
from bot.slack.blocks.checkins import build_checkin_message
from bot.slack.blocks.common import clip, escape, fit_lines, section
from bot.slack.blocks.help import build_team_picker
from bot.slack.blocks.huddles import build_recap
from bot.slack.blocks.pie import build_close_summary, build_pie_card
from bot.slack.payloads import picker_value, read_picker_value
from tests.blockkit import problems, view_problems
from tests.fakeslack import FakeSlack

# Text as people type it: emoji, markup characters, mentions-looking text, long runs.
NASTY = st.lists(
    st.sampled_from([*"abc xyz_*~`&<>@#|!:😀🍕é", "<@U123>", "&amp;", "M&A <Acme>"]), max_size=200
).map("".join)


def _view(slices: list[SliceLine], *, title: str = "Q4 push", team_name: str = "Closers") -> PieView:
    return PieView(
        pie_id=1,
        team_id=1,
        team_name=team_name,
        channel_id="C0TEAM",
        tz="America/New_York",
        title=title,
        currency="USD",
        target=10_000_000,
        claimed=sum(s.amount for s in slices),
        progress=0,
        allow_overclaim=False,
        claim_deadline=datetime(2026, 11, 30, 5, 0, tzinfo=UTC),
        claim_by=date(2026, 11, 30),
        period_end=date(2026, 12, 31),
        status="open",
        reps=len(slices),
        claimers=len(slices),
        slices=tuple(slices),
        unclaimed_user_ids=(),
    )


def _slices(notes: list[str]) -> list[SliceLine]:
    return [SliceLine(i, f"U{i:08d}", f"Rep {i}", 100_000 + i, 0, note) for i, note in enumerate(notes, 1)]


# --- the fake Web API refuses what Slack refuses -------------------------------------------------------


def test_the_fake_web_api_answers_invalid_blocks_like_slack() -> None:
    """Duplicate action ids in a block, duplicate block ids and over-long texts are refused and kept in
    `refused`; a valid message is posted."""
    fake = FakeSlack().start()
    try:
        client = WebClient(token="xoxb-test", base_url=fake.url)
        button = {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "action_id": "same"}
        bad = [
            {"type": "actions", "elements": [button, dict(button)]},
            {"type": "section", "block_id": "b", "text": {"type": "mrkdwn", "text": "x" * 3001}},
            {"type": "section", "block_id": "b", "text": {"type": "mrkdwn", "text": "ok"}},
        ]
        with pytest.raises(SlackApiError) as refused:
            client.chat_postMessage(channel="C1", text="t", blocks=bad)
        assert refused.value.response["error"] == "invalid_blocks"
        faults = fake.refused[0][1]
        assert any("duplicate action_id 'same'" in f for f in faults)
        assert any("duplicate block_id 'b'" in f for f in faults)
        assert any("3001 characters" in f for f in faults)
        with pytest.raises(SlackApiError):
            client.views_open(
                trigger_id="t",
                view={
                    "type": "modal",
                    "title": {"type": "plain_text", "text": "A title far over 24 chars"},
                    "blocks": [],
                },
            )
        fake.refused.clear()
        client.chat_postMessage(channel="C1", text="t", blocks=[section("fine")])
        assert fake.posted("C1")
    finally:
        fake.stop()


@pytest.mark.parametrize(
    ("blocks", "fault"),
    [
        ([section("x")] * 0 + [{"type": "divider"}] * 51, "51 blocks"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "151 characters"),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": "b"},
                            "action_id": "a",
                            "value": "v" * 2001,
                        }
                    ],
                }
            ],
            "button value of 2001",
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {"type": "button", "text": {"type": "plain_text", "text": "b" * 76}, "action_id": "a"}
                    ],
                }
            ],
            "76 characters",
        ),
        ([{"type": "section", "block_id": "i" * 256, "text": {"type": "mrkdwn", "text": "x"}}], "id of 256"),
        ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 11}], "11 context elements"),
        ([{"type": "section", "text": {"type": "mrkdwn", "text": ""}}], "empty text"),
    ],
)
def test_the_validator_knows_slacks_limits(blocks: list[dict[str, object]], fault: str) -> None:
    """Each of Slack's limits is a fault the validator names."""
    assert any(fault in f for f in problems(blocks)), problems(blocks)


def test_the_validator_knows_modal_limits() -> None:
    """Modal title/submit/close 24, private_metadata 3000, 100 blocks."""
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "t"},
        "close": {"type": "plain_text", "text": "c" * 25},
        "private_metadata": "m" * 3001,
        "blocks": [{"type": "divider"}] * 101,
    }
    faults = "\n".join(view_problems(view))
    assert "view.close" in faults and "private_metadata" in faults and "101 blocks" in faults


# --- the builders named in the issue ----------------------------------------------------------------


def test_thirty_slices_with_long_notes_keep_whole_lines_and_say_how_many_more() -> None:
    """30 slices with 200-character notes: the card is valid, no line is cut, the rest is counted."""
    note = "Acme <Corp> & _partners_ renewal " * 6
    blocks = build_pie_card(_view(_slices([note[:200]] * 30)), viewer="U1", is_manager=False)
    assert problems(blocks) == []
    slices_text = next(
        b["text"]["text"] for b in blocks if b["type"] == "section" and "*Slices*" in b["text"]["text"]
    )
    lines = slices_text.split("\n")
    assert lines[-1].startswith("…and ") and lines[-1].endswith(" more")
    shown = len(lines) - 2
    assert lines[-1] == f"…and {30 - shown} more"
    for line in lines[1:-1]:
        assert line.count("_") % 2 == 0 and line.count("<") == line.count(">")


def test_ten_long_stuck_notes_in_a_recap_stay_valid_and_counted() -> None:
    """Ten 400-character stuck notes and more: whole lines, then how many more."""
    recap = Recap(
        team_name="Closers & <Co>",
        channel_id="C0TEAM",
        thread_ts="1.1",
        starts_at=datetime(2026, 11, 23, 15, 0, tzinfo=UTC),
        tz="America/New_York",
        posted=(),
        not_posted=tuple(f"U{i:08d}" for i in range(60)),
        away=(),
        stuck=tuple((f"U{i:08d}", "blocked on <legal> & _procurement_ " * 20) for i in range(14)),
    )
    _, blocks = build_recap(recap)
    assert problems(blocks) == []
    stuck = next(
        b["text"]["text"]
        for b in blocks
        if b["type"] == "section" and "Flagged as stuck" in b["text"]["text"]
    )
    assert stuck.split("\n")[-1].startswith("…and ")
    assert "Closers &amp; &lt;Co&gt;" in blocks[0]["text"]["text"]


def test_check_in_options_differing_only_by_punctuation_get_distinct_ids_and_values() -> None:
    """'Yes' / 'Yes!' / '???' / '!!!' are distinct answers with distinct action ids."""
    options = parse_options("choice", "Yes, Yes!, ???, !!!")
    assert len({value for value, _ in options}) == 4
    question = QuestionView(id=7, key="q", kind="choice", prompt="Ready?", options=options, answer=None)
    view = CheckinView(
        id=1,
        team_name="Closers",
        local_date=date(2026, 11, 23),
        tz="America/New_York",
        status="open",
        closes_at=datetime(2026, 11, 24, tzinfo=UTC),
        submitted=False,
        questions=(question,),
    )
    _, blocks = build_checkin_message(view)
    assert problems(blocks) == []


def test_a_team_picker_for_many_teams_and_a_note_of_emoji_is_valid() -> None:
    """30 teams and a 3,000-character emoji note: unique action ids, values within 2,000 characters that
    still read back as the team and the command."""
    text = "20k " + "😀" * 3000
    teams = [(i, f"Team {i}", picker_value(team_id=i, command="/claim-pie", text=text)) for i in range(1, 31)]
    blocks = build_team_picker(teams, message="You're on 30 teams.")
    assert problems(blocks) == []
    picked = read_picker_value(teams[0][2])
    assert picked is not None and picked.team_id == 1 and picked.text.startswith("20k 😀")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes=st.lists(NASTY, min_size=0, max_size=45), title=NASTY, team_name=NASTY.filter(str.strip))
def test_pie_cards_are_valid_for_any_notes_titles_and_names(
    notes: list[str], title: str, team_name: str
) -> None:
    """The card, the close summary and the picker are valid Block Kit whatever people typed."""
    view = _view(_slices([n[:200] for n in notes]), title=title[:80] or "Pie", team_name=team_name[:80])
    assert problems(build_pie_card(view, viewer="U00000001", is_manager=False)) == []
    assert problems(build_pie_card(view, viewer="U00000001", is_manager=True)) == []
    _, summary = build_close_summary(view, viewer="U00000001")
    assert problems(summary) == []


@settings(max_examples=80, deadline=None)
@given(text=NASTY, limit=st.integers(min_value=5, max_value=300))
def test_clip_never_cuts_inside_a_mention_or_an_entity(text: str, limit: int) -> None:
    """Whatever is cut, no half `<@U…>` or half `&amp;` is left behind."""
    clipped = clip(escape(text) + " <@U12345678>", limit)
    assert len(clipped) <= limit
    assert clipped.count("<") == clipped.count(">")
    assert re.search(r"&(?!amp;|lt;|gt;)", clipped) is None


@settings(max_examples=80, deadline=None)
@given(lines=st.lists(NASTY.map(lambda t: "• " + escape(t)), max_size=60), hidden=st.integers(0, 20))
def test_fit_lines_keeps_whole_lines_and_counts_the_rest(lines: list[str], hidden: int) -> None:
    """The text is within the limit, holds only whole lines, and ends by counting what it left out."""
    text = fit_lines("*Head*", lines, hidden=hidden, more=lambda n: f"…and {n} more")
    assert len(text) <= 3000
    kept = text.split("\n")[1:]
    left_out = hidden + len(lines) - (len(kept) - (1 if kept and kept[-1].startswith("…and ") else 0))
    if left_out:
        assert kept[-1] == f"…and {left_out} more"
    assert json.dumps(text)


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(
        st.sampled_from(["Yes", "Yes!", "yes?", "!!!", "???", "No", "No.", "Maybe…", "😀", "🍕"]),
        min_size=2,
        max_size=6,
        unique_by=str.lower,
    ),
    prompt=NASTY.filter(str.strip),
)
def test_check_in_messages_are_valid_for_any_option_labels(labels: list[str], prompt: str) -> None:
    """Whatever labels a manager picks, each answer button has its own action id and value."""
    options = parse_options("choice", ", ".join(labels))
    question = QuestionView(id=3, key="q", kind="choice", prompt=prompt[:150], options=options, answer=None)
    view = CheckinView(
        id=1,
        team_name="Closers",
        local_date=date(2026, 11, 23),
        tz="America/New_York",
        status="open",
        closes_at=datetime(2026, 11, 24, tzinfo=UTC),
        submitted=False,
        questions=(question,),
    )
    assert problems(build_checkin_message(view)[1]) == []


@settings(max_examples=60, deadline=None)
@given(stuck=st.lists(st.tuples(st.just("U00000001"), NASTY), max_size=30), name=NASTY.filter(str.strip))
def test_recaps_are_valid_for_any_stuck_notes(stuck: list[tuple[str, str]], name: str) -> None:
    """Any number of stuck notes of any text: a valid recap."""
    recap = Recap(
        team_name=name[:80],
        channel_id="C0TEAM",
        thread_ts="1.1",
        starts_at=datetime(2026, 11, 23, 15, 0, tzinfo=UTC),
        tz="America/New_York",
        posted=(("U00000002", 1),),
        not_posted=tuple(f"U{i:08d}" for i in range(80)),
        away=(),
        stuck=tuple(stuck),
    )
    assert problems(build_recap(recap)[1]) == []

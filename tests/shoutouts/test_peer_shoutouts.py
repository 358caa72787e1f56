"""`/shoutout` over signed HTTP: the channel post, the giver's reply, and bad input that changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.models import Shoutout, ShoutoutRecipient
from tests.conftest import Member, Running, seed_team
from tests.slackclient import flatten_text

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 10:00 in New York


@pytest.fixture
def team(running: Running) -> int:
    running.clock.set(NOW)
    return seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[Member("U0MIA", "Mia")],
        reps=[Member("U0RAJ", "Raj"), Member("U0ANN", "Ann", tz="Asia/Tokyo")],
        now=NOW,
    )


def _shoutouts(running: Running) -> int:
    with running.deps.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Shoutout)) or 0


def _channel_posts(running: Running, channel: str = "C0TEAM") -> list[str]:
    return [
        c.params.get("text", "") + "\n" + flatten_text(c.json_param("blocks"))
        for c in running.fake.messages_to(channel)
    ]


def test_a_shoutout_is_posted_in_the_team_channel_from_the_giver(running: Running, team: int) -> None:
    reply = running.slack.command(
        "/shoutout", "<@U0RAJ|raj> called the CFO he'd been avoiding for weeks", user="U0ANN"
    )
    assert reply.status == 200
    assert reply.json()["response_type"] == "ephemeral"
    assert "Posted your shout-out for <@U0RAJ> in <#C0TEAM>" in reply.text
    assert "4 more today" in reply.text
    [post] = _channel_posts(running)
    assert "Shout-out for <@U0RAJ>" in post
    assert "called the CFO he'd been avoiding for weeks" in post
    assert "From <@U0ANN>" in post
    with running.deps.session_factory() as session:
        shoutout = session.scalar(select(Shoutout))
        assert shoutout is not None and shoutout.channel_id == "C0TEAM" and shoutout.message_ts
        assert [r.in_team for r in shoutout.recipients] == [True]


def test_several_people_yourself_and_an_outsider_in_one_shoutout(running: Running, team: int) -> None:
    """Several mentions are celebrated together; the giver is left out and an outsider is noted."""
    running.fake.add_user("U0OLLY", "Olly from Marketing")
    reply = running.slack.command(
        "/shoutout",
        "<@U0ANN|ann>, <@U0RAJ|raj> and <@U0OLLY|olly> <@U0RAJ> rebuilt the demo overnight",
        user="U0ANN",
    )
    assert "I left you out" in reply.text
    assert "<@U0OLLY> isn't on *Closers*" in reply.text and "posted it anyway" in reply.text
    [post] = _channel_posts(running)
    assert "Shout-out for <@U0RAJ> and <@U0OLLY>" in post
    assert ":raised_hands: *Shout-out for <@U0RAJ> and <@U0OLLY>!*" in post
    with running.deps.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ShoutoutRecipient)) == 2
        flags = sorted(session.scalars(select(ShoutoutRecipient.in_team)))
    assert flags == [False, True]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Who's the shout-out for?"),
        ("thanks all", "Who's the shout-out for?"),
        ("@raj great call", "Pick the person from the @-mention list"),
        ("<@U0RAJ|raj>", "Say what they stretched for"),
        ("<@U0GHOST|ghost> cold-called a whale", "I can't find <@U0GHOST> in this workspace"),
        ("<@U0BOT|helper> closed the loop", "is a bot"),
        ("<@U0RAJ|raj> " + "a" * 5000, "at most 500"),
        ("<@U0ANN|ann> I pushed myself hard", "celebrating someone else"),
    ],
)
def test_bad_input_gets_a_clear_reply_and_nothing_is_posted(
    running: Running, team: int, text: str, says: str
) -> None:
    running.fake.add_user("U0BOT", "Helper", is_bot=True)
    reply = running.slack.command("/shoutout", text, user="U0ANN")
    assert reply.status == 200
    assert reply.json()["response_type"] == "ephemeral"
    assert says in reply.text
    assert _channel_posts(running) == []
    assert _shoutouts(running) == 0


def test_the_sixth_shoutout_of_the_day_is_refused(running: Running, team: int) -> None:
    for n in range(5):
        running.clock.set(NOW + timedelta(minutes=n))
        reply = running.slack.command("/shoutout", f"<@U0RAJ|raj> tried opener number {n}", user="U0MIA")
        assert "Posted your shout-out" in reply.text
    assert "last one for today" in reply.text
    sixth = running.slack.command("/shoutout", "<@U0RAJ|raj> one more swing", user="U0MIA")
    assert "5 shout-outs today" in sixth.text and "midnight your time" in sixth.text
    assert len(_channel_posts(running)) == 5
    assert _shoutouts(running) == 5
    # After the giver's midnight (05:00 UTC for New York) they can give again.
    running.clock.set(datetime(2026, 11, 25, 5, 1, tzinfo=UTC))
    assert "Posted" in running.slack.command("/shoutout", "<@U0RAJ|raj> new day", user="U0MIA").text


def test_someone_on_no_team_is_told_how_to_join(running: Running, team: int) -> None:
    running.fake.add_user("U0NEW", "Newbie")
    reply = running.slack.command("/shoutout", "<@U0RAJ|raj> helped me onboard", user="U0NEW")
    assert "not on a Stretch team yet" in reply.text
    assert _channel_posts(running) == [] and _shoutouts(running) == 0


def test_someone_on_two_teams_outside_both_channels_is_asked_where(running: Running, team: int) -> None:
    seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        name="Hunters",
        channel="C0HUNT",
        managers=[Member("U0MAX", "Max")],
        reps=[Member("U0ANN", "Ann", tz="Asia/Tokyo")],
        now=NOW,
    )
    reply = running.slack.command("/shoutout", "<@U0RAJ|raj> a big swing", user="U0ANN", channel="D0ANN")
    assert "<#C0TEAM>" in reply.text and "<#C0HUNT>" in reply.text
    assert _shoutouts(running) == 0
    # In one of the channels, that team is meant.
    reply = running.slack.command("/shoutout", "<@U0MAX|max> a big swing", user="U0ANN", channel="C0HUNT")
    assert "in <#C0HUNT>" in reply.text
    assert len(_channel_posts(running, "C0HUNT")) == 1


def test_when_slack_refuses_the_channel_post_nothing_is_recorded(running: Running, team: int) -> None:
    running.fake.fail("chat.postMessage", status=200, error="is_archived")
    reply = running.slack.command("/shoutout", "<@U0RAJ|raj> cold-called a new vertical", user="U0ANN")
    assert "archived" in reply.text and "Nothing was posted" in reply.text
    assert _shoutouts(running) == 0

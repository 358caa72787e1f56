"""The welcome DM and the times channel posts name (shown in each reader's own zone)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.slack.blocks.attention import WelcomeFacts, build_welcome, slack_date
from bot.slack.blocks.huddles import _when
from tests.huddles.test_card_and_setup import _card


def test_the_welcome_says_when_who_sees_what_how_to_pause_and_where_the_data_is() -> None:
    text, blocks = build_welcome(
        WelcomeFacts(
            team_name="R&D <sales>", days="Mon, Wed, Fri", at="09:30", tz="Asia/Kolkata", managers=("U0MIA",)
        )
    )
    body = str(blocks)
    assert "Welcome to Stretch" in text
    assert "Mon, Wed, Fri at 09:30, your time (Asia/Kolkata)" in body
    assert "<@U0MIA> only" in body and "the whole team" in body
    assert "/stretch away" in body and "Home" in body
    assert "R&amp;D &lt;sales&gt;" in body and "<sales>" not in body


def test_a_channel_post_names_a_time_with_slack_date_formatting() -> None:
    moment = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    assert slack_date(moment, "Mon 30 Nov, 10:00 (America/New_York)") == (
        "<!date^1796050800^{date_short_pretty} {time}|Mon 30 Nov, 10:00 (America/New_York)>"
    )
    assert _when(_card(pilots=0, shoutouts=0, answers=3)).startswith("<!date^")

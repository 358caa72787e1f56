"""A huddle whose thread Stretch could not read (it isn't in the channel) is never counted as silence:
not in the managers' recap, not in the quiet-in-huddles signal."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk import WebClient
from sqlalchemy import select

from bot.db import session_scope
from bot.models import Delivery, Huddle, QuietAlert
from bot.services.huddles.signals import huddle_quiet_signals
from tests.conftest import Running
from tests.huddles.conftest import CHANNEL, FIRST_HUDDLE, MANAGER, counts, latest_huddle, reply, tick_at
from tests.slackclient import flatten_text
from tests.waiting import eventually


def test_huddles_stretch_could_not_read_are_never_silence(
    running: Running, team_id: int, slack_client: WebClient
) -> None:
    """Ana posts in the first four huddles; then Stretch is removed from the channel. Its cards still go
    out (chat:write.public) but no reply reaches it: the recaps say the thread couldn't be read, nobody
    is listed as not posting, and no quiet-in-huddles signal or alert is raised for Ana."""
    days = [0, 2, 4, 7, 9, 11, 14]
    for number, offset in enumerate(days):
        start = FIRST_HUDDLE + timedelta(days=offset)
        if number == 4:
            running.fake.add_channel(CHANNEL, private=False, member=False)
        tick_at(running, slack_client, start - timedelta(minutes=30))
        huddle = latest_huddle(running)
        assert huddle.message_ts
        if number < 4:
            posters = ["U0BEN", "U0ANA"]
            for i, user in enumerate(posters):
                reply(running, user, huddle.message_ts, f"{huddle.message_ts[:-4]}{i + 2:04d}")
            eventually(lambda h=huddle, p=posters: set(counts(running, h.id)) == set(p))
        for hours in (2, 30):
            tick_at(running, slack_client, start + timedelta(hours=hours))
            with session_scope(running.deps.session_factory) as session:
                assert huddle_quiet_signals(session=session, now=start + timedelta(hours=hours)) == []

    with session_scope(running.deps.session_factory) as session:
        readable = [h.thread_readable for h in session.scalars(select(Huddle).order_by(Huddle.starts_at))]
        assert readable == [True] * 4 + [False] * 3
        # (New-rep signals about unanswered check-ins may fire; none is about huddles.)
        assert session.scalars(select(QuietAlert).where(QuietAlert.signal == "huddle_quiet")).all() == []
        recaps = session.scalars(
            select(Delivery).where(Delivery.kind == "huddle_recap", Delivery.channel == MANAGER)
        ).all()
        assert len(recaps) == 7 and all(r.status == "sent" for r in recaps)
    recap_texts = [
        flatten_text(c.json_param("blocks"))
        for c in running.fake.messages_to(MANAGER)
        if "huddle" in str(c.params.get("text", ""))
    ]
    unreadable = [t for t in recap_texts if "couldn't read the thread" in t]
    assert len(unreadable) == 3
    assert all("Didn't post" not in t and "/invite @Stretch" in t for t in unreadable)
    assert sum("Didn't post" in t for t in recap_texts) == 4

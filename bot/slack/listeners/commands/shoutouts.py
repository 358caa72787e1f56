"""`/shoutout @person what they stretched for`: a peer's shout-out, posted in the team channel at once."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.shoutouts import DAILY_LIMIT, MAX_REASON
from bot.models.shoutouts import SOURCE_PEER
from bot.services.shoutouts.giving import plan_peer_shoutout, record_shoutout
from bot.slack.blocks.help import HelpEntry
from bot.slack.blocks.shoutouts import build_peer_shoutout, build_shoutout_sent
from bot.slack.deps import Deps
from bot.slack.directory import fetcher_for
from bot.slack.guard import guarded
from bot.slack.ids import Command
from bot.slack.payloads import asked_of, command_request
from bot.slack.posting import post_in_channel

# The lines of `/shoutout` on the usage card.
HELP = (
    HelpEntry(
        "/shoutout @person what they stretched for",
        f"Celebrate a teammate's swing in the team channel (several @people allowed; up to {DAILY_LIMIT} "
        f"a day, {MAX_REASON} characters).",
        "Shout-outs",
    ),
)


def register(app: App, deps: Deps) -> None:
    """Register `/shoutout`."""

    @guarded("command")
    def shoutout_command(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        req = command_request(body)
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            plan = plan_peer_shoutout(
                session=session,
                asked=asked_of(req),
                text=req.typed,
                fetch=fetcher_for(client),
                now=now,
            )
        text, blocks = build_peer_shoutout(
            giver_user_id=plan.giver_user_id,
            recipient_ids=tuple(r.user_id for r in plan.recipients),
            reason=plan.reason,
        )
        # Posted between two transactions: no database lock is held while Slack answers.
        ts = post_in_channel(client, channel_id=plan.channel_id, text=text, blocks=blocks)
        with session_scope(deps.session_factory) as session:
            record_shoutout(
                session=session,
                team_id=plan.team_id,
                giver_person_id=plan.giver_person_id,
                source=SOURCE_PEER,
                text=plan.reason,  # what the giver typed; the card around it is rebuilt when shown
                channel_id=plan.channel_id,
                message_ts=ts,
                recipients=plan.recipients,
                now=now,
            )
        ack(**build_shoutout_sent(plan))

    app.command(Command.SHOUTOUT)(shoutout_command)

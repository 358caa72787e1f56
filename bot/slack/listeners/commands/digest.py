"""`/stretch digest`: a manager's weekly digest, now; and the manager's App Home dashboard section."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot import kinds
from bot.db import session_scope
from bot.deliveries import enqueue
from bot.domain.errors import UserError
from bot.jobs.outbox import send_now
from bot.models import ROLE_MANAGER
from bot.services.digest import digest_teams, gather_digest
from bot.services.people import find_person, get_or_create_workspace
from bot.slack.blocks.common import Block, ephemeral
from bot.slack.blocks.digest import build_dashboard
from bot.slack.blocks.help import HelpEntry
from bot.slack.deps import Deps
from bot.slack.home import HomeContext, publish_home
from bot.slack.listeners.commands.registry import Subcommand
from bot.slack.listeners.common import without_rate_limit_waits
from bot.slack.payloads import CommandRequest

logger = logging.getLogger(__name__)

GROUP = "Managers"
# A manager of many teams sees the first ones in full and the rest as one line each (Home's 100 blocks).
FULL_DASHBOARDS = 2


@dataclass(frozen=True)
class SendResult:
    """The teams whose digest went out now, and those Slack made wait (the outbox sends them soon)."""

    sent: tuple[str, ...]
    later: tuple[str, ...]

    @property
    def reply(self) -> str:
        """What to tell the manager."""
        if self.later:
            return (
                f":hourglass_flowing_sand: Slack is busy; your digest for {', '.join(self.later)} "
                "arrives in our DM within a minute."
            )
        return f":inbox_tray: Your digest for *{', '.join(self.sent)}* is in our DM."


def send_digests_now(
    *,
    deps: Deps,
    client: WebClient,
    slack_team_id: str,
    user_id: str,
    channel_id: str | None,
    team_id: int | None = None,
) -> SendResult:
    """Send the asker's digest(s) now through the outbox; which went out and which are queued."""
    now = deps.now()
    keys: list[tuple[str, str]] = []
    with session_scope(deps.session_factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=slack_team_id, now=now)
        teams = digest_teams(
            session=session,
            workspace_id=workspace.id,
            user_id=user_id,
            channel_id=channel_id,
            team_id=team_id,
        )
        person = find_person(session=session, workspace_id=workspace.id, user_id=user_id)
        assert person is not None  # digest_teams found them through a membership
        for team in teams:
            # One per minute and team: a double click sends one digest, not two.
            key = kinds.digest_now_key(team_id=team.id, manager_person_id=person.id, now=now)
            enqueue(
                session=session,
                kind=kinds.DIGEST_NOW,
                dedupe_key=key,
                channel=user_id,
                due_at=now,
                team_id=team.id,
                person_id=person.id,
                now=now,
            )
            keys.append((team.name, key))
    quick = without_rate_limit_waits(client)
    sent: list[str] = []
    later: list[str] = []
    for name, key in keys:
        report = send_now(
            session_factory=deps.session_factory,
            client=quick,
            dedupe_key=key,
            now=now,
            kinds=deps.wiring.kinds,
            asked_for=True,
        )
        if report.failed or report.cancelled:
            raise UserError("I couldn't send your digest just now. Please try again in a minute.")
        (sent if report.sent else later).append(name)
    try:
        publish_home(deps=deps, client=client, slack_team_id=slack_team_id, user_id=user_id)
    except Exception:  # the digest matters more than the Home tab
        logger.warning("could not refresh the App Home after a digest", exc_info=True)
    return SendResult(sent=tuple(sent), later=tuple(later))


def digest_now(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any]:
    """Send the manager's digest now; a rep gets a clear refusal."""
    reply = send_digests_now(
        deps=deps,
        client=client,
        slack_team_id=req.slack_team_id,
        user_id=req.user_id,
        channel_id=req.channel,
        team_id=req.team_id,
    )
    return ephemeral(reply.reply)


def dashboard_section(ctx: HomeContext) -> list[Block]:
    """Above everything else, for managers only: each managed team's dashboard."""
    if ctx.person is None:
        return []
    blocks: list[Block] = []
    managed = [t for t in ctx.model.teams if t.role == ROLE_MANAGER]
    for index, team in enumerate(managed):
        data = gather_digest(session=ctx.session, team_id=team.team_id, manager=ctx.person, now=ctx.now)
        blocks.extend(build_dashboard(data, compact=index >= FULL_DASHBOARDS))
    return blocks


# The `/stretch` words this module answers, listed in bot/features.py.
SUBCOMMANDS = (
    Subcommand(
        names=("digest",),
        handler=digest_now,
        help=(
            HelpEntry(
                "/stretch digest",
                "Managers: this week's digest in your DM now (pulse, watchlist, shout-outs, pilots, pie).",
                GROUP,
            ),
        ),
    ),
)

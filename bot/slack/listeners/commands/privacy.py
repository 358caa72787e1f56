"""`/stretch export me|team` and `/stretch forget me`: people take their data, or take it away.

Who may is decided before the ack (a refusal changes nothing); the export itself is built after the
ack on a small pool of its own, streamed into a temporary zip, sent into the asker's DM only, and then
recorded in the privacy audit (counts, never content)."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.errors import UserError
from bot.models.privacy import AUDIT_EXPORT_SELF, AUDIT_EXPORT_TEAM
from bot.services import exports
from bot.services.people import get_or_create_workspace
from bot.services.privacy import person_to_export, record_act, team_names_of, team_to_export
from bot.slack.blocks.common import ephemeral
from bot.slack.blocks.help import HelpEntry
from bot.slack.blocks.privacy import build_forget_modal, escape, export_comment, export_started_text
from bot.slack.deps import Deps
from bot.slack.directory import fetcher_for
from bot.slack.files import send_file_to_dm
from bot.slack.listeners.commands.registry import Subcommand
from bot.slack.payloads import CommandRequest

logger = logging.getLogger(__name__)

# Exports run one at a time after the ack: a big team's export is a few seconds of one core, and two at
# once would only slow every other listener (the machine's other work comes first).
WORKERS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stretch-export")

USAGE = "Try `/stretch export me` (everything Stretch holds about you) or `/stretch export team` (managers)."


def export_command(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any]:
    """`/stretch export me` or `/stretch export team [name]`."""
    what, _, rest = req.args.partition(" ")
    what = what.lower()
    if what == "me" and not rest.strip():
        return _export_me(req, deps, client)
    if what == "team":
        # Slack escapes &, < and > in a command's text; the stored team name is what was typed.
        typed = rest.strip().replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        return _export_team(req, deps, client, typed)
    raise UserError(USAGE)


def _export_me(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any]:
    now = deps.now()
    with session_scope(deps.session_factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=req.slack_team_id, now=now)
        person_id = person_to_export(session=session, workspace=workspace, user_id=req.user_id).id
    WORKERS.submit(_run_export, deps, client, req.user_id, partial(exports.person_zip, person_id=person_id))
    return ephemeral(export_started_text("everything Stretch holds about you"))


def _export_team(req: CommandRequest, deps: Deps, client: WebClient, team_name: str) -> dict[str, Any]:
    now = deps.now()

    def live_admin() -> bool:
        profile = fetcher_for(client)(req.user_id)
        return bool(profile and profile.is_admin)

    with session_scope(deps.session_factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=req.slack_team_id, now=now)
        team = team_to_export(
            session=session,
            workspace=workspace,
            user_id=req.user_id,
            channel_id=None if req.is_dm else req.channel_id,
            team_name=team_name,
            live_admin=live_admin,
        )
        team_id, name = team.id, team.name
    WORKERS.submit(_run_export, deps, client, req.user_id, partial(exports.team_zip, team_id=team_id))
    return ephemeral(export_started_text(f"*{escape(name)}*'s data"))


def _slug(text: str) -> str:
    cleaned = "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
    return "-".join(part for part in cleaned.split("-") if part)[:40] or "data"


def _run_export(
    deps: Deps, client: WebClient, user_id: str, build: Callable[..., exports.Exported | None]
) -> None:
    """Build the zip (a read-only transaction), send it into the asker's DM, then record the act."""
    try:
        now = deps.now()
        with tempfile.TemporaryDirectory(prefix="stretch-export-") as tmp:
            path = Path(tmp) / "export.zip"
            with session_scope(deps.session_factory) as session:
                done = build(session=session, out=path)
            if done is None:
                return
            team = done.notes is not None
            what = f"*{escape(done.name)}*'s data" if team else "everything Stretch holds about you"
            send_file_to_dm(
                client,
                user_id=user_id,
                path=path,
                filename=f"stretch-{_slug(done.name) if team else 'my-data'}-{now:%Y-%m-%d}.zip",
                title=f"{done.name}: Stretch data" if team else "Your Stretch data",
                comment=export_comment(what=what, rows=done.report.total, notes_included=done.notes),
            )
        with session_scope(deps.session_factory) as session:
            record_act(
                session=session,
                actor=user_id,
                action=AUDIT_EXPORT_TEAM if team else AUDIT_EXPORT_SELF,
                subject=done.subject,
                detail=(f"notes={'yes' if done.notes else 'no'} " if team else "") + done.report.summary(),
                now=now,
                workspace_id=done.workspace_id,
            )
    except Exception:
        logger.exception("an export failed")
        _apologise(client, user_id)


def _apologise(client: WebClient, user_id: str) -> None:
    try:
        client.chat_postMessage(
            channel=user_id, text=":warning: Sorry, I couldn't finish your export. Please try again later."
        )
    except Exception:
        logger.exception("could not tell a person their export failed")


def forget_command(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any] | None:
    """`/stretch forget me`: open the confirmation modal (nothing is deleted before its submit)."""
    if req.args.lower() != "me":
        raise UserError(
            "Only `/stretch forget me` works here: nobody can make Stretch forget someone else from Slack."
        )
    now = deps.now()
    with session_scope(deps.session_factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=req.slack_team_id, now=now)
        person = person_to_export(session=session, workspace=workspace, user_id=req.user_id)
        teams = team_names_of(session=session, person_id=person.id)
    client.views_open(trigger_id=req.trigger_id, view=build_forget_modal(user_id=req.user_id, teams=teams))
    return None


# The `/stretch` words this module answers, listed in bot/features.py.
SUBCOMMANDS = (
    Subcommand(
        names=("export",),
        handler=export_command,
        help=(
            HelpEntry("/stretch export me", "Everything Stretch holds about you, as a file in our DM."),
            HelpEntry(
                "/stretch export team [name]",
                "The team's check-ins, pies, pilots and shout-outs as CSV files in a zip (admins: any team).",
                "Managers",
            ),
        ),
    ),
    Subcommand(
        names=("forget",),
        handler=forget_command,
        help=(
            HelpEntry(
                "/stretch forget me", "Delete what Stretch holds about you (you confirm in a window first)."
            ),
        ),
    ),
)

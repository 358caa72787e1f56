"""`/stretch export me|team` and `/stretch forget me`: people take their data, or take it away.

Who may is decided before the ack (a refusal changes nothing); the export itself is built after the
ack on a small pool of its own, streamed into a temporary zip, sent into the asker's DM only, and then
recorded in the privacy audit (counts, never content)."""

from __future__ import annotations

import logging
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import select

from bot.db import session_scope
from bot.domain.errors import UserError
from bot.models import Membership, Person, Team
from bot.models.privacy import AUDIT_EXPORT_SELF, AUDIT_EXPORT_TEAM
from bot.services import exports
from bot.services.people import find_person, get_or_create_workspace
from bot.services.privacy import (
    managers_export_notes,
    person_to_export,
    record_act,
    team_subject,
    team_to_export,
)
from bot.slack.blocks.common import ephemeral
from bot.slack.blocks.help import HelpEntry
from bot.slack.blocks.privacy import build_forget_modal, escape, export_comment, export_started_text
from bot.slack.deps import Deps
from bot.slack.directory import fetcher_for
from bot.slack.files import send_file_to_dm
from bot.slack.listeners.commands.registry import subcommand
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
    WORKERS.submit(_run_export_me, deps, client, req.user_id, person_id)
    return ephemeral(export_started_text("everything Stretch holds about you"))


def _export_team(req: CommandRequest, deps: Deps, client: WebClient, team_name: str) -> dict[str, Any]:
    now = deps.now()
    admin_answer: list[bool] = []

    def is_admin(person: Person | None) -> bool:
        if person is not None and person.is_admin:
            return True
        if not admin_answer:
            # Asked of Slack, not stored: a refused request writes nothing.
            profile = fetcher_for(client)(req.user_id)
            admin_answer.append(bool(profile and profile.is_admin))
        return admin_answer[0]

    with session_scope(deps.session_factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=req.slack_team_id, now=now)
        asker = find_person(session=session, workspace_id=workspace.id, user_id=req.user_id)
        team = team_to_export(
            session=session,
            workspace=workspace,
            user_id=req.user_id,
            channel_id=None if req.is_dm else req.channel_id,
            team_name=team_name,
            is_admin=partial(is_admin, asker),
        )
        team_id, name = team.id, team.name
    WORKERS.submit(_run_export_team, deps, client, req.user_id, team_id)
    return ephemeral(export_started_text(f"*{escape(name)}*'s data"))


def _slug(text: str) -> str:
    cleaned = "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
    return "-".join(part for part in cleaned.split("-") if part)[:40] or "team"


def _run_export_me(deps: Deps, client: WebClient, user_id: str, person_id: int) -> None:
    try:
        now = deps.now()
        with tempfile.TemporaryDirectory(prefix="stretch-export-") as tmp:
            path = Path(tmp) / f"stretch-my-data-{now:%Y-%m-%d}.zip"
            with session_scope(deps.session_factory) as session:
                person = session.get(Person, person_id)
                if person is None:
                    return
                report = exports.export_zip(
                    path, partial(exports.write_person_export, session=session, person=person)
                )
                workspace_id = person.workspace_id
            send_file_to_dm(
                client,
                user_id=user_id,
                path=path,
                filename=path.name,
                title="Your Stretch data",
                comment=export_comment(what="everything Stretch holds about you", rows=report.total),
            )
        with session_scope(deps.session_factory) as session:
            record_act(
                session=session,
                actor=user_id,
                action=AUDIT_EXPORT_SELF,
                subject=user_id,
                detail=report.summary(),
                now=now,
                workspace_id=workspace_id,
            )
    except Exception:
        logger.exception("a personal export failed")
        _apologise(client, user_id)


def _run_export_team(deps: Deps, client: WebClient, user_id: str, team_id: int) -> None:
    try:
        now = deps.now()
        with tempfile.TemporaryDirectory(prefix="stretch-export-") as tmp:
            with session_scope(deps.session_factory) as session:
                team = session.get(Team, team_id)
                if team is None:
                    return
                path = Path(tmp) / f"stretch-{_slug(team.name)}-{now:%Y-%m-%d}.zip"
                notes = managers_export_notes(session=session, team_id=team_id)
                report = exports.export_zip(
                    path,
                    partial(exports.write_team_export, session=session, team=team, include_notes=notes),
                )
                subject, name, workspace_id = team_subject(team), team.name, team.workspace_id
            send_file_to_dm(
                client,
                user_id=user_id,
                path=path,
                filename=path.name,
                title=f"{name}: Stretch data",
                comment=export_comment(
                    what=f"*{escape(name)}*'s data", rows=report.total, notes_included=notes
                ),
            )
        with session_scope(deps.session_factory) as session:
            record_act(
                session=session,
                actor=user_id,
                action=AUDIT_EXPORT_TEAM,
                subject=subject,
                detail=f"notes={'yes' if notes else 'no'} {report.summary()}",
                now=now,
                workspace_id=workspace_id,
            )
    except Exception:
        logger.exception("a team export failed")
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
        if person.slack_user_id.startswith("forgotten:"):
            raise UserError("Stretch holds nothing about you.")
        teams = list(
            session.scalars(
                select(Team.name)
                .join(Membership, Membership.team_id == Team.id)
                .where(Membership.person_id == person.id)
                .order_by(Team.id)
            )
        )
    client.views_open(trigger_id=req.trigger_id, view=build_forget_modal(user_id=req.user_id, teams=teams))
    return None


# --- registration (privacy, issue 20): move into bot/features.py when it lands ------------------------
subcommand(
    "export",
    help_entries=(
        HelpEntry("/stretch export me", "Everything Stretch holds about you, as a file in our DM."),
        HelpEntry(
            "/stretch export team [name]",
            "The team's check-ins, pies, pilots and shout-outs as CSV files in a zip (admins: any team).",
            "Managers",
        ),
    ),
)(export_command)
subcommand(
    "forget",
    help_entries=(
        HelpEntry(
            "/stretch forget me", "Delete what Stretch holds about you (you confirm in a window first)."
        ),
    ),
)(forget_command)
# --- end privacy registration ------------------------------------------------------------------------

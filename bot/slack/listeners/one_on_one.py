"""The 1:1 page's listeners: open it (`/stretch rep @someone`, the dashboard's "1:1", the alert DM's
"Open … page", a rep's own Home), page through check-ins, "1:1 done", and save the managers' note.

Every entry point asks bot.services.one_on_one.access.page_access, so a rep, a manager of another team, an admin
on no team and a stranger all get the same refusal that names nothing about the rep. The page is a modal:
nothing on it is ever posted to a channel.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.shoutouts import parse_mentions
from bot.models import ROLE_MANAGER, ROLE_REP
from bot.services.one_on_one.access import (
    REFUSAL,
    team_reps,
)
from bot.services.one_on_one.visit import PageRequest, visit_page
from bot.slack.blocks.common import Block, button, section
from bot.slack.blocks.help import HelpEntry
from bot.slack.blocks.one_on_one import build_rep_page, read_metadata
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.home import HomeContext
from bot.slack.ids import OneOnOneAction, OneOnOneBlock, OneOnOneView
from bot.slack.listeners.commands.registry import Subcommand
from bot.slack.payloads import CommandRequest, acting_user, action_value, slack_team_id

USAGE = "Name the rep whose 1:1 page you want: `/stretch rep @someone`."


def page_view(*, deps: Deps, request: PageRequest) -> dict[str, Any]:
    """Check who may see the page, record what the manager did (if anything), and build the modal."""
    with session_scope(deps.session_factory) as session:
        return build_rep_page(visit_page(session=session, request=request, now=deps.now()))


def _team_and_rep(value: str) -> tuple[int | None, int | None]:
    team, _, rep = value.partition(":")
    return (int(team) if team.isdigit() else None, int(rep) if rep.isdigit() else None)


def open_rep_page(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any] | None:
    """`/stretch rep @someone`: the rep's page as a modal, for a manager of their team only."""
    mentioned = parse_mentions(req.args)
    if len(mentioned) != 1:
        raise UserError(USAGE)
    view = page_view(deps=deps, request=PageRequest(req.slack_team_id, req.user_id, rep_user_id=mentioned[0]))
    client.views_open(trigger_id=req.trigger_id, view=view)
    return None


def own_page_section(ctx: HomeContext) -> list[Block]:
    """A rep's Home: the button to their own 1:1 page."""
    if ctx.person is None or not any(t.role == ROLE_REP for t in ctx.model.teams):
        return []
    return [
        section(
            "*Your 1:1 page*\nYour check-ins, zones, slices, pilots and shout-outs in one place: what "
            "your managers look at before a 1:1 with you.",
            accessory=button("Open my page", OneOnOneAction.OPEN_OWN),
        )
    ]


MANAGED_TEAMS_SHOWN = 2
REPS_SHOWN = 8


def rep_buttons(team_name: str, reps: list[tuple[int, str, str]], *, team_id: int) -> list[Block]:
    """The dashboard's "1:1" button beside each rep of one team (the first eight; the command reaches all)."""
    if not reps:
        return []
    blocks: list[Block] = [
        section(f"*1:1 pages · {team_name}*\nOnly the team's managers can open them; the rep sees their own.")
    ]
    for person_id, user_id, _name in reps[:REPS_SHOWN]:
        blocks.append(
            section(
                f"<@{user_id}>",
                accessory=button("1:1", OneOnOneAction.OPEN, value=f"{team_id}:{person_id}"),
            )
        )
    if len(reps) > REPS_SHOWN:
        blocks.append(section(f"and {len(reps) - REPS_SHOWN} more: `/stretch rep @someone`"))
    return blocks


def dashboard_reps_section(ctx: HomeContext) -> list[Block]:
    """Right under the managers' dashboards: a "1:1" button beside each rep of the teams they manage."""
    if ctx.person is None:
        return []
    blocks: list[Block] = []
    managed = [t for t in ctx.model.teams if t.role == ROLE_MANAGER][:MANAGED_TEAMS_SHOWN]
    for team in managed:
        reps = [r for r in team_reps(session=ctx.session, team_id=team.team_id) if r[0] != ctx.person.id]
        blocks += rep_buttons(team.name, reps, team_id=team.team_id)
    return blocks


def register(app: App, deps: Deps) -> None:
    """Register the page's buttons and its modal."""

    @guarded("action")
    def open_page(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        team_id, rep_id = _team_and_rep(action_value(body))
        if team_id is None or rep_id is None:
            raise NotAllowedError(REFUSAL)
        request = PageRequest(slack_team_id(body), acting_user(body), rep_person_id=rep_id, team_id=team_id)
        view = page_view(deps=deps, request=request)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @guarded("action")
    def open_own(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        user = acting_user(body)
        view = page_view(deps=deps, request=PageRequest(slack_team_id(body), user, rep_user_id=user))
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def _in_page(body: dict[str, Any], **changes: Any) -> dict[str, Any]:
        team_id, rep_id, before = read_metadata((body.get("view") or {}).get("private_metadata"))
        if team_id is None or rep_id is None:
            raise NotAllowedError(REFUSAL)
        changes.setdefault("before", before)
        request = PageRequest(
            slack_team_id(body), acting_user(body), rep_person_id=rep_id, team_id=team_id, **changes
        )
        return page_view(deps=deps, request=request)

    def _update(client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
        current = body.get("view") or {}
        client.views_update(view_id=current.get("id"), hash=current.get("hash"), view=view)

    @guarded("action")
    def page_through(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        value = action_value(body)
        try:
            before = date.fromisoformat(value) if value and value != "latest" else None
        except ValueError:
            before = None
        _update(client, body, _in_page(body, before=before))

    @guarded("action")
    def done(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        ack()
        _update(client, body, _in_page(body, before=None, mark_done=True))

    @guarded("view")
    def save_note(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        values = (body.get("view") or {}).get("state", {}).get("values", {})
        typed = (values.get(OneOnOneBlock.NOTE, {}).get(OneOnOneBlock.NOTE_INPUT) or {}).get("value")
        _in_page(body, before=None, note=typed or "")
        ack()

    app.action(OneOnOneAction.OPEN)(open_page)
    app.action(OneOnOneAction.OPEN_OWN)(open_own)
    app.action(OneOnOneAction.OLDER)(page_through)
    app.action(OneOnOneAction.NEWER)(page_through)
    app.action(OneOnOneAction.DONE)(done)
    app.view(OneOnOneView.PAGE)(save_note)


SUBCOMMANDS = (
    Subcommand(
        ("rep",),
        open_rep_page,
        help=(
            HelpEntry(
                "/stretch rep @someone",
                "Managers: open a rep's 1:1 page (check-ins and notes, zones, slices, pilots, alerts, "
                "and what changed since your last 1:1).",
                "Managers",
            ),
        ),
    ),
)

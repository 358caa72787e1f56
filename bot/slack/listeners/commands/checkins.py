"""`/stretch checkin`, `away`, `back`, `skip`, `unskip` and `questions`, and the App Home pulse section."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.checkins import parse_iso_date
from bot.domain.errors import UserError
from bot.domain.text import escape
from bot.jobs.outbox import send_now
from bot.services.checkins import availability
from bot.services.checkins.answering import checkin_view
from bot.services.checkins.on_demand import checkin_on_demand, mark_posted
from bot.services.checkins.pulse import pulse_of
from bot.services.people import get_or_create_workspace
from bot.slack.blocks.checkins import build_checkin_message, build_pulse_section
from bot.slack.blocks.common import ephemeral
from bot.slack.blocks.help import HelpEntry
from bot.slack.deps import Deps
from bot.slack.home import HomeContext, publish_home
from bot.slack.listeners.checkin_questions import questions_modal
from bot.slack.listeners.commands.registry import Subcommand
from bot.slack.listeners.common import command_team, without_rate_limit_waits
from bot.slack.payloads import CommandRequest

GROUP = "Check-ins"


def checkin_now(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any]:
    """Send (or re-send) the current check-in to the rep's DM."""
    now = deps.now()
    with session_scope(deps.session_factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=req.slack_team_id, now=now)
        found = checkin_on_demand(
            session=session,
            workspace=workspace,
            user_id=req.user_id,
            channel_id=req.channel,
            now=now,
            team_id=req.team_id,
        )
    if not found.already_sent:
        report = send_now(
            session_factory=deps.session_factory,
            client=without_rate_limit_waits(client),
            dedupe_key=found.delivery_key,
            now=now,
            kinds=deps.wiring.kinds,
            asked_for=True,
        )
        if report.sent:
            return ephemeral(":inbox_tray: Your check-in is waiting in our DM. It takes about 30 seconds.")
        if report.cancelled or report.failed:
            raise UserError("I couldn't send you a check-in just now. Please try again later.")
        return ephemeral(
            ":hourglass_flowing_sand: Slack is busy; your check-in will arrive in our DM within a minute."
        )
    with session_scope(deps.session_factory) as session:
        text, blocks = build_checkin_message(
            checkin_view(session=session, checkin_id=found.checkin_id, now=now)
        )
    posted = client.chat_postMessage(channel=req.user_id, text=text, blocks=blocks)
    with session_scope(deps.session_factory) as session:
        mark_posted(
            session=session,
            checkin_id=found.checkin_id,
            channel=str(posted.get("channel") or req.user_id),
            ts=str(posted.get("ts") or ""),
            now=now,
        )
    return ephemeral(
        ":inbox_tray: I've put your check-in at the bottom of our DM. Your answers so far are kept."
    )


def away(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any]:
    """Mark the person away."""
    now = deps.now()
    with session_scope(deps.session_factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=req.slack_team_id, now=now)
        person = availability.set_away(
            session=session, workspace=workspace, user_id=req.user_id, text=req.args, now=now
        )
        until = person.away_until
    assert until is not None
    publish_home(deps=deps, client=client, slack_team_id=req.slack_team_id, user_id=req.user_id)
    return ephemeral(
        f":palm_tree: You're away until *{until.strftime('%a')} {until.day} {until.strftime('%b %Y')}*: "
        "no check-ins, nudges or alerts about you until then. Back early? `/stretch back`."
    )


def back(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any]:
    """End the person's away span."""
    now = deps.now()
    with session_scope(deps.session_factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=req.slack_team_id, now=now)
        was_away = availability.clear_away(session=session, workspace=workspace, user_id=req.user_id, now=now)
    publish_home(deps=deps, client=client, slack_team_id=req.slack_team_id, user_id=req.user_id)
    if not was_away:
        return ephemeral("You weren't marked away, so nothing changed. Check-ins carry on as usual.")
    return ephemeral(":wave: Welcome back! Your check-ins resume from the next one.")


def skip(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any]:
    """Add a team skip date, or list the upcoming ones."""
    now = deps.now()
    word, _, reason = req.args.partition(" ")
    with session_scope(deps.session_factory) as session:
        team = command_team(session=session, req=req, now=now)
        today = availability.today_of(
            session=session, workspace_id=team.workspace_id, user_id=req.user_id, now=now
        )
        if not word:
            days = availability.upcoming_skip_dates(session=session, team_id=team.id, today=today)
            listed = ", ".join(d.isoformat() for d in days) or "none yet"
            return ephemeral(
                f"*{escape(team.name)}* days off: {listed}. Add one with `/stretch skip 2026-12-25`."
            )
        day = parse_iso_date(word)
        added = availability.add_skip_date(
            session=session, team_id=team.id, day=day, today=today, actor=req.user_id, now=now, reason=reason
        )
        name = team.name
    if not added:
        return ephemeral(f"{day.isoformat()} is already a day off for *{escape(name)}*.")
    return ephemeral(
        f":beach_with_umbrella: {day.isoformat()} is a day off for *{escape(name)}*: no check-ins, nudges or alerts. "
        f"Changed your mind? `/stretch unskip {day.isoformat()}`."
    )


def unskip(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any]:
    """Remove a team skip date."""
    now = deps.now()
    with session_scope(deps.session_factory) as session:
        team = command_team(session=session, req=req, now=now)
        if not req.args:
            raise UserError("Which day? Try `/stretch unskip 2026-12-25`.")
        day = parse_iso_date(req.args.split()[0])
        removed = availability.remove_skip_date(session=session, team_id=team.id, day=day)
        name = team.name
    if not removed:
        return ephemeral(f"{day.isoformat()} wasn't a day off for *{escape(name)}*, so nothing changed.")
    return ephemeral(f"{day.isoformat()} is a normal working day for *{escape(name)}* again.")


def questions(req: CommandRequest, deps: Deps, client: WebClient) -> dict[str, Any] | None:
    """Open the questions modal for the manager's team."""
    now = deps.now()
    with session_scope(deps.session_factory) as session:
        team = command_team(session=session, req=req, now=now)
        view = questions_modal(session=session, team_id=team.id, team_name=team.name, now=now)
    client.views_open(trigger_id=req.trigger_id, view=view)
    return None


def pulse_section(context: HomeContext) -> list[dict[str, Any]]:
    """The rep's pulse in the App Home."""
    if context.person is None:
        return []
    pulse = pulse_of(session=context.session, person=context.person, now=context.now)
    return build_pulse_section(pulse, now=context.now)


# The `/stretch` words this module answers, listed in bot/features.py.
SUBCOMMANDS = (
    Subcommand(
        names=("checkin", "check-in"),
        handler=checkin_now,
        help=(
            HelpEntry(
                "/stretch checkin", "Today's check-in now (answer early), or catch up on the open one.", GROUP
            ),
        ),
    ),
    Subcommand(
        names=("away",),
        handler=away,
        help=(
            HelpEntry(
                "/stretch away until 2026-12-28",
                "Pause check-ins and nudges until a date (inclusive).",
                GROUP,
            ),
            HelpEntry("/stretch away 5d", "Pause them for 5 days from today (or `2w`).", GROUP),
        ),
    ),
    Subcommand(
        names=("back",),
        handler=back,
        help=(HelpEntry("/stretch back", "End your away time; check-ins resume.", GROUP),),
    ),
    Subcommand(
        names=("skip",),
        handler=skip,
        help=(
            HelpEntry(
                "/stretch skip 2026-12-25",
                "A team day off: no check-ins, nudges or alerts that day.",
                "Managers",
            ),
            HelpEntry(
                "/stretch skip",
                "List the team's upcoming days off; `/stretch unskip DATE` removes one.",
                "Managers",
            ),
        ),
    ),
    Subcommand(names=("unskip",), handler=unskip, help=()),
    Subcommand(
        names=("questions",),
        handler=questions,
        help=(
            HelpEntry(
                "/stretch questions",
                "Add, remove, reword or reorder the team's check-in questions.",
                "Managers",
            ),
        ),
    ),
)

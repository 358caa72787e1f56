"""The manager's weekly digest DM and the App Home team dashboard, as pure Block Kit builders."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.digest import MIN_ANSWERED, TeamPulse
from bot.domain.figures import days_left_text, pct
from bot.domain.schedule import format_local
from bot.domain.text import escape, escape_keeping_mentions
from bot.domain.zones import SLACK, SNAP, STRETCH, ZONE_EMOJI
from bot.models.alerts import ALERT_ACKNOWLEDGED, ALERT_SNOOZED
from bot.services.alerts.cards import LIVE_EVIDENCE
from bot.services.charts import ChartFile
from bot.services.digest import DigestData, Draft, PieSummary, PilotLine, WatchItem
from bot.slack.blocks.common import Block, actions, button, context, divider, header, progress_bar, section
from bot.slack.ids import Action, DigestAction, PilotAction, ShoutoutAction

MESSAGE_BLOCK_LIMIT = 50
WATCH_IN_DIGEST = 6
WATCH_ON_HOME = 3
DRAFTS_IN_DIGEST = 5
PILOTS_SHOWN = 6


def _ratio(answered: int, due: int) -> str:
    return f"{answered}/{due}" if due else "none due"


def pulse_lines(pulse: TeamPulse, *, goal_labels: dict[str, str], limiter_labels: dict[str, str]) -> str:
    """The pulse as a few mrkdwn lines; team figures only when at least 3 people answered."""
    if pulse.reps == 0:
        return "No reps on this team yet: add them with `/stretch setup`."
    if pulse.due == 0 and pulse.due_last == 0 and not any(v is not None for v in pulse.weekly_readiness):
        return "No check-ins have been due yet: the first answers will show up here."
    lines = [
        f"Participation: *{_ratio(pulse.answered, pulse.due)}* answered this week "
        f"(last week {_ratio(pulse.answered_last, pulse.due_last)})"
    ]
    if not pulse.shown:
        lines.append(
            f"_{pulse.people_answered} of {pulse.reps} reps answered: team figures appear once at least "
            f"{MIN_ANSWERED} do, so small groups stay anonymous._"
        )
        return "\n".join(lines)
    zones = pulse.zones or {}
    lines.append(
        "Zones: " + " · ".join(f"{ZONE_EMOJI[z]} {z} {zones.get(z, 0)}" for z in (SLACK, STRETCH, SNAP))
    )
    readiness = f"{pulse.readiness:.1f}" if pulse.readiness is not None else "–"
    lines.append(f"Readiness: *{readiness}* avg · last 8 weeks `{pulse.spark}`")
    if pulse.goal_feel:
        ordered = sorted(pulse.goal_feel.items(), key=lambda kv: kv[0])
        lines.append("Goal feels: " + " · ".join(f"{goal_labels.get(v, v)} {n}" for v, n in ordered))
    if pulse.limiters:
        top = [(v, n) for v, n in pulse.limiters if v != "nothing"][:3]
        if top:
            lines.append(
                "Most cited limits: "
                + " · ".join(f"{limiter_labels.get(v, v)} {n} of {pulse.limiter_answers}" for v, n in top)
            )
    return "\n".join(lines)


def _watch_line(item: WatchItem, tz: str) -> str:
    title = item.title or f"{item.name}: {item.signal_label}"
    star = " · strong record" if item.strong_record else ""
    new = " · new to Stretch" if item.is_new else ""
    evidence = (
        " · ".join(item.live)
        if item.signal in LIVE_EVIDENCE and item.live
        else item.evidence + (f" · now: {' · '.join(item.live)}" if item.live else "")
    )
    again = (
        ":rotating_light: *Raised again:* nobody has acknowledged it in 3 working days\n"
        if item.escalated
        else ""
    )
    line = f"{again}*{title}* (<@{item.user_id}>){star}{new}: {evidence or 'no details'}"
    if item.status == ALERT_ACKNOWLEDGED and item.acted_by_user_id:
        line += f"\n:white_check_mark: <@{item.acted_by_user_id}> is checking in"
    elif item.status == ALERT_SNOOZED:
        until = f" until {format_local(item.snoozed_until, tz)}" if item.snoozed_until else ""
        line += f"\n:zzz: snoozed{until}"
    elif item.suggested_step:
        line += f"\n_Try: {item.suggested_step}_"
    return line


def watch_blocks(items: tuple[WatchItem, ...], *, tz: str, limit: int) -> list[Block]:
    """The watchlist: open alerts first, each with who acknowledged it."""
    if not items:
        return [section("*Watchlist*\nNobody has gone quiet. :relieved:")]
    blocks = [section("*Watchlist* (only the team's managers see this)")]
    blocks += [section(_watch_line(item, tz)) for item in items[:limit]]
    if len(items) > limit:
        blocks.append(context(f"and {len(items) - limit} more on your Stretch Home tab."))
    return blocks


def pilot_text(pilots: tuple[PilotLine, ...], *, limit: int = PILOTS_SHOWN) -> str:
    """Active pilots with their day, reviews due, then the week's decisions."""
    if not pilots:
        return "*Pilots*\nNo pilots running. Try one for two weeks: `/stretch pilot`."
    lines = ["*Pilots*"]
    for p in pilots[:limit]:
        if p.status == "active":
            due = " · :ballot_box_with_check: review due" if p.review_due else ""
            lines.append(
                f"• {escape(p.name)}: day {max(p.day, 0)} of {p.length} · {p.participants} in it{due}"
            )
        else:
            lines.append(f"• {escape(p.name)}: decided *{p.status}*")
    if len(pilots) > limit:
        lines.append(f"and {len(pilots) - limit} more: `/stretch pilots`")
    return "\n".join(lines)


def pie_text(pie: PieSummary | None) -> str:
    """The open pie in three lines."""
    if pie is None:
        return "*The pie*\nNo pie open. Bake one with `/claim-pie new 100k`."
    return (
        f"*The pie: {escape(pie.title)}*\n"
        f"Claimed {pie.claimed} of {pie.target} ({pct(pie.claimed_pct)}) · "
        f"progress {pie.progress} `{progress_bar(pie.progress_pct / 100)}` {pct(pie.progress_pct)} · "
        f"{days_left_text(pie.days_left)}\n"
        f"Unclaimed: {pie.left}. {pie.hint}" + (f"\n*Pace:* {pie.pace_line}" if pie.pace_line else "")
    )


def _draft_line(draft: Draft) -> Block:
    """A drafted shout-out with its Post button: who (escaped) and what they stretched for."""
    return section(
        f"*{escape(draft.display_name)}*: {escape_keeping_mentions(draft.summary or 'took a swing')}",
        accessory=button("Post", ShoutoutAction.POST_DRAFT, value=str(draft.moment_id)),
    )


def effort_blocks(data: DigestData) -> list[Block]:
    """Drafted shout-outs with a Post button each, and this month's effort leaders."""
    blocks: list[Block] = [section("*Effort worth celebrating*")]
    blocks += [_draft_line(draft) for draft in data.drafts[:DRAFTS_IN_DIGEST]]
    if len(data.drafts) > DRAFTS_IN_DIGEST:
        blocks.append(context(f"and {len(data.drafts) - DRAFTS_IN_DIGEST} more drafts in your drafts DM."))
    if data.effort:
        leaders = " · ".join(f"{escape(e.display_name)} ({e.swings})" for e in data.effort)
        blocks.append(context(f"Most swings this month: {leaders}"))
    if len(blocks) == 1:
        blocks[0] = section(
            "*Effort worth celebrating*\nNo new stretch moments this week. `/shoutout @someone for …` "
            "when you spot one."
        )
    return blocks


DRAFTS_ON_HOME = 3


def dashboard_drafts(data: DigestData) -> list[Block]:
    """The drafted shout-outs waiting for this manager, with a Post button each (issue 17: the drafts DM
    comes at most once a week, so the dashboard always shows what waits)."""
    if not data.drafts:
        return []
    blocks: list[Block] = [section(f"*Shout-outs waiting* ({len(data.drafts)})")]
    blocks += [_draft_line(draft) for draft in data.drafts[:DRAFTS_ON_HOME]]
    if len(data.drafts) > DRAFTS_ON_HOME:
        blocks.append(context(f"and {len(data.drafts) - DRAFTS_ON_HOME} more in your weekly digest."))
    return blocks


def build_digest(data: DigestData) -> tuple[str, list[Block]]:
    """The weekly digest DM: pulse, watchlist, effort, pilots, pie, balance; at most 50 blocks."""
    text = f"Your weekly Stretch digest for {data.team_name}"
    blocks: list[Block] = [
        header(f"Weekly digest · {data.team_name}"),
        context(
            f"The week to {format_local(data.week_ending, data.tz)} · only the team's managers see this."
        ),
        section(
            "*Pulse*\n"
            + pulse_lines(data.pulse, goal_labels=data.goal_labels, limiter_labels=data.limiter_labels)
        ),
        divider(),
        *watch_blocks(data.watchlist, tz=data.tz, limit=WATCH_IN_DIGEST),
        divider(),
        *effort_blocks(data),
        divider(),
        section(pilot_text(data.pilots)),
        divider(),
        section(pie_text(data.pie)),
        *(
            [context(f":shield: {data.pressure_line} · anonymous, team counts only")]
            if data.pressure_line
            else []
        ),
        divider(),
        section(f"*Balance*\n{data.balance}"),
    ]
    return text, blocks[:MESSAGE_BLOCK_LIMIT]


def build_dashboard(data: DigestData, *, compact: bool = False) -> list[Block]:
    """The manager's App Home dashboard for one team; `compact` is one line when many teams share it."""
    pulse = data.pulse
    if compact:
        return [
            section(
                f"*{escape(data.team_name)}* dashboard · {_ratio(pulse.answered, pulse.due)} answered · "
                f"{len(data.watchlist)} on the watchlist · "
                + (f"pie {pct(data.pie.progress_pct)}" if data.pie else "no pie"),
                accessory=button("Send digest now", DigestAction.SEND_NOW, value=str(data.team_id)),
            )
        ]
    team = str(data.team_id)
    return [
        header(f"{data.team_name}: team dashboard"),
        section(
            "*This week's pulse*\n"
            + pulse_lines(pulse, goal_labels=data.goal_labels, limiter_labels=data.limiter_labels)
            + f"\n*Balance:* {data.balance}"
        ),
        *watch_blocks(data.watchlist, tz=data.tz, limit=WATCH_ON_HOME),
        *dashboard_drafts(data),
        section(pie_text(data.pie)),
        section(pilot_text(data.pilots, limit=3)),
        actions(
            button("Send digest now", DigestAction.SEND_NOW, value=team, style="primary"),
            button("Team setup", Action.OPEN_SETUP, value=team),
            button("Questions", DigestAction.OPEN_QUESTIONS, value=team),
            button("New pie", DigestAction.NEW_PIE, value=team),
            button("New pilot", PilotAction.START, value=team),
        ),
    ]


def build_chart_text(charts: Sequence[ChartFile]) -> Block:
    """The charts' figures as text beside them (the charts themselves follow as images)."""
    lines = "\n".join(f"• {c.alt_text}" for c in charts)
    return section(f"*Charts* (below, as images)\n{lines}"[:3000])

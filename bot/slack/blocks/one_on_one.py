"""The 1:1 page as a modal: summary and questions first, then the 8-week picture, then check-ins a page at a
time; the managers' private note only in a manager's copy. Pure builders, never more than 100 blocks."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.domain import one_on_one as rules
from bot.domain.zones import SLACK, SNAP, STRETCH, ZONE_EMOJI
from bot.models.alerts import ALERT_ACKNOWLEDGED, ALERT_DISMISSED, ALERT_OPEN, ALERT_RECOVERED, ALERT_SNOOZED
from bot.services.one_on_one.access import NOTE_LIMIT
from bot.services.one_on_one.page import CheckinEntry, RepPage
from bot.slack.blocks.common import (
    Block,
    actions,
    button,
    clip,
    context,
    divider,
    header,
    modal,
    plain,
    section,
)
from bot.slack.ids import OneOnOneAction, OneOnOneBlock, OneOnOneView

MODAL_BLOCK_LIMIT = 100
PRIVATE = "Only the managers of this team and the rep see this page; it is never posted anywhere."
OWN = "This is your own page: your managers see the same, plus their notes for your next 1:1."
ALERT_STATUS = {
    ALERT_OPEN: "open, nobody has acted yet",
    ALERT_ACKNOWLEDGED: "checking in",
    ALERT_SNOOZED: "snoozed",
    ALERT_DISMISSED: "not a concern",
    ALERT_RECOVERED: "cleared",
}


def esc(text: str) -> str:
    """What a person typed, safe in mrkdwn (escaped once)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def metadata(*, team_id: int, rep_id: int, before: date | None) -> str:
    """The page's private_metadata: whose page and which page of check-ins."""
    return json.dumps({"team": team_id, "rep": rep_id, "before": before.isoformat() if before else ""})


def read_metadata(raw: str | None) -> tuple[int | None, int | None, date | None]:
    """Team id, rep person id and page cursor from the page's private_metadata (None when unreadable)."""
    try:
        data: Any = json.loads(raw or "{}")
        team, rep = data.get("team"), data.get("rep")
        before = date.fromisoformat(data["before"]) if data.get("before") else None
    except (ValueError, AttributeError, TypeError, KeyError):
        return None, None, None
    return (team if isinstance(team, int) else None, rep if isinstance(rep, int) else None, before)


def _entry(entry: CheckinEntry) -> Block:
    day = rules.day_label(entry.local_date)
    if entry.status != rules.ANSWERED:
        label = rules.STATUS_LABEL.get(entry.status, entry.status)
        return section(f"{rules.mark(rules.DayFact(entry.local_date, entry.status))} *{day}* · _{label}_")
    zone = entry.zone or STRETCH
    lines = [f"{ZONE_EMOJI.get(zone, '')} *{day}* · {zone} zone · answered {entry.answered_at}"]
    lines += [f"• {esc(prompt)}: *{esc(value)}*" for prompt, value in entry.answers]
    lines += [
        f"> _{esc(prompt)}_\n> {esc(note).replace(chr(10), chr(10) + '> ')}" for prompt, note in entry.notes
    ]
    return section("\n".join(lines))


def _timeline(page: RepPage) -> str:
    lines = ["*Zones, last 8 weeks* (newest first)"]
    for week in page.timeline:
        readiness = f" · readiness {week.readiness:.1f}" if week.readiness is not None else ""
        lines.append(f"`w/c {rules.day_label(week.monday)}` {week.marks or '–'}{readiness}")
    lines.append(f"Readiness trend (oldest → newest): `{page.trend}`")
    return "\n".join(lines)


def _limiters(page: RepPage) -> str:
    if not page.limiters:
        return "*What held them back* (8 weeks)\nNothing recorded."
    parts = [f"{esc(page.limiter_labels.get(v, v))} ×{n}" for v, n in page.limiters[:8]]
    return "*What held them back* (8 weeks)\n" + " · ".join(parts)


def _slices(page: RepPage) -> str:
    if not page.slices:
        return "*Pie slices*\nNo slice claimed yet."
    lines = ["*Pie slices* (newest first)"]
    for s in page.slices:
        state = "open" if s.status == "open" else "past"
        lines.append(
            f"• {esc(s.title)} ({state}, ends {rules.day_label(s.period_end)}): claimed {s.claimed}, "
            f"progress {s.progress} ({s.progress_pct} %)"
        )
    if page.pace:
        lines.append(f"Pace on the open slice: {page.pace}")
    return "\n".join(lines)


def _pilots(page: RepPage) -> str:
    if not page.pilots:
        return "*Pilots*\nNot in a pilot yet."
    lines = ["*Pilots*"]
    for p in page.pilots:
        bits = [f"{p.status}, from {rules.day_label(p.start_date)} for {p.length_days} days"]
        if p.mid_score is not None:
            bits.append(f"mid-point {p.mid_score}/5")
        if p.vote:
            bits.append(f"voted *{p.vote}*")
        if p.skill_score is not None:
            bits.append(f"skill {p.skill_score}/5")
        line = f"• {esc(p.title)}: " + ", ".join(bits)
        if p.learning:
            line += f"\n> {esc(clip(p.learning, 300))}"
        lines.append(line)
    return "\n".join(lines)


def _shout(text: str) -> str:
    # Shout-outs are stored as Slack sent or posted them (mrkdwn, mentions included), as the huddle card
    # shows them: escaping again would print "&lt;@U…&gt;" instead of the @-mention.
    return clip(" ".join(text.split()), 200)


def _shoutouts(page: RepPage) -> str:
    lines = [
        f"*Shout-outs* · received {page.received_count} · given {page.given_count} (last 12 months)",
    ]
    for s in page.received:
        lines.append(f"• from <@{s.other_user_ids[0]}> ({s.at}): {_shout(s.text)}")
    for s in page.given:
        to = ", ".join(f"<@{u}>" for u in s.other_user_ids) or "someone"
        lines.append(f"• to {to} ({s.at}): {_shout(s.text)}")
    return "\n".join(lines)


def _away(page: RepPage) -> str:
    lines = ["*Away*"]
    if page.away_now:
        start, end = page.away_now
        lines.append(f"• away now, until {rules.day_label(end)} (from {rules.day_label(start)})")
    for start, end in page.away:
        span = (
            rules.day_label(start) if start == end else f"{rules.day_label(start)} – {rules.day_label(end)}"
        )
        lines.append(f"• {span}")
    if len(lines) == 1:
        lines.append("No away days in the last 12 months.")
    return "\n".join(lines)


def _alerts(page: RepPage) -> str:
    if not page.alerts:
        return "*Alerts about them* (managers only)\nNone in the last 12 months."
    lines = ["*Alerts about them* (managers only)"]
    for a in page.alerts:
        who = (
            f" · <@{a.acted_by_user_id}> {ALERT_STATUS.get(a.status, a.status)} ({a.acted_at})"
            if a.acted_by_user_id
            else f" · {ALERT_STATUS.get(a.status, a.status)}"
        )
        lines.append(f"• {a.opened}: {a.title}{who}")
    return "\n".join(lines)


def _since(page: RepPage) -> str:
    since = page.since
    start = rules.day_label(since.since)
    title = (
        f"*Since your last 1:1* ({page.last_one_on_one})"
        if since.had_one_on_one
        else f"*The last four weeks* (no 1:1 recorded yet; since {start})"
    )
    return title + "\n" + "\n".join(f"• {esc(line)}" for line in page.summary)


def build_rep_page(page: RepPage) -> dict[str, Any]:
    """The page as a modal for its viewer; a manager's copy has the private note and "1:1 done"."""
    access = page.access
    name = access.rep_name
    now_line = " · ".join(page.live) if page.live else "no check-ins yet"
    blocks: list[Block] = [
        header(f"{name} · {access.team_name}"),
        section(f"<@{access.rep_user_id}> · {now_line}"),
        context(f":lock: {PRIVATE if access.as_manager else OWN}"),
    ]
    if page.is_first_page:
        blocks.append(section(_since(page)))
        if access.as_manager:
            blocks.append(
                section(
                    "*Three questions for the 1:1*\n"
                    + "\n".join(f"{i}. {q}" for i, q in enumerate(page.questions, 1))
                )
            )
            blocks.append(
                actions(
                    button("1:1 done", OneOnOneAction.DONE, value=str(access.rep_id), style="primary"),
                    block_id=OneOnOneBlock.TOOLS,
                )
            )
        blocks += [
            divider(),
            section(_timeline(page)),
            context(
                f"{ZONE_EMOJI[SLACK]} slack · {ZONE_EMOJI[STRETCH]} stretch · {ZONE_EMOJI[SNAP]} snap · "
                "▫️ missed · 🏝️ away or day off · ⏭️ not sent · ⏳ waiting"
            ),
            section(_limiters(page)),
            section(_slices(page)),
            section(_pilots(page)),
            section(_shoutouts(page)),
            section(_away(page)),
        ]
        if access.as_manager:
            blocks.append(section(_alerts(page)))
            blocks.append(
                {
                    "type": "input",
                    "block_id": OneOnOneBlock.NOTE,
                    "optional": True,
                    "label": plain("Managers' note for the next 1:1"),
                    "hint": plain("Only this team's managers ever see it; the rep never does."),
                    "element": {
                        "type": "plain_text_input",
                        "action_id": OneOnOneBlock.NOTE_INPUT,
                        "multiline": True,
                        "max_length": NOTE_LIMIT,
                        "initial_value": page.manager_note,
                    },
                }
            )
    blocks.append(divider())
    blocks.append(section("*Check-ins* (newest first, your time)"))
    if not page.entries:
        blocks.append(section("_No check-ins in the last 12 months._"))
    blocks += [_entry(e) for e in page.entries]
    nav = []
    if page.newer_cursor is not None or not page.is_first_page:
        value = page.newer_cursor.isoformat() if page.newer_cursor else ""
        nav.append(button("← Newer", OneOnOneAction.NEWER, value=value or "latest"))
    if page.older_cursor is not None:
        nav.append(button("Older →", OneOnOneAction.OLDER, value=page.older_cursor.isoformat()))
    if nav:
        blocks.append(actions(*nav, block_id=OneOnOneBlock.PAGES))
    return modal(
        callback_id=OneOnOneView.PAGE,
        title=f"1:1 · {name}",
        blocks=blocks[:MODAL_BLOCK_LIMIT],
        submit="Save note" if access.as_manager and page.is_first_page else None,
        close="Close",
        private_metadata=metadata(
            team_id=access.team_id, rep_id=access.rep_id, before=None if page.is_first_page else page.before
        ),
    )

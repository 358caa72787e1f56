"""What Stretch runs, feature by feature: every planner, delivery kind, alert signal source, `/stretch`
subcommand, usage line and App Home section, listed here and nowhere else.

`create_app`, `tick`, the demo and the CLI all read `wiring()`, so every process knows every feature
from its first request, whatever it happened to import before. Listeners (commands, buttons, modals,
events) are registered by `bot/slack/listeners.register_all`, one `register(app, deps)` per module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TypeVar

from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import KindSpec
from bot.jobs import alerts as alert_jobs
from bot.jobs import attention as attention_jobs
from bot.jobs import checkins as checkin_jobs
from bot.jobs import checkpoints as checkpoint_jobs
from bot.jobs import digest as digest_jobs
from bot.jobs import huddles as huddle_jobs
from bot.jobs import leads as lead_jobs
from bot.jobs import pie as pie_jobs
from bot.jobs import pilots as pilot_jobs
from bot.jobs import retention as retention_jobs
from bot.jobs import shoutouts as shoutout_jobs
from bot.services import pace_signals
from bot.services.alerts import signals as alert_signals
from bot.services.huddles import signals as huddle_signals
from bot.slack.blocks import pie as pie_blocks
from bot.slack.blocks.help import HelpEntry
from bot.slack.home import HomeSection
from bot.slack.listeners import one_on_one
from bot.slack.listeners.actions import leads as lead_actions
from bot.slack.listeners.actions import pilots as pilot_actions
from bot.slack.listeners.actions import shoutouts as shoutout_actions
from bot.slack.listeners.commands import alerts as alert_commands
from bot.slack.listeners.commands import checkins as checkin_commands
from bot.slack.listeners.commands import digest as digest_commands
from bot.slack.listeners.commands import huddles as huddle_commands
from bot.slack.listeners.commands import leads as lead_commands
from bot.slack.listeners.commands import pie as pie_commands
from bot.slack.listeners.commands import pilots as pilot_commands
from bot.slack.listeners.commands import privacy as privacy_commands
from bot.slack.listeners.commands import shoutouts as shoutout_commands
from bot.slack.listeners.commands import stretch as stretch_commands
from bot.slack.listeners.commands.registry import Handler, Subcommand

T = TypeVar("T")
# Plans what is due at `now` into delivery rows; returns how many rows were new.
Planner = Callable[[Session, datetime], int]
# Asks Slack something the sends of this tick depend on (it gets the client, which planners don't);
# runs after the planners and before the outbox. Returns how many things it asked about.
SlackCheck = Callable[..., int]


@dataclass(frozen=True)
class HomeSectionSpec:
    """A feature's part of everyone's App Home; lower `order` comes first."""

    name: str
    order: int
    build: HomeSection


@dataclass(frozen=True)
class Feature:
    """One feature's parts (each optional)."""

    name: str
    planners: tuple[tuple[str, Planner], ...] = ()
    # Called as check(session_factory=…, client=…, now=…) in each tick, before the sends.
    slack_checks: tuple[tuple[str, SlackCheck], ...] = ()
    kinds: Mapping[str, KindSpec] = field(default_factory=dict)
    signal_sources: Mapping[str, alert_signals.SignalSource] = field(default_factory=dict)
    subcommands: tuple[Subcommand, ...] = ()
    # Usage-card lines of a feature's own slash command (`/claim-pie`, `/shoutout`).
    help: tuple[HelpEntry, ...] = ()
    home_sections: tuple[HomeSectionSpec, ...] = ()


def _plan_alerts(session: Session, now: datetime) -> int:
    """Quiet-rep alerts evaluate every feature's signal sources."""
    return alert_jobs.plan_quiet_alerts(session, now, sources=wiring().signal_sources)


FEATURES: tuple[Feature, ...] = (
    Feature(
        name="basics",
        subcommands=stretch_commands.SUBCOMMANDS,
    ),
    Feature(
        # issue 16: the welcome DM (the message budget runs inside the outbox sender, for every DM)
        name="attention",
        kinds={kinds.WELCOME: KindSpec(render=attention_jobs.render_welcome)},
    ),
    Feature(
        name="checkins",
        planners=(("checkins", checkin_jobs.plan),),
        kinds={
            kinds.CHECKIN: KindSpec(
                render=checkin_jobs.render_checkin,
                after_send=checkin_jobs.after_checkin_sent,
                on_give_up=checkin_jobs.checkin_given_up,
            ),
            kinds.CHECKIN_NUDGE: KindSpec(render=checkin_jobs.render_nudge),
        },
        signal_sources={"checkins": alert_signals.checkin_signals},
        subcommands=checkin_commands.SUBCOMMANDS,
        home_sections=(HomeSectionSpec("checkins", 10, checkin_commands.pulse_section),),
    ),
    Feature(
        name="pie",
        planners=(("pie", pie_jobs.plan_pie),),
        kinds={
            kinds.PIE_REMINDER: KindSpec(render=pie_jobs.render_reminder),
            kinds.PIE_DEADLINE: KindSpec(render=pie_jobs.render_deadline),
            kinds.PIE_SNAP_HEADS_UP: KindSpec(render=pie_jobs.render_snap),
            kinds.PIE_BAKED: KindSpec(render=pie_jobs.channel_renderer(pie_blocks.build_baked)),
            kinds.PIE_COVERED: KindSpec(render=pie_jobs.channel_renderer(pie_blocks.build_covered)),
            kinds.PIE_EATEN: KindSpec(
                render=pie_jobs.channel_renderer(pie_blocks.build_eaten, only_open=False)
            ),
            kinds.PIE_CLOSED: KindSpec(
                render=pie_jobs.channel_renderer(pie_blocks.build_closed, only_open=False)
            ),
        },
        help=pie_commands.HELP,
        home_sections=(HomeSectionSpec("pie", 30, pie_commands.pie_blocks_home),),
    ),
    Feature(
        name="shoutouts",
        planners=(("shoutout_drafts", shoutout_jobs.plan_draft_dms),),
        kinds={
            kinds.SHOUTOUT_DRAFTS: KindSpec(
                render=shoutout_jobs.render_drafts, on_give_up=shoutout_jobs.release_offers
            )
        },
        help=shoutout_commands.HELP,
        home_sections=(HomeSectionSpec("shoutouts", 40, shoutout_actions.effort_home_section),),
    ),
    Feature(
        name="pilots",
        planners=(("pilots", pilot_jobs.plan_pilots),),
        kinds={
            kinds.PILOT_KICKOFF: KindSpec(render=pilot_jobs.render_kickoff),
            kinds.PILOT_CARD: KindSpec(render=pilot_jobs.render_card),
            kinds.PILOT_MIDPOINT: KindSpec(render=pilot_jobs.render_midpoint),
            kinds.PILOT_REVIEW: KindSpec(render=pilot_jobs.render_review),
            kinds.PILOT_SUMMARY: KindSpec(
                render=pilot_jobs.render_summary, after_send=pilot_jobs.summary_sent
            ),
            kinds.PILOT_LATE_REVIEW: KindSpec(render=pilot_jobs.render_late),
        },
        subcommands=pilot_commands.SUBCOMMANDS,
        home_sections=(HomeSectionSpec("pilots", 50, pilot_actions.home_section),),
    ),
    Feature(
        name="alerts",
        planners=(("quiet_alerts", _plan_alerts),),
        kinds={kinds.QUIET_ALERT: KindSpec(render=alert_jobs.render_alert)},
        subcommands=alert_commands.SUBCOMMANDS,
    ),
    Feature(
        name="digest",
        planners=(("digests", digest_jobs.plan_digests),),
        kinds={
            kinds.DIGEST: KindSpec(render=digest_jobs.render_digest),
            kinds.DIGEST_NOW: KindSpec(render=digest_jobs.render_digest),
        },
        subcommands=digest_commands.SUBCOMMANDS,
        home_sections=(HomeSectionSpec("digest_dashboard", 5, digest_commands.dashboard_section),),
    ),
    Feature(
        name="huddles",
        planners=(("huddles", huddle_jobs.plan_huddles),),
        # Whether Stretch could read each finished huddle's thread, before its recap goes out.
        slack_checks=(("huddle_threads", huddle_jobs.check_huddle_threads),),
        kinds={
            kinds.HUDDLE_CARD: KindSpec(render=huddle_jobs.render_card, after_send=huddle_jobs.card_sent),
            kinds.HUDDLE_RECAP: KindSpec(
                render=huddle_jobs.render_recap,
                after_send=huddle_jobs.recap_settled,
                on_give_up=huddle_jobs.recap_settled,
            ),
            kinds.HUDDLE_STUCK: KindSpec(
                render=huddle_jobs.render_stuck,
                after_send=huddle_jobs.stuck_settled,
                on_give_up=huddle_jobs.stuck_settled,
            ),
        },
        signal_sources={"huddles": huddle_signals.huddle_alert_signals},
        subcommands=huddle_commands.SUBCOMMANDS,
    ),
    Feature(
        name="one_on_one",
        subcommands=one_on_one.SUBCOMMANDS,
        home_sections=(
            # Right under the managers' dashboards: a "1:1" button beside each rep.
            HomeSectionSpec("one_on_one_dashboard_reps", 6, one_on_one.dashboard_reps_section),
            HomeSectionSpec("one_on_one_own_page", 45, one_on_one.own_page_section),
        ),
    ),
    Feature(
        # Issue 19: the checkpoint-day card in the team channel and the pie's hidden-risk alert signals
        # (its modals, the pressure button and the pace on the cards and the Home are the pie's and the
        # check-ins' own listeners and builders).
        name="checkpoints",
        planners=(("pie_checkpoints", checkpoint_jobs.plan_checkpoints),),
        kinds={kinds.PIE_CHECKPOINT: KindSpec(render=checkpoint_jobs.render_checkpoint)},
        signal_sources={"pace": pace_signals.pace_signals},
    ),
    # --- privacy (issue 20): export, forget, retention ----------------------------------------------
    Feature(
        name="privacy",
        planners=(("retention", retention_jobs.plan_retention),),
        kinds={kinds.PRIVACY_FORGOTTEN: KindSpec(render=retention_jobs.render_forgotten)},
        subcommands=privacy_commands.SUBCOMMANDS,
    ),
    # --- end privacy ----------------------------------------------------------------------------------
    Feature(
        name="leads",
        planners=(("leads", lead_jobs.plan_leads),),
        kinds={
            kinds.LEAD_OVERLAP: KindSpec(render=lead_jobs.render_overlap),
            kinds.LEAD_PROPOSAL: KindSpec(render=lead_jobs.render_proposal),
            kinds.LEAD_SETTLED: KindSpec(render=lead_jobs.render_settled),
            kinds.LEAD_DECISION: KindSpec(render=lead_jobs.render_decision),
            kinds.LEAD_NOISE: KindSpec(render=lead_jobs.render_noise),
        },
        help=lead_commands.HELP,
        home_sections=(HomeSectionSpec("leads", 45, lead_actions.lead_home_section),),
    ),
)


@dataclass(frozen=True)
class Wiring:
    """Every feature's parts gathered, checked for clashes, ready to look up."""

    planners: tuple[tuple[str, Planner], ...]
    kinds: Mapping[str, KindSpec]
    signal_sources: Mapping[str, alert_signals.SignalSource]
    subcommands: Mapping[str, Handler]
    help_entries: tuple[HelpEntry, ...]
    home_sections: tuple[HomeSectionSpec, ...]
    slack_checks: tuple[tuple[str, SlackCheck], ...] = ()

    def subcommand(self, word: str) -> Handler | None:
        """The handler of `/stretch <word>`, if there is one."""
        return self.subcommands.get(word)


def _add(table: dict[str, T], name: str, value: T, what: str, feature: str) -> None:
    if name in table:
        raise ValueError(f"{what} {name!r} of feature {feature!r} is listed twice")
    table[name] = value


def gather(features: tuple[Feature, ...]) -> Wiring:
    """Gather `features` into one Wiring; a name given twice is a bug, reported at start-up."""
    planners: dict[str, Planner] = {}
    checks: dict[str, SlackCheck] = {}
    specs: dict[str, KindSpec] = {}
    sources: dict[str, alert_signals.SignalSource] = {}
    subcommands: dict[str, Handler] = {}
    help_entries: list[HelpEntry] = []
    sections: dict[str, HomeSectionSpec] = {}

    for feature in features:
        for name, planner in feature.planners:
            _add(planners, name, planner, "planner", feature.name)
        for name, check in feature.slack_checks:
            _add(checks, name, check, "Slack check", feature.name)
        for kind, spec in feature.kinds.items():
            _add(specs, kind, spec, "delivery kind", feature.name)
        for name, source in feature.signal_sources.items():
            _add(sources, name, source, "signal source", feature.name)
        for command in feature.subcommands:
            for word in command.names:
                _add(subcommands, word, command.handler, "/stretch word", feature.name)
            help_entries.extend(command.help)
        help_entries.extend(feature.help)
        for section in feature.home_sections:
            _add(sections, section.name, section, "Home section", feature.name)
    return Wiring(
        planners=tuple(planners.items()),
        slack_checks=tuple(checks.items()),
        kinds=specs,
        signal_sources=sources,
        subcommands=subcommands,
        help_entries=tuple(help_entries),
        home_sections=tuple(sorted(sections.values(), key=lambda s: (s.order, s.name))),
    )


@cache
def wiring() -> Wiring:
    """Everything Stretch runs (built once per process)."""
    return gather(FEATURES)

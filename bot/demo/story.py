"""The scripted story: three weeks of the Northstar sales team, told through Stretch's own messages.

Every beat is something a person does in Slack at their own local time (a slash command, a tap, a modal
submitted); between beats the clock ticks every half hour, so whatever the planners send (check-ins,
reminders, pilot steps, drafts, and any feature added later) appears on its own at the right hour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.demo.driver import Stage
from bot.domain.questions import DEFAULT_QUESTIONS

CHANNEL = "C0SALES"
CHANNEL_NAME = "sales-team"
MAYA = "U0MAYA"
RAJ, ANN, LEO, KIM, SAM, ZOE = "U0RAJ", "U0ANN", "U0LEO", "U0KIM", "U0SAM", "U0ZOE"
TEAM_TZ = "America/New_York"
CAST = (
    (MAYA, "Maya Okafor", "America/New_York"),
    (RAJ, "Raj Patel", "Asia/Kolkata"),
    (ANN, "Ann Becker", "Europe/Berlin"),
    (LEO, "Leo Silva", "America/Sao_Paulo"),
    (KIM, "Kim Tanaka", "Asia/Tokyo"),
    (SAM, "Sam Rivera", "America/Los_Angeles"),
    (ZOE, "Zoe Martin", "Europe/London"),
)
REPS = (RAJ, ANN, LEO, KIM, SAM, ZOE)
KIM_TZ = "Asia/Tokyo"  # the first of the team to start each day
FIRST_DAY = date(2026, 11, 20)  # a Friday: the team is set up, the pie is baked
LAST_DAY = date(2026, 12, 11)  # three weeks later, after the third digest
LEO_GOES_QUIET = date(2026, 11, 26)  # Leo's last answered check-in is the day before

# How each rep answers on a given day: readiness 1-5, goal feel 1-5, input, room to miss, limiter.
Answer = tuple[str, str, str, str, str]
# The question each place of an Answer answers (check-ins rotate, so rows are matched by prompt).
QUESTION_ORDER = ("readiness", "goal_feel", "goal_input", "room_to_miss", "limiter")
MOODS: dict[str, list[Answer]] = {
    RAJ: [
        ("2", "4", "partly", "no", "pipeline"),
        ("2", "4", "partly", "no", "pipeline"),
        ("3", "3", "partly", "yes", "pipeline"),
        ("3", "3", "yes", "yes", "time"),
        ("4", "3", "yes", "yes", "time"),
    ],
    # Ann names pipeline three check-ins running (Tue–Thu of week 1): Maya hears it privately.
    ANN: [
        ("5", "3", "yes", "yes", "nothing"),
        ("4", "3", "yes", "yes", "pipeline"),
        ("4", "3", "yes", "yes", "pipeline"),
        ("4", "2", "yes", "yes", "pipeline"),
        ("5", "3", "yes", "yes", "time"),
    ],
    LEO: [("3", "4", "no", "no", "energy"), ("2", "5", "no", "no", "energy")],
    KIM: [
        ("4", "3", "yes", "yes", "skills"),
        ("4", "3", "yes", "yes", "tools"),
        ("3", "3", "partly", "yes", "time"),
    ],
    SAM: [
        ("3", "2", "yes", "yes", "time"),
        ("4", "3", "yes", "yes", "nothing"),
        ("2", "4", "partly", "no", "energy"),
    ],
    ZOE: [("4", "3", "partly", "yes", "skills"), ("5", "3", "yes", "yes", "nothing")],
}
# The weekly question, on each rep's first check-in of the week: confidence in their slice (1–10).
CONFIDENCE = {RAJ: "5", ANN: "8", LEO: "4", KIM: "7", SAM: "6", ZOE: "7"}
CHECKPOINTS = "20k by 4 Dec\n70k by 18 Dec\n120k by 31 Dec"


def at(user_tz: str, day: date, clock: str) -> datetime:
    """A local wall-clock time in a zone as a UTC instant."""
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(user_tz)).astimezone(UTC)


@dataclass(order=True)
class Beat:
    """Something that happens at an instant: a tick of the clock, a narration, a person acting."""

    moment: datetime
    order: int
    run: Callable[[], object] = field(compare=False)


class Story:
    """Builds the timeline of beats and plays it on a Stage."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.beats: list[Beat] = []
        self._order = 0
        self.tz = {user: tz for user, _, tz in CAST}

    def add(self, moment: datetime, run: Callable[[], object]) -> None:
        """Schedule a beat (beats at the same instant run in the order they were added)."""
        self._order += 1
        self.beats.append(Beat(moment, self._order, run))

    def by(self, user: str, day: date, clock: str, run: Callable[[], object]) -> None:
        """Schedule a person's action at their own local time."""
        self.add(at(self.tz[user], day, clock), run)

    def narrate(self, day: date, clock: str, title: str, *, zone: str = TEAM_TZ) -> None:
        """A scene heading at a moment of team time (or of `zone`: a new day starts first in Tokyo)."""
        self.add(at(zone, day, clock), lambda: self.stage.scene_title(title))

    def play(self) -> None:
        """Run every beat and every tick in time order."""
        for moment in ticks_for(FIRST_DAY, LAST_DAY, zones=sorted(set(self.tz.values()))):
            self.beats.append(Beat(moment, 0, lambda m=moment: self.stage.tick(m)))  # type: ignore[misc]
        for beat in sorted(self.beats):
            self.stage.clock.now = beat.moment
            beat.run()
        self.stage.show()


HUDDLE_TIME = "11:00"
NUDGED_ZONES = ("America/Sao_Paulo", "America/Los_Angeles")


def _day(offset: int) -> date:
    return FIRST_DAY + timedelta(days=offset)


def _is_workday(day: date) -> bool:
    return day.weekday() < 5


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": label}, "value": value}


class NorthstarStory(Story):
    """Maya's team: setup, the pie, daily check-ins, Leo going quiet, a pilot, shout-outs, the digests."""

    def build(self) -> None:
        """Lay out every scene of the three weeks."""
        self.setup_scene()
        self.pie_scenes()
        self.checkin_scenes()
        self.pilot_scenes()
        self.shoutout_scenes()
        self.huddle_scenes()
        self.one_on_one_scene()
        self.home_scenes()
        self.lead_scenes()  # lead lists (issue 18)

    # --- week 1, Friday: the team and the pie -------------------------------------------------------
    def setup_scene(self) -> None:
        s = self.stage
        self.narrate(
            _day(0),
            "09:55",
            "Day 1, Fri 20 Nov — Maya manages six reps on four continents. She sets up Stretch.",
        )

        def setup() -> None:
            s.command(MAYA, "/stretch", "setup", channel=CHANNEL)
            s.submit(
                MAYA,
                {
                    "team_name": {"value": "Northstar"},
                    "team_managers": {"selected_users": [MAYA]},
                    "team_reps": {"selected_users": list(REPS)},
                    "checkin_days": {
                        "selected_options": [
                            _option(d, d.capitalize()) for d in ("mon", "tue", "wed", "thu", "fri")
                        ]
                    },
                    "checkin_time": {"selected_time": "09:30"},
                    "digest_day": {"selected_option": _option("fri", "Friday")},
                    "digest_time": {"selected_time": "16:00"},
                    "huddle_days": {"selected_options": [_option("thu", "Thursday")]},
                    "huddle_time": {"selected_time": HUDDLE_TIME},
                },
                say="names the team Northstar, adds her six reps, check-ins every weekday at 09:30, "
                f"her digest Fridays at 16:00, a team huddle Thursdays at {HUDDLE_TIME}, and saves",
            )

        self.by(MAYA, _day(0), "10:00", setup)
        self.by(MAYA, _day(0), "10:05", lambda: _pin_limiter(s))

    def pie_scenes(self) -> None:
        s = self.stage
        self.narrate(
            _day(0),
            "10:25",
            "Maya bakes the December pie: $120k for the team to split as they choose, with checkpoints "
            "instead of a straight line (deals land late in December).",
        )

        def bake() -> None:
            s.command(MAYA, "/claim-pie", "new", channel=CHANNEL)
            s.submit(
                MAYA,
                {
                    "pie_title": {"value": "December push"},
                    "pie_target": {"value": "120k"},
                    "pie_checkpoints": {"value": CHECKPOINTS},
                },
                say="names it December push, $120k, checkpoints $20k by 4 Dec · $70k by 18 Dec · $120k by "
                "31 Dec, and bakes it",
            )

        self.by(MAYA, _day(0), "10:30", bake)
        self.narrate(
            _day(3),
            "07:00",
            zone=KIM_TZ,
            title="Day 4, Mon 23 Nov — the reps wake up to the pie and their first check-in.",
        )
        self.by(
            ANN,
            _day(3),
            "10:05",
            lambda: s.command(ANN, "/claim-pie", "40k Acme renewal + two expansions", channel=CHANNEL),
        )

        def kim_claims() -> None:
            card = s.posted(CHANNEL, "Claim a slice")
            s.tap(KIM, card, lambda e: e.get("action_id") == "pie_claim")
            s.submit(
                KIM,
                {"pie_amount": {"value": "20k"}, "pie_note": {"value": "Osaka logistics deal"}},
                say="claims $20k in the modal",
            )

        self.by(KIM, _day(3), "11:10", kim_claims)
        self.by(SAM, _day(3), "10:20", lambda: s.command(SAM, "/claim-pie", "15k", channel=CHANNEL))
        self.by(ZOE, _day(3), "14:00", lambda: s.command(ZOE, "/claim-pie", "12k", channel=CHANNEL))
        self.narrate(
            _day(5),
            "07:00",
            zone=KIM_TZ,
            title="Day 6, Wed 25 Nov — Raj's pipeline dried up last month. He claims small, to rebuild.",
        )
        self.by(
            RAJ,
            _day(5),
            "10:40",
            lambda: s.command(RAJ, "/claim-pie", "8k rebuild pipeline first", channel=CHANNEL),
        )
        self.narrate(
            _day(7),
            "23:30",
            "Fri 27 Nov, midnight — the claim deadline passes with pie left over. Only Maya hears.",
        )
        self.narrate(_day(13), "07:00", zone=KIM_TZ, title="Day 14, Thu 3 Dec — deals start landing.")
        self.narrate(
            _day(14),
            "15:55",
            "Fri 4 Dec, 16:00 — the first checkpoint. The channel hears where the team stands; nobody is named.",
        )
        self.by(ANN, _day(13), "15:00", lambda: s.command(ANN, "/claim-pie", "progress 18k", channel=CHANNEL))
        self.by(
            MAYA,
            _day(13),
            "11:00",
            lambda: s.command(MAYA, "/claim-pie", f"progress <@{RAJ}|raj> 5k", channel=CHANNEL),
        )

    # --- every weekday: check-ins ------------------------------------------------------------------
    def checkin_scenes(self) -> None:
        day = _day(3)
        answered: dict[str, int] = dict.fromkeys(REPS, 0)
        while day <= LAST_DAY:
            if _is_workday(day):
                for rep in REPS:
                    if rep == LEO and day >= LEO_GOES_QUIET:
                        continue
                    if rep == SAM and day == date(2026, 12, 2):
                        continue  # one busy day; everyone misses one now and then
                    moods = MOODS[rep]
                    mood = (
                        moods[min(answered[rep], len(moods) - 1)]
                        if rep == RAJ
                        else moods[answered[rep] % len(moods)]
                    )
                    note = self._note(rep, day)
                    minute = 40 + (answered[rep] * 7) % 50
                    self.by(
                        rep,
                        day,
                        f"{9 + minute // 60:02d}:{minute % 60:02d}",
                        partial(self.answer_checkin, rep, mood, note),
                    )
                    answered[rep] += 1
            day += timedelta(days=1)
        self.narrate(
            date(2026, 11, 26),
            "07:00",
            zone=KIM_TZ,
            title="Day 7, Thu 26 Nov — Leo stops answering his check-ins. Nobody announces it.",
        )
        self.narrate(
            date(2026, 11, 26),
            "07:50",
            "Ann has named pipeline as her limit three check-ins running. Stretch tells Maya, privately.",
        )

    @staticmethod
    def _note(rep: str, day: date) -> str | None:
        notes = {
            (RAJ, date(2026, 11, 24)): "Booked 3 calls from a list everyone wrote off",
            (ANN, date(2026, 11, 30)): "Pitched the CFO directly instead of waiting",
            (KIM, date(2026, 12, 2)): "Ran my first demo in Japanese and English back to back",
            (LEO, date(2026, 11, 25)): "Lost the Acme deal today & I'm behind on my slice. Running on fumes",
        }
        return notes.get((rep, day))

    def answer_checkin(self, rep: str, mood: Answer, note: str | None) -> None:
        """A rep taps an answer per question in today's check-in DM, maybe adds a note, and submits."""
        s = self.stage
        labels = []
        with s.held():
            message = s.dm(rep, "pulse check-in")
            # Check-ins rotate their questions: find each row's question by the prompt above it. The
            # weekly confidence row (1-10) comes only on the first check-in of the week.
            prompts = {spec.prompt: spec.key for spec in DEFAULT_QUESTIONS}
            rows: list[tuple[dict[str, Any], str, bool]] = []
            heading = ""
            for block in message.blocks:
                if block.get("type") == "section":
                    heading = str((block.get("text") or {}).get("text", ""))
                elif block.get("type") == "actions" and str(block.get("block_id", "")).startswith("q_"):
                    key = next((k for prompt, k in prompts.items() if prompt in heading), "")
                    if key == "confidence":
                        rows.append((block, CONFIDENCE[rep], True))
                    elif key in QUESTION_ORDER:
                        rows.append((block, mood[QUESTION_ORDER.index(key)], False))
            for row, value, weekly in rows:
                element = next(e for e in row["elements"] if str(e.get("value", "")).endswith(f":{value}"))
                labels.append(f"confidence {value}/10" if weekly else element["text"]["text"])
                s.tap(rep, message, lambda e, a=element["action_id"]: e.get("action_id") == a, say=None)  # type: ignore[misc]
            if note:
                s.tap(rep, message, lambda e: e.get("action_id") == "checkin_add_note", say=None)
                view = s.slack.last_view(rep) or {}
                first = next(b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input")
                s.submit(rep, {first: {"value": note}}, say=None)
            s.tap(rep, message, lambda e: e.get("action_id") == "checkin_submit", say=None)
            extra = f", and notes “{note}”" if note else ""
            s.say(rep, f"answers the check-in: {' · '.join(labels)}{extra} → [Submit]")

    # --- the pilot -----------------------------------------------------------------------------------
    def pilot_scenes(self) -> None:
        s = self.stage
        self.narrate(
            _day(4), "10:50", "Day 5, Tue 24 Nov — Maya proposes a one-week pilot instead of a new quota."
        )

        def propose() -> None:
            s.command(MAYA, "/stretch", "pilot", channel=CHANNEL)
            s.submit(
                MAYA,
                {
                    "pilot_title": {"value": "Two-question discovery"},
                    "pilot_not_goal": {"value": "More demos booked"},
                    "pilot_metric": {"value": "asking a second discovery question"},
                    "pilot_observe": {"value": "Call notes show a second question"},
                    "pilot_participants": {"selected_users": [RAJ, ANN, KIM, ZOE]},
                    "pilot_length": {"value": "7"},
                },
            )

        self.by(MAYA, _day(4), "11:00", propose)
        self.narrate(
            date(2026, 11, 27), "20:00", "Halfway through the pilot: a one-tap check on how it's going."
        )
        for rep, score, clock in (
            (RAJ, "4", "11:00"),
            (ANN, "3", "12:00"),
            (KIM, "4", "13:00"),
            (ZOE, "5", "11:30"),
        ):
            self.by(rep, date(2026, 11, 30), clock, lambda r=rep, v=score: self._mid(r, v))  # type: ignore[misc]
        self.narrate(
            date(2026, 12, 1), "20:00", "The pilot's last day: each participant says keep, tweak or drop."
        )
        reviews = (
            (RAJ, "keep", "A second question surfaces budget early", "4"),
            (ANN, "tweak", "Works on inbound; outbound prospects hang up", "3"),
            (KIM, "keep", "Customers talk longer when asked twice", "4"),
            (ZOE, "tweak", "Needs a script for the second question", "3"),
        )
        for rep, vote, learning, skill in reviews:
            self.by(
                rep,
                date(2026, 12, 2),
                "10:15",
                partial(self._review, rep, vote, learning, skill),
            )

        def tweak() -> None:
            summary = s.dm(MAYA, "pilot_decide_tweak")
            s.tap(MAYA, summary, lambda e: e.get("action_id") == "pilot_decide_tweak")
            s.submit(
                MAYA,
                {"pilot_observe": {"value": "Inbound calls only, with a scripted second question"}},
                say="narrows v2 to inbound calls with a scripted second question, and starts it",
            )

        self.narrate(date(2026, 12, 3), "08:00", "Maya reads the summary and tweaks the pilot into v2.")
        self.by(MAYA, date(2026, 12, 3), "08:30", tweak)

    def _mid(self, rep: str, score: str) -> None:
        s = self.stage
        message = s.dm(rep, f"pilot_mid_{score}")
        s.tap(rep, message, lambda e: e.get("action_id") == f"pilot_mid_{score}")

    def _review(self, rep: str, vote: str, learning: str, skill: str) -> None:
        s = self.stage
        message = s.dm(rep, f"pilot_review_{vote}")
        s.tap(rep, message, lambda e: e.get("action_id") == f"pilot_review_{vote}")
        s.submit(
            rep,
            {
                "pilot_review_learning": {"value": learning},
                "pilot_review_skill": {"selected_option": {"value": skill}},
            },
            say=f"votes {vote}: “{learning}”",
        )

    # --- shout-outs ----------------------------------------------------------------------------------
    def shoutout_scenes(self) -> None:
        s = self.stage
        self.by(
            ANN,
            _day(5),
            "16:00",
            lambda: s.command(
                ANN,
                "/shoutout",
                f"<@{RAJ}|raj> booked three meetings from a list everyone wrote off",
                channel=CHANNEL,
            ),
        )
        self.by(
            ZOE,
            date(2026, 12, 4),
            "15:00",
            lambda: s.command(
                ZOE,
                "/shoutout",
                f"<@{KIM}|kim> ran a bilingual demo and shared the deck with all of us",
                channel=CHANNEL,
            ),
        )

        def post_draft() -> None:
            # The drafts DM comes at most once a week; in between, Maya's Home lists what waits.
            s.open_home(MAYA)
            s.tap_home(
                MAYA,
                lambda e, text: e.get("action_id") == "shoutout_post_draft" and "Raj" in text,
                say="taps [Post] beside Raj's drafted shout-out",
            )
            s.submit(MAYA, say="keeps the drafted words and posts them")

        self.narrate(
            _day(4),
            "09:40",
            "Stretch noticed a stretch worth celebrating and drafted a shout-out: it waits on Maya's Home.",
        )
        self.by(MAYA, _day(4), "09:50", post_draft)

    # --- the team huddle ---------------------------------------------------------------------------
    def huddle_scenes(self) -> None:
        s = self.stage
        thursday = date(2026, 12, 3)
        self.narrate(
            thursday,
            "10:25",
            f"Thu 3 Dec — huddle day. Half an hour before it, Stretch posts the card in #{CHANNEL_NAME}.",
        )

        def ann_posts() -> None:
            card = s.posted(CHANNEL, "huddle_post_update")
            s.tap(ANN, card, lambda e: e.get("action_id") == "huddle_post_update")
            s.submit(
                ANN,
                {
                    "huddle_did": {"value": "Three discovery calls with the second question"},
                    "huddle_stretch": {"value": "Two calls a day to accounts I've been avoiding"},
                    "huddle_stuck": {"value": "Legal review slows my biggest deal"},
                },
                say="answers in the huddle thread from the card's button",
            )

        self.by(ANN, thursday, "16:45", ann_posts)  # 10:45 in New York, after the card
        self.narrate(
            thursday,
            "12:55",
            "After the huddle, Maya gets a private recap: who posted, who didn't, and who is stuck.",
        )

    # --- the manager's view --------------------------------------------------------------------------
    def one_on_one_scene(self) -> None:
        """Issue 17: after Leo's alert, Maya opens his 1:1 page from it and sees why, then says she'll check in."""
        s = self.stage
        monday = date(2026, 11, 30)
        self.narrate(
            monday,
            "08:40",
            "Mon 30 Nov — before her 1:1 with Leo, Maya opens his page from the alert to see why he went quiet.",
        )

        def open_page() -> None:
            alert = s.dm(MAYA, "Open Leo's page")
            s.tap(MAYA, alert, lambda e: e.get("action_id") == "one_on_one_open")

        def check_in() -> None:
            alert = s.dm(MAYA, "Open Leo's page")
            s.tap(MAYA, alert, lambda e: e.get("action_id") == "quiet_alert_ack")

        self.by(MAYA, monday, "08:45", open_page)
        self.by(MAYA, monday, "08:55", check_in)

    def lead_scenes(self) -> None:
        _lead_scenes(self)

    def home_scenes(self) -> None:
        s = self.stage
        self.narrate(
            date(2026, 12, 4),
            "16:30",
            "Fri 4 Dec — Maya opens Stretch's App Home to see the pulse of her team.",
        )
        self.by(MAYA, date(2026, 12, 4), "16:35", lambda: s.open_home(MAYA))
        self.narrate(
            LAST_DAY,
            "15:50",
            "Day 22, Fri 11 Dec — the third weekly digest is due at Maya's 16:00: pace against the "
            "checkpoints, and two charts with their figures in words.",
        )


# --- lead lists (issue 18): an association, its members, a split in two taps, one manager decision -------
ASSOCIATION = "Ohio Credit Union League"
ASSOCIATION_MEMBERS = (
    "company,domain,note\nBuckeye CU,buckeyecu.org,\nLakeview Credit Union,,\nSummit FCU,summitfcu.org,\n"
)


def _pin_limiter(stage: Stage) -> None:
    """What `stretch questions pin limiter --team Northstar` does: the question rides in every check-in."""
    from bot.db import session_scope
    from bot.models import Team
    from bot.services.attention import pin_question

    stage.scene_title(
        "Check-ins rotate their questions to stay short; Maya pins `What's limiting you most` so each rep "
        "is asked it every time (`stretch questions pin limiter --team Northstar`)."
    )
    with session_scope(stage.deps.session_factory) as session:
        team = session.scalars(select(Team)).one()
        pin_question(session=session, team_id=team.id, key="limiter", now=stage.clock())


def _load_association(stage: Stage) -> None:
    """What the operator's `stretch leads associations import` does (the CLI's own service call)."""
    from bot.db import session_scope
    from bot.domain.leads.accounts import parse_csv
    from bot.models import Team
    from bot.services.leads.imports import import_association

    stage.scene_title(
        f'The operator runs `stretch leads associations import --name "{ASSOCIATION}"` (3 members).'
    )
    with session_scope(stage.deps.session_factory) as session:
        team = session.scalars(select(Team)).one()
        import_association(
            session=session,
            team=team,
            name=ASSOCIATION,
            accounts=parse_csv(ASSOCIATION_MEMBERS),
            actor="cli",
            now=stage.clock(),
        )


def _lead_scenes(story: NorthstarStory) -> None:
    s = story.stage
    story.narrate(
        _day(0),
        "11:00",
        "Maya asks each rep to list their target accounts. Some name accounts, some whole associations.",
    )
    story.add(at(TEAM_TZ, _day(0), "11:05"), lambda: _load_association(s))
    story.by(
        ANN,
        _day(3),
        "10:30",
        lambda: s.command(
            ANN, "/claim-leads", "add Buckeye CU (buckeyecu.org), Acme Corp (acme.com)", channel=CHANNEL
        ),
    )
    story.by(
        LEO,
        _day(3),
        "10:00",
        lambda: s.command(LEO, "/claim-leads", f"umbrella {ASSOCIATION}", channel=CHANNEL),
    )
    story.by(
        SAM,
        _day(3),
        "10:30",
        lambda: s.command(SAM, "/claim-leads", "add Lakeview Credit Union", channel=CHANNEL),
    )

    def ann_partners() -> None:
        s.tap(ANN, s.dm(ANN, "both claimed it"), lambda e: e.get("action_id") == "lead_partner")
        s.submit(ANN, {"lead_share": {"value": "60"}}, say="offers Leo 40% of Buckeye CU, 60% for her")

    def leo_accepts() -> None:
        s.tap(LEO, s.dm(LEO, "offers to partner"), lambda e: e.get("action_id") == "lead_accept")

    story.by(ANN, _day(3), "15:00", ann_partners)
    story.by(LEO, _day(4), "09:00", leo_accepts)

    def maya_decides() -> None:
        s.tap(MAYA, s.dm(MAYA, "who should pursue it"), lambda e: e.get("action_id") == "lead_decide_b")

    story.narrate(
        _day(6), "08:50", "Thu 26 Nov — Leo and Sam left Lakeview open for 2 working days: Maya has the call."
    )
    story.by(MAYA, _day(6), "09:00", maya_decides)
    story.by(
        ANN,
        _day(13),
        "15:30",
        lambda: s.command(ANN, "/claim-pie", "progress 10k Buckeye CU", channel=CHANNEL),
    )


def ticks_for(first: date, last: date, *, zones: list[str]) -> list[datetime]:
    """When the clock ticks: 09:30 local in every zone of the cast, 13:30 where a nudge may fall due and
    16:00 in the team's (check-in, nudge and digest times land exactly) and every three hours between
    (reminders, deadlines), from the first day's morning to the last day's evening in team time. The real scheduler ticks every minute; these are the
    minutes that matter, and few enough that the story plays in seconds."""
    start, end = at(TEAM_TZ, first, "09:00"), at(TEAM_TZ, last, "18:00")
    moments = set()
    moment = start.replace(minute=30)
    while moment <= end:
        moments.add(moment)
        moment += timedelta(hours=3)
    day = first - timedelta(days=1)
    while day <= last + timedelta(days=1):
        for zone in zones:
            moments.add(at(zone, day, "09:30"))
        if _is_workday(day):
            # A check-in's nudge falls due four hours after it (13:30 local): tick then in the zones of
            # the reps who sometimes leave one unanswered (Leo, Sam), so a nudge shows when it is due.
            for zone in NUDGED_ZONES:
                moments.add(at(zone, day, "13:30"))
        moments.add(at(TEAM_TZ, day, "16:00"))
        if day.weekday() == 3:
            # Huddle Thursdays: the card half an hour before, the managers' recap two hours after.
            moments.add(at(TEAM_TZ, day, "10:30"))
            moments.add(at(TEAM_TZ, day, "13:00"))
        day += timedelta(days=1)
    return sorted(m for m in moments if start <= m <= end)

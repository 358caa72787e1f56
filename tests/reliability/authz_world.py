"""A small workspace with one of everything a button can point at, owned by one team, and the five people
an authorization test asks about: a rep and a manager of that team, a manager of another team, a
workspace admin on no team and a stranger. Plus helpers to send a request and read what came back."""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.db import session_scope
from bot.models import Base, Person, Pie
from bot.models.alerts import QuietAlert
from bot.models.checkins import Checkin
from bot.models.checkpoints import TeamPressureSetting
from bot.models.huddles import Huddle
from bot.models.moments import MOMENT_BIG_SLICE
from bot.models.pilots import Pilot, PilotParticipant
from bot.services.checkins import answering as checkin_answers
from bot.services.checkins import questions as checkin_service
from bot.services.moments import record_moment
from bot.services.people import ensure_person, get_or_create_workspace
from bot.slack.app import make_client
from bot.slack.directory import fetcher_for
from tests.conftest import SIGNING_SECRET, WORKSPACE_ID, Member, Running, seed_team
from tests.fakeslack import Call
from tests.slackclient import Reply, SignedSlack, flatten_text

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in New York

REP, MANAGER, OTHER_MANAGER, ADMIN, STRANGER = "U0RAJ", "U0MIA", "U0OMG", "U0ADM", "U0NOBODY"
ANN, OTHER_REP = "U0ANN", "U0ORP"
ACTORS = {
    "rep": REP,
    "manager": MANAGER,
    "other manager": OTHER_MANAGER,
    "admin": ADMIN,
    "stranger": STRANGER,
}
TEAM_CHANNEL, OTHER_CHANNEL = "C0TEAM", "C0OTHER"


@dataclass
class World:
    """The ids the real buttons of team 'Closers' carry."""

    team: int
    other_team: int
    pilot: int
    alert: int
    huddle: int
    moment: int
    checkin: int
    answer_value: str  # "<check-in id>:<question id>:<value>", as an answer button carries it
    pie: int | None
    extra: dict[str, Any] = field(default_factory=dict)


def build_world(running: Running, *, with_pie: bool = True) -> World:
    """Seed the two teams, the admin and the stranger, and one live pilot, alert, huddle, drafted
    moment, open check-in and (optionally) open pie for the first team."""
    running.clock.set(NOW)
    factory, fake = running.deps.session_factory, running.fake
    team = seed_team(
        session_factory=factory,
        fake=fake,
        managers=[Member(MANAGER, "Mia")],
        reps=[Member(REP, "Raj"), Member(ANN, "Ann")],
        channel=TEAM_CHANNEL,
        now=NOW - timedelta(days=60),
    )
    other = seed_team(
        session_factory=factory,
        fake=fake,
        managers=[Member(OTHER_MANAGER, "Omar")],
        reps=[Member(OTHER_REP, "Olu")],
        name="Hunters",
        channel=OTHER_CHANNEL,
        now=NOW - timedelta(days=60),
    )
    fake.add_user(ADMIN, "Ada", is_admin=True)
    fake.add_user(STRANGER, "Nobody")
    client = make_client(running.deps.settings)
    with session_scope(factory) as session:
        workspace = get_or_create_workspace(session=session, slack_team_id=WORKSPACE_ID, now=NOW)
        people = {
            user: ensure_person(
                session=session, workspace=workspace, user_id=user, now=NOW, fetch=fetcher_for(client)
            )
            for user in (REP, MANAGER, ANN, ADMIN, STRANGER)
        }
        session.flush()
        pilot = Pilot(
            team_id=team,
            owner_id=people[MANAGER].id,
            title="Video prospecting",
            growth_metric="meetings booked",
            start_date=date(2026, 11, 16),
            length_days=14,
            created_at=NOW - timedelta(days=10),
            updated_at=NOW - timedelta(days=10),
        )
        session.add(pilot)
        session.flush()
        session.add(
            PilotParticipant(pilot_id=pilot.id, person_id=people[REP].id, joined_at=NOW - timedelta(days=10))
        )
        alert = QuietAlert(
            team_id=team,
            person_id=people[REP].id,
            signal="missed",
            episode_key=f"authz:{team}:raj",
            evidence="missed Monday and Wednesday",
            opened_at=NOW - timedelta(hours=1),
        )
        huddle = Huddle(
            team_id=team,
            key=f"authz:{team}:huddle",
            local_date=date(2026, 11, 25),
            starts_at=NOW + timedelta(minutes=30),
            since=NOW - timedelta(days=2),
            expected=[people[REP].id, people[ANN].id],
            channel_id=TEAM_CHANNEL,
            message_ts="1700000000.000900",
            posted_at=NOW - timedelta(minutes=5),
            created_at=NOW - timedelta(minutes=5),
        )
        questions = checkin_service.team_questions(session=session, team_id=team, now=NOW)
        checkin = Checkin(
            team_id=team,
            person_id=people[REP].id,
            local_date=date(2026, 11, 25),
            tz="America/New_York",
            due_at=NOW - timedelta(minutes=30),
            closes_at=NOW + timedelta(hours=8),
            day_ends_at=NOW + timedelta(hours=14),
            sent_at=NOW - timedelta(minutes=30),
            message_channel="D0RAJ",
            message_ts="1700000000.000500",
            created_at=NOW - timedelta(minutes=30),
        )
        session.add_all([alert, huddle, checkin])
        # The anonymous pressure question is on, so its button has something to do (issue 19).
        session.add(TeamPressureSetting(team_id=team, enabled=True, updated_at=NOW))
        pie = None
        if with_pie:
            pie = Pie(
                team_id=team,
                open_team_id=team,
                title="Q4 push",
                currency="USD",
                target_minor=10_000_000,
                claim_deadline=NOW + timedelta(days=2),
                period_end=date(2026, 12, 31),
                created_by=MANAGER,
                created_at=NOW - timedelta(days=1),
                updated_at=NOW - timedelta(days=1),
            )
            session.add(pie)
        session.flush()
        record_moment(
            session=session,
            team_id=team,
            person_id=people[REP].id,
            kind=MOMENT_BIG_SLICE,
            summary="claimed a bigger slice than last quarter",
            dedupe_key="authz:raj:slice",
            now=NOW - timedelta(hours=3),
        )
        first = next(q for q in questions if checkin_service.options_of(q))
        # Raj has tapped one answer already, so Submit has something to submit.
        checkin_answers.record_answer(
            session=session,
            checkin_id=checkin.id,
            user_id=REP,
            question_id=first.id,
            value=checkin_service.options_of(first)[0][0],
            now=NOW - timedelta(minutes=10),
        )
        lead_ids = _lead_world(session, team_id=team, people=people)
        world = World(
            team=team,
            other_team=other,
            pilot=pilot.id,
            alert=alert.id,
            huddle=huddle.id,
            moment=0,
            checkin=checkin.id,
            answer_value=f"{checkin.id}:{first.id}:{checkin_service.options_of(first)[0][0]}",
            pie=pie.id if pie else None,
            # lead lists' ids, and (issue 17) the people the 1:1 page buttons name
            extra={**lead_ids, "raj": people[REP].id, "ann": people[ANN].id},
        )
    with factory() as session:
        from bot.models import StretchMoment

        world.moment = int(session.scalar(select(func.max(StretchMoment.id))) or 0)
    return world


def _lead_world(session: Any, *, team_id: int, people: dict[str, Person]) -> dict[str, Any]:
    """Lead lists: Raj and Ann both claimed Acme (Ann offered a 40/60 split), close names Acme Widgets and
    Acme Widget (a possible overlap), and an imported association."""
    from bot.domain.leads.accounts import parse_accounts, parse_csv
    from bot.models import Team
    from bot.services.leads import claims, imports, settling

    team = session.get(Team, team_id)
    when = NOW - timedelta(hours=2)
    claims.add_claims(
        session=session,
        team=team,
        person=people[REP],
        accounts=parse_accounts(["Acme Corp (acme.com)", "Acme Widgets"]),
        actor=REP,
        now=when,
    )
    claims.add_claims(
        session=session,
        team=team,
        person=people[ANN],
        accounts=parse_accounts(["acme.com", "Acme Widget"]),
        actor=ANN,
        now=when,
    )
    imports.import_association(
        session=session,
        team=team,
        name="Ohio Credit Union League",
        accounts=parse_csv("company,domain,note\nBuckeye CU,buckeyecu.org,\n"),
        actor=MANAGER,
        now=when,
    )
    from bot.models.leads import LeadOverlap

    exact = session.scalar(select(LeadOverlap).where(LeadOverlap.exact.is_(True)))
    possible = session.scalar(select(LeadOverlap).where(LeadOverlap.exact.is_(False)))
    settling.propose_split(session=session, overlap=exact, person=people[ANN], my_share=40, now=when)
    session.flush()
    return {
        "overlap": exact.id,
        "possible": possible.id,
        "proposal": f"{exact.id}:{exact.proposal_version}",
    }


def snapshot(running: Running) -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows: what a refused request must leave alone."""
    result = {}
    with running.deps.session_factory() as session:
        for table in Base.metadata.sorted_tables:
            rows = sorted(repr(tuple(row)) for row in session.execute(select(table)))
            result[table.name] = (len(rows), hashlib.sha1("\n".join(rows).encode()).hexdigest()[:12])
    return result


def changed_tables(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    """The tables whose rows differ."""
    return [name for name in before if before[name] != after.get(name)]


_names = iter(range(1_000_000))


@dataclass
class Outcome:
    """What Stretch did with one request: the HTTP ack, and every Slack call it made for it."""

    reply: Reply
    calls: list[Call]
    response_text: str  # what went back through this request's own response_url

    @property
    def text(self) -> str:
        """Every word the person saw: the ack, the response_url answer, DMs and opened modals."""
        parts = [self.reply.text, self.response_text]
        parts += [flatten_text(c.params) for c in self.calls]
        return "\n".join(p for p in parts if p)

    @property
    def modals(self) -> list[Call]:
        """Modals opened, pushed or updated."""
        return [c for c in self.calls if c.method in ("views.open", "views.push", "views.update")]

    def channel_posts(self) -> list[Call]:
        """Anything that went to a channel (not a DM, not the requester's own response_url)."""
        return [
            c
            for c in self.calls
            if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral")
            and str(c.params.get("channel", "")).startswith("C")
        ]

    def dms_to(self, user: str) -> list[Call]:
        """Messages posted into a person's DM with the bot."""
        return [
            c
            for c in self.calls
            if c.method == "chat.postMessage" and c.params.get("channel") in (user, "D" + user[1:])
        ]

    @property
    def view_errors(self) -> dict[str, str]:
        """A modal's field errors, when the submission's ack carried them."""
        try:
            body = self.reply.json()
        except ValueError:
            return {}
        return dict(body.get("errors") or {}) if body.get("response_action") == "errors" else {}


class _Tracked:
    """Stands in for Bolt's listener executor and remembers every task it was handed, so a test can wait
    for exactly the listeners its own request started instead of sleeping until Slack goes quiet."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.futures: list[Future[Any]] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = self.inner.submit(fn, *args, **kwargs)
        self.futures.append(future)
        return future

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _tracker(running: Running) -> _Tracked:
    """Install (once per running app) the tracking executor on every Bolt runner that starts listeners."""
    tracked = running.extra.get("tracked")
    if isinstance(tracked, _Tracked):
        return tracked
    runner = running.app.listener_runner
    tracked = _Tracked(runner.listener_executor)  # type: ignore[attr-defined]
    runner.listener_executor = tracked  # type: ignore[attr-defined]
    lazy = getattr(runner, "lazy_listener_runner", None)
    if lazy is not None and getattr(lazy, "executor", None) is tracked.inner:
        lazy.executor = tracked
    running.extra["tracked"] = tracked
    return tracked


class _TrackedAnswers:
    """The pie's answer queue (/claim-pie answers in the ack or from it at response_url), remembering the
    future of every command it was handed, so a test can wait until each answer is out."""

    def __init__(self, queue: Any) -> None:
        self.futures: list[Future[Any]] = []
        submit = queue._submit

        def tracked_submit(*args: Any, **kwargs: Any) -> Any:
            job = submit(*args, **kwargs)
            if job is not None:
                self.futures.append(job.settled)
            return job

        queue._submit = tracked_submit
        queue.tracked = self


def _pie_workers() -> _TrackedAnswers:
    """The pie's own answer queue, tracked the same way as Bolt's executor."""
    from bot.slack.listeners.commands import pie

    queue = pie._answer_queue()
    tracked = getattr(queue, "tracked", None)
    return tracked if isinstance(tracked, _TrackedAnswers) else _TrackedAnswers(queue)


def _export_workers() -> _Tracked:
    """The exports' pool (privacy, issue 20: files are built after the ack), tracked the same way."""
    from bot.slack.listeners.commands import privacy

    if not isinstance(privacy.WORKERS, _Tracked):
        privacy.WORKERS = _Tracked(privacy.WORKERS)  # type: ignore[assignment]
    return privacy.WORKERS  # type: ignore[return-value]


def send(running: Running, do: Any) -> Outcome:
    """Send one request with its own response_url through `do(client)`, wait for every listener the request
    started (they run after the ack) and collect what Stretch did for it."""
    name = f"mx{next(_names)}"
    client = SignedSlack(
        running.slack.events_url, SIGNING_SECRET, response_url=running.fake.response_url(name)
    )
    pools: list[Any] = [_tracker(running), _pie_workers(), _export_workers()]
    mark, started = len(running.fake.calls), [len(pool.futures) for pool in pools]
    reply = do(client)
    deadline = time.monotonic() + 10
    # A listener may itself start more work on an executor: wait until every task is done.
    while time.monotonic() < deadline:
        pending = [
            f for pool, n in zip(pools, started, strict=True) for f in pool.futures[n:] if not f.done()
        ]
        if not pending:
            break
        wait(pending, timeout=max(0.0, deadline - time.monotonic()))
    calls = [
        c for c in running.fake.calls[mark:] if c.method != "response_url" or c.params.get("_name") == name
    ]
    response_text = "\n".join(flatten_text(c.params) for c in calls if c.method == "response_url")
    return Outcome(
        reply=reply, calls=[c for c in calls if c.method != "response_url"], response_text=response_text
    )


def person(running: Running, user: str) -> Person | None:
    """A person row by Slack id."""
    with running.deps.session_factory() as session:
        return session.scalar(select(Person).where(Person.slack_user_id == user))

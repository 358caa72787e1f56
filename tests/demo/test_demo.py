"""`stretch demo` plays the whole story against the real app: its key facts must keep appearing, so the
demo cannot silently rot when a feature changes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from bot.cli.main import main
from bot.demo import story
from bot.models import Delivery, Membership, Person, QuietAlert
from bot.models.checkins import Checkin, CheckinAnswer, CheckinQuestion


@dataclass
class Played:
    """One in-process run of the demo: what it printed and the Slack calls it wrote with --json."""

    code: int
    out: str
    err: str
    calls: list[dict[str, Any]]
    db_url: str

    def posts(self, channel: str, phrase: str = "") -> list[dict[str, Any]]:
        """chat.postMessage calls to `channel` (a user id is their DM) whose text or blocks hold `phrase`."""
        return [
            c
            for c in self.calls
            if c["method"] == "chat.postMessage"
            and c["params"].get("channel") == channel
            and phrase in json.dumps(c["params"], ensure_ascii=False)
        ]

    def everywhere(self, phrase: str) -> list[dict[str, Any]]:
        """Every chat.postMessage holding `phrase`, wherever it went."""
        return [
            c
            for c in self.calls
            if c["method"] == "chat.postMessage" and phrase in json.dumps(c["params"], ensure_ascii=False)
        ]


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Played:
    """The demo, run once in-process through the CLI with its data kept for inspection."""
    folder = tmp_path_factory.mktemp("demo")
    db_url = f"sqlite:///{folder / 'demo.db'}"
    calls_file = folder / "calls.json"
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(
            [
                "demo",
                "--no-color",
                "--db",
                db_url,
                "--json",
                str(calls_file),
                "--charts",
                str(folder / "charts"),
            ]
        )
    return Played(code, out.getvalue(), err.getvalue(), json.loads(calls_file.read_text()), db_url)


def test_the_demo_runs_clean_and_tells_the_story(played: Played) -> None:
    assert played.code == 0, played.err
    assert "error" not in played.err.lower()
    for line in (
        "Day 1, Fri 20 Nov",
        "Maya types  /stretch setup",
        "Northstar is set up in #sales-team",
        "Raj types  /claim-pie 8k",
        "Leo stops answering",
        "The end:",
    ):
        assert line in played.out
    # Every message is shown with its recipient and their local time, Block Kit as text.
    assert "Mon 23 Nov 09:30 Kolkata · DM to Raj" in played.out
    assert "[• Submit]" in played.out and "HI MAYA" in played.out


def test_the_unclaimed_pie_at_the_deadline_reaches_only_the_manager(played: Played) -> None:
    notes = played.everywhere("closed with *$25,000 unclaimed*")
    assert notes, "Maya never heard about the pie left over"
    assert {c["params"]["channel"] for c in notes} == {story.MAYA}
    assert "Raj types  /claim-pie 8k" in played.out and "Ann types  /claim-pie 40k" in played.out
    assert "$95,000 of $120,000" in played.out  # five slices, Leo's missing


def test_reps_get_check_ins_and_answer_them_with_varied_zones(played: Played) -> None:
    counts = {rep: len(played.posts(rep, "Your pulse check-in")) for rep in story.REPS}
    for rep in story.REPS:
        if rep != story.LEO:
            assert counts[rep] >= 10, counts
    # Leo stops answering: after three missed in a row his check-ins drop to one a week, said kindly once.
    assert counts[story.LEO] < min(c for rep, c in counts.items() if rep != story.LEO), counts
    assert played.posts(story.LEO, "just once a week until you answer again")
    engine = create_engine(played.db_url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(Person.slack_user_id, Checkin.zone, Checkin.local_date)
                .join(Person, Person.id == Checkin.person_id)
                .where(Checkin.zone.is_not(None))
            ).all()
    finally:
        engine.dispose()
    zones = {zone for _, zone, _ in rows}
    assert len(zones) >= 2, zones
    leo_answered = [day for user, _, day in rows if user == story.LEO]
    assert leo_answered and max(leo_answered) < story.LEO_GOES_QUIET  # the quiet rep stays quiet


def test_the_pilot_runs_from_kickoff_to_review_and_a_tweaked_v2(played: Played) -> None:
    assert played.posts(story.RAJ, "Day 1: Two-question discovery")  # kickoff
    assert played.posts(story.RAJ, "how's it going")  # mid-point
    assert played.posts(story.ANN, "Review: Two-question discovery")  # review
    summary = played.posts(story.MAYA, "Pilot summary")
    assert summary and "Keep 2 · Tweak 2 · Drop 0" in json.dumps(summary[-1]["params"], ensure_ascii=False)
    assert not any(played.posts(rep, "Pilot summary") for rep in story.REPS)
    assert played.posts(story.KIM, "(v2)")  # the tweak kicked off


def test_peer_and_manager_shout_outs_land_in_the_channel(played: Played) -> None:
    # Huddle cards recap the shout-outs since the last huddle; the shout-outs themselves are the rest.
    posts = [p for p in played.posts(story.CHANNEL) if "Team huddle" not in json.dumps(p["params"])]
    peers = [p for p in posts if "Shout-out for" in json.dumps(p["params"], ensure_ascii=False)]
    assert len(peers) == 2  # Ann's for Raj, Zoe's for Kim
    drafted = played.posts(story.CHANNEL, "Shout-out to <@U0RAJ>")
    assert drafted and "From <@U0MAYA>" in json.dumps(drafted[0]["params"])  # Maya posted a draft
    # Nobody's check-in or zone is ever posted in the channel (huddle cards show the team in aggregate).
    assert not any(
        phrase in json.dumps(p["params"], ensure_ascii=False)
        for p in posts
        for phrase in ("zone", "check-in")
    )


def test_the_quiet_reps_alert_and_the_weekly_digest_reach_only_the_manager(played: Played) -> None:
    """The quiet rep's alert reaches only the manager (never the rep, never a channel) and the digest, at
    Maya's Friday 16:00, has its sections."""
    engine = create_engine(played.db_url)
    try:
        with Session(engine) as session:
            alerts = session.scalars(select(Delivery).where(Delivery.kind.like("%alert%"))).all()
            digests = session.scalars(select(Delivery).where(Delivery.kind.like("%digest%"))).all()
    finally:
        engine.dispose()
    assert alerts and {d.channel for d in alerts if d.status == "sent"} == {story.MAYA}
    assert not played.everywhere("<@U0LEO>") or all(
        c["params"]["channel"] == story.MAYA for c in played.everywhere("quiet")
    )
    sent = [d for d in digests if d.status == "sent"]
    assert len(sent) >= 2 and {d.channel for d in sent} == {story.MAYA}
    blocks = [c for c in played.posts(story.MAYA) if "digest" in json.dumps(c["params"]).lower()]
    assert (
        blocks and sum(1 for b in blocks[-1]["params"]["blocks"] if b["type"] in ("header", "section")) >= 3
    )


def test_the_huddle_card_goes_to_the_channel_and_the_recap_only_to_the_manager(played: Played) -> None:
    """Thursdays: the card in the team channel, Ann's update in its thread, what she's stuck on only in
    Maya's recap."""
    assert played.posts(story.CHANNEL, "Team huddle · Northstar")
    update = played.posts(story.CHANNEL, "Update from <@U0ANN>")
    assert update and "Legal review" not in json.dumps(update[-1]["params"])
    recap = played.posts(story.MAYA, "Flagged as stuck")
    assert recap and "Legal review slows my biggest deal" in json.dumps(recap[-1]["params"])
    assert not any(played.posts(rep, "Legal review") for rep in story.REPS)


def test_stretch_demo_exits_0_and_writes_nothing_here(tmp_path: Path) -> None:
    # How long it takes is a benchmark's business (`time stretch demo`), never a test's: a busy machine
    # would fail it for nothing.
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--no-color"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "The end:" in result.stdout
    assert list(tmp_path.iterdir()) == []  # no data/, no database, no files left behind


def _recipient(call: dict[str, Any]) -> str:
    """Who saw what a recorded Slack call carried: a user id for a DM, a Home or a modal, else the channel."""
    params = call["params"]
    method = call["method"]
    if method in ("chat.postMessage", "chat.update"):
        channel = str(params.get("channel") or "")
        return "U" + channel[1:] if channel.startswith("D") else channel
    if method == "views.publish":
        return str(params.get("user_id") or "")
    if method == "chat.postEphemeral":
        return str(params.get("user") or "")
    if method == "response_url":
        return str(params.get("_user") or "")
    if method in ("views.open", "views.update", "views.push"):
        trigger = str(params.get("trigger_id") or "")
        return trigger.split(".")[1] if trigger.count(".") >= 2 else "a modal"
    return ""


def test_manager_only_data_reaches_only_the_managers(played: Played) -> None:
    """Across every call Stretch made in three weeks: a rep's note reaches only that rep and the managers;
    alert evidence, the digest and a huddle's stuck note reach only the managers; none reaches a channel."""
    engine = create_engine(played.db_url)
    try:
        with Session(engine) as session:
            notes = {
                (person, value)
                for person, value in session.execute(
                    select(Person.slack_user_id, CheckinAnswer.value)
                    .join(Checkin, Checkin.id == CheckinAnswer.checkin_id)
                    .join(Person, Person.id == Checkin.person_id)
                    .where(CheckinAnswer.value.is_not(None))
                )
                if value and len(value) > 12
            }
            evidence = {e for e in session.scalars(select(QuietAlert.evidence)) if e}
    finally:
        engine.dispose()
    assert notes and evidence, "the story writes notes and raises alerts"
    managers = {story.MAYA}
    private: list[tuple[str, set[str]]] = [(text, managers | {author}) for author, text in notes]
    private += [(text, managers) for text in evidence]
    private += [("Legal review slows my biggest deal", managers), ("Weekly digest", managers)]
    leaks = [
        (text[:40], call["method"], _recipient(call))
        for call in played.calls
        for text, allowed in private
        if text in json.dumps(call["params"], ensure_ascii=False) and _recipient(call) not in allowed
    ]
    assert leaks == []


def test_maya_opens_leos_page_after_his_alert_and_sees_why(played: Played) -> None:
    """Issue 17: from Leo's alert, Maya's 1:1 page for him shows the run of misses, his last note and the
    questions to ask; the modal is hers alone (nothing about it reaches a channel or Leo)."""
    opened = [
        c
        for c in played.calls
        if c["method"] == "views.open"
        and (c["params"].get("view") or {}).get("callback_id") == "one_on_one_page"
    ]
    assert opened, "Maya never opened Leo's page"
    page = json.dumps(opened[0]["params"]["view"], ensure_ascii=False)
    assert "Leo · Northstar" in page and "missed 2 in a row since Thu 26 Nov" in page
    assert "Lost the Acme deal today &amp; I'm behind on my slice" in page
    assert "Three questions for the 1:1" in page and "Managers' note" in page
    assert "Maya taps [Open Leo's page]" in played.out
    assert not played.everywhere("Lost the Acme deal")  # the note never went into a message


def test_the_pie_has_checkpoints_the_team_passes_one_and_maya_gets_charts_and_anns_limit(
    played: Played,
) -> None:
    """Issue 19's story: checkpoints on the pie, a checkpoint card in the channel naming nobody, both
    charts shared into Maya's DM (and written by --charts) with their figures in the digest, and Ann's
    repeated limiting factor reaching Maya privately."""
    cards = played.posts(story.CHANNEL, "the team passed checkpoint 1 of 3: $20,000 by 4 Dec")
    assert len(cards) == 1
    card = json.dumps(cards[0]["params"], ensure_ascii=False)
    assert "<@" not in card and not any(name in card for _, name, _ in story.CAST)
    uploads = [c for c in played.calls if c["method"] == "files.completeUploadExternal"]
    assert uploads and {c["params"]["channel_id"] for c in uploads} == {"D" + story.MAYA[1:]}
    digests = played.posts(story.MAYA, "Burn-up for December push")
    assert digests and "Zone mix (people per week)" in json.dumps(digests[-1]["params"], ensure_ascii=False)
    assert "Checkpoints: $20,000 by 4 Dec, $70,000 by 18 Dec, $120,000 by 31 Dec" in json.dumps(
        digests[-1]["params"], ensure_ascii=False
    )
    charts = Path(played.db_url.removeprefix("sqlite:///")).parent / "charts"
    written = sorted(p.name for p in charts.iterdir())
    assert "2026-12-11-burnup.png" in written and "2026-12-11-zones.png" in written
    assert all((charts / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for name in written)
    limit = played.posts(story.MAYA, "Ann has named *pipeline* as their limit 3 times in a row")
    assert limit
    assert not played.everywhere("as their limit 3 times") or all(
        c["params"]["channel"] == story.MAYA for c in played.everywhere("as their limit 3 times")
    )


def test_the_lead_lists_story_plays_privately(played: Played) -> None:
    """Leo claims the association, Ann and Sam named members: Ann and Leo partner 60/40 in two taps, Maya
    decides Lakeview for Sam, Ann's progress on Buckeye is split; no overlap text ever reaches a channel."""
    assert played.posts(story.ANN, "you and @Leo are partners") or played.posts(
        story.ANN, f"you and <@{story.LEO}> are partners"
    )
    assert played.posts(story.LEO, "40%* of the credit for you")
    assert played.posts(story.MAYA, "who should pursue it")
    assert played.posts(story.SAM, "Lakeview Credit Union (in Ohio Credit Union League)* is yours")
    assert "$6,000 to @Ann, $4,000 to @Leo" in played.out
    for phrase in ("Buckeye", "Lakeview", "both claimed it", "partner"):
        assert not played.posts(story.CHANNEL, phrase), f"{phrase!r} reached the channel"


# --- issue 16: a rep's attention and privacy over the whole three weeks -------------------------------------

ZONE_WORDS = (
    "snap",
    "under-stretched",
    "over-stretched",
    "overwhelm",
    "comeback",
    "too much",
    "readiness",
    "zone",
)
REP_ONLY_KINDS = ("checkin", "checkin_nudge", "welcome")
MANAGER_ONLY_KINDS = ("quiet_alert", "digest", "shoutout_drafts", "huddle_recap", "huddle_stuck")


def _public_text(call: dict[str, Any]) -> str:
    """What everyone in a channel reads, minus the team pulse line (aggregate, checked separately)."""
    text = json.dumps(call["params"], ensure_ascii=False)
    return re.sub(r"\*Team pulse\*[^\"]*", "", text)


def _notes(played: Played) -> list[str]:
    with Session(create_engine(played.db_url)) as session:
        return [
            value
            for value, kind in session.execute(
                select(CheckinAnswer.value, CheckinQuestion.kind).join(
                    CheckinQuestion, CheckinQuestion.id == CheckinAnswer.question_id
                )
            )
            if kind == "text" and value
        ]


def test_no_private_fact_reaches_a_channel_by_content(played: Played) -> None:
    """Zone words, readiness, the limiting factor and the notes never appear in a channel post or update."""
    notes = _notes(played)
    assert notes  # the story has notes: the check below could fail
    public = [
        c
        for c in played.calls
        if c["method"] in ("chat.postMessage", "chat.update")
        and str(c["params"].get("channel", "")).startswith("C")
    ]
    assert public
    for call in public:
        text = _public_text(call).lower()
        for word in ZONE_WORDS:
            assert word not in text, (word, text[:300])
        assert "what limits" not in text
        for note in notes:
            assert note.lower() not in text


def test_the_team_pulse_is_shown_only_from_three_different_people(played: Played) -> None:
    pulses = [c for c in played.posts(story.CHANNEL) if "*Team pulse* (" in json.dumps(c["params"])]
    assert pulses  # the huddle card shows it: the story has enough answers
    with Session(create_engine(played.db_url)) as session:
        answering = session.scalar(
            select(func.count(func.distinct(Checkin.person_id))).where(Checkin.status == "answered")
        )
    assert answering is not None and answering >= 3


def test_private_kinds_reach_only_the_rep_or_their_managers(played: Played) -> None:
    """By kind: check-ins, nudges and welcomes go to the rep; alerts, digests, drafts, recaps to managers."""
    with Session(create_engine(played.db_url)) as session:
        managers = {
            p.slack_user_id
            for p in session.scalars(
                select(Person)
                .join(Membership, Membership.person_id == Person.id)
                .where(Membership.role == "manager")
            )
        }
        rows = session.execute(
            select(Delivery.kind, Delivery.channel, Person.slack_user_id)
            .join(Person, Person.id == Delivery.person_id, isouter=True)
            .where(Delivery.status == "sent")
        ).all()
    seen = {kind for kind, _, _ in rows}
    assert {"checkin", "welcome", "quiet_alert", "digest"} <= seen
    for kind, channel, person in rows:
        if kind in REP_ONLY_KINDS:
            assert channel == person, (kind, channel)
        if kind in MANAGER_ONLY_KINDS:
            assert channel in managers, (kind, channel)


def test_no_rep_sees_another_reps_private_facts_at_home(played: Played) -> None:
    notes = _notes(played)
    homes = [
        c for c in played.calls if c["method"] == "views.publish" and c["params"].get("user_id") != story.MAYA
    ]
    for call in homes:
        text = json.dumps(call["params"], ensure_ascii=False).lower()
        assert "comeback" not in text and "pilot joined" not in text
        for note in notes:
            assert note.lower() not in text


def _dms_by_week(played: Played) -> dict[tuple[str, str], list[datetime]]:
    tz = {user: zone for user, _, zone in story.CAST}
    weeks: dict[tuple[str, str], list[datetime]] = {}
    for call in played.calls:
        user = str(call["params"].get("channel", ""))
        # Planned DMs only (each carries its delivery's key): a reply to a person's own tap is not one.
        if call["method"] != "chat.postMessage" or user not in tz or not call["params"].get("metadata"):
            continue
        # Lead-overlap DMs (issue 18, merged after the budget) are not classified yet: essential by default.
        if str(call["params"]["metadata"]["event_payload"].get("key", "")).startswith("lead"):
            continue
        local = datetime.fromisoformat(call["at"]).astimezone(ZoneInfo(tz[user]))
        year, week, _ = local.isocalendar()
        weeks.setdefault((user, f"{year}-W{week:02d}"), []).append(local)
    return weeks


def test_every_dm_lands_in_its_readers_working_hours_within_the_budget(played: Played) -> None:
    """Weekdays 08:00-19:00 local for everyone; at most 2 a day for reps; Leo, who stops answering,
    hears less and less. Maya chose five check-ins a week, which the budget never holds back (the week
    budget becomes six); in the pilot's week its mid-point and review came on top: seven at most."""
    weeks = _dms_by_week(played)
    for (user, week), moments in weeks.items():
        for local in moments:
            assert local.weekday() < 5 and 8 <= local.hour < 19, (user, local)
        if user != story.MAYA:
            per_day = Counter(m.date() for m in moments)
            assert max(per_day.values()) <= 2, (user, week, per_day)
            assert len(moments) <= 7, (user, week, len(moments))
    leo = [len(weeks.get((story.LEO, week), [])) for week in ("2026-W48", "2026-W49", "2026-W50")]
    assert leo[2] < leo[0] and leo[1] < leo[0], leo


def test_a_huddle_outside_someones_hours_does_not_count_them_silent(played: Played) -> None:
    """The Thursday huddle at 11:00 New York is 01:00 in Tokyo and 21:30 in Kolkata: Kim and Raj are
    never listed as not having posted; Leo (13:00 in Sao Paulo) can be."""
    recaps = [json.dumps(c["params"], ensure_ascii=False) for c in played.posts(story.MAYA, "Didn't post")]
    assert recaps
    for recap in recaps:
        silent = recap.split("Didn't post", 1)[1].split("\\n", 1)[0]
        assert f"<@{story.KIM}>" not in silent and f"<@{story.RAJ}>" not in silent, silent
    assert any(f"<@{story.LEO}>" in recap.split("Didn't post", 1)[1].split("\\n", 1)[0] for recap in recaps)

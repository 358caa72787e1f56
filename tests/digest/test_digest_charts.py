"""The digest's charts, checked on facts (valid PNGs of the right size, the fallback's figures), never on
pixels: rendered alone, uploaded with files_upload_v2 into the manager's DM, and the anonymous pressure
line beside the pace."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.charts import (
    BurnupData,
    ZoneMixData,
    ZoneWeek,
    burnup_text,
    is_png,
    png_size,
    render_burnup,
    render_zones,
    zones_text,
)
from bot.db import session_scope
from bot.domain.pie import format_amount
from bot.jobs.tick import tick
from bot.models import Checkin
from bot.services import pie as pie_service
from bot.services import pie_claims, pie_reads
from bot.services import pressure as pressure_service
from tests.conftest import Member, seed_team
from tests.digest.helpers import answer
from tests.slackclient import flatten_text

FRIDAY_4PM_NY = datetime(2026, 11, 20, 21, 0, tzinfo=UTC)
MAYA = Member("U0MAYA", "Maya")
REPS = [Member(f"U0R{i}", f"Rep{i}") for i in range(1, 7)]
BURNUP = BurnupData(
    title="Q4",
    currency="USD",
    start=date(2026, 10, 1),
    end=date(2026, 12, 31),
    today=date(2026, 11, 20),
    target=10_000_000,
    claimed=9_000_000,
    eaten=((date(2026, 10, 1), 0), (date(2026, 10, 20), 1_500_000), (date(2026, 11, 20), 4_000_000)),
    path=((date(2026, 10, 30), 3_000_000), (date(2026, 11, 30), 6_500_000), (date(2026, 12, 31), 10_000_000)),
    expected_today=5_000_000,
    status_label="a little behind",
)


def _money(minor: int) -> str:
    return format_amount(minor, "USD")


def test_the_burnup_is_an_800_by_450_png_and_its_text_carries_the_same_figures() -> None:
    """Valid PNG, fixed size; the fallback names closed, target, claimed, today's expectation, checkpoints."""
    png = render_burnup(BURNUP)
    assert is_png(png) and png_size(png) == (800, 450)
    text = burnup_text(BURNUP, _money)
    for figure in (
        "$40,000 closed of $100,000",
        "$90,000 claimed",
        "expects $50,000",
        "a little behind",
        "$30,000 by 30 Oct",
        "$65,000 by 30 Nov",
        "$100,000 by 31 Dec",
    ):
        assert figure in text


def test_the_zone_mix_leaves_out_weeks_with_fewer_than_three_people() -> None:
    """A week of two people is drawn empty and said so in words; other weeks give their counts."""
    weeks = tuple(
        ZoneWeek(
            date(2026, 9, 28) + timedelta(weeks=n),
            {"stretch": 2, "slack": 1, "snap": 1} if n != 3 else {"stretch": 2},
        )
        for n in range(8)
    )
    data = ZoneMixData("Closers", weeks)
    png = render_zones(data)
    assert is_png(png) and png_size(png) == (800, 450)
    text = zones_text(data)
    assert "w/c 19 Oct: fewer than 3 answered" in text
    assert "w/c 28 Sep: 2 stretch, 1 slack, 1 snap" in text
    assert text.count("fewer than 3") == 1


def test_the_digest_uploads_both_charts_into_the_managers_dm_with_the_figures_as_text(
    session_factory, fake_slack, slack_client
) -> None:
    """One digest, then two PNGs shared in the same DM; the message and each file's alt text carry the
    figures; the pressure line shows once 3 people answered (and says how it moved); no channel gets any."""
    team = seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[MAYA],
        reps=REPS,
        now=FRIDAY_4PM_NY - timedelta(days=30),
    )
    with session_scope(session_factory) as session:
        role, _ = pie_reads.role_in_team(session=session, team_id=team, user_id=MAYA.user_id)
        pie_service.bake_pie(
            session=session,
            role=role,
            actor_user_id=MAYA.user_id,
            target_text="100k",
            title="Q4",
            now=FRIDAY_4PM_NY - timedelta(days=25),
        )
        rep_role, rep = pie_reads.role_in_team(session=session, team_id=team, user_id="U0R1")
        pie_claims.claim_slice(
            session=session,
            role=rep_role,
            person=rep,
            amount_text="30k",
            note=None,
            now=FRIDAY_4PM_NY - timedelta(days=20),
        )
        pie_claims.log_progress(
            session=session,
            role=rep_role,
            person=rep,
            amount_text="12k",
            for_user_id=None,
            now=FRIDAY_4PM_NY - timedelta(days=3),
        )
        pressure_service.set_enabled(
            session=session, team_id=team, enabled=True, now=FRIDAY_4PM_NY - timedelta(days=20)
        )
    for week in (1, 0):
        for i, rep_member in enumerate(REPS):
            answer(
                session_factory,
                team_id=team,
                user_id=rep_member.user_id,
                due_at=FRIDAY_4PM_NY - timedelta(days=2 + 7 * week),
            )
    # Anonymous answers: last week all six said never, this week two felt it.
    with session_scope(session_factory) as session:
        for checkin in session.scalars(select(Checkin).order_by(Checkin.due_at)).all():
            this_week = checkin.due_at > FRIDAY_4PM_NY - timedelta(days=6)
            # Two of the six reps (person ids 3 and 6) felt it this week.
            choice = "a_little" if this_week and checkin.person_id % 3 == 0 else "never"
            pressure_service.record_pressure(
                session=session,
                checkin_id=checkin.id,
                user_id=_user_of(session, checkin.person_id),
                choice=choice,
                now=checkin.due_at + timedelta(minutes=5),
            )
    tick(session_factory=session_factory, client=slack_client, now=FRIDAY_4PM_NY)
    (digest,) = [
        c for c in fake_slack.messages_to("U0MAYA") if "Weekly digest" in flatten_text(c.json_param("blocks"))
    ]
    text = flatten_text(digest.json_param("blocks"))
    assert "Burn-up for Q4: $12,000 closed of $100,000 ($30,000 claimed)" in text
    assert "Zone mix (people per week)" in text and "6 stretch, 0 slack, 0 snap" in text
    assert "*Pace:*" in text
    assert "Pressure to cut corners: 2 of 6 felt it this week (up from 0)" in text
    shared = fake_slack.files_in("U0MAYA")
    assert [record["title"] for record, _ in shared] == ["Q4 burn-up", "Zone mix, last 8 weeks"]
    for _, content in shared:
        assert is_png(content) and png_size(content) == (800, 450)
    alt_texts = [
        str(c.params.get("alt_txt") or "") for c in fake_slack.calls_to("files.getUploadURLExternal")
    ]
    assert len(alt_texts) == 2 and all(alt and alt[:20] in text for alt in alt_texts)
    for rep_member in REPS:
        assert fake_slack.files_in(rep_member.user_id) == []
    assert fake_slack.files_in("C0TEAM") == []


def _user_of(session, person_id: int) -> str:
    from bot.models import Person

    person = session.get(Person, person_id)
    assert person is not None
    return person.slack_user_id

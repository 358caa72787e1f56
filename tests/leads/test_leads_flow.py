"""Lead lists end to end over signed HTTP: claims, overlap DMs, partnering, credit, umbrellas, escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db import session_scope
from bot.domain.leads.accounts import parse_csv
from bot.models import Person, PieSlice, Team
from bot.models.leads import LeadClaim, LeadEvent
from bot.services.leads.imports import import_association
from bot.services.leads.settings import settings_of
from bot.slack.ids import LeadAction
from tests.conftest import Member, Running, seed_team
from tests.leads.helpers import MIA, NOW, RAJ, buttons, click, leads, opened, overlaps, run_tick, submit, team
from tests.pie.helpers import pie
from tests.slackclient import flatten_text


def _dm(running: Running, user: str, needle: str) -> list:
    return [c for c in running.fake.messages_to(user) if needle in flatten_text(c.params)]


def _no_channel_post_mentions(running: Running, *words: str) -> None:
    for call in running.fake.calls_to("chat.postMessage") + running.fake.calls_to("chat.postEphemeral"):
        if str(call.params.get("channel", "")).startswith("C"):
            text = flatten_text(call.params)
            assert not any(w in text for w in words), f"overlap text reached a channel: {text[:200]}"


def test_two_reps_overlap_partner_60_40_and_progress_credits_both(running: Running) -> None:
    """Raj and Ann both claim Acme: each gets one private DM naming the account and the other; Raj offers
    60/40, Ann accepts in one tap; then 10k of progress on Acme credits Raj 6k and Ann 4k."""
    team(running)
    added = leads(running, "add Acme Corp (acme.com), Globex, initech.io", user="U0RAJ")
    assert "Claimed *Acme Corp (acme.com)*, *Globex*, *initech.io*" in added.response_text
    second = leads(running, "add ACME, Inc., Hooli", user="U0ANN")
    assert "1 of them overlaps a teammate's claim" in second.response_text
    [overlap] = overlaps(running)
    raj_dm, ann_dm = _dm(running, "U0RAJ", "both claimed it"), _dm(running, "U0ANN", "both claimed it")
    assert len(raj_dm) == 1 and len(ann_dm) == 1
    assert "<@U0ANN>" in flatten_text(raj_dm[0].params) and "<@U0RAJ>" in flatten_text(ann_dm[0].params)
    assert "Acme Corp (acme.com)" in flatten_text(raj_dm[0].params)
    assert set(buttons(raj_dm[0])) == {LeadAction.PARTNER, LeadAction.YIELD, LeadAction.ASK_MANAGER}

    form = opened(click(running, LeadAction.PARTNER, str(overlap.id), user="U0RAJ"))
    offered = submit(running, form, {"lead_share": {"value": "60"}}, user="U0RAJ")
    assert "offered your teammate 40%" in offered.reply.text
    [proposal] = _dm(running, "U0ANN", "offers to partner")
    assert "*60%* for them, *40%* for you" in flatten_text(proposal.params)
    accept = buttons(proposal)[LeadAction.ACCEPT]
    accepted = click(running, LeadAction.ACCEPT, accept, user="U0ANN")
    assert "Partners on" in accepted.response_text
    assert _dm(running, "U0RAJ", "60%* of the credit for you")
    assert _dm(running, "U0ANN", "40%* of the credit for you")

    card = leads(running, user="U0ANN")
    assert "partner <@U0RAJ>, you 40% / them 60%" in card.response_text

    assert "is baked" in pie(running, "new 100k Q4 push", user="U0MIA").text
    logged = pie(running, "progress 10k Acme", user="U0RAJ")
    assert "$6,000 to <@U0RAJ>, $4,000 to <@U0ANN>" in logged.text
    with running.deps.session_factory() as session:
        progress = dict(
            session.execute(
                select(Person.slack_user_id, PieSlice.progress_minor).join(
                    Person, Person.id == PieSlice.person_id
                )
            ).all()
        )
    assert progress == {"U0RAJ": 600_000, "U0ANN": 400_000}
    # Progress on an account nobody shares stays the rep's own.
    pie(running, "progress 1k Globex", user="U0RAJ")
    with running.deps.session_factory() as session:
        actions = [
            e.action for e in session.scalars(select(LeadEvent).where(LeadEvent.account_key == "d:acme.com"))
        ]
    assert actions == ["claimed", "overlap", "proposed", "accepted"]
    _no_channel_post_mentions(running, "Acme", "overlap", "partner")


def test_an_umbrella_claim_meets_a_rep_who_named_the_member(running: Running) -> None:
    """Lee claims the whole association; Ann named one member: both are told, and Ann that the association
    claim doesn't outrank her."""
    team_id = team(running)
    with session_scope(running.deps.session_factory) as session:
        team_row = session.get(Team, team_id)
        assert team_row is not None
        import_association(
            session=session,
            team=team_row,
            name="Ohio Credit Union League",
            accounts=parse_csv("company,domain,note\nBuckeye CU,buckeyecu.org,\nLakeview Credit Union,,\n"),
            actor="cli",
            now=NOW,
        )
    missing = leads(running, "umbrella Texas Bankers", user="U0LEE")
    assert "Nobody has imported an association called *Texas Bankers*" in missing.response_text
    claimed = leads(running, "umbrella ohio credit union league", user="U0LEE")
    assert "Claimed *Ohio Credit Union League*" in claimed.response_text
    assert "(association, 2 accounts)" in claimed.response_text
    leads(running, "add Buckeye CU (https://www.buckeyecu.org)", user="U0ANN")
    [overlap] = overlaps(running)
    assert overlap.account == "Buckeye CU (buckeyecu.org) (in Ohio Credit Union League)"
    ann = _dm(running, "U0ANN", "both claimed it")
    lee = _dm(running, "U0LEE", "both claimed it")
    assert "You named the account itself" in flatten_text(ann[0].params)
    assert "They named the account itself" in flatten_text(lee[0].params)
    # Lee gives the member up: Ann owns it, Lee keeps the association's other member.
    click(running, LeadAction.YIELD, str(overlap.id), user="U0LEE")
    assert overlaps(running)[0].status == "assigned"
    with running.deps.session_factory() as session:
        assert (
            session.scalar(select(LeadClaim.status).where(LeadClaim.association_id.is_not(None))) == "active"
        )
    _no_channel_post_mentions(running, "Buckeye", "Ohio")


def test_an_open_overlap_reaches_the_managers_after_two_working_days(running: Running) -> None:
    """Claimed Friday afternoon: Monday still with the reps; Tuesday afternoon Mia gets one decision card,
    gives the account to Raj, and both reps hear it privately."""
    team(running)
    friday = NOW + timedelta(days=4)
    running.clock.set(friday)
    leads(running, "add Initech (initech.io)", user="U0RAJ")
    leads(running, "add initech.io", user="U0ANN")
    [overlap] = overlaps(running)
    run_tick(running, friday + timedelta(days=3))  # Monday
    assert not _dm(running, "U0MIA", "who should pursue it")
    run_tick(running, friday + timedelta(days=4, hours=1))  # Tuesday, after the same hour
    cards = _dm(running, "U0MIA", "who should pursue it")
    assert len(cards) == 1
    run_tick(running, friday + timedelta(days=4, hours=2))
    assert len(_dm(running, "U0MIA", "who should pursue it")) == 1, "the card is sent once"
    decided = click(running, LeadAction.DECIDE_A, str(overlap.id), user="U0MIA")
    assert "goes to <@U0RAJ>" in decided.response_text
    assert _dm(running, "U0RAJ", "is yours (decided by <@U0MIA>)")
    assert _dm(running, "U0ANN", "is <@U0RAJ>'s (decided by <@U0MIA>)")
    _no_channel_post_mentions(running, "Initech", "initech")


def test_a_rep_cannot_claim_for_someone_else_and_bad_lines_change_nothing(running: Running) -> None:
    """Each gets a private answer naming the problem; not one claim is written."""
    team(running)
    assert (
        "only claim accounts for yourself"
        in leads(running, "add <@U0ANN|ann> Acme", user="U0RAJ").response_text
    )
    bad = leads(running, "add Acme, !!!, acme.com:8080", user="U0RAJ").response_text
    assert (
        "Line 2: `!!!` has no company name or domain" in bad and "Line 3: `acme.com:8080` has a port" in bad
    )
    assert (
        "That's 300 accounts"
        in leads(running, "add " + ", ".join(f"Company {n}" for n in range(300)), user="U0RAJ").response_text
    )
    assert (
        "Only the reps of *Closers* claim accounts" in leads(running, "add Acme", user="U0MIA").response_text
    )
    with running.deps.session_factory() as session:
        assert session.scalar(select(LeadClaim.id)) is None


def test_the_fallback_rule_set_in_setup_lets_the_named_account_win_after_two_working_days(
    running: Running,
) -> None:
    """Mia picks "the first claimer keeps it" in /stretch setup; Lee's association claim came first, but
    Ann named the account, so after 2 working days the rule gives it to Ann, nobody asks Mia, and both
    reps hear it privately. The rule is shown to reps on their card."""
    team_id = team(running)
    from tests.slack.test_setup import _opened_view

    running.slack.stretch("setup", user="U0MIA", channel="C0TEAM")
    view = _opened_view(running)
    picked = {"selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": "first"}}
    from tests.slackclient import state_values_from_view

    reply = running.slack.submit_view(
        view, state_values_from_view(view, {"lead_fallback": picked}), user="U0MIA"
    )
    assert reply.status == 200 and "errors" not in reply.text
    with session_scope(running.deps.session_factory) as session:
        assert settings_of(session=session, team_id=team_id).fallback == "first"
        team_row = session.get(Team, team_id)
        assert team_row is not None
        import_association(
            session=session,
            team=team_row,
            name="Ohio Credit Union League",
            accounts=parse_csv("company,domain,note\nBuckeye CU,buckeyecu.org,\n"),
            actor="cli",
            now=NOW,
        )
    assert "the first claimer keeps it" in leads(running, user="U0LEE").response_text
    leads(running, "umbrella Ohio Credit Union League", user="U0LEE")
    running.clock.set(NOW + timedelta(hours=1))
    leads(running, "add buckeyecu.org", user="U0ANN")
    run_tick(running, NOW + timedelta(days=2, hours=2))  # Wednesday: 2 working days later
    [overlap] = overlaps(running)
    assert overlap.status == "assigned" and overlap.decided_by == "rule"
    assert _dm(running, "U0ANN", "is yours (decided by the team's rule)")
    assert _dm(running, "U0LEE", "is <@U0ANN>'s (decided by the team's rule)")
    assert not _dm(running, "U0MIA", "who should pursue it")


def test_a_manager_imports_a_reps_list_by_pasting_csv_from_the_home(running: Running) -> None:
    """Import lead list on Mia's home: a bad paste gets a field error naming the line and writes nothing;
    the fixed paste claims the accounts for Raj, and an overlap with Ann reaches only the two reps."""
    team_id = team(running)
    leads(running, "add Hooli (hooli.com)", user="U0ANN")
    form = opened(click(running, LeadAction.IMPORT, str(team_id), user="U0MIA"))
    rep = {"selected_user": "U0RAJ"}
    bad = submit(
        running,
        form,
        {"lead_import_rep": rep, "lead_import_csv": {"value": "company,domain,note\nAcme,acme.com:8080,\n"}},
        user="U0MIA",
    )
    assert bad.view_errors == {
        "lead_import_csv": "Line 2: `acme.com:8080` has a port. Type the domain alone, like `acme.com`."
    }
    with running.deps.session_factory() as session:
        assert session.scalar(select(LeadClaim.id).where(LeadClaim.claimed_by == "U0MIA")) is None
    good = submit(
        running,
        form,
        {
            "lead_import_rep": rep,
            "lead_import_csv": {"value": "\ufeffcompany,domain,note\nAcme,acme.com,\nHooli Inc,,big one\n"},
        },
        user="U0MIA",
    )
    assert "Imported 2 accounts for <@U0RAJ>" in good.reply.text
    assert _dm(running, "U0RAJ", "both claimed it") and _dm(running, "U0ANN", "both claimed it")
    assert not _dm(running, "U0MIA", "both claimed it")
    _no_channel_post_mentions(running, "Hooli", "Acme")


def test_an_overlap_dm_waits_for_the_other_reps_working_hours(running: Running) -> None:
    """Raj (New York) claims at 10:00 his time an account Kei (Tokyo) already holds: Raj hears at once,
    Kei not at midnight but when his day starts (the clock sends it then)."""
    kei = Member("U0KEI", "Kei", tz="Asia/Tokyo")
    running.clock.set(NOW)
    seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[MIA],
        reps=[RAJ, kei],
        now=NOW,
    )
    leads(running, "add Initech (initech.io)", user=kei.user_id)
    leads(running, "add Initech (initech.io)", user=RAJ.user_id)
    assert _dm(running, RAJ.user_id, "Initech")
    assert not _dm(running, kei.user_id, "Initech"), "a DM at midnight in Tokyo"
    run_tick(running, datetime(2026, 11, 23, 23, 5, tzinfo=UTC))  # 08:05 Tue in Tokyo
    assert _dm(running, kei.user_id, "Initech")

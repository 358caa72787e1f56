"""Over signed HTTP: `/stretch digest` for a manager and a rep, the App Home for both, its 100-block cap,
and the digest's and dashboard's buttons."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.db import session_scope
from bot.services.moments import record_moment
from tests.conftest import Member, Running, seed_team
from tests.digest.helpers import alert, answer, person_id, pilot
from tests.slackclient import flatten_text

NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)  # a Wednesday
MIA = Member("U0MIA", "Mia")
REPS = [Member(f"U0R{i}", f"Rep{i}") for i in range(1, 5)]


def _seed(running: Running, *, reps: list[Member] = REPS) -> int:
    running.clock.set(NOW)
    team = seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[MIA],
        reps=reps,
        now=NOW - timedelta(days=20),
    )
    for rep in reps[:3]:
        answer(
            running.deps.session_factory, team_id=team, user_id=rep.user_id, due_at=NOW - timedelta(days=1)
        )
    return team


def _home(running: Running, user: str) -> dict:
    running.slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    return running.fake.wait_for("views.publish", user_id=user)[-1].json_param("view")


def test_a_manager_gets_the_digest_now_in_their_dm(running: Running) -> None:
    """`/stretch digest` answers privately and the digest lands in the DM."""
    _seed(running)
    reply = running.slack.stretch("digest", user="U0MIA")
    assert reply.status == 200 and "in our DM" in reply.text
    (dm,) = [
        c
        for c in running.fake.messages_to("U0MIA")
        if "Weekly digest" in flatten_text(c.json_param("blocks"))
    ]
    assert "*3/3* answered" in flatten_text(dm.json_param("blocks"))


def test_a_rep_asking_for_the_digest_is_told_it_is_for_managers(running: Running) -> None:
    """A clear refusal pointing to their own Home; nothing is sent."""
    _seed(running)
    reply = running.slack.stretch("digest", user="U0R1")
    assert reply.status == 200 and "for a team's managers" in reply.text and "Home" in reply.text
    assert not [
        c
        for c in running.fake.calls_to("chat.postMessage")
        if "Weekly digest" in flatten_text(c.json_param("blocks"))
    ]


def test_the_managers_home_shows_the_dashboard_above_the_rep_sections(running: Running) -> None:
    """Pulse, watchlist, pie, pilots and the five buttons, first on the page."""
    team = _seed(running)
    alert(
        running.deps.session_factory,
        team_id=team,
        user_id="U0R4",
        now=NOW,
        status="acknowledged",
        acted_by="U0MIA",
    )
    view = _home(running, "U0MIA")
    text = flatten_text(view)
    for phrase in (
        "This week's pulse",
        "Watchlist",
        "<@U0R4>",
        "<@U0MIA> is checking in",
        "No pie open",
        "Pilots",
    ):
        assert phrase in text
    buttons = {e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert {
        "digest_send_now",
        "open_setup",
        "digest_open_questions",
        "digest_new_pie",
        "pilot_start",
    } <= buttons
    headers = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert headers[1] == "Closers: team dashboard"  # right after the greeting
    assert text.index("team dashboard") < text.index("Your pulse")


def test_a_reps_home_has_their_own_sections_and_no_team_data(running: Running) -> None:
    """Pulse, away button; no dashboard, no watchlist, nobody else's alert."""
    team = _seed(running)
    alert(running.deps.session_factory, team_id=team, user_id="U0R4", now=NOW)
    text = flatten_text(_home(running, "U0R1"))
    assert "Your pulse" in text and "I'm away" in text
    for hidden in ("team dashboard", "Watchlist", "U0R4", "missed 3 of the last 3"):
        assert hidden not in text


def test_the_home_never_exceeds_100_blocks_with_a_big_team_and_many_pilots(running: Running) -> None:
    """Fifty reps, thirty pilots, 21 teams managed: still a valid Home with the dashboard first."""
    reps = [Member(f"U0B{i:02d}", f"Big{i}") for i in range(50)]
    team = _seed(running, reps=reps)
    for n in range(20):
        seed_team(
            session_factory=running.deps.session_factory,
            fake=running.fake,
            managers=[MIA],
            reps=reps[:2],
            name=f"Team{n}",
            channel=f"C0T{n}",
            now=NOW - timedelta(days=20),
        )
    for i in range(30):
        pilot(
            running.deps.session_factory,
            team_id=team,
            owner=reps[i].user_id,
            title=f"Pilot {i}",
            start=date(2026, 11, 10),
            now=NOW,
        )
        alert(running.deps.session_factory, team_id=team, user_id=reps[i].user_id, now=NOW, key=f"k{i}")
    view = _home(running, "U0MIA")
    assert len(view["blocks"]) <= 100
    text = flatten_text(view)
    assert "Closers: team dashboard" in text and "Team2* dashboard" in text
    rep_view = _home(running, reps[0].user_id)
    assert len(rep_view["blocks"]) <= 100


def test_the_dashboard_buttons_each_do_something(running: Running) -> None:
    """Send now sends the digest; Questions and New pie open their modals."""
    team = _seed(running)
    running.slack.action("digest_send_now", user="U0MIA", value=str(team), view={"id": "VHOME"})
    running.fake.wait_for("chat.postMessage", channel="U0MIA")
    running.slack.action("digest_open_questions", user="U0MIA", value=str(team), view={"id": "VHOME"})
    running.slack.action("digest_new_pie", user="U0MIA", value=str(team), view={"id": "VHOME"})
    opened = running.fake.wait_for("views.open", count=2)
    callbacks = {c.json_param("view")["callback_id"] for c in opened}
    assert {"checkin_questions", "pie_new_modal"} <= callbacks


def test_a_rep_clicking_a_dashboard_button_is_refused_kindly(running: Running) -> None:
    """Buttons check the role again: a rep can't open a team's new-pie modal or send a digest."""
    team = _seed(running)
    running.slack.action("digest_new_pie", user="U0R1", value=str(team), view={"id": "VHOME"})
    running.slack.action("digest_send_now", user="U0R1", value=str(team), view={"id": "VHOME"})
    replies = running.fake.wait_for("chat.postMessage", count=2, channel="U0R1")
    text = " ".join(flatten_text([c.params.get("text"), c.json_param("blocks")]) for c in replies)
    assert "Only a manager" in text and "for a team's managers" in text
    assert not running.fake.calls_to("views.open")


def test_a_drafted_shout_out_in_the_digest_posts_through_the_usual_flow(running: Running) -> None:
    """The digest's Post button opens the same editable shout-out modal as the drafts DM."""
    team = _seed(running)
    with session_scope(running.deps.session_factory) as session:
        record_moment(
            session=session,
            team_id=team,
            person_id=person_id(running.deps.session_factory, "U0R2"),
            kind="big_slice",
            summary="claimed a big slice",
            dedupe_key="m1",
            now=NOW - timedelta(hours=2),
        )
    running.slack.stretch("digest", user="U0MIA")
    (dm,) = [
        c
        for c in running.fake.messages_to("U0MIA")
        if "Weekly digest" in flatten_text(c.json_param("blocks"))
    ]
    post = next(
        b["accessory"]
        for b in dm.json_param("blocks")
        if b.get("accessory", {}).get("action_id") == "shoutout_post_draft"
    )
    running.slack.action("shoutout_post_draft", user="U0MIA", value=post["value"])
    (opened,) = running.fake.wait_for("views.open")
    assert opened.json_param("view")["callback_id"] == "shoutout_post_draft_modal"


def test_a_manager_of_two_teams_starts_a_pilot_in_the_dashboards_team(running: Running) -> None:
    """The dashboard's New pilot button opens the form for its own team, not "which team?"."""
    _seed(running)
    second = seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[MIA],
        reps=[Member("U0Z1", "Zed")],
        name="Hunters",
        channel="C0HUNT",
        now=NOW - timedelta(days=20),
    )
    reply = running.slack.action("pilot_start", user="U0MIA", value=str(second), view={"id": "VHOME"})
    assert reply.status == 200
    opened = running.fake.wait_for("views.open")[-1].json_param("view")
    assert "Hunters" in flatten_text(opened)

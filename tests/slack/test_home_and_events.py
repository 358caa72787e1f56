"""Events: the App Home is published when opened; profile changes refresh a person's zone; retries of
an event are processed once; errors never answer with a stack trace."""

from __future__ import annotations

from sqlalchemy import select

from bot.models import Person
from bot.slack.blocks.help import build_oops
from tests.conftest import Member, Running, seed_team
from tests.slackclient import flatten_text
from tests.waiting import eventually


def _published(running: Running, user: str) -> str:
    calls = running.fake.wait_for("views.publish", user_id=user)
    return flatten_text(calls[-1].json_param("view"))


def test_opening_the_home_tab_shows_your_teams_and_role(running: Running) -> None:
    """A manager sees their team with an Edit button; a rep sees the team without it."""
    seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[Member("U0MIA", "Mia", tz="Europe/Berlin")],
        reps=[Member("U0RAJ", "Raj", tz="Asia/Kolkata")],
    )
    assert running.slack.event({"type": "app_home_opened", "user": "U0MIA", "tab": "home"}).status == 200
    assert running.slack.event({"type": "app_home_opened", "user": "U0RAJ", "tab": "home"}).status == 200
    manager_home = _published(running, "U0MIA")
    rep_home = _published(running, "U0RAJ")
    assert "Closers" in manager_home and "Manager" in manager_home and "Edit team" in manager_home
    assert "Closers" in rep_home and "Rep" in rep_home and "Edit team" not in rep_home
    assert "Asia/Kolkata" in rep_home


def test_someone_on_no_team_is_told_how_to_get_added(running: Running) -> None:
    """No dead end: the Home explains who can add them."""
    running.slack.event({"type": "app_home_opened", "user": "U0NEW", "tab": "home"})
    home = _published(running, "U0NEW")
    assert "not on a Stretch team yet" in home
    assert "/stretch setup" in home


def test_the_messages_tab_does_not_publish_a_home(running: Running) -> None:
    """app_home_opened for the messages tab changes nothing."""
    running.slack.event({"type": "app_home_opened", "user": "U0NEW", "tab": "messages"})
    running.slack.event({"type": "app_home_opened", "user": "U0OTHER", "tab": "home"})
    running.fake.wait_for("views.publish", user_id="U0OTHER")
    assert [c.params["user_id"] for c in running.fake.calls_to("views.publish")] == ["U0OTHER"]


def test_a_changed_time_zone_is_picked_up_from_user_change(running: Running) -> None:
    """A rep who moves to another zone gets their check-ins at their new local time."""
    seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[Member("U0MIA", "Mia")],
        reps=[Member("U0RAJ", "Raj", tz="Asia/Kolkata")],
    )
    user = running.fake.users["U0RAJ"].as_slack() | {"tz": "Europe/Lisbon"}
    assert running.slack.event({"type": "user_change", "user": user}, event_id="EvMOVE1").status == 200
    assert _eventually_tz(running, "U0RAJ", "Europe/Lisbon") == "Europe/Lisbon"


def test_an_event_retried_by_slack_is_processed_once(running: Running, monkeypatch) -> None:
    """The same event_id delivered twice (X-Slack-Retry-Num) changes things once."""
    from bot.slack.listeners import events

    seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[Member("U0MIA", "Mia")],
        reps=[Member("U0RAJ", "Raj", tz="Asia/Kolkata")],
    )
    verdicts: list[tuple[str, bool]] = []
    original = events.first_delivery_of

    def spy(**kwargs):
        first = original(**kwargs)
        verdicts.append((kwargs["event_id"], first))
        return first

    monkeypatch.setattr(events, "first_delivery_of", spy)
    moved = running.fake.users["U0RAJ"].as_slack() | {"tz": "Europe/Lisbon"}
    running.slack.event({"type": "user_change", "user": moved}, event_id="EvSAME")
    assert _eventually_tz(running, "U0RAJ", "Europe/Lisbon") == "Europe/Lisbon"
    # A later, different change arrives; then Slack retries the first one, which must not undo it.
    back = running.fake.users["U0RAJ"].as_slack() | {"tz": "Asia/Kolkata"}
    running.slack.event({"type": "user_change", "user": back}, event_id="EvLATER")
    assert _eventually_tz(running, "U0RAJ", "Asia/Kolkata") == "Asia/Kolkata"
    retry = running.slack.event({"type": "user_change", "user": moved}, event_id="EvSAME", retry_num=1)
    assert retry.status == 200
    eventually(lambda: len(verdicts) >= 3)
    assert verdicts == [("EvSAME", True), ("EvLATER", True), ("EvSAME", False)]
    with running.deps.session_factory() as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == "U0RAJ"))
    assert person is not None and person.tz == "Asia/Kolkata"


def _eventually_tz(running: Running, user_id: str, expected: str) -> str:
    """The person's stored zone once it equals `expected`, or whatever it is after the wait."""

    def tz() -> str:
        with running.deps.session_factory() as session:
            person = session.scalar(select(Person).where(Person.slack_user_id == user_id))
            return person.tz if person else ""

    eventually(lambda: tz() == expected)
    return tz()


def test_an_unexpected_error_gets_an_apology_not_a_stack_trace(running: Running, monkeypatch, caplog) -> None:
    """A bug in a handler: the user sees a friendly ephemeral; the traceback goes to the log only."""
    from bot.slack.listeners.commands import stretch

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(stretch, "setup_target", broken)
    running.fake.add_user("U0ADMIN", "Ada", is_admin=True)
    reply = running.slack.stretch("setup", user="U0ADMIN", channel="C0NEW")
    assert reply.status == 200
    assert reply.json()["response_type"] == "ephemeral"
    assert reply.text == flatten_text({"blocks": build_oops()}) or "Something went wrong" in reply.text
    assert "Traceback" not in reply.text and "boom" not in reply.text
    assert any("unexpected error" in r.getMessage() for r in caplog.records)


def test_a_database_outage_is_answered_with_try_again(running: Running, monkeypatch) -> None:
    """While the database is unreachable, people are asked to try again in a minute."""
    from sqlalchemy.exc import OperationalError

    from bot.slack.listeners.commands import stretch

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(stretch, "setup_target", down)
    reply = running.slack.stretch("setup", user="U0ANY", channel="C0NEW")
    assert reply.status == 200
    assert "try again in a minute" in reply.text

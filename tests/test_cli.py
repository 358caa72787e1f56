"""The `stretch` command for operators: teams, ticks and the schema, against the fake Slack."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli.main import main
from bot.db import SessionFactory
from bot.models import Membership, Team
from tests.conftest import BOT_TOKEN
from tests.fakeslack import FakeSlack


@pytest.fixture
def cli_env(operator_env: FakeSlack) -> FakeSlack:
    """The environment an operator would have: tokens, the fake Slack's URL, the test database."""
    operator_env.add_user("U0ANN", "Ann Rep", tz="Australia/Adelaide")
    return operator_env


def test_team_create_then_list_and_show(cli_env: FakeSlack, session_factory: SessionFactory, capsys) -> None:
    """An operator creates a team from the shell; list and show print it with members' time zones."""
    code = main(
        [
            "team", "create", "--name", "Closers", "--channel", "C0CLOSE", "--managers", "U0MIA",
            "--reps", "U0RAJ,U0ANN", "--checkin-days", "tue,thu", "--checkin-time", "8:15",
        ]
    )  # fmt: skip
    assert code == 0
    assert "created: 3 member(s)" in capsys.readouterr().out
    with session_factory() as session:
        team = session.scalar(select(Team))
        assert team is not None
        assert (team.checkin_days, team.checkin_time, team.tz) == ("tue,thu", "08:15", "Europe/Berlin")
        assert len(session.scalars(select(Membership)).all()) == 3

    assert main(["team", "list"]) == 0
    listed = capsys.readouterr().out
    assert "Closers" in listed and "1 manager(s), 2 rep(s)" in listed

    assert main(["team", "show", "Closers"]) == 0
    shown = capsys.readouterr().out
    assert "Tue, Thu at 08:15" in shown
    assert "U0ANN" in shown and "Australia/Adelaide" in shown


def test_team_create_again_on_the_same_channel_updates(
    cli_env: FakeSlack, session_factory: SessionFactory
) -> None:
    """Re-running create for a channel updates that team instead of failing or duplicating."""
    base = ["team", "create", "--channel", "C0CLOSE", "--managers", "U0MIA"]
    assert main([*base, "--name", "Closers", "--reps", "U0RAJ"]) == 0
    assert main([*base, "--name", "Closers EMEA", "--reps", "U0ANN"]) == 0
    with session_factory() as session:
        teams = session.scalars(select(Team)).all()
        assert [t.name for t in teams] == ["Closers EMEA"]
        reps = {m.person.slack_user_id for m in session.scalars(select(Membership)) if m.role == "rep"}
        assert reps == {"U0ANN"}


def test_team_create_with_bad_input_says_what_to_fix(cli_env: FakeSlack, capsys) -> None:
    """Unknown users, bad days and bad times: one line on stderr, exit 2, nothing stored."""
    cases = [
        (["--managers", "U0GHOST"], "can't find U0GHOST in this workspace"),
        (["--managers", "U0MIA", "--checkin-days", "funday"], "'funday' isn't a weekday"),
        (["--managers", "U0MIA", "--checkin-time", "25:00"], "isn't a time"),
        (["--managers", "U0MIA", "--reps", "U0MIA"], "a manager and a rep"),
    ]
    for extra, message in cases:
        code = main(["team", "create", "--name", "X", "--channel", "C0X", *extra])
        err = capsys.readouterr().err
        assert code == 2, extra
        assert message in err, (extra, err)
        assert "Traceback" not in err
    assert main(["team", "list"]) == 0
    assert "No teams yet" in capsys.readouterr().out


def test_team_show_of_an_unknown_team(cli_env: FakeSlack, capsys) -> None:
    """Showing a team that doesn't exist points at `team list`."""
    assert main(["team", "show", "Nope"]) == 2
    assert "stretch team list" in capsys.readouterr().err


def test_tick_with_a_fixed_instant_reports_what_it_did(cli_env: FakeSlack, capsys) -> None:
    """`stretch tick --now` runs once and prints a summary."""
    assert main(["tick", "--now", "2026-11-23T09:30:00+01:00"]) == 0
    assert "tick at 2026-11-23T08:30:00+00:00" in capsys.readouterr().out


def test_tick_refuses_an_instant_without_a_zone(cli_env: FakeSlack, capsys) -> None:
    """A naive --now is ambiguous: refused with an example."""
    assert main(["tick", "--now", "2026-11-23T09:30"]) == 2
    assert "time zone offset" in capsys.readouterr().err


def test_db_commands_work_without_slack_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
) -> None:
    """`stretch db` needs only the database: upgrade, current, downgrade to base."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["db", "upgrade"]) == 0
    assert "database at revision 2026" in capsys.readouterr().out
    assert main(["db", "downgrade", "base", "--yes"]) == 0
    assert "base (empty)" in capsys.readouterr().out


def test_settings_come_from_a_dotenv_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> None:
    """A .env in the working directory is read; a malformed value is named in one line."""
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "PORT", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text(f"SLACK_BOT_TOKEN={BOT_TOKEN}\nSLACK_SIGNING_SECRET=s\nPORT=eighty\n")
    assert main(["serve", "--http"]) == 2
    assert (
        capsys.readouterr().err.strip() == "stretch: PORT must be a number between 1 and 65535, got 'eighty'"
    )

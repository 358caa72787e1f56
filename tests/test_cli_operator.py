"""An operator at a shell: when Slack or the database isn't right, or an argument is wrong, `stretch` says
so in one line naming what failed and what to do, exits non-zero, and never prints a traceback."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text

from bot.cli.main import main
from bot.config import normalise_database_url
from bot.db import SessionFactory
from bot.models import Team
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.fakeslack import FakeSlack


def run_cli(
    *args: str, env: dict[str, str], cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m bot.cli ARGS` as a separate process, as an operator would run it."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
    )


def clean_env(**values: str) -> dict[str, str]:
    """The environment without any Stretch setting, plus `values`."""
    inherited = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "STRETCH_"))
    }
    return {**inherited, "LOG_LEVEL": "INFO", **values}


ROUTINE_LOG = re.compile(r"^\d{4}-\d\d-\d\d [\d:,]+ (INFO|WARNING) ")


def assert_one_line_failure(
    result: subprocess.CompletedProcess[str], *needles: str, after_routine_log: bool = False
) -> str:
    """Exit code non-zero, nothing but one `stretch: …` line on stderr, no traceback; returns the line.

    `after_routine_log`: the failure comes after work that logs as it goes (migrations at start-up);
    those INFO lines may precede it, but no error line and no traceback."""
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if after_routine_log:
        lines = [line for line in lines if not ROUTINE_LOG.match(line)]
    assert len(lines) == 1, output
    assert lines[0].startswith("stretch: "), output
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- serve: Slack unreachable or the token refused (item 10) -------------------------------------------------


def test_serve_with_slack_unreachable_says_so_in_one_line(tmp_path: Path) -> None:
    """Nothing listens at the Slack API URL: one line naming the URL and what to check, exit 2."""
    url = f"http://127.0.0.1:{closed_port()}/api/"
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'a.db'}",
    )
    result = run_cli("serve", "--http", "--port", "0", "--no-scheduler", env=env, cwd=tmp_path)
    assert_one_line_failure(result, "could not reach Slack", url, "network")


def test_serve_with_a_refused_bot_token_says_which_token(tmp_path: Path, fake_slack: FakeSlack) -> None:
    """Slack answers invalid_auth: one line naming SLACK_BOT_TOKEN and where to copy it from."""
    fake_slack.fail("auth.test", status=200, error="invalid_auth")
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'a.db'}",
    )
    result = run_cli("serve", "--http", "--port", "0", "--no-scheduler", env=env, cwd=tmp_path)
    line = assert_one_line_failure(result, "SLACK_BOT_TOKEN", "invalid_auth", "OAuth & Permissions")
    assert BOT_TOKEN not in line


def test_socket_mode_with_a_refused_app_token_says_which_token(tmp_path: Path, fake_slack: FakeSlack) -> None:
    """apps.connections.open refused: one line naming SLACK_APP_TOKEN and the scope it needs."""
    fake_slack.fail("apps.connections.open", status=200, error="invalid_auth")
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_APP_TOKEN="xapp-1-wrong",
        SLACK_API_URL=fake_slack.url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'a.db'}",
    )
    result = run_cli("serve", "--no-scheduler", env=env, cwd=tmp_path)
    # Socket Mode is opened once the database is upgraded: the migrations' INFO lines come first.
    assert_one_line_failure(result, "SLACK_APP_TOKEN", "connections:write", after_routine_log=True)


# --- the database missing or not upgraded (item 11) --------------------------------------------------------


def _postgres_server() -> str:
    """A PostgreSQL server URL without a database name (from TEST_DATABASE_URL, else the local default)."""
    from sqlalchemy.engine import make_url

    base = os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
    url = make_url(normalise_database_url(base))
    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:
        pytest.skip(f"no PostgreSQL server to ask ({type(error).__name__})")
    return url.set(database=f"stretch_missing_{uuid.uuid4().hex[:8]}").render_as_string(hide_password=False)


def test_db_upgrade_of_a_missing_postgres_database_gives_the_createdb_to_run(tmp_path: Path) -> None:
    """The database named in DATABASE_URL doesn't exist: one line with the exact createdb command."""
    url = _postgres_server()
    name = url.rsplit("/", 1)[1]
    result = run_cli("db", "upgrade", env=clean_env(DATABASE_URL=url), cwd=tmp_path)
    line = assert_one_line_failure(result, f'"{name}" does not exist', "createdb")
    assert line.rstrip().endswith("then run `stretch db upgrade`")
    assert f" {name}`" in line


def test_team_create_on_a_database_not_upgraded_says_to_upgrade_first(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    """A brand-new database file: one line saying to run `stretch db upgrade`, and nothing created."""
    database = tmp_path / "new.db"
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.url,
        DATABASE_URL=f"sqlite:///{database}",
    )
    fake_slack.add_user("U0MIA", "Mia")
    result = run_cli("team", "create", "--name", "Closers", "--channel", "C0CLOSE", "--managers", "U0MIA",
                     env=env, cwd=tmp_path)  # fmt: skip
    assert_one_line_failure(result, "stretch db upgrade")
    for command in (("team", "list"), ("tick",), ("questions", "list", "--team", "Closers")):
        assert_one_line_failure(run_cli(*command, env=env, cwd=tmp_path), "stretch db upgrade")
    assert not fake_slack.calls_to("users.info"), "nothing was looked up for a team that can't be saved"


# --- team create: its own arguments first (item 12) ------------------------------------------------------


@pytest.fixture
def operator(operator_env: FakeSlack) -> FakeSlack:
    """An operator's environment against the fake Slack and the (upgraded) test database."""
    return operator_env


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


def test_team_create_reports_a_bad_time_before_a_missing_token(
    operator: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """`--checkin-time 25:00` with no token set: the time is what's reported."""
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    code = main(["team", "create", "--name", "X", "--channel", "C0X", "--managers", "U0MIA",
                 "--checkin-time", "25:00"])  # fmt: skip
    assert code == 2
    line = _one_error_line(capsys)
    assert "'25:00' isn't a time" in line and "SLACK_BOT_TOKEN" not in line
    assert not operator.calls


def test_team_create_refuses_a_channel_name_and_a_user_name_in_plain_words(
    operator: FakeSlack, capsys
) -> None:
    """`--channel general` and `--managers bob`: each explained, no Slack markup, no Slack call."""
    assert main(["team", "create", "--name", "X", "--channel", "general", "--managers", "U0MIA"]) == 2
    line = _one_error_line(capsys)
    assert "'general' isn't a channel id" in line and "C0123ABCD" in line
    assert main(["team", "create", "--name", "X", "--channel", "C0X", "--managers", "bob"]) == 2
    line = _one_error_line(capsys)
    assert "--managers: 'bob' isn't a Slack user id" in line
    assert "<@" not in line and "*" not in line
    assert not operator.calls


def test_slack_markup_in_replies_is_plain_in_a_terminal(operator: FakeSlack, capsys) -> None:
    """A reply written for Slack (`<@U…>` mentions, `*bold*`) reads plainly at the shell."""
    assert main(["team", "create", "--name", "X", "--channel", "C0X", "--managers", "U0GHOST"]) == 2
    line = _one_error_line(capsys)
    assert "can't find U0GHOST" in line and "<@" not in line


def test_a_second_team_with_the_same_name_is_refused(
    operator: FakeSlack, session_factory: SessionFactory, capsys
) -> None:
    """Two teams called Closers would make `team show Closers` a guess: the second is refused."""
    assert main(["team", "create", "--name", "Closers", "--channel", "C0ONE", "--managers", "U0MIA"]) == 0
    capsys.readouterr()
    assert main(["team", "create", "--name", "closers", "--channel", "C0TWO", "--managers", "U0RAJ"]) == 2
    line = _one_error_line(capsys)
    assert "already a team called Closers (id 1" in line
    with session_factory() as session:
        assert [t.channel_id for t in session.scalars(select(Team))] == ["C0ONE"]


def test_team_show_asks_for_the_id_when_old_data_has_two_teams_of_one_name(
    operator: FakeSlack, session_factory: SessionFactory, capsys
) -> None:
    """Teams saved before names were unique: `team show NAME` lists their ids instead of picking one."""
    assert main(["team", "create", "--name", "Closers", "--channel", "C0ONE", "--managers", "U0MIA"]) == 0
    assert main(["team", "create", "--name", "Hunters", "--channel", "C0TWO", "--managers", "U0RAJ"]) == 0
    with session_factory.begin() as session:
        for team in session.scalars(select(Team)):
            team.name = "Closers"
    capsys.readouterr()
    assert main(["team", "show", "Closers"]) == 2
    assert "2 teams are called 'Closers'" in _one_error_line(capsys)


# --- db downgrade asks first (item 13) --------------------------------------------------------------------


def test_db_downgrade_needs_a_target_and_a_confirmation_and_says_what_is_lost(tmp_path: Path) -> None:
    """No revision: refused. `-1` without --yes (no terminal to ask): refused naming the migration. Tables
    stay until --yes."""
    database = tmp_path / "d.db"
    env = clean_env(DATABASE_URL=f"sqlite:///{database}")
    assert run_cli("db", "upgrade", env=env, cwd=tmp_path).returncode == 0

    def tables() -> set[str]:
        engine = create_engine(f"sqlite:///{database}")
        names = set(inspect(engine).get_table_names())
        engine.dispose()
        return names

    before = tables()
    assert "teams" in before
    assert_one_line_failure(run_cli("db", "downgrade", env=env, cwd=tmp_path), "-1", "base", "--yes")
    line = assert_one_line_failure(run_cli("db", "downgrade", "-1", env=env, cwd=tmp_path, stdin=""), "--yes")
    assert "undoes 1 migration(s)" in line and "data" in line
    line = assert_one_line_failure(run_cli("db", "downgrade", "base", env=env, cwd=tmp_path), "--yes")
    assert "teams" in line or "undoes" in line
    assert tables() == before

    done = run_cli("db", "downgrade", "base", "--yes", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "base (empty)" in done.stdout
    assert "teams" not in tables()


# --- .env.example (item 14) -----------------------------------------------------------------------------------


def test_env_example_lists_every_setting_and_loads() -> None:
    """Every variable bot/config.py reads is in .env.example, and a copy of it is valid settings."""
    from bot.config import load_settings

    root = Path(__file__).resolve().parent.parent
    read = set(re.findall(r'get\("([A-Z_]+)"\)', (root / "bot" / "config.py").read_text()))
    assert {"SLACK_BOT_TOKEN", "DATABASE_URL", "STRETCH_TICK_SECONDS"} <= read
    example = root / ".env.example"
    listed = set(re.findall(r"^([A-Z_]+)=", example.read_text(), flags=re.M))
    assert read == listed
    settings = load_settings({}, dotenv=example)
    assert settings.slack_bot_token.get_secret_value().startswith("xoxb-")
    assert settings.database_url.startswith("sqlite:///")
    assert not settings.socket_mode_available

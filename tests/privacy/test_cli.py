"""The operator's privacy commands: export a team into CSV files, a person into a zip, forget someone
(with or without --yes), set and show the retention, read the audit record (never any content)."""

from __future__ import annotations

import csv
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli.main import main
from bot.domain.attention import DEFAULT_BUDGET, next_in_hours
from bot.domain.privacy import FORMER_MEMBER
from bot.jobs.tick import tick
from bot.models import Checkin, Person
from bot.slack.app import make_client
from tests.conftest import Running
from tests.privacy.helpers import MIA, NOTE, RAJ, seed_history


@pytest.fixture
def operator_env(running: Running, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The operator's shell: the test database, no Slack needed."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", running.deps.settings.database_url)
    monkeypatch.setenv("SLACK_API_URL", running.fake.url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_export_a_team_into_csv_files_and_a_person_into_a_zip(
    running: Running, operator_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`stretch export --team` writes one CSV per table (notes out by default); `--user` a zip with them."""
    seed_history(running)
    assert main(["export", "--team", "Closers", "--out", str(operator_env / "closers")]) == 0
    files = {p.name for p in (operator_env / "closers").iterdir()}
    assert {
        "checkins.csv",
        "answers.csv",
        "pies.csv",
        "pie_slices.csv",
        "pilots.csv",
        "shoutouts.csv",
    } <= files
    assert NOTE not in (operator_env / "closers" / "answers.csv").read_text()
    assert main(["notes-export", "--team", "Closers", "on"]) == 0
    assert main(["export", "--team", "Closers", "--out", str(operator_env / "closers2")]) == 0
    assert NOTE in (operator_env / "closers2" / "answers.csv").read_text()

    assert main(["export", "--user", RAJ.user_id, "--out", str(operator_env / "raj.zip")]) == 0
    with zipfile.ZipFile(operator_env / "raj.zip") as archive:
        rows = list(csv.DictReader(archive.read("answers.csv").decode().splitlines()))
    assert NOTE in {r["answer"] for r in rows}
    capsys.readouterr()
    assert main(["audit"]) == 0
    audit = capsys.readouterr().out
    assert "export_user" in audit and "export_team" in audit and "team_notes_setting" in audit
    assert NOTE not in audit


def test_forget_asks_first_then_forgets_and_managers_are_told_by_the_clock(
    running: Running, operator_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --yes (and no terminal) nothing changes; with --yes Raj is forgotten; twice is harmless."""
    history = seed_history(running)
    assert main(["forget", "--user", RAJ.user_id]) == 1
    assert "Nothing was changed" in capsys.readouterr().out
    with running.deps.session_factory() as session:
        assert session.scalars(select(Checkin).where(Checkin.person_id == history.people[RAJ.user_id])).all()
    assert main(["forget", "--user", RAJ.user_id, "--yes"]) == 0
    assert "Forgot U0RAJ" in capsys.readouterr().out
    with running.deps.session_factory() as session:
        person = session.get(Person, history.people[RAJ.user_id])
        assert person is not None and person.display_name == FORMER_MEMBER
    assert main(["forget", "--user", RAJ.user_id, "--yes"]) == 2  # no longer known by that id
    tick(
        session_factory=running.deps.session_factory,
        client=make_client(running.deps.settings),
        # The CLI planned the note at the real time; it reaches Mia inside her working hours.
        now=next_in_hours(datetime.now(UTC), MIA.tz, DEFAULT_BUDGET),
    )
    (note,) = running.fake.messages_to(MIA.user_id)
    assert "Closers" in str(note.params["text"]) and NOTE not in str(note.params["text"])


def test_retention_show_and_set(
    running: Running, operator_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Default 365 days; set to 0 (forever); bad input changes nothing."""
    assert main(["retention", "show"]) == 0
    assert "365 days" in capsys.readouterr().out
    assert main(["retention", "set", "--days", "0"]) == 0
    assert "forever" in capsys.readouterr().out
    assert main(["retention", "set", "--days", "soon"]) == 2
    assert main(["retention", "set", "--days", "-3"]) == 2
    assert main(["retention", "show"]) == 0
    assert "forever" in capsys.readouterr().out
    assert main(["audit", "--limit", "5"]) == 0
    assert "retention_set" in capsys.readouterr().out

"""`stretch questions …` and `stretch skip …` at the command line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.cli import main
from bot.db import SessionFactory
from bot.models import TeamSkipDate
from bot.models.checkins import CheckinQuestion
from tests.conftest import Member, seed_team
from tests.fakeslack import FakeSlack


@pytest.fixture
def team(
    session_factory: SessionFactory, fake_slack: FakeSlack, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> int:
    """A team, and the CLI pointed at the test database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir("/tmp")
    return seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[Member("U0MGR", "Mo")],
        reps=[Member("U0REP", "Ren")],
        now=datetime(2026, 11, 22, tzinfo=UTC),
    )


def test_questions_can_be_listed_added_reworded_moved_and_removed(
    team: int, session_factory: SessionFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each change prints the set as it now stands; keys stay stable."""
    assert main(["questions", "list", "--team", "Closers"]) == 0
    assert "[readiness] How ready do you feel today?" in capsys.readouterr().out
    assert (
        main(
            [
                "questions",
                "add",
                "--team",
                str(team),
                "--kind",
                "choice",
                "--prompt",
                "Pipeline?",
                "--options",
                "thin,ok,full",
                "--key",
                "pipeline",
            ]
        )
        == 0
    )
    assert main(["questions", "reword", "--team", str(team), "readiness", "--prompt", "Energy today?"]) == 0
    assert main(["questions", "move", "--team", str(team), "pipeline", "1"]) == 0
    assert main(["questions", "remove", "--team", str(team), "on_mind"]) == 0
    out = capsys.readouterr().out
    # The listing after the removal: 8 active questions (the defaults, the weekly confidence one, pipeline).
    assert " 1. [pipeline] Pipeline?" in out.splitlines()[-8]
    with session_factory() as session:
        removed = session.scalar(select(CheckinQuestion).where(CheckinQuestion.key == "on_mind"))
        assert removed is not None and removed.removed_at is not None
    assert (
        main(
            ["questions", "add", "--team", str(team), "--kind", "choice", "--prompt", "X", "--options", "one"]
        )
        == 2
    )
    assert "2 to 6 options" in capsys.readouterr().err
    assert main(["questions", "remove", "--team", str(team), "nope"]) == 2


@freeze_time("2026-11-23 15:00:00")
def test_skip_dates_from_the_cli(
    team: int, session_factory: SessionFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """Add, list and remove a day off; a bad date (or one already past on the CLI's clock) is refused."""
    day = "2026-12-24"
    assert main(["skip", "add", "--team", "Closers", "2026-11-20"]) == 2
    assert main(["skip", "add", "--team", "Closers", day]) == 0
    assert main(["skip", "list", "--team", "Closers"]) == 0
    assert day in capsys.readouterr().out
    assert main(["skip", "add", "--team", "Closers", "notadate"]) == 2
    assert main(["skip", "add", "--team", "Closers", "2001-01-01"]) == 2
    assert main(["skip", "remove", "--team", "Closers", day]) == 0
    with session_factory() as session:
        assert session.scalars(select(TeamSkipDate)).all() == []

"""`stretch questions …` and `stretch skip …` at the command line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.cli.main import main
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


def test_a_pinned_question_is_in_every_check_in_and_the_rest_rotate(
    team: int, session_factory: SessionFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """`stretch questions pin limiter`: every check-in asks it; at most 4 taps; bad keys change nothing."""
    from bot.db import session_scope
    from bot.domain.attention import decode_keys
    from bot.jobs.checkins import plan_checkins
    from bot.models.attention import AttentionSettings
    from bot.models.checkins import Checkin

    assert main(["questions", "pin", "--team", str(team), "nope"]) == 2
    assert main(["questions", "pin", "--team", str(team), "limiter"]) == 0
    assert "Pinned 'limiter'" in capsys.readouterr().out
    with session_factory() as session:
        assert session.get(AttentionSettings, team).pinned_question == "limiter"  # type: ignore[union-attr]
    asked = []
    for day in (23, 25, 27):
        with session_scope(session_factory) as session:
            plan_checkins(session=session, now=datetime(2026, 11, day, 14, 31, tzinfo=UTC))  # 09:31 New York
    with session_factory() as session:
        questions = {q.key: q.kind for q in session.scalars(select(CheckinQuestion))}
        for checkin in session.scalars(select(Checkin).order_by(Checkin.local_date)):
            keys = decode_keys(checkin.question_keys) or ()
            asked.append(keys)
            assert "limiter" in keys and {"readiness", "goal_feel"} <= set(keys)
            assert len([k for k in keys if questions[k] != "text"]) <= 4
    assert len(asked) == 3 and len(set(asked)) > 1  # the other places rotate
    assert main(["questions", "unpin", "--team", str(team)]) == 0
    with session_factory() as session:
        assert session.get(AttentionSettings, team).pinned_question is None  # type: ignore[union-attr]

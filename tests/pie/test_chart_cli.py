"""`stretch chart pie|zones --team T --out F.png`: the digest's charts written for operators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time

from bot.charts import is_png, png_size
from bot.cli.main import main
from bot.db import SessionFactory, session_scope
from bot.services import pie as pie_service
from bot.services import pie_reads
from tests.conftest import Member, seed_team
from tests.fakeslack import FakeSlack

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def test_the_chart_command_writes_both_pngs_and_prints_their_figures(
    session_factory: SessionFactory,
    fake_slack: FakeSlack,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No pie: a clear refusal and no file. With a pie: an 800×450 PNG and the same figures as text."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    team = seed_team(
        session_factory=session_factory,
        fake=fake_slack,
        managers=[Member("U0MGR", "Mo")],
        reps=[Member("U0REP", "Ren")],
        now=NOW - timedelta(days=10),
    )
    burnup = tmp_path / "burnup.png"
    with freeze_time(NOW):
        assert main(["chart", "pie", "--team", str(team), "--out", str(burnup)]) == 2
        assert "no open pie" in capsys.readouterr().err and not burnup.exists()
        with session_scope(session_factory) as session:
            role, _ = pie_reads.role_in_team(session=session, team_id=team, user_id="U0MGR")
            pie_service.bake_pie(
                session=session, role=role, actor_user_id="U0MGR", target_text="50k", title="Q4", now=NOW
            )
        assert main(["chart", "pie", "--team", "Closers", "--out", str(burnup)]) == 0
        assert "Burn-up for Q4: $0 closed of $50,000" in capsys.readouterr().out
        zones = tmp_path / "zones.png"
        assert main(["chart", "zones", "--team", str(team), "--out", str(zones)]) == 0
        assert "Zone mix (people per week)" in capsys.readouterr().out
    for path in (burnup, zones):
        data = path.read_bytes()
        assert is_png(data) and png_size(data) == (800, 450)

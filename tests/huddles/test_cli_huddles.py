"""`stretch team create --huddle-*` and `team show`."""

from __future__ import annotations

import pytest

from bot.cli.main import main
from tests.fakeslack import FakeSlack
from tests.test_cli import cli_env  # noqa: F401 (the fixture)


def test_cli_sets_shows_keeps_and_removes_the_huddle(
    cli_env: FakeSlack,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = ["team", "create", "--name", "Closers", "--channel", "C0CLOSE", "--managers", "U0MIA"]
    assert main([*base, "--huddle-days", "mon,thu", "--huddle-time", "9:15", "--huddle-lead", "45"]) == 0
    assert main(["team", "show", "Closers"]) == 0
    assert "huddle:    Mon, Thu at 09:15 (Europe/Berlin), card 45 min before; on days off: nothing" in (
        capsys.readouterr().out
    )
    assert main(base) == 0  # no --huddle-days: the schedule stays
    assert main(["team", "show", "Closers"]) == 0
    assert "Mon, Thu at 09:15" in capsys.readouterr().out
    assert main([*base, "--huddle-lead", "600", "--huddle-days", "mon"]) == 2
    assert "between 0 and 240 minutes" in capsys.readouterr().err
    assert main([*base, "--huddle-days", "none"]) == 0
    assert main(["team", "show", "Closers"]) == 0
    assert "huddle:    none" in capsys.readouterr().out

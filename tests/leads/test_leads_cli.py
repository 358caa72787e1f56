"""`stretch leads` for operators: imports from CSV files, the export with history, conflicts and settings."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli.main import main
from bot.db import SessionFactory
from bot.models.leads import LeadClaim, LeadOverlap
from tests.fakeslack import FakeSlack
from tests.test_cli import cli_env  # noqa: F401  (the operator's environment fixture)


def _team(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["team", "create", "--name", "Closers", "--channel", "C0CLOSE", "--managers", "U0MIA",
                 "--reps", "U0RAJ,U0ANN"]) == 0  # fmt: skip
    capsys.readouterr()


def _claims(session_factory: SessionFactory) -> int:
    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(LeadClaim)) or 0)


def test_import_two_lists_then_conflicts_and_export(
    cli_env: FakeSlack,  # noqa: F811
    session_factory: SessionFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Two reps' lists overlap on Acme: conflicts lists it, the export shows it open with its history."""
    _team(capsys)
    raj = tmp_path / "raj.csv"
    raj.write_bytes("\ufeffcompany,domain,note\nAcme Corp,acme.com,renewal\nGlobex,,\n".encode())
    ann = tmp_path / "ann.csv"
    ann.write_text(
        'company,domain,note\n"ACME, Inc.",https://www.acme.com,\nHooli,hooli.com,\n', encoding="utf-8"
    )
    assert main(["leads", "import", "--team", "Closers", "--rep", "U0RAJ", str(raj)]) == 0
    assert "Claimed 2 accounts for U0RAJ" in capsys.readouterr().out
    assert main(["leads", "import", "--team", "Closers", "--rep", "U0ANN", str(ann)]) == 0
    assert "1 overlaps" in capsys.readouterr().out
    assert main(["leads", "conflicts", "--team", "Closers"]) == 0
    assert "Acme Corp (acme.com)  overlap: U0RAJ and U0ANN (with the reps)" in capsys.readouterr().out
    out = tmp_path / "export.csv"
    assert main(["leads", "export", "--team", "Closers", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    acme = [r for r in rows if "acme" in r["account"].lower()]
    assert {r["claimed_by"] for r in acme} == {"U0RAJ", "U0ANN"}
    assert all(r["status"] == "open" for r in acme)
    assert "cli claimed" in acme[0]["history"] and "overlap" in acme[0]["history"]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"company;domain;note\nAcme;acme.com;\n", "separated by `;`"),
        (b"company,note\nAcme,\n", "no `domain` column"),
        (b"company,domain,note\nAcme,acme.com:8443,\n", "Line 2: `acme.com:8443` has a port"),
        (b"company,domain,note\nAcme,,\nacme inc,,\n", "Line 3 repeats line 2"),
        ("company,domain,note\nCaf\u00e9,,\n".encode("latin-1"), "isn't UTF-8"),
    ],
)
def test_a_bad_file_is_refused_whole(
    cli_env: FakeSlack,  # noqa: F811
    session_factory: SessionFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    said: str,
) -> None:
    """Exit 2, the line and what to do on stderr, not one claim written."""
    _team(capsys)
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    assert main(["leads", "import", "--team", "Closers", "--rep", "U0RAJ", str(path)]) == 2
    assert said in capsys.readouterr().err
    assert _claims(session_factory) == 0


def test_a_rep_outside_the_team_and_an_association_import(
    cli_env: FakeSlack,  # noqa: F811
    session_factory: SessionFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Importing for someone who isn't a rep is refused; an association's members load and reload."""
    _team(capsys)
    path = tmp_path / "members.csv"
    path.write_text("company,domain,note\nBuckeye CU,buckeyecu.org,\nLakeview CU,,\n", encoding="utf-8")
    assert main(["leads", "import", "--team", "Closers", "--rep", "U0MIA", str(path)]) == 2
    assert "isn't a rep on Closers" in capsys.readouterr().err
    name = "Ohio Credit Union League"
    assert main(["leads", "associations", "import", "--team", "Closers", "--name", name, str(path)]) == 0
    assert "Imported Ohio Credit Union League: 2 member accounts." in capsys.readouterr().out
    assert (
        main(["leads", "associations", "import", "--team", "Closers", "--name", name.upper(), str(path)]) == 0
    )
    assert "Replaced" in capsys.readouterr().out
    assert main(["leads", "settings", "--team", "Closers", "--fallback", "first", "--threshold", "85"]) == 0
    assert "fallback first, name-match threshold 85" in capsys.readouterr().out
    assert main(["leads", "settings", "--team", "Closers", "--threshold", "20"]) == 2
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(LeadOverlap)) == 0

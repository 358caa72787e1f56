"""The layers stay where STYLE.md puts them: domain rules are pure, services never commit."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
FORBIDDEN_IN_DOMAIN = (
    "slack_sdk",
    "slack_bolt",
    "sqlalchemy",
    "alembic",
    "apscheduler",
    "bot.slack",
    "bot.models",
    "bot.services",
    "bot.db",
    "bot.jobs",
    "os",
    "requests",
    "urllib",
)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_domain_imports_neither_slack_nor_the_database() -> None:
    """bot/domain is plain Python: no Slack, no SQLAlchemy, no environment."""
    offenders = [
        f"{path.relative_to(BOT)} imports {name}"
        for path in sorted((BOT / "domain").rglob("*.py"))
        for name in _imports(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_IN_DOMAIN)
    ]
    assert offenders == []


def test_domain_never_reads_the_clock() -> None:
    """Domain functions take `now`; none calls datetime.now(), utcnow() or time.time()."""
    offenders = []
    for path in sorted((BOT / "domain").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = node.func if isinstance(node, ast.Call) else None
            if (
                isinstance(func, ast.Attribute)
                and func.attr in ("now", "utcnow", "today", "time")
                and isinstance(func.value, ast.Name)
                and func.value.id in ("datetime", "date", "time")
            ):
                offenders.append(f"{path.relative_to(BOT)}:{node.lineno}")
    assert offenders == []


def test_services_never_commit() -> None:
    """Only the edge (listeners, jobs, CLI) commits; services flush at most."""
    offenders = [
        f"{path.relative_to(BOT)}:{node.lineno}"
        for path in sorted((BOT / "services").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"
    ]
    assert offenders == []

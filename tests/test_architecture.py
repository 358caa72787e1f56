"""The layers stay where STYLE.md puts them, and what a process runs is listed in one place.

Each rule broken is a failing test naming the file, the line and the import:
- domain imports nothing of ours above it (and no Slack, database or environment);
- models import only models;
- services never import bot.slack, bot.jobs, bot.cli, bot.features or bot.demo, and never commit;
- listeners never query: no model classes, no SQLAlchemy query constructs, no session reads;
- jobs use block builders from bot.slack but no listeners;
- nothing imports bot.demo but the CLI (and the demo itself);
- planning deliveries (bot/deliveries.py) sits below services;
- every delivery kind Stretch plans has a renderer, and every `/stretch` word is on the usage card.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.features import FEATURES, gather, wiring

BOT = Path(__file__).resolve().parent.parent / "bot"
QUERY_NAMES = {"select", "update", "delete", "insert", "func", "exists", "text"}
SESSION_READS = {"get", "scalar", "scalars", "execute", "query", "add", "delete"}
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


def _imports_with_lines(path: Path) -> list[tuple[str, int, list[str]]]:
    """(module, line, imported names) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, node.lineno, [alias.name for alias in node.names]))
    return found


def _offenders(folder: str, is_bad: Callable[[str, list[str]], bool]) -> list[str]:
    root = BOT / folder
    paths = sorted(root.rglob("*.py")) if root.is_dir() else [root]
    return [
        f"bot/{path.relative_to(BOT)}:{line} imports {module}"
        for path in paths
        for module, line, names in _imports_with_lines(path)
        if is_bad(module, names)
    ]


def _within(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_domain_imports_nothing_of_ours_above_it() -> None:
    """bot/domain may import bot.domain only."""
    assert _offenders("domain", lambda m, _: _within(m, "bot") and not _within(m, "bot.domain")) == []


def test_models_import_only_models() -> None:
    """The schema stands on its own."""
    assert _offenders("models", lambda m, _: _within(m, "bot") and not _within(m, "bot.models")) == []


def test_services_never_import_the_layers_above_them() -> None:
    """Services are called by listeners, jobs and the CLI, never the other way round."""
    above = ("bot.slack", "bot.jobs", "bot.cli", "bot.features", "bot.demo")
    assert _offenders("services", lambda m, _: _within(m, *above)) == []


def test_planning_deliveries_sits_below_services() -> None:
    """bot/deliveries.py is storage-level: models only."""
    above = ("bot.services", "bot.slack", "bot.jobs", "bot.cli", "bot.features", "bot.demo")
    assert _offenders("deliveries.py", lambda m, _: _within(m, *above)) == []


def test_listeners_never_query_the_database() -> None:
    """Listeners may name a model constant (a role, a status) but never a table, a query or a session
    read: that is a service's job."""

    def queries(module: str, names: list[str]) -> bool:
        if _within(module, "bot.models"):
            return any(not name.isupper() for name in names)
        return _within(module, "sqlalchemy") and any(name in QUERY_NAMES for name in names)

    offenders = _offenders("slack/listeners", queries)
    for path in sorted((BOT / "slack" / "listeners").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SESSION_READS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "session"
            ):
                offenders.append(f"bot/{path.relative_to(BOT)}:{node.lineno} calls session.{node.func.attr}")
    assert offenders == []


def test_jobs_use_block_builders_but_no_listeners() -> None:
    """The clock renders with the pure builders; it never reaches into listeners, the CLI or the demo."""

    def bad(module: str, _: list[str]) -> bool:
        if _within(module, "bot.slack"):
            # Block builders, and the pooled HTTP transport every call to Slack goes through.
            return not _within(module, "bot.slack.blocks", "bot.slack.http")
        return _within(module, "bot.cli", "bot.demo")

    assert _offenders("jobs", bad) == []


def test_nothing_but_the_cli_imports_the_demo() -> None:
    """The demo drives the real app; the app never depends on it."""
    offenders = [
        line
        for path in sorted(BOT.rglob("*.py"))
        if path.relative_to(BOT).parts[0] != "cli" and "demo" not in path.relative_to(BOT).parts
        for line in _offenders(str(path.relative_to(BOT)), lambda m, _: _within(m, "bot.demo"))
    ]
    assert offenders == []


def test_nothing_registers_itself_on_import() -> None:
    """No module-level call adds to a registry: bot/features.py lists what runs."""
    offenders = []
    for path in sorted(BOT.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            call = node.value if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) else None
            name = getattr(getattr(call, "func", None), "id", "") or getattr(
                getattr(call, "func", None), "attr", ""
            )
            if call is not None and name.startswith("register"):
                offenders.append(f"bot/{path.relative_to(BOT)}:{node.lineno} calls {name}() on import")
    assert offenders == []


def test_every_planned_delivery_kind_has_a_renderer() -> None:
    """Each kind Stretch plans a delivery with (`enqueue…(kind=…)`, `dm(kind=…)`) is a kind
    bot/features.py can render."""
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in sorted(BOT.rglob("*.py"))]
    constants = {
        target.id: node.value.value
        for tree in trees
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value.value, str)
    }
    planned = set()
    for tree in trees:
        for node in ast.walk(tree):
            func = node.func if isinstance(node, ast.Call) else None
            name = getattr(func, "id", "") or getattr(func, "attr", "")
            if not (name == "dm" or "enqueue" in name):
                continue
            for keyword in node.keywords:  # type: ignore[union-attr]
                value = keyword.value
                if keyword.arg != "kind":
                    continue
                if isinstance(value, ast.Constant):
                    planned.add(str(value.value))
                elif isinstance(value, ast.Name | ast.Attribute):
                    key = value.id if isinstance(value, ast.Name) else value.attr
                    if key in constants:
                        planned.add(constants[key])
    assert len(planned) >= 10, f"the scan found too few planned kinds: {sorted(planned)}"
    assert sorted(planned - set(wiring().kinds)) == []


def test_delivery_kinds_are_named_in_one_module() -> None:
    """bot/kinds.py names every kind (constant = stored name in upper case), each is rendered by a feature
    and no other module of bot/ defines a kind of its own."""
    from bot import kinds

    named = {name: value for name, value in vars(kinds).items() if name.isupper() and isinstance(value, str)}
    assert {name: value.upper() for name, value in named.items() if name != value.upper()} == {}
    assert set(named.values()) == set(kinds.ALL) == set(wiring().kinds)
    stray = []
    for path in sorted(BOT.rglob("*.py")):
        if path.name == "kinds.py" and path.parent == BOT:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and node.value.value in kinds.ALL
            ):
                stray.append(f"{path.relative_to(BOT.parent)}:{node.lineno}")
    assert stray == [], "delivery kinds belong in bot/kinds.py"


def test_every_stretch_word_is_on_the_usage_card() -> None:
    """`/stretch help` lists every subcommand (an alias may share its main word's line)."""
    card = " ".join(f"{entry.usage} {entry.description}" for entry in wiring().help_entries)
    missing = []
    for word, handler in wiring().subcommands.items():
        words = [w for w, h in wiring().subcommands.items() if h is handler]
        if not any(f"/stretch {w}" in card for w in words) and word not in ("?",):
            missing.append(word)
    assert missing == []


def test_gathering_features_refuses_a_name_listed_twice() -> None:
    """Two features claiming one delivery kind is a start-up error, not a silent overwrite."""
    checkins = next(f for f in FEATURES if f.name == "checkins")
    with pytest.raises(ValueError, match="listed twice"):
        gather((checkins, checkins))

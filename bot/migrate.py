"""Run the Alembic migrations from code: used by `stretch db`, `stretch serve` and the tests."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config

import migrations


def alembic_config(database_url: str) -> Config:
    """An Alembic Config pointing at Stretch's migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    # ConfigParser treats % as interpolation; URLs may carry escaped passwords.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema up to `revision` (default: the newest)."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "-1") -> None:
    """Take the schema down to `revision` (default: one step; 'base' removes every table)."""
    command.downgrade(alembic_config(database_url), revision)


def head_revision() -> str:
    """The newest revision this version of Stretch knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def revisions_to_undo(database_url: str, target: str) -> list[tuple[str, str]]:
    """(revision, description) of each migration a downgrade to `target` would undo, newest first.

    `target` is a revision id, `base`, or `-N` (N steps down from the current revision)."""
    from alembic.script import ScriptDirectory

    current = current_revision(database_url)
    if current is None:
        return []
    script = ScriptDirectory.from_config(alembic_config(database_url))
    chain = [
        (rev.revision, (rev.doc or "").strip()) for rev in script.walk_revisions(base="base", head=current)
    ]
    if target == "base":
        return chain
    if target.startswith("-") and target[1:].isdigit():
        return chain[: int(target[1:])]
    ids = [revision for revision, _ in chain]
    matches = [i for i, revision in enumerate(ids) if revision.startswith(target)]
    if not matches:
        return []
    return chain[: matches[0]]


def current_revision(database_url: str) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(database_url)
    # Reading the revision is not a migration: keep Alembic's "Context impl …" INFO lines out of the output.
    alembic_logger = logging.getLogger("alembic.runtime.migration")
    level = alembic_logger.level
    alembic_logger.setLevel(logging.WARNING)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        alembic_logger.setLevel(level)
        engine.dispose()

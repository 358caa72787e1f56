"""A drafted shout-out reads the same, escaped, in the digest and on the manager's Home dashboard."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from bot.services.shoutouts.drafts import Draft
from bot.slack.blocks.digest import dashboard_drafts, effort_blocks


def _draft(name: str, summary: str) -> Draft:
    return Draft(
        moment_id=7,
        team_id=1,
        person_id=2,
        user_id="U0SAM",
        display_name=name,
        kind="stretch_answer",
        summary=summary,
        text="",
        occurred_at=datetime(2026, 11, 23, 15, 0, tzinfo=UTC),
    )


def _data(draft: Draft) -> Any:
    return SimpleNamespace(drafts=(draft,), effort=())


def test_the_dashboard_escapes_a_drafts_name_and_reason_as_the_digest_does() -> None:
    draft = _draft("Sam <b> & Co", "called R&D <@U0ANA> back")
    home = json.dumps(dashboard_drafts(_data(draft)))
    digest = json.dumps(effort_blocks(_data(draft)))
    for text in (home, digest):
        assert "Sam &lt;b&gt; &amp; Co" in text
        assert "R&amp;D <@U0ANA>" in text
        assert "<b>" not in text

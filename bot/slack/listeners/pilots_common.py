"""Reading which pilot a pilot button or modal is about, with one message when it has lost track."""

from __future__ import annotations

import json
from typing import Any

from bot.domain.errors import UserError
from bot.slack.payloads import action_value


def pilot_id_of(body: dict[str, Any]) -> int:
    """The pilot id a pilot button carries."""
    value = action_value(body)
    if not value.isdigit():
        raise UserError(
            "That button has lost track of its pilot. `/stretch pilots` lists your team's pilots."
        )
    return int(value)


def pilot_id_of_view(view: dict[str, Any]) -> int:
    """The pilot id a pilot modal (the review, the mid-point note) carries in its metadata."""
    try:
        value = json.loads(view.get("private_metadata") or "{}").get("pilot_id")
    except (ValueError, AttributeError):
        value = None
    if not isinstance(value, int):
        raise UserError("This form has lost track of its pilot. `/stretch pilots` lists your team's pilots.")
    return value

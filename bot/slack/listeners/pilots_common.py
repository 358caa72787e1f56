"""Pieces the pilot listeners share: opening the pilot modal and reading a pilot id off a button."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.domain.errors import UserError
from bot.services.pilots import PilotForm
from bot.slack.blocks.pilots import build_pilot_modal
from bot.slack.payloads import action_value


def open_pilot_modal(client: WebClient, trigger_id: str, form: PilotForm) -> None:
    """Open the propose / edit / tweak modal for a form."""
    client.views_open(
        trigger_id=trigger_id,
        view=build_pilot_modal(
            draft=form.draft,
            team_id=form.team_id,
            team_name=form.team_name,
            team_reps=form.team_reps,
            is_manager=form.is_manager,
            pilot_id=form.pilot_id,
            previous_id=form.previous_id,
            iteration=form.iteration,
        ),
    )


def pilot_id_of(body: dict[str, Any]) -> int:
    """The pilot id a pilot button carries."""
    value = action_value(body)
    if not value.isdigit():
        raise UserError(
            "That button has lost track of its pilot. `/stretch pilots` lists your team's pilots."
        )
    return int(value)

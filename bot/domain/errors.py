"""Errors whose message is written for the person who caused them."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action; `message` is shown to the user as it is, nothing was changed.

    `field` names the modal block the message belongs to, when the input came from a modal.
    """

    def __init__(self, message: str, *, field: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.hint = hint


class NotInTeamError(UserError):
    """The person is in no Stretch team (or not in the one they named)."""


class NotAllowedError(UserError):
    """The person may not do this (a rep trying a manager's action, a stranger, …)."""

"""The one place that turns errors into replies: UserError → a friendly ephemeral, anything else →
an apology to the user and a logged traceback. No request is ever answered with a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot.domain.errors import NotInTeamError, UserError
from bot.services.teams import PickTeamError
from bot.slack.blocks.common import Block
from bot.slack.blocks.help import (
    build_error,
    build_not_in_team,
    build_oops,
    build_team_picker,
    build_try_again_later,
)
from bot.slack.payloads import picker_value

logger = logging.getLogger("bot.slack")

Kind = Literal["command", "action", "view", "event"]
Handler = Callable[..., Any]


def _database_unavailable(error: BaseException) -> bool:
    if isinstance(error, PoolTimeoutError):
        return True
    if isinstance(error, DBAPIError):
        return bool(error.connection_invalidated) or type(error).__name__ in (
            "OperationalError",
            "InterfaceError",
        )
    return False


def guarded(kind: Kind) -> Callable[[Handler], Handler]:
    """Wrap a listener so every failure gets a reply of the right shape for its request kind.

    The wrapped function is called with keyword arguments ack, body, client, respond.
    """

    def decorate(fn: Handler) -> Handler:
        def listener(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
            try:
                fn(ack=ack, body=body, client=client, respond=respond)
            except UserError as error:
                blocks = _user_error_blocks(kind, error, body)
                _reply(kind, ack, body, client, respond, error.message, blocks, field=error.field)
            except Exception as error:
                if _database_unavailable(error):
                    logger.warning("database unavailable while handling %s %s", kind, fn.__name__)
                    blocks = build_try_again_later()
                else:
                    logger.exception("unexpected error in %s listener %s", kind, fn.__name__)
                    blocks = build_oops()
                _reply(kind, ack, body, client, respond, blocks[0]["text"]["text"], blocks, field=None)

        listener.__name__ = fn.__name__
        listener.__qualname__ = fn.__qualname__
        listener.__doc__ = fn.__doc__
        return listener

    return decorate


def _reply(
    kind: Kind,
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    text: str,
    blocks: list[Block],
    *,
    field: str | None,
) -> None:
    acked = ack.response is not None
    try:
        if kind == "command":
            if not acked:
                ack(response_type="ephemeral", text=text, blocks=blocks)
            else:
                respond(response_type="ephemeral", text=text, blocks=blocks, replace_original=False)
        elif kind == "view":
            if not acked:
                block_id = field or _first_input_block(body)
                if block_id:
                    ack(response_action="errors", errors={block_id: text[:150]})
                else:
                    ack()
            else:
                tell_user(client, body, text, blocks)
        else:
            if not acked:
                ack()
            tell_user(client, body, text, blocks)
    except Exception:
        logger.exception("could not deliver an error reply for a %s", kind)


def tell_user(client: WebClient, body: dict[str, Any], text: str, blocks: list[Block]) -> None:
    """Reply privately to whoever clicked: in place via response_url, else as a DM from the bot."""
    response_url = body.get("response_url")
    if not response_url and body.get("response_urls"):
        response_url = body["response_urls"][0].get("response_url")
    if response_url:
        from slack_sdk.webhook import WebhookClient

        WebhookClient(response_url).send(
            text=text, blocks=blocks, response_type="ephemeral", replace_original=False
        )
        return
    user_id = (body.get("user") or {}).get("id")
    if user_id:
        client.chat_postMessage(channel=user_id, text=text, blocks=blocks)


def _user_error_blocks(kind: Kind, error: UserError, body: dict[str, Any]) -> list[Block]:
    if isinstance(error, PickTeamError) and kind == "command":
        try:
            return _team_picker(error, body)
        except Exception:  # the person still gets the message, without the buttons
            logger.exception("could not build the team picker")
    if isinstance(error, NotInTeamError):
        return build_not_in_team(error.message)
    return build_error(error.message, hint=error.hint)


def _team_picker(error: PickTeamError, body: dict[str, Any]) -> list[Block]:
    """The team picker for a command typed where it can't tell the team: each button runs it again."""
    command, text = str(body.get("command") or ""), str(body.get("text") or "")
    return build_team_picker(
        [
            (team_id, name, picker_value(team_id=team_id, command=command, text=text))
            for team_id, name in error.teams
        ],
        message=error.message,
    )


def _first_input_block(body: dict[str, Any]) -> str | None:
    for block in (body.get("view") or {}).get("blocks") or []:
        if block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None

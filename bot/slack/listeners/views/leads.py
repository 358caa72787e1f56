"""Lead lists' modal submissions: accounts to add or release, a split, a manager's decision, an import."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.errors import UserError
from bot.domain.leads.accounts import MAX_PASTED_CSV_ROWS, as_field_error, parse_csv
from bot.domain.leads.rules import parse_percent
from bot.services.leads import claims as lead_claims
from bot.services.leads import decisions as lead_decisions
from bot.services.leads import imports as lead_imports
from bot.services.leads import people as lead_people
from bot.services.leads import settling as lead_settling
from bot.slack.blocks import leads as lead_blocks
from bot.slack.blocks.common import modal, section
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.ids import LeadInput, LeadView
from bot.slack.listeners.commands.leads import send_dms
from bot.slack.payloads import asked_of_body

STALE = "This form is out of date. Type `/claim-leads` and try again."


def _meta(body: dict[str, Any], key: str) -> int:
    try:
        data = json.loads((body.get("view") or {}).get("private_metadata") or "{}")
        return int(data[key])
    except (ValueError, KeyError, TypeError):
        raise UserError(STALE) from None


def _value(body: dict[str, Any], block_id: str) -> dict[str, Any]:
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    block = values.get(block_id) or {}
    element: Any = next(iter(block.values()), {}) if isinstance(block, dict) else {}
    return element if isinstance(element, dict) else {}


def _text(body: dict[str, Any], block_id: str) -> str:
    return str(_value(body, block_id).get("value") or "")


def _done(title: str, text: str) -> dict[str, Any]:
    return modal(callback_id="lead_done", title=title, blocks=[section(text)], submit=None, close="Done")


def register(app: App, deps: Deps) -> None:
    """Register the lead lists' modal submissions."""

    @guarded("view")
    def add_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        lines = _text(body, LeadInput.ACCOUNTS).splitlines()
        with session_scope(deps.session_factory) as session:
            outcome = lead_claims.add_listed(
                session=session,
                asked=asked_of_body(body, team_id=_meta(body, "team_id")),
                lines=lines,
                field=LeadInput.ACCOUNTS,
                now=deps.now(),
            )
        ack(response_action="update", view=_done("Accounts added", lead_blocks.build_added(outcome)))
        send_dms(deps=deps, client=client, keys=outcome.dm_keys)

    @guarded("view")
    def release_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        picked = str((_value(body, LeadInput.RELEASE).get("selected_option") or {}).get("value") or "")
        with session_scope(deps.session_factory) as session:
            label, keys = lead_claims.release_picked(
                session=session,
                asked=asked_of_body(body, team_id=_meta(body, "team_id")),
                picked=picked,
                field=LeadInput.RELEASE,
                now=deps.now(),
            )
        ack(response_action="update", view=_done("Released", f"You gave back *{lead_blocks.esc(label)}*."))
        send_dms(deps=deps, client=client, keys=keys)

    @guarded("view")
    def partner_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        share = parse_percent(_text(body, LeadInput.SHARE), field_id=LeadInput.SHARE)
        with session_scope(deps.session_factory) as session:
            what, account, keys = lead_settling.offer_split(
                session=session,
                overlap_id=_meta(body, "overlap"),
                my_share=share,
                now=deps.now(),
                asked=asked_of_body(body),
            )
        account = lead_blocks.esc(account)
        text = (
            f":handshake: Agreed: you're partners on *{account}*, {share}% of the credit for you."
            if what == "partnered"
            else f":handshake: I've offered your teammate {100 - share}% of *{account}* ({share}% for you). "
            "When they accept, you're partners."
        )
        ack(response_action="update", view=_done("Partner on it", text))
        send_dms(deps=deps, client=client, keys=keys)

    def decided(ack: Ack, body: dict[str, Any], client: WebClient, **decision: Any) -> None:
        with session_scope(deps.session_factory) as session:
            view, keys = lead_decisions.decide(
                session=session,
                overlap_id=_meta(body, "overlap"),
                now=deps.now(),
                **decision,
                asked=asked_of_body(body),
            )
        ack(response_action="update", view=_done("Decided", lead_blocks.build_decided(view)))
        send_dms(deps=deps, client=client, keys=keys)

    @guarded("view")
    def decide_split_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        share = parse_percent(_text(body, LeadInput.SHARE), field_id=LeadInput.SHARE)
        decided(ack, body, client, split_a=share)

    @guarded("view")
    def keep_both_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        decided(ack, body, client, reason=_text(body, LeadInput.REASON))

    @guarded("view")
    def import_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        rep_user = str(_value(body, LeadInput.REP).get("selected_user") or "")
        association = " ".join(_text(body, LeadInput.ASSOCIATION).split())
        text = _text(body, LeadInput.CSV)
        with session_scope(deps.session_factory) as session:
            who = lead_people.manager_asking(
                session=session,
                asked=asked_of_body(body, team_id=_meta(body, "team_id")),
                what="import lead lists",
            )
            rep = lead_imports.import_target(
                session=session, who=who, rep_user=rep_user, association=association, field=LeadInput.REP
            )
            try:
                accounts = parse_csv(
                    text,
                    limit=MAX_PASTED_CSV_ROWS,
                    how_to_import="For a bigger file, use `stretch leads import` (up to 5,000 rows).",
                )
            except UserError as error:
                raise as_field_error(error, LeadInput.CSV) from None
            done = lead_imports.import_list(
                session=session, who=who, rep=rep, association=association, accounts=accounts, now=deps.now()
            )
        ack(
            response_action="update",
            view=_done("Import lead list", lead_blocks.build_imported(done, rep_user)),
        )
        send_dms(deps=deps, client=client, keys=done.claims.dm_keys if done.claims else [])

    app.view(LeadView.ADD)(add_submitted)
    app.view(LeadView.RELEASE)(release_submitted)
    app.view(LeadView.PARTNER)(partner_submitted)
    app.view(LeadView.DECIDE_SPLIT)(decide_split_submitted)
    app.view(LeadView.DECIDE_BOTH)(keep_both_submitted)
    app.view(LeadView.IMPORT)(import_submitted)

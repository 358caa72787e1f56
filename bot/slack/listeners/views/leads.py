"""Lead lists' modal submissions: accounts to add or release, a split, a manager's decision, an import."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.errors import UserError
from bot.domain.leads import (
    MAX_PASTED_CSV_ROWS,
    MAX_PASTED_LINES,
    parse_accounts,
    parse_csv,
    parse_percent,
)
from bot.services import leads as leads_service
from bot.slack.blocks import leads as lead_blocks
from bot.slack.blocks.common import modal, section
from bot.slack.deps import Deps
from bot.slack.guard import guarded
from bot.slack.ids import LeadInput, LeadView
from bot.slack.listeners.commands.leads import send_dms
from bot.slack.payloads import acting_user, slack_team_id

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


def _field(error: UserError, block_id: str) -> UserError:
    """A list of problems as one field error (Slack shows up to 150 characters beside the field)."""
    lines = [line.lstrip("• ").strip() for line in error.message.splitlines() if line.startswith("• ")]
    if not lines:
        return UserError(error.message, field=block_id)
    more = f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""
    return UserError(lines[0][: 150 - len(more)] + more, field=block_id)


def _done(title: str, text: str) -> dict[str, Any]:
    return modal(callback_id="lead_done", title=title, blocks=[section(text)], submit=None, close="Done")


def register(app: App, deps: Deps) -> None:
    """Register the lead lists' modal submissions."""

    def asker_for(session: Any, body: dict[str, Any]) -> leads_service.Asker:
        return leads_service.asker(
            session=session,
            slack_team_id=slack_team_id(body),
            user_id=acting_user(body),
            channel_id=None,
            team_id=_meta(body, "team_id"),
        )

    @guarded("view")
    def add_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        lines = _text(body, LeadInput.ACCOUNTS).splitlines()
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            who = asker_for(session, body)
            leads_service.require_rep(who)
            try:
                accounts = parse_accounts(
                    lines, limit=MAX_PASTED_LINES, how_to_import=leads_service.HOW_TO_IMPORT
                )
            except UserError as error:
                raise _field(error, LeadInput.ACCOUNTS) from None
            outcome = leads_service.add_claims(
                session=session,
                team=who.team,
                person=who.person,
                accounts=accounts,
                actor=acting_user(body),
                now=now,
            )
        ack(response_action="update", view=_done("Accounts added", lead_blocks.build_added(outcome)))
        send_dms(deps=deps, client=client, keys=outcome.dm_keys)

    @guarded("view")
    def release_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        picked = str((_value(body, LeadInput.RELEASE).get("selected_option") or {}).get("value") or "")
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            who = asker_for(session, body)
            leads_service.require_rep(who)
            try:
                label, keys = leads_service.release(
                    session=session, team=who.team, person=who.person, text=picked, now=now
                )
            except UserError as error:
                raise UserError(error.message[:150], field=LeadInput.RELEASE) from None
        ack(response_action="update", view=_done("Released", f"You gave back *{lead_blocks.esc(label)}*."))
        send_dms(deps=deps, client=client, keys=keys)

    @guarded("view")
    def partner_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        share = parse_percent(_text(body, LeadInput.SHARE), field_id=LeadInput.SHARE)
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            overlap, person = leads_service.overlap_for_rep(
                session=session,
                overlap_id=_meta(body, "overlap"),
                user_id=acting_user(body),
                slack_team_id=slack_team_id(body),
            )
            what, keys = leads_service.propose_split(
                session=session, overlap=overlap, person=person, my_share=share, now=now
            )
            account = lead_blocks.esc(overlap.account)
        text = (
            f":handshake: Agreed: you're partners on *{account}*, {share}% of the credit for you."
            if what == "partnered"
            else f":handshake: I've offered your teammate {100 - share}% of *{account}* ({share}% for you). "
            "When they accept, you're partners."
        )
        ack(response_action="update", view=_done("Partner on it", text))
        send_dms(deps=deps, client=client, keys=keys)

    def manager_overlap(session: Any, body: dict[str, Any]) -> Any:
        overlap = leads_service.overlap_for_manager(
            session=session,
            overlap_id=_meta(body, "overlap"),
            user_id=acting_user(body),
            slack_team_id=slack_team_id(body),
        )
        leads_service.require_undecided(overlap)
        return overlap

    @guarded("view")
    def decide_split_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        share = parse_percent(_text(body, LeadInput.SHARE), field_id=LeadInput.SHARE)
        with session_scope(deps.session_factory) as session:
            overlap = manager_overlap(session, body)
            keys = leads_service.decide(
                session=session,
                overlap=overlap,
                manager_user_id=acting_user(body),
                split_a=share,
                now=deps.now(),
            )
            text = lead_blocks.build_decided(leads_service.overlap_view(session=session, overlap=overlap))
        ack(response_action="update", view=_done("Decided", text))
        send_dms(deps=deps, client=client, keys=keys)

    @guarded("view")
    def keep_both_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        reason = _text(body, LeadInput.REASON)
        with session_scope(deps.session_factory) as session:
            overlap = manager_overlap(session, body)
            keys = leads_service.decide(
                session=session,
                overlap=overlap,
                manager_user_id=acting_user(body),
                reason=reason,
                now=deps.now(),
            )
            text = lead_blocks.build_decided(leads_service.overlap_view(session=session, overlap=overlap))
        ack(response_action="update", view=_done("Decided", text))
        send_dms(deps=deps, client=client, keys=keys)

    @guarded("view")
    def import_submitted(ack: Ack, body: dict[str, Any], client: WebClient, **_: Any) -> None:
        rep_user = str(_value(body, LeadInput.REP).get("selected_user") or "")
        association = " ".join(_text(body, LeadInput.ASSOCIATION).split())
        text = _text(body, LeadInput.CSV)
        now = deps.now()
        with session_scope(deps.session_factory) as session:
            who = asker_for(session, body)
            leads_service.require_manager(who, "import lead lists")
            if bool(rep_user) == bool(association):
                raise UserError(
                    "Pick a rep (their list) or name an association (its members), one of the two.",
                    field=LeadInput.REP,
                )
            rep = leads_service.rep_of(session=session, team=who.team, user_id=rep_user) if rep_user else None
            try:
                accounts = parse_csv(
                    text,
                    limit=MAX_PASTED_CSV_ROWS,
                    how_to_import="For a bigger file, use `stretch leads import` (up to 5,000 rows).",
                )
            except UserError as error:
                raise _field(error, LeadInput.CSV) from None
            if rep is not None:
                outcome = leads_service.add_claims(
                    session=session,
                    team=who.team,
                    person=rep,
                    accounts=accounts,
                    actor=acting_user(body),
                    now=now,
                )
                keys = outcome.dm_keys
                done = f"Imported {len(outcome.added)} accounts for <@{rep_user}>" + (
                    f" ({len(outcome.already)} were already theirs)." if outcome.already else "."
                )
                if outcome.overlaps + outcome.possible:
                    done += f" {outcome.overlaps + outcome.possible} overlap teammates' claims; the reps concerned got a DM."
            else:
                found, count, created = leads_service.import_association(
                    session=session,
                    team=who.team,
                    name=association,
                    accounts=accounts,
                    actor=acting_user(body),
                    now=now,
                )
                keys = []
                done = f"{'Imported' if created else 'Replaced'} *{lead_blocks.esc(found.name)}*: {count} member accounts."
        ack(response_action="update", view=_done("Import lead list", done))
        send_dms(deps=deps, client=client, keys=keys)

    app.view(LeadView.ADD)(add_submitted)
    app.view(LeadView.RELEASE)(release_submitted)
    app.view(LeadView.PARTNER)(partner_submitted)
    app.view(LeadView.DECIDE_SPLIT)(decide_split_submitted)
    app.view(LeadView.DECIDE_BOTH)(keep_both_submitted)
    app.view(LeadView.IMPORT)(import_submitted)

"""Block Kit for lead lists: a rep's `/claim-leads` card, the overlap DMs, the managers' decision card and
the modals. Every overlap message is a DM to the people concerned; none of these is ever for a channel."""

from __future__ import annotations

import json
from typing import Any

from bot.domain.leads.accounts import MAX_PASTED_CSV_ROWS, MAX_PASTED_LINES
from bot.domain.leads.rules import fallback_sentence
from bot.services.leads.card import LeadsCard
from bot.services.leads.claims import ClaimOutcome
from bot.services.leads.imports import ImportOutcome
from bot.services.leads.overlaps import OverlapView
from bot.slack.blocks.common import (
    Block,
    actions,
    button,
    context,
    divider,
    header,
    input_block,
    modal,
    option,
    plain,
    section,
)
from bot.slack.ids import LeadAction, LeadInput, LeadView

# How many claims the card lists before it says "and N more" (Slack allows 50 blocks in a message).
CARD_CLAIMS = 30


def esc(text: str) -> str:
    """User text made safe for mrkdwn (escaped exactly once)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """What a person typed, from slash-command text (Slack escapes &, < and > in it)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# --- the rep's card ------------------------------------------------------------------------------------


def build_card(view: LeadsCard, *, me: str, note: str = "") -> tuple[str, list[Block]]:
    """`/claim-leads`: my accounts (with partners and splits), overlaps waiting for me, Add and Release."""
    blocks: list[Block] = []
    if note:
        blocks.append(section(note))
    blocks.append(header(f"Your accounts · {view.team_name}"))
    if view.claims:
        lines = []
        for claim in view.claims[:CARD_CLAIMS]:
            what = (
                f"*{esc(claim.label)}* (association, {claim.members} accounts)"
                if claim.umbrella
                else f"*{esc(claim.label)}*"
            )
            extra = "".join(f"\n    ↳ {esc(account)}: {how}" for account, how in claim.shared)
            lines.append(f"• {what}{extra}")
        more = len(view.claims) - CARD_CLAIMS
        text = "\n".join(lines) + (f"\n…and {more} more." if more > 0 else "")
        blocks.append(section(text[:3000]))
    else:
        blocks.append(
            section(
                "You haven't claimed any accounts yet. Tap *Add accounts*, or type "
                "`/claim-leads add Acme Corp (acme.com), Globex`."
            )
        )
    waiting = [f"• *{esc(o.account)}* with <@{o.other_of(me)}>: see my DM" for o in view.waiting]
    escalated = [
        f"• *{esc(o.account)}* with <@{o.other_of(me)}>: your manager decides" for o in view.escalated
    ]
    if waiting or escalated:
        blocks.append(section(("*Overlaps waiting for you*\n" + "\n".join([*waiting, *escalated]))[:3000]))
    if view.is_manager:
        blocks.append(
            section(
                "Managers load the reps' lists: *Import lead list* on your Stretch home (a pasted CSV), or "
                "`stretch leads import`. Overlaps the reps don't settle reach you as a decision card."
            )
        )
    else:
        blocks.append(
            actions(
                button("Add accounts", LeadAction.ADD, value=str(view.team_id), style="primary"),
                button("Release…", LeadAction.RELEASE, value=str(view.team_id)),
                block_id="lead_card_actions",
            )
        )
    blocks.append(
        context(fallback_sentence(view.fallback) + " Only you and the teammate concerned see an overlap.")
    )
    return f"Your accounts: {len(view.claims)} claimed", blocks


def build_added(outcome: ClaimOutcome) -> str:
    """What a rep is told after adding claims (overlaps come as separate DMs)."""
    parts = []
    if outcome.added:
        shown = ", ".join(f"*{esc(a)}*" for a in outcome.added[:10])
        more = f" and {len(outcome.added) - 10} more" if len(outcome.added) > 10 else ""
        parts.append(f":dart: Claimed {shown}{more}.")
    if outcome.already:
        parts.append("Already yours: " + ", ".join(f"*{esc(a)}*" for a in outcome.already[:10]) + ".")
    found = outcome.overlaps + outcome.possible
    if found:
        parts.append(
            f"{found} of them overlap{'s' if found == 1 else ''} a teammate's claim: I've sent you both a DM to settle it."
        )
    return " ".join(parts) or "Nothing new to claim."


def build_imported(done: ImportOutcome, rep_user: str) -> str:
    """What a pasted import did: the rep's accounts (and overlaps found), or the association's members."""
    if done.claims is None:
        verb = "Imported" if done.created else "Replaced"
        return f"{verb} *{esc(done.association)}*: {done.members} member accounts."
    outcome = done.claims
    text = f"Imported {len(outcome.added)} accounts for <@{rep_user}>" + (
        f" ({len(outcome.already)} were already theirs)." if outcome.already else "."
    )
    if outcome.overlaps + outcome.possible:
        text += (
            f" {outcome.overlaps + outcome.possible} overlap teammates' claims; the reps concerned got a DM."
        )
    return text


# --- modals ------------------------------------------------------------------------------------------------


def build_add_modal(*, team_id: int, fallback: str) -> dict[str, Any]:
    """'Add accounts': one account a line."""
    return modal(
        callback_id=LeadView.ADD,
        title="Add accounts",
        submit="Claim",
        private_metadata=json.dumps({"team_id": team_id}),
        blocks=[
            input_block(
                LeadInput.ACCOUNTS,
                "Accounts, one a line",
                {
                    "type": "plain_text_input",
                    "action_id": f"{LeadInput.ACCOUNTS}_input",
                    "multiline": True,
                    "placeholder": plain("Acme Corp (acme.com)\nGlobex\ninitech.io"),
                },
                hint=f"A company name, a domain, or Name (domain). Up to {MAX_PASTED_LINES} at once.",
            ),
            context(fallback_sentence(fallback)),
        ],
    )


def build_release_modal(*, team_id: int, claims: list[str]) -> dict[str, Any]:
    """'Release…': pick one of my accounts to give back."""
    options = [option(label[:75], label[:150]) for label in claims[:100]]
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": f"{LeadInput.RELEASE}_input",
        "placeholder": plain("Pick an account"),
        "options": options,
    }
    blocks: list[Block] = [input_block(LeadInput.RELEASE, "Give back", element)]
    if len(claims) > 100:
        blocks.append(
            context(
                "Only your first 100 accounts are listed; type `/claim-leads release NAME` for the others."
            )
        )
    return modal(
        callback_id=LeadView.RELEASE,
        title="Release an account",
        submit="Release",
        private_metadata=json.dumps({"team_id": team_id}),
        blocks=blocks,
    )


def build_no_claims_modal() -> dict[str, Any]:
    """Release… with nothing to release."""
    return modal(
        callback_id="lead_nothing",
        title="Release an account",
        submit=None,
        close="Close",
        blocks=[section("You haven't claimed any accounts, so there's nothing to give back.")],
    )


def build_split_modal(view: OverlapView, *, me: str | None, manager: bool = False) -> dict[str, Any]:
    """A split in whole percents (the other side gets the rest, so the two add up to 100)."""
    if manager:
        label = f"{view.a_user_name}'s share, in %"
        intro = f"Partner <@{view.a_user}> and <@{view.b_user}> on *{esc(view.account)}*."
        callback = LeadView.DECIDE_SPLIT
    else:
        label = "Your share of the credit, in %"
        intro = f"Partner with <@{view.other_of(me or '')}> on *{esc(view.account)}*. They get the rest; both of you must accept the same split."
        callback = LeadView.PARTNER
    return modal(
        callback_id=callback,
        title="Partner on it",
        submit="Propose" if not manager else "Decide",
        private_metadata=json.dumps({"overlap": view.id}),
        blocks=[
            section(intro),
            input_block(
                LeadInput.SHARE,
                label,
                {
                    "type": "plain_text_input",
                    "action_id": f"{LeadInput.SHARE}_input",
                    "initial_value": "50",
                    "max_length": 3,
                },
                hint="A whole number from 1 to 99, like 60.",
            ),
        ],
    )


def build_keep_both_modal(view: OverlapView) -> dict[str, Any]:
    """A manager keeps both claims, with a written reason the reps will read."""
    return modal(
        callback_id=LeadView.DECIDE_BOTH,
        title="Keep both claims",
        submit="Decide",
        private_metadata=json.dumps({"overlap": view.id}),
        blocks=[
            section(f"<@{view.a_user}> and <@{view.b_user}> both keep *{esc(view.account)}*."),
            input_block(
                LeadInput.REASON,
                "Why (the two reps will read this)",
                {
                    "type": "plain_text_input",
                    "action_id": f"{LeadInput.REASON}_input",
                    "multiline": True,
                    "max_length": 500,
                },
            ),
        ],
    )


IMPORT_REP, IMPORT_ASSOCIATION = "rep", "association"


def build_import_modal(*, team_id: int, team_name: str) -> dict[str, Any]:
    """The managers' paste-CSV import: a rep's list, or an association's member accounts."""
    return modal(
        callback_id=LeadView.IMPORT,
        title="Import lead list",
        submit="Import",
        private_metadata=json.dumps({"team_id": team_id}),
        blocks=[
            section(
                f"Paste a CSV for *{esc(team_name)}*: a header row `company,domain,note`, then one account a row."
            ),
            input_block(
                LeadInput.REP,
                "A rep's list: whose?",
                {"type": "users_select", "action_id": f"{LeadInput.REP}_input"},
                optional=True,
                hint="Pick a rep, or leave empty and name an association below.",
            ),
            input_block(
                LeadInput.ASSOCIATION,
                "Or an association's members: its name",
                {
                    "type": "plain_text_input",
                    "action_id": f"{LeadInput.ASSOCIATION}_input",
                    "max_length": 120,
                },
                optional=True,
            ),
            input_block(
                LeadInput.CSV,
                "CSV",
                {"type": "plain_text_input", "action_id": f"{LeadInput.CSV}_input", "multiline": True},
                hint=f"Up to {MAX_PASTED_CSV_ROWS} rows here; for more, `stretch leads import`.",
            ),
        ],
    )


# --- DMs -------------------------------------------------------------------------------------------------


def _who(view: OverlapView, user: str) -> str:
    umbrella = view.a_umbrella if user == view.a_user else view.b_umbrella
    return f"<@{user}> (through *{esc(umbrella)}*)" if umbrella else f"<@{user}>"


def build_overlap_dm(view: OverlapView, *, me: str) -> tuple[str, list[Block]]:
    """To one rep: the account, the teammate, and the three ways to settle it (or confirm/dismiss)."""
    other = view.other_of(me)
    block_id = f"lead_overlap_{view.id}"
    if not view.exact:
        text = f"Possible overlap: {view.account}"
        return text, [
            section(
                f":mag: *Possible overlap.* You and {_who(view, other)} claimed accounts with close names: "
                f"*{esc(view.account)}*. Is it the same company?"
            ),
            actions(
                button("Same company", LeadAction.SAME, value=str(view.id)),
                button("Different companies", LeadAction.DIFFERENT, value=str(view.id)),
                block_id=block_id,
            ),
            context("Only the two of you see this."),
        ]
    text = f"Overlap: you and a teammate both claimed {view.account}"
    mine_umbrella = view.a_umbrella if me == view.a_user else view.b_umbrella
    theirs_umbrella = view.b_umbrella if me == view.a_user else view.a_umbrella
    rank = ""
    if mine_umbrella and not theirs_umbrella:
        rank = " They named the account itself, so it's theirs unless you two (or your manager) decide otherwise."
    elif theirs_umbrella and not mine_umbrella:
        rank = " You named the account itself, so an association claim doesn't outrank you unless you agree."
    return text, [
        section(
            f":handshake: *{esc(view.account)}*: you and {_who(view, other)} both claimed it.{rank}\n"
            "Settle it between you: partner on it with a split of the credit, or let them have it."
        ),
        actions(
            button("Partner on it", LeadAction.PARTNER, value=str(view.id), style="primary"),
            button("It's yours", LeadAction.YIELD, value=str(view.id)),
            button("Ask our manager", LeadAction.ASK_MANAGER, value=str(view.id)),
            block_id=block_id,
        ),
        context(
            "Only the two of you see this. "
            + (
                "Still open after 2 working days, it goes to your manager."
                if view.fallback != "first"
                else "Still open after 2 working days, the first claimer keeps it."
            )
        ),
    ]


def build_proposal_dm(view: OverlapView, *, me: str) -> tuple[str, list[Block]]:
    """To the rep who didn't propose: the offered split, to accept in one tap."""
    assert view.proposal_split_a is not None and view.proposal_by_user is not None
    mine = view.share_of(me, view.proposal_split_a)
    theirs = 100 - (mine or 0)
    text = f"<@{view.proposal_by_user}> offers to partner on {view.account}: {theirs}/{mine}"
    return text, [
        section(
            f":handshake: <@{view.proposal_by_user}> offers to partner on *{esc(view.account)}*: "
            f"*{theirs}%* for them, *{mine}%* for you."
        ),
        actions(
            button(
                f"Accept {mine}% for me",
                LeadAction.ACCEPT,
                value=f"{view.id}:{view.proposal_version}",
                style="primary",
            ),
            button("Propose another split", LeadAction.PARTNER, value=str(view.id)),
            button("It's yours", LeadAction.YIELD, value=str(view.id)),
            button("Ask our manager", LeadAction.ASK_MANAGER, value=str(view.id)),
            block_id=f"lead_proposal_{view.id}_{view.proposal_version}",
        ),
        context("Only the two of you see this."),
    ]


def settled_sentence(view: OverlapView, *, me: str) -> str:
    """How an overlap ended, as one of its reps reads it."""
    other = view.other_of(me)
    by = (
        "the team's rule"
        if view.decided_by == "rule"
        else ("you two" if view.decided_by in ("", "reps") else f"<@{view.decided_by}>")
    )
    if view.status == "partnered":
        mine = view.share_of(me, view.split_a)
        return f":handshake: *{esc(view.account)}*: you and <@{other}> are partners, *{mine}%* of the credit for you and *{100 - (mine or 0)}%* for them (decided by {by})."
    if view.status == "assigned":
        whose = "yours" if view.owner_user == me else f"<@{other}>'s"
        return f":white_check_mark: *{esc(view.account)}* is {whose} (decided by {by})."
    if view.status == "kept_both":
        return f":white_check_mark: *{esc(view.account)}*: you and <@{other}> both keep it (decided by {by}): _{esc(view.reason)}_"
    return f":white_check_mark: *{esc(view.account)}*: you said these are two different companies, so nothing to settle."


def build_settled_dm(view: OverlapView, *, me: str) -> tuple[str, list[Block]]:
    """To both reps: how it was settled."""
    sentence = settled_sentence(view, me=me)
    return sentence.replace("*", ""), [section(sentence)]


def build_decision_card(view: OverlapView) -> tuple[str, list[Block]]:
    """To each manager: one card per account, with the four decisions."""
    text = f"Lead overlap to decide: {view.account}"
    return text, [
        section(
            f":scales: *{esc(view.account)}* ({esc(view.team_name)}): {_who(view, view.a_user)} claimed it first, "
            f"then {_who(view, view.b_user)}. They haven't settled it between them: who should pursue it?"
        ),
        actions(
            button(f"Give to {view.a_user_name}"[:75], LeadAction.DECIDE_A, value=str(view.id)),
            button(f"Give to {view.b_user_name}"[:75], LeadAction.DECIDE_B, value=str(view.id)),
            button("Partner with a split…", LeadAction.DECIDE_SPLIT, value=str(view.id)),
            button("Keep both…", LeadAction.DECIDE_BOTH, value=str(view.id)),
            block_id=f"lead_decide_{view.id}",
        ),
        context("Only this team's managers see this. The two reps hear your decision in a DM."),
    ]


def build_decided(view: OverlapView) -> str:
    """What a manager is told after deciding."""
    if view.status == "partnered":
        return f":handshake: *{esc(view.account)}*: <@{view.a_user}> {view.split_a}% and <@{view.b_user}> {100 - (view.split_a or 0)}%. Both have been told."
    if view.status == "assigned":
        return f":white_check_mark: *{esc(view.account)}* goes to <@{view.owner_user}>. Both have been told."
    return f":white_check_mark: *{esc(view.account)}*: both keep it. Both have been told."


def build_noise_dm(*, team_name: str, key: str, claims: int) -> tuple[str, list[Block]]:
    """To managers: a key so many claims share that it says nothing (not sent to reps)."""
    kind = "domain" if key.startswith("d:") else "name"
    sentence = (
        f":warning: In *{esc(team_name)}*, the {kind} *{esc(key[2:])}* appears in {claims} claims, so I treat it as noise "
        "and don't send overlaps on it to the reps. If it is a real account, have the reps claim it with its domain."
    )
    return sentence.replace("*", ""), [section(sentence)]


def build_manager_home(*, team_id: int, team_name: str, open_count: int, escalated: int) -> list[Block]:
    """The managers' Home section: import a list, and how many overlaps are open."""
    return [
        header(f"Lead lists · {team_name}"),
        section(f"{open_count} overlaps the reps are settling, {escalated} waiting for your decision."),
        actions(
            button("Import lead list", LeadAction.IMPORT, value=str(team_id)), block_id=f"lead_home_{team_id}"
        ),
        divider(),
    ]

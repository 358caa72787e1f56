"""What `/claim-leads …` asks for: the sub-command and its list of accounts, and the refusals."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cleanco import basename

from bot.domain.errors import UserError
from bot.domain.leads.accounts import clip

_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>|@\w+")


@dataclass(frozen=True)
class LeadsCommand:
    """What `/claim-leads …` asked for."""

    kind: str  # list | add | release | umbrella | help
    rest: str = ""


def parse_leads_command(text: str) -> LeadsCommand:
    """Split `/claim-leads` text into what was asked; refuses claiming for someone else."""
    words = (text or "").split(maxsplit=1)
    if not words:
        return LeadsCommand("list")
    first, rest = words[0].lower(), (words[1].strip() if len(words) > 1 else "")
    if first in ("list", "show", "status"):
        return LeadsCommand("list")
    if first == "help":
        return LeadsCommand("help")
    if first not in ("add", "release", "umbrella"):
        raise UserError(
            f"I don't know `/claim-leads {clip(first, 20)}`. Try `/claim-leads add Acme Corp (acme.com), Globex`, "
            "`/claim-leads release Acme`, `/claim-leads umbrella Ohio Credit Union League`, or `/claim-leads`."
        )
    if _MENTION.search(rest):
        raise UserError(
            "You can only claim accounts for yourself. To load a rep's list, a manager uses Import lead list on "
            "their Stretch home or `stretch leads import`."
        )
    if not rest:
        example = {
            "add": "`/claim-leads add Acme Corp (acme.com), Globex, initech.io`",
            "release": "`/claim-leads release Acme`",
            "umbrella": "`/claim-leads umbrella Ohio Credit Union League`",
        }[first]
        raise UserError(f"Say which, like {example}.")
    return LeadsCommand(first, rest)


def split_command_list(text: str) -> list[str]:
    """`Acme Corp (acme.com), Globex, initech.io` → three items; `Acme, Inc.` stays one (a fragment that
    is only a legal suffix joins the item before it)."""
    items: list[str] = []
    for part in (text or "").split(","):
        piece = part.strip()
        if items and piece and _only_legal_suffix(piece):
            items[-1] = f"{items[-1]}, {piece}"
        else:
            items.append(piece)
    return items


def _only_legal_suffix(piece: str) -> bool:
    if not any(c.isalpha() for c in piece):
        return False
    probe = f"Probe {piece}"
    return basename(probe).strip().casefold() == "probe"

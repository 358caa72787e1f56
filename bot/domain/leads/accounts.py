"""Reading accounts as reps and managers type them: one account, a pasted list, a CSV file; all or
nothing, every problem named by its line."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.errors import UserError
from bot.domain.leads.keys import account_label, domain_key, match_keys, name_key, registrable_domain

# Slack paste and `/claim-leads add`: above this, the CLI import is the way (documented in the README).
MAX_PASTED_LINES = 200
# One CSV file through `stretch leads import` or the dashboard's paste modal.
MAX_IMPORT_ROWS = 5_000
MAX_PASTED_CSV_ROWS = 500
MAX_COMPANY = 120
MAX_NOTE = 200
CSV_COLUMNS = ("company", "domain", "note")

_DOMAIN_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?[^\s/?#@:]+(?::\d+)?(?:[/?#].*)?$", re.I)
_LABEL_RE = re.compile(r"^[\w-]+(\.[\w-]+)+$", re.UNICODE)
_PAREN_RE = re.compile(r"^(?P<name>.*?)\s*\((?P<domain>[^()]*)\)\s*$")


@dataclass(frozen=True)
class Account:
    """One account as a rep typed it: a name, a domain, or both; with its matching keys."""

    company: str
    domain: str
    note: str = ""
    line: int = 0

    @property
    def name_key(self) -> str:
        """The normalised name ('' when only a domain was given)."""
        return name_key(self.company) if self.company else ""

    @property
    def domain_key(self) -> str:
        """The registrable domain ('' for none or free-mail)."""
        return domain_key(self.domain) if self.domain else ""

    @property
    def label(self) -> str:
        """How the account is shown: `Acme Corp (acme.com)`, `Globex` or `initech.io`."""
        return account_label(self.company, self.domain)

    def match_keys(self) -> list[str]:
        """Every exact-match key of the account (its domain's and its name's)."""
        return match_keys(self.name_key, self.domain_key)

    @property
    def key(self) -> str:
        """The account's identity for history and de-duplication: domain first, else name."""
        return f"d:{self.domain_key}" if self.domain_key else f"n:{self.name_key}"


def _looks_like_domain(text: str) -> bool:
    value = text.strip()
    if " " in value or "." not in value:
        return False
    return bool(_DOMAIN_RE.match(value)) and bool(registrable_domain(value))


def clean_domain(text: str, *, line: int) -> str:
    """A domain as typed, refused (naming the line) when it carries a port, a path or isn't a domain."""
    value = text.strip().lower()
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value)
    where = f"Line {line}: " if line else ""
    host = re.split(r"[/?#]", value, maxsplit=1)[0]
    bare = host.split(":", 1)[0]
    suggestion = registrable_domain(bare) or bare
    if ":" in host:
        raise UserError(f"{where}`{clip(text)}` has a port. Type the domain alone, like `{suggestion}`.")
    if host != value:
        raise UserError(f"{where}`{clip(text)}` has a path. Type the domain alone, like `{suggestion}`.")
    if value.startswith("www."):
        value = value[4:]
    if not _LABEL_RE.match(value) or not registrable_domain(value):
        raise UserError(
            f"{where}`{clip(text)}` isn't a domain I know. Type a company name, a domain like `acme.com`, "
            "or both: `Acme Corp (acme.com)`."
        )
    return value


def clip(text: str, limit: int = 40) -> str:
    """Input shortened and stripped of backticks, safe to quote back in a reply."""
    cleaned = " ".join(str(text).replace("`", "'").split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def parse_account(text: str, *, line: int = 0, note: str = "") -> Account:
    """One account from `Acme Corp (acme.com)`, `Globex` or `initech.io`; UserError naming the line."""
    where = f"Line {line}: " if line else ""
    raw = " ".join((text or "").split())
    match = _PAREN_RE.match(raw)
    if match and match.group("domain").strip():
        company = match.group("name").strip()
        domain = clean_domain(match.group("domain"), line=line)
    elif _looks_like_domain(raw) or "://" in raw:
        company, domain = "", clean_domain(raw, line=line)
    else:
        company, domain = raw, ""
    if company and not name_key(company):
        if domain:
            company = ""
        else:
            raise UserError(
                f"{where}`{clip(raw) or '(blank)'}` has no company name or domain in it. "
                "Type a name like `Acme Corp`, a domain like `acme.com`, or both: `Acme Corp (acme.com)`."
            )
    if len(company) > MAX_COMPANY:
        raise UserError(f"{where}keep a company name under {MAX_COMPANY} characters.")
    clean_note = " ".join((note or "").split())
    if len(clean_note) > MAX_NOTE:
        raise UserError(f"{where}keep the note under {MAX_NOTE} characters.")
    return Account(company=company, domain=domain, note=clean_note, line=line)


def parse_accounts(
    lines: Sequence[str], *, limit: int = MAX_PASTED_LINES, how_to_import: str = ""
) -> list[Account]:
    """Every account of a pasted list (one a line), all or nothing.

    Refuses an empty list, more than `limit` lines (saying how to import instead), a line that isn't an
    account, and duplicates (naming both lines)."""
    numbered = [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise UserError(
            "The list is empty. Type one account a line: a company name, a domain, or `Name (domain)`."
        )
    if len(numbered) > limit:
        raise UserError(
            f"That's {len(numbered):,} accounts; I take up to {limit} at once here. "
            + (how_to_import or "Split the list, or ask your manager to import it as a CSV file.")
        )
    reader = _ListReader()
    for number, text in numbered:
        reader.add(text, line=number)
    return reader.accounts()


def raise_problems(problems: list[str]) -> None:
    """One UserError listing the first problems (nothing was saved)."""
    shown = problems[:8]
    more = f"\n…and {len(problems) - len(shown)} more." if len(problems) > len(shown) else ""
    raise UserError(
        "Nothing was saved. Fix these and send the list again:\n" + "\n".join(f"• {p}" for p in shown) + more
    )


def parse_csv(text: str, *, limit: int = MAX_IMPORT_ROWS, how_to_import: str = "") -> list[Account]:
    """Accounts from CSV text with a header row `company,domain,note` (UTF-8, BOM or not), all or nothing."""
    body = (text or "").lstrip("\ufeff")
    lines = body.splitlines()
    if not any(line.strip() for line in lines):
        raise UserError(
            "The file is empty. It needs a header row `company,domain,note` and one account a row."
        )
    header_line = next(line for line in lines if line.strip())
    header = [h.strip().lower() for h in next(csv.reader([header_line]))]
    if len(header) == 1 and any(sep in header_line for sep in (";", "\t", "|")):
        sep = next(sep for sep in (";", "\t", "|") if sep in header_line)
        shown = "a tab" if sep == "\t" else f"`{sep}`"
        raise UserError(
            f"Line 1: the columns are separated by {shown}. Save the file as CSV with commas: "
            "`company,domain,note`."
        )
    missing = [c for c in ("company", "domain") if c not in header]
    if missing:
        raise UserError(
            f"Line 1: the header has no {' or '.join(f'`{m}`' for m in missing)} column. "
            "The first row must be `company,domain,note` (note may be left empty)."
        )
    unknown = [h for h in header if h and h not in CSV_COLUMNS]
    if unknown:
        raise UserError(
            f"Line 1: I don't know the column {', '.join(f'`{clip(u, 20)}`' for u in unknown)}. "
            "Use `company,domain,note`."
        )
    rows = list(csv.reader(io.StringIO(body)))
    start = next(i for i, row in enumerate(rows) if any(cell.strip() for cell in row)) + 1
    data = [(n + 1, row) for n, row in enumerate(rows) if n >= start and any(cell.strip() for cell in row)]
    if not data:
        raise UserError("The file has a header but no accounts under it.")
    if len(data) > limit:
        raise UserError(f"That's {len(data):,} rows; I take up to {limit:,} at once. " + how_to_import)
    index = {name: header.index(name) for name in CSV_COLUMNS if name in header}
    reader = _ListReader()
    for number, row in data:
        if len(row) > len(header):
            reader.problems.append(
                f"Line {number} has {len(row)} columns, the header {len(header)}. Put quotes around a "
                'name with a comma: `"Acme, Inc.",acme.com,`.'
            )
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in index.items()}
        company, domain = cells.get("company", ""), cells.get("domain", "")
        if not company and not domain:
            reader.problems.append(f"Line {number} has neither a company nor a domain.")
            continue
        reader.add(account_label(company, domain), line=number, note=cells.get("note", ""))
    return reader.accounts()


class _ListReader:
    """A list read line by line, all or nothing: every problem kept, a repeat named with the line it repeats."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self._accounts: list[Account] = []
        self._seen: dict[str, int] = {}

    def add(self, text: str, *, line: int, note: str = "") -> None:
        """Read one line's account, or note why it can't be taken."""
        try:
            account = parse_account(text, line=line, note=note)
        except UserError as error:
            self.problems.append(error.message)
            return
        first = next((self._seen[k] for k in account.match_keys() if k in self._seen), None)
        if first is not None:
            self.problems.append(
                f"Line {line} repeats line {first} (`{clip(account.label)}`). Remove one of them."
            )
            return
        self._seen.update({k: line for k in account.match_keys()})
        self._accounts.append(account)

    def accounts(self) -> list[Account]:
        """Every account read; one UserError listing the problems if there was any."""
        if self.problems:
            raise_problems(self.problems)
        return self._accounts


def as_field_error(error: UserError, field: str) -> UserError:
    """A list's problems as one form-field error (a form shows up to 150 characters beside the field)."""
    lines = [line.lstrip("• ").strip() for line in error.message.splitlines() if line.startswith("• ")]
    if not lines:
        return UserError(error.message, field=field)
    more = f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""
    return UserError(lines[0][: 150 - len(more)] + more, field=field)

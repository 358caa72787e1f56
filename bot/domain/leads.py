"""Lead lists' rules: reading accounts as reps type them, matching keys, finding overlaps, splits, dates.

Nothing here knows Slack, SQL or the clock. A company's identity is two keys: its registrable domain
(through the public-suffix list bundled with `tldextract`, never fetched at run time) and its name with
case, punctuation and legal suffixes (`cleanco`) removed. Two claims sharing a key are an overlap; names
that are merely close (`rapidfuzz` token-sort similarity, threshold a team setting) are a possible
overlap the two reps confirm or dismiss.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy
import tldextract
from cleanco import basename
from cleanco.clean import prepare_default_terms
from rapidfuzz import fuzz, process

from bot.domain.errors import UserError
from bot.domain.schedule import local_moment

# Slack paste and `/claim-leads add`: above this, the CLI import is the way (documented in the README).
MAX_PASTED_LINES = 200
# One CSV file through `stretch leads import` or the dashboard's paste modal.
MAX_IMPORT_ROWS = 5_000
MAX_PASTED_CSV_ROWS = 500
MAX_COMPANY = 120
MAX_NOTE = 200
DEFAULT_FUZZY_THRESHOLD = 90
MIN_FUZZY_THRESHOLD, MAX_FUZZY_THRESHOLD = 70, 100
# A key shared by this many claims is noise (a placeholder, a parent brand): reported to managers only.
NOISE_CLAIMS = 20
ESCALATE_AFTER_WORKING_DAYS = 2
FALLBACK_MANAGER = "manager"
FALLBACK_FIRST = "first"
FALLBACKS = (FALLBACK_MANAGER, FALLBACK_FIRST)
CSV_COLUMNS = ("company", "domain", "note")

# Free-mail and consumer domains: many unrelated people share them, so they never identify a company.
FREE_MAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "ymail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "mail.ru",
        "yandex.ru",
        "yandex.com",
        "qq.com",
        "163.com",
        "126.com",
        "zoho.com",
        "fastmail.com",
        "hey.com",
        "comcast.net",
        "verizon.net",
        "att.net",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "libero.it",
        "naver.com",
    }
)

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False)
_DOMAIN_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?[^\s/?#@:]+(?::\d+)?(?:[/?#].*)?$", re.I)
_LABEL_RE = re.compile(r"^[\w-]+(\.[\w-]+)+$", re.UNICODE)
_PAREN_RE = re.compile(r"^(?P<name>.*?)\s*\((?P<domain>[^()]*)\)\s*$")


# --- keys ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=65_536)
def registrable_domain(text: str) -> str:
    """`https://www.sales.acme.co.uk/x` → `acme.co.uk`; '' when it has no public suffix.

    International names compare in their ASCII (punycode) form, so `münchen.de` = `xn--mnchen-3ya.de`.
    """
    raw = (text or "").strip().lower()
    if not raw:
        return ""
    found = _EXTRACT(raw)
    if not found.suffix or not found.domain:
        return ""
    return _ascii(f"{found.domain}.{found.suffix}")


def _ascii(domain: str) -> str:
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def domain_key(text: str) -> str:
    """The key a domain matches on: its registrable domain, or '' for free-mail domains."""
    domain = registrable_domain(text)
    return "" if domain in FREE_MAIL else domain


# The last word of every legal form cleanco knows ("inc", "gmbh", "sa" …): only a name ending in one of
# them goes through cleanco (which tries each of its few hundred forms), so most names cost microseconds.
_LEGAL_TAILS = frozenset(words[-1] for _, words in prepare_default_terms())


def _tail(name: str) -> str:
    words = name.split()
    return re.sub(r"[^\w/&]", "", words[-1]).casefold() if words else ""


@lru_cache(maxsize=65_536)
def name_key(text: str) -> str:
    """`Acme, Inc.` = `ACME Corp` = `acme`: casefolded, accents and punctuation gone, legal suffixes
    removed, `&` read as 'and'."""
    name = " ".join(unicodedata.normalize("NFKC", text or "").split())
    previous = None
    while name and name != previous and _tail(name) in _LEGAL_TAILS:
        previous = name
        stripped = basename(name)
        name = stripped if stripped.strip() else name
    name = name.replace("&", " and ")
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    words = re.sub(r"[^\w]+", " ", folded, flags=re.UNICODE).replace("_", " ").split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    return " ".join(words)


def similarity(a: str, b: str) -> float:
    """How alike two name keys are (0-100), token order ignored."""
    return float(fuzz.token_sort_ratio(a, b))


# --- reading what people type ---------------------------------------------------------------------------


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
        if self.company and self.domain:
            return f"{self.company} ({self.domain})"
        return self.company or self.domain

    def match_keys(self) -> list[str]:
        """Every exact-match key of the account (its domain's and its name's)."""
        out = [f"d:{self.domain_key}"] if self.domain_key else []
        return [*out, f"n:{self.name_key}"] if self.name_key else out

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
    accounts: list[Account] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, text in numbered:
        try:
            account = parse_account(text, line=number)
        except UserError as error:
            problems.append(error.message)
            continue
        first = next((seen[k] for k in account.match_keys() if k in seen), None)
        if first is not None:
            problems.append(
                f"Line {number} repeats line {first} (`{clip(account.label)}`). Remove one of them."
            )
            continue
        seen.update({k: number for k in account.match_keys()})
        accounts.append(account)
    if problems:
        raise_problems(problems)
    return accounts


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
    accounts: list[Account] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, row in data:
        if len(row) > len(header):
            problems.append(
                f"Line {number} has {len(row)} columns, the header {len(header)}. Put quotes around a "
                'name with a comma: `"Acme, Inc.",acme.com,`.'
            )
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in index.items()}
        company, domain = cells.get("company", ""), cells.get("domain", "")
        if not company and not domain:
            problems.append(f"Line {number} has neither a company nor a domain.")
            continue
        text = f"{company} ({domain})" if company and domain else company or domain
        try:
            account = parse_account(text, line=number, note=cells.get("note", ""))
        except UserError as error:
            problems.append(error.message)
            continue
        first = next((seen[k] for k in account.match_keys() if k in seen), None)
        if first is not None:
            problems.append(
                f"Line {number} repeats line {first} (`{clip(account.label)}`). Remove one of them."
            )
            continue
        seen.update({k: number for k in account.match_keys()})
        accounts.append(account)
    if problems:
        raise_problems(problems)
    return accounts


# --- overlaps -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class ClaimKeys:
    """What matching needs of one claimed account: whose, which keys, and how it was claimed."""

    claim_id: int
    person_id: int
    name_key: str
    domain_key: str
    umbrella: bool = False
    # For an umbrella claim, the member account this entry stands for (else 0).
    member_id: int = 0

    def match_keys(self) -> list[str]:
        """The exact-match keys of this account."""
        out = []
        if self.domain_key:
            out.append(f"d:{self.domain_key}")
        if self.name_key:
            out.append(f"n:{self.name_key}")
        return out


@dataclass(frozen=True, slots=True)
class Match:
    """Two claimed accounts of two different reps that look like the same company."""

    a: ClaimKeys
    b: ClaimKeys
    key: str
    exact: bool


# Two names close overall must also be close in the words they don't share: "Beacon Oak Logistics" and
# "Falcon Oak Logistics" score 90 on token-sort similarity but are two companies ("beacon" ≠ "falcon").
DISTINCTIVE_MIN = 75


def close_pairs(queries: Iterable[str], choices: Iterable[str], *, threshold: int) -> list[tuple[str, str]]:
    """Every (query, choice) of two different name keys that are close: token-sort similarity at least
    `threshold` and their distinctive words alike.

    Blocking: two names this close share the first three letters of at least one word; each block is
    compared in C++ (rapidfuzz cdist, both cores), which is most of the cost."""
    wanted = set(queries)
    distinct = list(dict.fromkeys([*choices, *wanted]))
    if threshold >= 100 or len(distinct) < 2 or not wanted:
        return []
    sorted_form = {name: " ".join(sorted(name.split())) for name in distinct}
    blocks: dict[str, list[str]] = defaultdict(list)
    for name in distinct:
        for prefix in {word[:3] for word in name.split()}:
            blocks[prefix].append(name)
    found: list[tuple[str, str]] = []
    compared: set[tuple[str, str]] = set()
    for members in blocks.values():
        asked = [name for name in members if name in wanted]
        if len(members) < 2 or not asked:
            continue
        scores = process.cdist(
            [sorted_form[name] for name in asked],
            [sorted_form[name] for name in members],
            scorer=fuzz.ratio,
            score_cutoff=threshold,
            dtype=numpy.uint8,
            workers=-1,
        )
        for row, col in zip(*numpy.nonzero(scores), strict=True):
            pair = (asked[int(row)], members[int(col)])
            if pair[0] == pair[1] or pair in compared:
                continue
            compared.add(pair)
            if _distinctive_words_close(*pair):
                found.append(pair)
    return found


def _distinctive_words_close(a: str, b: str) -> bool:
    words_a, words_b = set(a.split()), set(b.split())
    rest_a, rest_b = " ".join(sorted(words_a - words_b)), " ".join(sorted(words_b - words_a))
    if not rest_a and not rest_b:
        return True  # the same words in another order
    if not rest_a or not rest_b:
        return False  # one name is the other plus words: a different (often larger) organisation
    return fuzz.ratio(rest_a, rest_b) >= DISTINCTIVE_MIN


def _pair(a: ClaimKeys, b: ClaimKeys) -> tuple[int, int, int, int]:
    """An order-free identity of two entries (claim and member ids)."""
    x, y = (a.claim_id, a.member_id), (b.claim_id, b.member_id)
    return (*x, *y) if x <= y else (*y, *x)


@dataclass
class Reconciliation:
    """Everything a team's claims say: overlaps, possible overlaps and noisy keys."""

    exact: list[Match] = field(default_factory=list)
    possible: list[Match] = field(default_factory=list)
    noise: dict[str, int] = field(default_factory=dict)


def _index(entries: Iterable[ClaimKeys]) -> dict[str, list[ClaimKeys]]:
    by_key: dict[str, list[ClaimKeys]] = defaultdict(list)
    for entry in entries:
        for key in entry.match_keys():
            by_key[key].append(entry)
    return by_key


def reconcile(
    entries: Sequence[ClaimKeys], *, threshold: int = DEFAULT_FUZZY_THRESHOLD, new: Sequence[ClaimKeys] = ()
) -> Reconciliation:
    """Find overlaps between different reps' claims.

    With `new`, only pairs involving a new entry are looked at (adding accounts to a big team stays
    cheap); without it, every pair is. A key shared by NOISE_CLAIMS or more claims is reported as noise
    and makes no overlap. Fuzzy matching compares distinct name keys only, those sharing a token prefix.
    """
    result = Reconciliation()
    all_entries = list(entries) + list(new)
    by_key = _index(all_entries)
    noisy = set()
    for key, group in by_key.items():
        if len({e.claim_id for e in group}) >= NOISE_CLAIMS:
            result.noise[key] = len({e.claim_id for e in group})
            noisy.add(key)
    seen: set[tuple[int, int, int, int]] = set()
    focus = list(new) if new else all_entries
    new_ids = {(e.claim_id, e.member_id) for e in new}
    for key, group in by_key.items():
        if len(group) < 2 or key in noisy:
            continue
        targets = [e for e in group if (e.claim_id, e.member_id) in new_ids] if new else group
        for entry in targets:
            for other in group:
                if other.person_id == entry.person_id:
                    continue
                pair = _pair(entry, other)
                if pair not in seen:
                    seen.add(pair)
                    result.exact.append(Match(entry, other, key, exact=True))
    result.possible = _fuzzy(all_entries, focus, threshold=threshold, seen=seen, noisy=noisy)
    return result


def _fuzzy(
    everyone: list[ClaimKeys],
    focus: list[ClaimKeys],
    *,
    threshold: int,
    seen: set[tuple[int, int, int, int]],
    noisy: set[str],
) -> list[Match]:
    """Close names: token-sort similarity of every distinct name in focus against every distinct name.

    rapidfuzz's cdist compares them in C++ on both cores, in slices so memory stays small."""
    names: dict[str, list[ClaimKeys]] = defaultdict(list)
    for entry in everyone:
        if entry.name_key and f"n:{entry.name_key}" not in noisy:
            names[entry.name_key].append(entry)
    if threshold >= 100 or len(names) < 2:
        return []
    focus_set = {id(e) for e in focus} if focus is not everyone else None
    wanted = {e.name_key for e in focus if e.name_key in names}
    out: list[Match] = []
    for name, other_name in close_pairs(wanted, names, threshold=threshold):
        if focus_set is None and other_name < name:
            continue
        for entry in names[name]:
            if focus_set is not None and id(entry) not in focus_set:
                continue
            for other in names[other_name]:
                if other.person_id == entry.person_id:
                    continue
                pair = _pair(entry, other)
                if pair not in seen:
                    seen.add(pair)
                    key = f"n:{min(name, other_name)}~{max(name, other_name)}"
                    out.append(Match(entry, other, key, exact=False))
    return out


# --- splits and credit --------------------------------------------------------------------------------


def parse_percent(text: str, *, field_id: str | None = None) -> int:
    """A whole percent between 1 and 99 (`60`, `60%`); UserError otherwise."""
    raw = (text or "").strip().rstrip("%").strip()
    if not raw.isdigit():
        raise UserError(
            f"Type a whole percent between 1 and 99, like `60` (you typed `{clip(text) or 'nothing'}`).",
            field=field_id,
        )
    value = int(raw)
    if not 1 <= value <= 99:
        raise UserError(
            "A split gives each partner between 1 and 99 percent, and the two add up to 100. "
            "To give the account away, tap *It's yours* instead.",
            field=field_id,
        )
    return value


def split_credit(amount: int, shares: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Divide integer `amount` by percent shares [(who, pct)] that add to 100; the first keeps the remainder
    so the parts add up to the amount exactly."""
    if sum(pct for _, pct in shares) != 100:
        raise ValueError("shares must add up to 100")
    parts = [(who, amount * pct // 100) for who, pct in shares]
    remainder = amount - sum(part for _, part in parts)
    first_who, first_part = parts[0]
    return [(first_who, first_part + remainder), *parts[1:]]


# --- working days ---------------------------------------------------------------------------------------


def working_days_after(start: datetime, days: int, *, tz_name: str, skip: Iterable[date] = ()) -> datetime:
    """The instant `days` working days (Mon-Fri, not the team's days off) after `start`, same local time.

    Started on a weekend or a day off, the count starts from the next working morning (09:00 local)."""
    skipped = set(skip)
    local = start.astimezone(ZoneInfo(tz_name))
    day, at = local.date(), time(local.hour, local.minute)
    if day.weekday() >= 5 or day in skipped:
        at = time(9, 0)
        while day.weekday() >= 5 or day in skipped:
            day += timedelta(days=1)
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in skipped:
            counted += 1
    return local_moment(day, at, tz_name)


def check_fallback(value: str) -> str:
    """A team's fallback rule, refused unless it is one Stretch knows."""
    if value not in FALLBACKS:
        raise UserError(
            "The fallback rule is `manager` (your manager decides) or `first` (the first claimer keeps it)."
        )
    return value


def check_threshold(value: int) -> int:
    """A fuzzy-match threshold within the sensible range."""
    if not MIN_FUZZY_THRESHOLD <= value <= MAX_FUZZY_THRESHOLD:
        raise UserError(
            f"The name-match threshold is between {MIN_FUZZY_THRESHOLD} and {MAX_FUZZY_THRESHOLD} "
            f"(default {DEFAULT_FUZZY_THRESHOLD}; 100 turns close-name matching off)."
        )
    return value


def fallback_sentence(rule: str) -> str:
    """What reps are told before they claim."""
    if rule == FALLBACK_FIRST:
        return (
            "If two of you claim the same account and don't settle it within 2 working days, "
            "the first claimer keeps it (a rep who named the account outranks an association claim)."
        )
    return "If two of you claim the same account and don't settle it within 2 working days, your manager decides."


# --- /claim-leads -------------------------------------------------------------------------------------

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

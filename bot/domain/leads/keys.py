"""A company's identity as Stretch matches it: its registrable domain and its normalised name, each a key.

The domain goes through the public-suffix list bundled with `tldextract` (never fetched at run time);
the name loses case, accents, punctuation and legal suffixes (`cleanco`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import tldextract
from cleanco import basename
from cleanco.clean import prepare_default_terms
from rapidfuzz import fuzz

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


def match_keys(name_key: str, domain_key: str) -> list[str]:
    """Every exact-match key of an account from its two keys: its domain's, then its name's."""
    return [*([f"d:{domain_key}"] if domain_key else []), *([f"n:{name_key}"] if name_key else [])]


def account_label(company: str, domain: str) -> str:
    """How an account is shown: `Acme Corp (acme.com)`, `Globex` or `initech.io`."""
    return f"{company} ({domain})" if company and domain else company or domain

"""Lead matching as pure functions, by tables of cases: domains, names, typed lists, CSV files, overlaps."""

from __future__ import annotations

import socket
from datetime import UTC, date, datetime

import pytest

from bot.domain.errors import UserError
from bot.domain.leads import command, keys, rules
from bot.domain.leads.accounts import parse_account, parse_accounts, parse_csv
from bot.domain.leads.keys import name_key
from bot.domain.leads.matching import ClaimKeys, reconcile


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("https://www.sales.acme.co.uk/x", "acme.co.uk"),
        ("acme.com", "acme.com"),
        ("WWW.Acme.COM", "acme.com"),
        ("shop.acme.com.au", "acme.com.au"),
        ("münchen.de", "xn--mnchen-3ya.de"),
        ("xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
        ("bücher.example.co.jp", "example.co.jp"),
        ("localhost", ""),
        ("10.0.0.1", ""),
        ("", ""),
    ],
)
def test_registrable_domain(typed: str, expected: str) -> None:
    """A domain is compared by its registrable part, from the bundled public-suffix list."""
    assert keys.registrable_domain(typed) == expected


def test_the_public_suffix_list_is_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the network cut, a fresh extractor still knows co.uk: the bundled list is used."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    extract = keys.tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    assert extract("a.b.example.co.uk").suffix == "co.uk"
    assert keys.registrable_domain("x.y.kobe.jp") != ""


@pytest.mark.parametrize("domain", ["gmail.com", "mail.google.gmail.com", "Outlook.com", "yahoo.co.uk"])
def test_free_mail_domains_never_match(domain: str) -> None:
    """Free-mail domains identify no company."""
    assert keys.domain_key(domain) == ""


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Acme, Inc.", "ACME Corp", True),
        ("ACME Corp", "acme", True),
        ("Acme Corporation Ltd", "acme", True),
        ("Smith & Sons", "Smith and Sons", True),
        ("Société Générale S.A.", "societe generale", True),
        ("The Home Depot", "Home Depot Inc", True),
        ("Globex GmbH", "Globex", True),
        ("Ohio Credit Union League", "Ohio Credit Union", False),
        ("Acme Widgets", "Acme Logistics", False),
        ("東京ガス株式会社", "東京ガス株式会社", True),
    ],
)
def test_name_keys(a: str, b: str, same: bool) -> None:
    """Names match after casefolding and dropping punctuation and legal suffixes, not when they differ."""
    assert (name_key(a) == name_key(b)) is same


@pytest.mark.parametrize(
    ("typed", "company", "domain"),
    [
        ("Acme Corp (acme.com)", "Acme Corp", "acme.com"),
        ("Globex", "Globex", ""),
        ("initech.io", "", "initech.io"),
        ("https://www.initech.io", "", "initech.io"),
        ("Umbrella Corp ( https://umbrella.co.uk )", "Umbrella Corp", "umbrella.co.uk"),
        ("J.P. Morgan", "J.P. Morgan", ""),
    ],
)
def test_parse_account(typed: str, company: str, domain: str) -> None:
    """A company name, a domain, or `Name (domain)`."""
    account = parse_account(typed)
    assert (account.company, account.domain) == (company, domain)


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        ([], "The list is empty"),
        (["", "   "], "The list is empty"),
        (["Acme", "ACME Inc.", "Globex"], "Line 2 repeats line 1"),
        (["Acme", "!!! ---"], "Line 2: `!!! ---` has no company name or domain"),
        (["acme.com:8080"], "Line 1: `acme.com:8080` has a port. Type the domain alone, like `acme.com`"),
        (["Acme (acme.com/about)"], "Line 1: `acme.com/about` has a path"),
        ([f"Company {n}" for n in range(5000)], "That's 5,000 accounts; I take up to 200"),
    ],
)
def test_bad_lists_are_refused_whole_naming_the_line(lines: list[str], said: str) -> None:
    """All or nothing, and the answer says which line and what to do."""
    with pytest.raises(UserError) as refused:
        parse_accounts(lines, how_to_import="Ask your manager to import it.")
    assert said in refused.value.message


def test_a_command_list_keeps_legal_suffixes_with_their_name() -> None:
    """`Acme, Inc.` is one account even though it has a comma."""
    assert command.split_command_list("Acme, Inc., Globex, initech.io, Initrode, LLC") == [
        "Acme, Inc.",
        "Globex",
        "initech.io",
        "Initrode, LLC",
    ]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "The file is empty"),
        ("company;domain;note\nAcme;acme.com;\n", "separated by `;`"),
        ("company\tdomain\nAcme\tacme.com\n", "separated by a tab"),
        ("company,note\nAcme,x\n", "no `domain` column"),
        ("name,domain\nAcme,acme.com\n", "no `company` column"),
        ("company,domain,note\n", "no accounts under it"),
        ("company,domain,note\nAcme,acme.com,\nAcme Inc,,\n", "Line 3 repeats line 2"),
        ("company,domain,note\nAcme,acme.com:443,\n", "Line 2: `acme.com:443` has a port"),
        ("company,domain,note\nAcme, Inc.,acme.com,\n", "Line 2 has 4 columns"),
        ("company,domain,note\n,,hello\n", "Line 2 has neither"),
    ],
)
def test_bad_csv_files_are_refused_naming_the_line(text: str, said: str) -> None:
    """A CSV with missing columns, the wrong delimiter or bad rows changes nothing and says why."""
    with pytest.raises(UserError) as refused:
        parse_csv(text)
    assert said in refused.value.message


def test_a_csv_with_a_bom_and_quotes_reads() -> None:
    """UTF-8 with a byte-order mark, quoted commas, an empty note."""
    accounts = parse_csv('\ufeffcompany,domain,note\n"Acme, Inc.",acme.com,big one\nGlobex,,\n')
    assert [(a.company, a.domain, a.note, a.line) for a in accounts] == [
        ("Acme, Inc.", "acme.com", "big one", 2),
        ("Globex", "", "", 3),
    ]


def _keys(claim: int, person: int, name: str = "", domain: str = "", member: int = 0) -> ClaimKeys:
    return ClaimKeys(
        claim_id=claim,
        person_id=person,
        name_key=name_key(name) if name else "",
        domain_key=keys.domain_key(domain) if domain else "",
        member_id=member,
        umbrella=bool(member),
    )


@pytest.mark.parametrize(
    ("a", "b", "exact", "possible"),
    [
        (("Acme", "acme.com"), ("ACME Corp", ""), 1, 0),
        (("", "www.acme.com"), ("", "https://acme.com"), 1, 0),
        (("Acme", "acme.com"), ("Acme", "acme.co.uk"), 1, 0),  # one company, two domains
        (("Acme Widgets", ""), ("Acme Logistics", ""), 0, 0),  # two companies sharing a word
        (("Acme Widgets", ""), ("Acme Widget", ""), 0, 1),  # close: a possible overlap
        (("First Natoinal Bank", ""), ("First National Bank", ""), 0, 1),  # a typo
        (("Beacon Oak Logistics", ""), ("Falcon Oak Logistics", ""), 0, 0),  # close letters, other company
        (("Globex Widgets", ""), ("Widgets Globex", ""), 0, 1),  # the same words reordered
        (("Jane Doe", "gmail.com"), ("John Roe", "gmail.com"), 0, 0),  # free mail never matches
        (("Ünited Bänk", ""), ("united bank", ""), 1, 0),
    ],
)
def test_overlaps_between_two_reps(a: tuple[str, str], b: tuple[str, str], exact: int, possible: int) -> None:
    """Same key → overlap; a close name → possible overlap; a rep never overlaps themself."""
    found = reconcile([_keys(1, 1, *a), _keys(2, 2, *b)])
    assert (len(found.exact), len(found.possible)) == (exact, possible)
    alone = reconcile([_keys(1, 1, *a), _keys(2, 1, *b)])
    assert alone.exact == [] and alone.possible == []


def test_a_key_shared_by_twenty_claims_is_noise() -> None:
    """Twenty reps naming `Test` make no overlaps, only a noise report."""
    found = reconcile([_keys(n, n, "Test") for n in range(1, 21)])
    assert found.exact == [] and found.noise == {"n:test": 20}


def test_adding_new_claims_looks_only_at_pairs_with_them() -> None:
    """Incremental reconciliation finds the new overlap and not the old ones again."""
    old = [_keys(1, 1, "Acme"), _keys(2, 2, "Acme"), _keys(3, 3, "Globex")]
    found = reconcile(old, new=[_keys(4, 4, "Globex Inc")])
    assert [(m.a.claim_id, m.b.claim_id) for m in found.exact] == [(4, 3)]


@pytest.mark.parametrize(
    ("amount", "shares", "parts"),
    [
        (1_000_000, [(1, 60), (2, 40)], [(1, 600_000), (2, 400_000)]),
        (1001, [(1, 50), (2, 50)], [(1, 501), (2, 500)]),
        (1, [(1, 1), (2, 99)], [(1, 1), (2, 0)]),
    ],
)
def test_split_credit_adds_up_exactly(
    amount: int, shares: list[tuple[int, int]], parts: list[tuple[int, int]]
) -> None:
    """Integer minor units; the first partner keeps the rounding remainder."""
    assert rules.split_credit(amount, shares) == parts
    assert sum(p for _, p in parts) == amount


@pytest.mark.parametrize("typed", ["0", "100", "abc", "60.5", ""])
def test_a_split_is_a_whole_percent_between_1_and_99(typed: str) -> None:
    """Anything else is refused."""
    with pytest.raises(UserError):
        rules.parse_percent(typed)


@pytest.mark.parametrize(
    ("start", "skip", "due"),
    [
        (
            datetime(2026, 11, 23, 15, 0, tzinfo=UTC),
            (),
            datetime(2026, 11, 25, 15, 0, tzinfo=UTC),
        ),  # Mon → Wed
        (
            datetime(2026, 11, 27, 15, 0, tzinfo=UTC),
            (),
            datetime(2026, 12, 1, 15, 0, tzinfo=UTC),
        ),  # Fri → Tue
        (
            datetime(2026, 11, 28, 15, 0, tzinfo=UTC),
            (),
            datetime(2026, 12, 2, 14, 0, tzinfo=UTC),
        ),  # Sat → Wed 09:00
        (
            datetime(2026, 11, 23, 15, 0, tzinfo=UTC),
            (date(2026, 11, 24),),
            datetime(2026, 11, 26, 15, 0, tzinfo=UTC),
        ),
    ],
)
def test_two_working_days(start: datetime, skip: tuple[date, ...], due: datetime) -> None:
    """Weekends and the team's days off don't count (New York time)."""
    assert rules.working_days_after(start, 2, tz_name="America/New_York", skip=skip) == due

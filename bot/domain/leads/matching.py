"""Finding overlaps between reps' claims: two claims sharing a key are an overlap; names that are merely
close (`rapidfuzz` token-sort similarity, threshold a team setting) are a possible overlap the two reps
confirm or dismiss; a key too many claims share is noise."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy
from rapidfuzz import fuzz, process

from bot.domain.errors import UserError
from bot.domain.leads.keys import match_keys

DEFAULT_FUZZY_THRESHOLD = 90
MIN_FUZZY_THRESHOLD, MAX_FUZZY_THRESHOLD = 70, 100
# A key shared by this many claims is noise (a placeholder, a parent brand): reported to managers only.
NOISE_CLAIMS = 20


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
        return match_keys(self.name_key, self.domain_key)


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


def check_threshold(value: int) -> int:
    """A fuzzy-match threshold within the sensible range."""
    if not MIN_FUZZY_THRESHOLD <= value <= MAX_FUZZY_THRESHOLD:
        raise UserError(
            f"The name-match threshold is between {MIN_FUZZY_THRESHOLD} and {MAX_FUZZY_THRESHOLD} "
            f"(default {DEFAULT_FUZZY_THRESHOLD}; 100 turns close-name matching off)."
        )
    return value

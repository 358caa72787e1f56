"""The pie's rules: reading amounts as people type them, what a claim may be, stretch slices, deadlines.

Money is integer minor units (cents) in the team's currency. Nothing here knows Slack, SQL or the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from bot.domain.errors import UserError
from bot.domain.schedule import local_date, local_moment

MAX_NOTE = 200
MAX_TITLE = 80
# A billion in the team's currency: more than any sales team's quarter, small enough for any column.
MAX_MAJOR_UNITS = 1_000_000_000
DEFAULT_CLAIM_DAYS = 7
REMINDER_DAYS_BEFORE = (3, 1)
REMINDER_LOCAL_TIME = time(10, 0)
SNAP_ZONE = "snap"

# Modal block ids, so a rule's complaint lands beside the right field.
FIELD_AMOUNT = "pie_amount"
FIELD_NOTE = "pie_note"
FIELD_TITLE = "pie_title"
FIELD_TARGET = "pie_target"
FIELD_CLAIM_BY = "pie_claim_by"
FIELD_PERIOD_END = "pie_period_end"
FIELD_OVERCLAIM = "pie_overclaim"

CURRENCY_SYMBOLS = {
    "$": ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"),
    "€": ("EUR",),
    "£": ("GBP",),
    "¥": ("JPY", "CNY"),
    "₹": ("INR",),
    "₩": ("KRW",),
    "R$": ("BRL",),
    "CHF": ("CHF",),
}
DISPLAY_SYMBOL = {
    "USD": "$",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "SGD": "S$",
    "HKD": "HK$",
    "MXN": "MX$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CNY": "CN¥",
    "INR": "₹",
    "KRW": "₩",
    "BRL": "R$",
}
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW"})
MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000}

_AMOUNT_RE = re.compile(
    r"""^(?P<sign>[-+−])?
    (?P<prefix>[^\d\s.,+\-−]{1,3})?
    (?P<sign2>[-+−])?
    (?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
    (?P<suffix>[kKmM])?
    (?P<code>[A-Za-z]{3})?$""",
    re.VERBOSE,
)
_MENTION_RE = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")


def minor_exponent(currency: str) -> int:
    """How many decimal places the currency's minor unit has (2 for cents, 0 for yen)."""
    return 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2


def example_amount(currency: str) -> str:
    """An amount written the way the team would type it, for hints ('$20k', '€15k')."""
    return f"{DISPLAY_SYMBOL.get(currency.upper(), '')}20k"


def parse_amount(text: str, currency: str) -> int:
    """Read '20000', '20,000', '20k', '$20k', '20.5k', '1.5m', '€15k' as integer minor units.

    Raises UserError (saying what to type instead) for anything else: zero, negatives, words,
    exponents, absurdly large numbers, or a currency that isn't the team's.
    """
    currency = currency.upper()
    example = example_amount(currency)
    raw = (text or "").strip().replace(" ", "")
    if not raw:
        raise UserError(f"Type an amount, like `{example}` or `20,000`.", field=FIELD_AMOUNT)
    match = _AMOUNT_RE.match(raw)
    if match is None:
        shown = clip_for_reply(text)
        raise UserError(
            f"I can't read `{shown}` as an amount. Type it like `{example}`, `20,000` or `1.5m`.",
            field=FIELD_AMOUNT,
        )
    if match.group("sign") in ("-", "−") or match.group("sign2") in ("-", "−"):
        raise UserError(
            f"A slice can't be negative. To give your slice back, type `/claim-pie release`; "
            f"to claim, type a positive amount like `{example}`.",
            field=FIELD_AMOUNT,
        )
    prefix = match.group("prefix") or ""
    code = (match.group("code") or "").upper()
    for written in (prefix, code):
        if written and not _is_teams_currency(written, currency):
            raise UserError(
                f"This team counts in {currency}. Type the amount without `{written}`, like `{example}`.",
                field=FIELD_AMOUNT,
            )
    try:
        number = Decimal(match.group("number").replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        raise UserError(f"Type an amount like `{example}`.", field=FIELD_AMOUNT) from None
    major = number * MULTIPLIERS[(match.group("suffix") or "").lower()]
    if major > MAX_MAJOR_UNITS:
        raise UserError(
            f"That's more than {format_amount(MAX_MAJOR_UNITS * 10 ** minor_exponent(currency), currency)}. "
            f"Type a realistic amount, like `{example}`.",
            field=FIELD_AMOUNT,
        )
    minor = int((major * 10 ** minor_exponent(currency)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if minor <= 0:
        raise UserError(
            f"A slice has to be more than zero. Type an amount like `{example}`, or "
            "`/claim-pie release` to give your slice back.",
            field=FIELD_AMOUNT,
        )
    return minor


def _is_teams_currency(written: str, currency: str) -> bool:
    if written.upper() == currency:
        return True
    return currency in CURRENCY_SYMBOLS.get(written, ())


def format_amount(minor: int, currency: str) -> str:
    """Minor units as people read them: '$20,000', '€15,500.50', '12,000 CHF'."""
    currency = currency.upper()
    exponent = minor_exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, cents = divmod(abs(minor), 10**exponent) if exponent else (abs(minor), 0)
    number = f"{whole:,}" + (f".{cents:0{exponent}d}" if cents else "")
    symbol = DISPLAY_SYMBOL.get(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"


def clip_for_reply(text: str, limit: int = 40) -> str:
    """Someone's input, shortened and stripped of backticks, safe to quote back in a reply."""
    cleaned = " ".join(str(text).replace("`", "'").split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def clean_note(text: str | None) -> str:
    """A slice's note, single-spaced; refused when it is longer than fits on the pie card."""
    note = " ".join((text or "").split())
    if len(note) > MAX_NOTE:
        raise UserError(
            f"Keep the note under {MAX_NOTE} characters (yours has {len(note):,}). "
            "A few words is plenty, like `two renewals + the Acme upsell`.",
            field=FIELD_NOTE,
        )
    return note


def clean_title(text: str | None, *, fallback: str) -> str:
    """A pie's title, or the fallback ('Q4 2026') when none was given."""
    title = " ".join((text or "").split())
    if len(title) > MAX_TITLE:
        raise UserError(f"Keep the title under {MAX_TITLE} characters.", field=FIELD_TITLE)
    return title or fallback


# --- commands ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PieCommand:
    """What `/claim-pie …` asked for, before the team (and so the currency) is known."""

    kind: str  # status | claim | release | progress | new | target | close | help | checkpoints
    amount: str = ""
    note: str = ""
    for_user: str | None = None


def parse_command(text: str) -> PieCommand:
    """Split `/claim-pie` text into what was asked; amounts are read later, in the team's currency."""
    words = (text or "").split()
    if not words:
        return PieCommand("status")
    first = words[0].lower()
    rest = words[1:]
    if first in ("status", "show"):
        return PieCommand("status")
    if first == "help":
        return PieCommand("help")
    if first in ("checkpoints", "checkpoint"):
        if rest:
            raise UserError("`/claim-pie checkpoints` opens a form; type it without anything after it.")
        return PieCommand("checkpoints")
    if first in ("release", "close"):
        if rest:
            raise UserError(f"`/claim-pie {first}` takes nothing after it. Type just `/claim-pie {first}`.")
        return PieCommand(first)
    if first == "progress":
        for_user = None
        if rest and (mention := _MENTION_RE.match(rest[0])):
            for_user = mention.group(1)
            rest = rest[1:]
        if not rest:
            raise UserError(
                "Say how much you closed, like `/claim-pie progress 5k` "
                "(managers: `/claim-pie progress @rep 5k`)."
            )
        return PieCommand("progress", amount=rest[0], note=" ".join(rest[1:]), for_user=for_user)
    if first == "target":
        if len(rest) != 1:
            raise UserError("Type the new target, like `/claim-pie target 120k`.")
        return PieCommand("target", amount=rest[0])
    if first == "new":
        return PieCommand("new", amount=rest[0] if rest else "", note=" ".join(rest[1:]))
    return PieCommand("claim", amount=words[0], note=" ".join(rest))


# --- claims -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimCheck:
    """Whether a claim fits: the new total and what would be left."""

    new_total: int
    left_after: int


def check_claim(
    *, target: int, claimed_total: int, current_slice: int, amount: int, allow_overclaim: bool, currency: str
) -> ClaimCheck:
    """Check a slice of `amount` (replacing the person's `current_slice`) against the target.

    Raises UserError saying how much is left when it doesn't fit and over-claiming is off.
    """
    others = claimed_total - current_slice
    new_total = others + amount
    if not allow_overclaim and new_total > target:
        available = max(0, target - others)
        if available == 0:
            raise UserError(
                f"The whole pie ({format_amount(target, currency)}) is already claimed, so there's "
                "nothing left to take. Your manager can raise the target with `/claim-pie target`."
            )
        raise UserError(
            f"That doesn't fit: {format_amount(available, currency)} is left of "
            f"{format_amount(target, currency)}. Type `/claim-pie {_short(available, currency)}` "
            "to take the rest, or a smaller amount."
        )
    return ClaimCheck(new_total=new_total, left_after=target - new_total)


def _short(minor: int, currency: str) -> str:
    major = Decimal(minor) / 10 ** minor_exponent(currency)
    return f"{major.normalize():f}"


def equal_share(target: int, reps: int) -> int:
    """The slice each rep would take if the pie were cut evenly (rounded up)."""
    return -(-target // reps) if reps > 0 else target


def stretch_reason(*, amount: int, target: int, reps: int, previous_slice: int | None) -> str | None:
    """Why a slice is a stretch moment (above an equal share, above their own last slice), or None."""
    if reps > 1 and above_equal_share(amount, target, reps):
        return "claimed more than an equal share of the pie"
    if previous_slice is not None and previous_slice > 0 and amount > previous_slice:
        return "claimed a bigger slice than last time"
    return None


def above_equal_share(amount: int, target: int, reps: int) -> bool:
    """Whether a slice is bigger than an even cut of the target across the reps."""
    return amount > equal_share(target, reps)


def needs_snap_heads_up(*, latest_zone: str | None, amount: int, target: int, reps: int) -> bool:
    """A rep who last checked in from the snap zone and now claims above an equal share: tell managers."""
    return latest_zone == SNAP_ZONE and above_equal_share(amount, target, reps)


def fraction(part: int, whole: int) -> float:
    """part / whole, 0 when there is no whole."""
    return part / whole if whole > 0 else 0.0


def percent(part: int, whole: int) -> int:
    """A whole-number percentage (floored, so 99.6 % is not shown as 100 % before it is)."""
    return (part * 100) // whole if whole > 0 else 0


# --- dates ------------------------------------------------------------------------------------------


def quarter_end(day: date) -> date:
    """The last day of the calendar quarter `day` is in."""
    last_month = ((day.month - 1) // 3) * 3 + 3
    first_of_next = date(day.year + 1, 1, 1) if last_month == 12 else date(day.year, last_month + 1, 1)
    return first_of_next - timedelta(days=1)


def default_title(period_end: date) -> str:
    """'Q4 2026' for a period ending in Q4 2026."""
    return f"Q{(period_end.month - 1) // 3 + 1} {period_end.year}"


def end_of_day(day: date, tz_name: str) -> datetime:
    """The instant a local date ends in the team's zone (midnight after it), in UTC."""
    return local_moment(day + timedelta(days=1), time(0, 0), tz_name)


@dataclass(frozen=True)
class PieDates:
    """When claims close (an instant) and when the period ends (a local date)."""

    claim_deadline: datetime
    claim_by: date
    period_end: date


def pie_dates(
    *, now: datetime, tz_name: str, claim_by: date | None = None, period_end: date | None = None
) -> PieDates:
    """Defaults and checks: claims close at the end of the 7th day, the period at the quarter's end."""
    today = local_date(now, tz_name)
    period = period_end or quarter_end(today)
    by = claim_by or min(today + timedelta(days=DEFAULT_CLAIM_DAYS), period)
    if by < today:
        raise UserError("The claim-by date is in the past. Pick today or a later day.", field=FIELD_CLAIM_BY)
    if period < today:
        raise UserError("The period end is in the past. Pick a later day.", field=FIELD_PERIOD_END)
    if by > period:
        raise UserError(
            "Claims should close before the period ends. Pick a claim-by date on or before the period end.",
            field=FIELD_CLAIM_BY,
        )
    return PieDates(claim_deadline=end_of_day(by, tz_name), claim_by=by, period_end=period)


def reminder_moments(*, opened_at: datetime, deadline: datetime, tz_name: str) -> list[datetime]:
    """At most two reminder instants before the deadline: 10:00 team time 3 days and 1 day before.

    A reminder too close to the opening (under 12 hours) or past the deadline is dropped.
    """
    last_day = local_date(deadline - timedelta(seconds=1), tz_name)
    moments = []
    for days_before in REMINDER_DAYS_BEFORE:
        moment = local_moment(last_day - timedelta(days=days_before - 1), REMINDER_LOCAL_TIME, tz_name)
        if opened_at + timedelta(hours=12) <= moment < deadline:
            moments.append(moment)
    return moments[:2]


def claim_by_date(deadline: datetime, tz_name: str) -> date:
    """The local date a deadline instant closes (the last day claims are open)."""
    return local_date(deadline.astimezone(UTC) - timedelta(seconds=1), tz_name)


def suggested_claim_by(*, claim_deadline: datetime, period_end: date, tz_name: str, now: datetime) -> date:
    """The day the 'extend the deadline' form suggests: three days past the deadline (or today), not
    past the period's end, never before today."""
    today = local_date(now, tz_name)
    later = max(claim_by_date(claim_deadline, tz_name), today) + timedelta(days=3)
    return max(min(later, period_end), today)

"""A team's quiet-rep alert thresholds: the defaults, their allowed ranges, and reading them back from
storage or from the settings modal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace

from bot.domain.errors import UserError


@dataclass(frozen=True)
class AlertSettings:
    """A team's thresholds; the defaults are the ones the README explains."""

    missed_in_a_row: int = 2
    readiness_drop: float = 1.5
    notes_fraction: float = 0.3
    snap_in_a_row: int = 2
    slower_factor: float = 2.0
    baseline_weeks: int = 6
    strong_streak: int = 6


# name → (label, minimum, maximum, whole number?)
SETTING_RANGES: dict[str, tuple[str, float, float, bool]] = {
    "missed_in_a_row": ("Missed check-ins in a row", 1, 10, True),
    "readiness_drop": ("Readiness drop (points below baseline)", 0.5, 4, False),
    "notes_fraction": ("Notes shrink below (fraction of usual)", 0.05, 0.9, False),
    "snap_in_a_row": ("Snap-zone answers in a row", 1, 10, True),
    "slower_factor": ("Answering slower by (× baseline)", 1.2, 10, False),
    "baseline_weeks": ("Baseline length (weeks)", 4, 6, True),
    "strong_streak": ("Answer streak for a strong record", 2, 52, True),
}


def settings_from(stored: Mapping[str, object] | None) -> AlertSettings:
    """The team's settings from stored JSON, falling back to the default for anything missing or odd."""
    if not stored:
        return AlertSettings()
    values: dict[str, float | int] = {}
    for f in fields(AlertSettings):
        raw = stored.get(f.name)
        _label, low, high, whole = SETTING_RANGES[f.name]
        if isinstance(raw, int | float) and not isinstance(raw, bool) and low <= raw <= high:
            values[f.name] = int(raw) if whole else float(raw)
    return replace(AlertSettings(), **values)  # type: ignore[arg-type]


def settings_json(settings: AlertSettings) -> dict[str, object]:
    """The settings as stored."""
    return dict(asdict(settings))


def parse_setting(name: str, text: str | None) -> float | int:
    """One threshold typed in the settings modal; UserError (on that field) when it isn't valid."""
    _label, low, high, whole = SETTING_RANGES[name]
    cleaned = (text or "").strip().replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise UserError(f"Type a number from {_num(low)} to {_num(high)}.", field=name) from None
    if whole and value != int(value):
        raise UserError(f"Type a whole number from {_num(low)} to {_num(high)}.", field=name)
    if not low <= value <= high:
        raise UserError(f"Pick a number from {_num(low)} to {_num(high)}.", field=name)
    return int(value) if whole else round(value, 2)


def _num(value: float) -> str:
    return f"{value:g}"

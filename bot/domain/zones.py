"""Zones: where one answered check-in places a rep (slack, stretch or snap), by the rules in the README.

| zone    | when                                                                                    |
|---------|-----------------------------------------------------------------------------------------|
| snap    | the goal feels overwhelming; or very hard with readiness ≤ 2; or very hard with no room |
|         | to miss, learn and adjust                                                               |
| slack   | the goal feels too easy or comfortable with readiness ≥ 4, in this check-in and the      |
|         | rep's previous answered one (two in a row)                                              |
| stretch | otherwise (including when the goal question was not answered)                           |

Answers are read by their questions' stable keys, so rewording a question never changes a zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

SLACK = "slack"
STRETCH = "stretch"
SNAP = "snap"
ZONES = (SLACK, STRETCH, SNAP)

# Stable question keys the rules read (see bot/domain/questions.py).
READINESS = "readiness"
GOAL_FEEL = "goal_feel"
ROOM_TO_MISS = "room_to_miss"

# goal_feel values: 1 too easy · 2 comfortable · 3 challenging but possible · 4 very hard · 5 overwhelming
TOO_EASY, COMFORTABLE, CHALLENGING, VERY_HARD, OVERWHELMING = 1, 2, 3, 4, 5

ZONE_EMOJI = {SLACK: "🟡", STRETCH: "🟢", SNAP: "🔴"}
ZONE_LABEL = {
    SLACK: "slack (under-stretched)",
    STRETCH: "stretch",
    SNAP: "snap (over-stretched)",
}


def _number(answers: Mapping[str, str], key: str) -> int | None:
    value = answers.get(key)
    if value is None or not str(value).isdigit():
        return None
    return int(value)


def is_snap(answers: Mapping[str, str]) -> bool:
    """Overwhelming; or very hard with readiness ≤ 2 or with no room to miss."""
    goal = _number(answers, GOAL_FEEL)
    readiness = _number(answers, READINESS)
    if goal == OVERWHELMING:
        return True
    if goal == VERY_HARD:
        return (readiness is not None and readiness <= 2) or answers.get(ROOM_TO_MISS) == "no"
    return False


def is_under_stretched(answers: Mapping[str, str]) -> bool:
    """Too easy or comfortable while ready (readiness ≥ 4): one half of 'slack'."""
    goal = _number(answers, GOAL_FEEL)
    readiness = _number(answers, READINESS)
    return goal in (TOO_EASY, COMFORTABLE) and readiness is not None and readiness >= 4


def zone_for(answers: Mapping[str, str], previous: Mapping[str, str] | None) -> str:
    """The zone of one check-in's answers, given the rep's previous answered check-in (or None)."""
    if is_snap(answers):
        return SNAP
    if is_under_stretched(answers) and previous is not None and is_under_stretched(previous):
        return SLACK
    return STRETCH


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int | None], *, low: int = 1, high: int = 5) -> str:
    """A Unicode sparkline of 1–5 values; a missing value shows as a middle dot."""
    out = []
    for value in values:
        if value is None:
            out.append("·")
            continue
        clamped = min(high, max(low, value))
        out.append(SPARKS[round((clamped - low) / (high - low) * (len(SPARKS) - 1))])
    return "".join(out)


def trend(values: Sequence[int | None]) -> str:
    """'rising', 'falling' or 'steady': the mean of the last three against the three before."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return "not enough check-ins yet"
    recent = known[-3:]
    earlier = known[-6:-3] or known[:1]
    delta = sum(recent) / len(recent) - sum(earlier) / len(earlier)
    if delta >= 0.5:
        return "rising"
    if delta <= -0.5:
        return "falling"
    return "steady"

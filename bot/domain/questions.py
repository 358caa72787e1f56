"""Check-in questions: the default set with stable keys, and the rules for a team's own questions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.errors import UserError

SCALE = "scale"
CHOICE = "choice"
TEXT = "text"
KINDS = (SCALE, CHOICE, TEXT)
KIND_LABELS = {SCALE: "Scale 1–5", CHOICE: "Single choice", TEXT: "Text (optional note)"}

MAX_QUESTIONS = 12
MAX_PROMPT = 150
MAX_OPTIONS = 6
MAX_OPTION_LABEL = 40
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


@dataclass(frozen=True)
class QuestionSpec:
    """A question as it is asked: stable key, kind, wording and (for scale/choice) its options."""

    key: str
    kind: str
    prompt: str
    options: tuple[tuple[str, str], ...] = ()


def scale_options(low_label: str, high_label: str) -> tuple[tuple[str, str], ...]:
    """1–5 with the ends labelled: ('1', '1 · running on empty') … ('5', '5 · ready to go')."""
    labels = {1: f"1 · {low_label}", 5: f"5 · {high_label}"} if low_label or high_label else {}
    return tuple((str(n), labels.get(n, str(n))) for n in range(1, 6))


DEFAULT_QUESTIONS: tuple[QuestionSpec, ...] = (
    QuestionSpec(
        "readiness", SCALE, "How ready do you feel today?", scale_options("running on empty", "ready to go")
    ),
    QuestionSpec(
        "goal_feel",
        CHOICE,
        "This week's goal feels…",
        (
            ("1", "too easy"),
            ("2", "comfortable"),
            ("3", "challenging but possible"),
            ("4", "very hard"),
            ("5", "overwhelming"),
        ),
    ),
    QuestionSpec(
        "goal_input",
        CHOICE,
        "Did you have input into your goal?",
        (("yes", "yes"), ("partly", "partly"), ("no", "no")),
    ),
    QuestionSpec(
        "room_to_miss",
        CHOICE,
        "Is there room to miss, learn and adjust?",
        (("yes", "yes"), ("no", "not really")),
    ),
    QuestionSpec(
        "limiter",
        CHOICE,
        "What's limiting you most this week?",
        (
            ("pipeline", "pipeline"),
            ("time", "time"),
            ("energy", "energy"),
            ("skills", "skills"),
            ("tools", "tools/process"),
            ("nothing", "nothing"),
        ),
    ),
    QuestionSpec("stretch_swing", TEXT, "What did you stretch for or take a swing at?"),
    QuestionSpec("on_mind", TEXT, "Anything on your mind?"),
    # Weekly (see WEEKLY_KEYS): asked from the first check-in of each week until answered.
    QuestionSpec(
        "confidence",
        CHOICE,
        "How confident are you in your slice by the period end?",
        tuple((str(n), str(n)) for n in range(1, 11)),
    ),
)
CONFIDENCE = "confidence"
# Questions asked once a week (on the first check-in of the week, and the next ones until answered).
WEEKLY_KEYS = frozenset({CONFIDENCE})


def clean_prompt(text: str) -> str:
    """A question's wording, trimmed; refused when empty or too long."""
    prompt = " ".join((text or "").split())
    if not prompt:
        raise UserError(
            "Write the question's wording, like 'How was your pipeline this week?'", field="q_prompt"
        )
    if len(prompt) > MAX_PROMPT:
        raise UserError(f"Keep the question under {MAX_PROMPT} characters.", field="q_prompt")
    return prompt


def parse_options(kind: str, text: str) -> tuple[tuple[str, str], ...]:
    """Options for a kind: scale → 1–5 (optional 'low, high' end labels), choice → 2–6 labels, text → none."""
    if kind not in KINDS:
        raise UserError(f"'{kind}' isn't a question type. Use scale, choice or text.", field="q_kind")
    labels = [" ".join(part.split()) for part in re.split(r"[\n,;|]+", text or "") if part.strip()]
    if kind == TEXT:
        return ()
    if kind == SCALE:
        if len(labels) not in (0, 2):
            raise UserError(
                "A scale takes two end labels or none, like 'running on empty, ready to go'.",
                field="q_options",
            )
        low, high = [*labels, "", ""][:2]
        return scale_options(low[:MAX_OPTION_LABEL], high[:MAX_OPTION_LABEL])
    if not 2 <= len(labels) <= MAX_OPTIONS:
        raise UserError(
            f"A single-choice question needs 2 to {MAX_OPTIONS} options, one per line (or comma-separated).",
            field="q_options",
        )
    too_long = [label for label in labels if len(label) > MAX_OPTION_LABEL]
    if too_long:
        raise UserError(
            f"Keep each option under {MAX_OPTION_LABEL} characters ('{too_long[0][:20]}…').",
            field="q_options",
        )
    if len({label.lower() for label in labels}) != len(labels):
        raise UserError("Two options have the same wording; make each one different.", field="q_options")
    # Each option's value is unique even when labels differ only by punctuation ("Yes" / "Yes!").
    values: list[str] = []
    for n, label in enumerate(labels, start=1):
        value = slug(label) or f"o{n}"
        if value in values:
            value = f"{value[:36]}_{n}"
        values.append(value)
    return tuple(zip(values, labels, strict=True))


def slug(text: str) -> str:
    """A lowercase key from free text: 'Tools / process' → 'tools_process'."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40]


def new_key(prompt: str, taken: set[str]) -> str:
    """A stable key for a new question, unique within the team (never reused, even after removal)."""
    base = slug(prompt)[:32] or "question"
    if not base[0].isalpha():
        base = "q_" + base
    key, n = base, 2
    while key in taken:
        key = f"{base}_{n}"
        n += 1
    return key


def check_key(key: str) -> str:
    """A key given at the CLI: lowercase letters, digits and underscores, starting with a letter."""
    if not _KEY_RE.match(key):
        raise UserError(
            f"'{key}' isn't a usable key. Use lowercase letters, digits and _ (like pipeline_health)."
        )
    return key

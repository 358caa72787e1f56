"""Block Kit as Slack validates it: every rule that makes Slack refuse a message or a view with
`invalid_blocks`, in one checker the fake Web API, the signed-request client and the property tests use.

`problems(...)` returns a list of readable faults (empty when Slack would take the payload). The limits are
Slack's published ones (see SLACK_NOTES.md): block and element counts, text lengths, ids unique where Slack
wants them unique."""

from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS = 50
SURFACE_BLOCKS = 100  # a modal or the App Home
SECTION_TEXT = 3000
FIELD_TEXT = 2000
FIELDS = 10
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
URL = 3000
ID = 255
MODAL_TEXT = 24
PRIVATE_METADATA = 3000
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
OPTION_TEXT = 75
OPTION_VALUE = 150
LABEL = 2000
PLACEHOLDER = 150
OPTIONS = {
    "static_select": 100,
    "multi_static_select": 100,
    "overflow": 5,
    "checkboxes": 10,
    "radio_buttons": 10,
}
MIN_OPTIONS = {"overflow": 1}


class _Checker:
    def __init__(self) -> None:
        self.faults: list[str] = []

    def fault(self, where: str, what: str) -> None:
        self.faults.append(f"{where}: {what}")

    # --- text objects -----------------------------------------------------------------------------------
    def text(self, where: str, obj: Any, *, limit: int, kind: str | None = None) -> None:
        if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
            self.fault(where, f"not a text object: {obj!r:.80}")
            return
        if kind and obj["type"] != kind:
            self.fault(where, f"must be {kind}, is {obj['type']}")
        text = obj.get("text")
        if not isinstance(text, str) or not text:
            self.fault(where, "empty text")
            return
        if len(text) > limit:
            self.fault(where, f"text of {len(text)} characters (limit {limit})")

    def ident(self, where: str, value: Any) -> None:
        if not isinstance(value, str) or not value:
            self.fault(where, "empty id")
        elif len(value) > ID:
            self.fault(where, f"id of {len(value)} characters (limit {ID})")

    # --- elements ---------------------------------------------------------------------------------------
    def option(self, where: str, opt: Any) -> None:
        if not isinstance(opt, dict):
            self.fault(where, "option is not an object")
            return
        self.text(f"{where}.text", opt.get("text"), limit=OPTION_TEXT)
        value = opt.get("value")
        if not isinstance(value, str) or not value:
            self.fault(where, "option without a value")
        elif len(value) > OPTION_VALUE:
            self.fault(where, f"option value of {len(value)} characters (limit {OPTION_VALUE})")

    def element(self, where: str, el: Any, action_ids: set[str]) -> None:
        if not isinstance(el, dict):
            self.fault(where, "element is not an object")
            return
        kind = el.get("type")
        if "action_id" in el:
            self.ident(f"{where}.action_id", el["action_id"])
            if el["action_id"] in action_ids:
                self.fault(where, f"duplicate action_id {el['action_id']!r} in one block")
            action_ids.add(el["action_id"])
        if kind == "button":
            self.text(f"{where}.text", el.get("text"), limit=BUTTON_TEXT, kind="plain_text")
            if "value" in el and len(str(el["value"])) > BUTTON_VALUE:
                self.fault(
                    where, f"button value of {len(str(el['value']))} characters (limit {BUTTON_VALUE})"
                )
            if "url" in el and len(str(el["url"])) > URL:
                self.fault(where, "button url too long")
            if el.get("style") not in (None, "primary", "danger"):
                self.fault(where, f"button style {el.get('style')!r}")
        if kind in OPTIONS:
            opts = el.get("options")
            groups = el.get("option_groups")
            flat = list(opts or []) + [o for g in groups or [] for o in g.get("options", [])]
            if not flat and kind != "multi_static_select":
                self.fault(where, "no options")
            if len(flat) > OPTIONS[kind]:
                self.fault(where, f"{len(flat)} options (limit {OPTIONS[kind]})")
            values = [o.get("value") for o in flat if isinstance(o, dict)]
            if len(values) != len(set(values)):
                self.fault(where, "duplicate option values")
            for i, opt in enumerate(flat):
                self.option(f"{where}.options[{i}]", opt)
            for key in ("initial_option",):
                if key in el:
                    self.option(f"{where}.{key}", el[key])
            for i, opt in enumerate(el.get("initial_options") or []):
                self.option(f"{where}.initial_options[{i}]", opt)
        if "placeholder" in el:
            self.text(f"{where}.placeholder", el["placeholder"], limit=PLACEHOLDER, kind="plain_text")
        if kind == "plain_text_input":
            initial = el.get("initial_value")
            if isinstance(initial, str) and el.get("max_length") and len(initial) > int(el["max_length"]):
                self.fault(where, "initial_value longer than max_length")
            if el.get("max_length") is not None and not 1 <= int(el["max_length"]) <= 3000:
                self.fault(where, "max_length outside 1..3000")

    # --- blocks -----------------------------------------------------------------------------------------
    def block(self, where: str, block: Any, block_ids: set[str]) -> None:
        if not isinstance(block, dict):
            self.fault(where, "block is not an object")
            return
        if "block_id" in block:
            self.ident(f"{where}.block_id", block["block_id"])
            if block["block_id"] in block_ids:
                self.fault(where, f"duplicate block_id {block['block_id']!r}")
            block_ids.add(block["block_id"])
        kind = block.get("type")
        action_ids: set[str] = set()
        if kind == "section":
            if "text" not in block and "fields" not in block:
                self.fault(where, "section without text or fields")
            if "text" in block:
                self.text(f"{where}.text", block["text"], limit=SECTION_TEXT)
            fields = block.get("fields")
            if fields is not None:
                if not 1 <= len(fields) <= FIELDS:
                    self.fault(where, f"{len(fields)} fields (limit {FIELDS})")
                for i, field in enumerate(fields):
                    self.text(f"{where}.fields[{i}]", field, limit=FIELD_TEXT)
            if "accessory" in block:
                self.element(f"{where}.accessory", block["accessory"], action_ids)
        elif kind == "header":
            self.text(f"{where}.text", block.get("text"), limit=HEADER_TEXT, kind="plain_text")
        elif kind == "context":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= CONTEXT_ELEMENTS:
                self.fault(where, f"{len(elements)} context elements (limit {CONTEXT_ELEMENTS})")
            for i, el in enumerate(elements):
                if isinstance(el, dict) and el.get("type") == "image":
                    continue
                self.text(f"{where}.elements[{i}]", el, limit=FIELD_TEXT)
        elif kind == "actions":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= ACTIONS_ELEMENTS:
                self.fault(where, f"{len(elements)} action elements (limit {ACTIONS_ELEMENTS})")
            for i, el in enumerate(elements):
                self.element(f"{where}.elements[{i}]", el, action_ids)
        elif kind == "input":
            self.text(f"{where}.label", block.get("label"), limit=LABEL, kind="plain_text")
            if "hint" in block:
                self.text(f"{where}.hint", block["hint"], limit=LABEL, kind="plain_text")
            self.element(f"{where}.element", block.get("element"), action_ids)
        elif kind in ("divider", "image", "rich_text", "video", "file"):
            pass
        else:
            self.fault(where, f"unknown block type {kind!r}")


def problems(blocks: Any, *, surface: str = "message") -> list[str]:
    """Why Slack would refuse these blocks (empty when it would take them); surface is message|modal|home."""
    checker = _Checker()
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        return [f"blocks is not a list: {blocks!r:.80}"]
    limit = MESSAGE_BLOCKS if surface == "message" else SURFACE_BLOCKS
    if len(blocks) > limit:
        checker.fault(surface, f"{len(blocks)} blocks (limit {limit})")
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        checker.block(f"blocks[{i}]", block, block_ids)
    return checker.faults


def view_problems(view: Any) -> list[str]:
    """Why Slack would refuse this modal or Home view."""
    if not isinstance(view, dict):
        return [f"view is not an object: {view!r:.80}"]
    surface = "home" if view.get("type") == "home" else "modal"
    checker = _Checker()
    if surface == "modal":
        checker.text("view.title", view.get("title"), limit=MODAL_TEXT, kind="plain_text")
        for key in ("submit", "close"):
            if view.get(key) is not None:
                checker.text(f"view.{key}", view[key], limit=MODAL_TEXT, kind="plain_text")
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or [])
        if has_input and view.get("submit") is None:
            checker.fault("view", "a modal with inputs needs a submit button")
    metadata = view.get("private_metadata")
    if isinstance(metadata, str) and len(metadata) > PRIVATE_METADATA:
        checker.fault("view.private_metadata", f"{len(metadata)} characters (limit {PRIVATE_METADATA})")
    if view.get("callback_id") is not None and len(str(view["callback_id"])) > ID:
        checker.fault("view.callback_id", "too long")
    return checker.faults + problems(view.get("blocks") or [], surface=surface)


def assert_valid_blocks(blocks: Any, *, surface: str = "message") -> None:
    """Fail with every fault when Slack would refuse these blocks."""
    faults = problems(blocks, surface=surface)
    assert not faults, "Slack would answer invalid_blocks:\n" + "\n".join(faults)


def assert_valid_view(view: Any) -> None:
    """Fail with every fault when Slack would refuse this view."""
    faults = view_problems(view)
    assert not faults, "Slack would answer invalid_blocks:\n" + "\n".join(faults)

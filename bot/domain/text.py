"""Person-typed text and Slack's mrkdwn: store what people typed, escape `&`, `<`, `>` once on the way out."""

from __future__ import annotations

import re


def escape(text: str) -> str:
    """Person-typed text made safe for mrkdwn: exactly `&`, `<` and `>` escaped (never for plain_text).

    Stretch stores what people typed, unescaped, so this runs once, where the text enters mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Slack's own tokens for a person or a channel (`<@U123>`, `<@U123|ann>`, `<#C123|sales>`), as they arrive
# in slash-command text; never `<!channel>`-style broadcasts, which stay escaped.
_MENTION = re.compile(r"<(?:@[UW]|#[CG])[A-Z0-9]+(?:\|[^<>]*)?>")


def escape_keeping_mentions(text: str) -> str:
    """Like `escape`, but people and channels mentioned in a typed command stay mentions."""
    out: list[str] = []
    last = 0
    for match in _MENTION.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def unescape(text: str) -> str:
    """What a person typed, from Slack's escaped slash-command or message text (`&amp;` → `&`)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

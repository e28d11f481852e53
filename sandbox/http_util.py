"""Small helpers shared by the HTTP replicas: responses, opaque cursors, Graph field syntax."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

import orjson


@dataclass
class Response:
    """An HTTP response to send."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> bytes:
        """The JSON body as bytes. orjson: the standard library's encoder had been a tenth of the sandbox's time
        serving a brand's nightly run (issue 8). Keys that are not strings become strings, as `json` makes them."""
        return orjson.dumps(self.body, option=orjson.OPT_NON_STR_KEYS)


def encode_cursor(payload: dict[str, Any]) -> str:
    """An opaque URL-safe cursor for a JSON payload."""
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> dict[str, Any] | None:
    """Decode a cursor made by encode_cursor (None if invalid)."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


@dataclass
class FieldSpec:
    """One requested Graph field with its modifiers, e.g. insights.metric(reach,views)."""

    name: str
    modifiers: dict[str, str] = field(default_factory=dict)


def _split_top(text: str) -> list[str]:
    """Split on commas outside parentheses/braces."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if cur:
        parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def parse_fields(text: str | None) -> list[FieldSpec] | None:
    """Parse a Graph `fields` value; None if absent, ValueError if malformed."""
    if text is None:
        return None
    if text.count("(") != text.count(")"):
        raise ValueError("unbalanced parentheses")
    out = []
    for item in _split_top(text):
        head, _, rest = item.partition(".")
        spec = FieldSpec(head)
        while rest:
            mod, paren, rest = rest.partition("(")
            if not paren:
                raise ValueError(f"malformed modifier in {item!r}")
            args, _, rest = rest.partition(")")
            spec.modifiers[mod] = args
            rest = rest.lstrip(".")
        out.append(spec)
    return out

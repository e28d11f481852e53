"""Builders shared by the suite modules."""

from __future__ import annotations

from typing import Any

from expectations.sql import quote_ident


def bad_row_count(details: dict[str, Any]) -> int:
    """The number of rows GX found breaking a row-level expectation (0 when the query returned no rows)."""
    return int(details.get("unexpected_count") or 0)


def key_text(columns: tuple[str, ...] | list[str], alias: str = "") -> str:
    """SQL rendering a (compound) key as one text value, ``a | b | c`` (``null`` for a missing part)."""
    prefix = f"{alias}." if alias else ""
    parts = [f"COALESCE(CAST({prefix}{quote_ident(c)} AS VARCHAR), 'null')" for c in columns]
    return " || ' | ' || ".join(parts)

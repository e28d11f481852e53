"""Per-account incremental cursors with a look-back window, kept in the dlt resource state.

Each account (ad account, Instagram account, page) has its own cursor: the last day (or instant) that a run read
completely. A later run reads from `cursor − lookback` (so restated days and still-growing lifetime metrics are
read again and merged), and an account added to the configuration later starts from `start` with full history.
The state is saved with the load (in `_dlt_pipeline_state`), and only when the whole extraction succeeded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import dlt
import pyarrow as pa

__all__ = ["AccountCursors", "Chunk", "drain_chunks"]

T = TypeVar("T", dt.date, dt.datetime)


@dataclass(frozen=True)
class Chunk:
    """A producer's output: a table to load and/or the point up to which an account has been read."""

    account: str
    table: pa.Table | None = None
    read_through: Any = None


class AccountCursors(Generic[T]):
    """Cursors of one resource, by account, stored under `key` in the resource state."""

    def __init__(self, key: str, start: T, lookback: dt.timedelta) -> None:
        self._values: dict[str, str] = dlt.current.resource_state().setdefault(key, {})
        self._start = start
        self._lookback = lookback

    def _parse(self, text: str) -> T:
        return type(self._start).fromisoformat(text)  # type: ignore[return-value]

    def read_through(self, account: str) -> T | None:
        """The last day/instant fully read for `account` by earlier runs, if any."""
        text = self._values.get(account)
        return None if text is None else self._parse(text)

    def since(self, account: str) -> T:
        """Where this run starts for `account`: `start`, or the cursor minus the look-back (not before start)."""
        last = self.read_through(account)
        if last is None:
            return self._start
        return max(self._start, last - self._lookback)  # type: ignore[operator]

    def advance(self, account: str, value: T) -> None:
        """Record that `account` has been read through `value` (never moves back)."""
        last = self.read_through(account)
        if last is None or value > last:  # type: ignore[operator]
            self._values[account] = value.isoformat()


def drain_chunks(chunks: Iterable[Chunk], cursors: AccountCursors[Any]) -> Iterator[pa.Table]:
    """Yield the tables of `chunks` and advance the cursors they report (call in the resource's generator)."""
    for chunk in chunks:
        if chunk.table is not None and chunk.table.num_rows:
            yield chunk.table
        if chunk.read_through is not None:
            cursors.advance(chunk.account, chunk.read_through)

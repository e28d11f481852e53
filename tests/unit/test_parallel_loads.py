"""The nightly flow's parallel extraction (flows/nightly.py): only one thread at a time opens the build target.

Two DuckDB instances of one process opening the same file at once fail with "Unique file handle conflict", so the
steps that open the build target (restoring the state from it, loading into it) hold the writer lock, while
extracting and normalizing run in parallel.
"""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

from flows import nightly


class RecordingPipeline:
    """A dlt pipeline stand-in that records, for each step, whether the writer lock was held."""

    def __init__(self) -> None:
        self.config = SimpleNamespace(restore_from_destination=True)
        self.held: dict[str, bool] = {}

    def _record(self, step: str) -> None:
        self.held[step] = nightly._ONE_WRITER.locked()

    def sync_destination(self) -> None:
        self._record("sync_destination")

    def extract(self, data: object) -> None:
        self._record("extract")

    def normalize(self) -> SimpleNamespace:
        self._record("normalize")
        return SimpleNamespace(row_counts={"ad_insights": 3})

    def load(self) -> None:
        self._record("load")

    def managed_state(self) -> contextlib.nullcontext:
        return contextlib.nullcontext({"sources": {"meta_ads": {"resources": {"ad_insights": {}}}}})


def test_only_the_steps_that_open_the_build_target_hold_the_writer_lock() -> None:
    pipeline = RecordingPipeline()
    assert nightly._extract_then_load(pipeline, object()) == {"ad_insights": 3}
    assert pipeline.held == {"sync_destination": True, "extract": False, "normalize": False, "load": True}
    assert not nightly._ONE_WRITER.locked()


def test_forgetting_the_cursors_restores_the_state_under_the_writer_lock() -> None:
    pipeline = RecordingPipeline()
    nightly._forget_cursors(pipeline)
    assert pipeline.held == {"sync_destination": True}
    assert pipeline.config.restore_from_destination is False

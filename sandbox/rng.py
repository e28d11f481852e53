"""Deterministic random streams, one per (kind, entity, day)."""

from __future__ import annotations

import numpy as np

from sandbox.constants import SEED


def rng_for(kind: int, entity: int, ordinal: int) -> np.random.Generator:
    """Return the generator for one (kind, entity, day-or-month ordinal) stream."""
    return np.random.default_rng([SEED, kind, entity, ordinal])

"""The gate's suites, one module per validated model family. Thresholds come from GateParams."""

from __future__ import annotations

from expectations.params import GateParams
from expectations.specs import AssetSpec
from expectations.suites import fx, marts, raw, reconciliation


def build_all(params: GateParams, tables: set[str]) -> list[AssetSpec]:
    """Return every asset spec of every suite, given the qualified tables present in the warehouse."""
    return [*raw.build(params), *marts.build(params), *reconciliation.build(params, tables), *fx.build(params, tables)]

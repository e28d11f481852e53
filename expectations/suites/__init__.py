"""The gate's suites, one module per validated model family. Thresholds come from GateParams.

Families and their severity (docs/quality_gate.md lists every check): raw (freshness, error), volume (warning),
keys (raw keys and relationships, error), ranges (error; two plausibility rates warn), marts (naming compliance,
warning), targets (every target in the report: error; its actual: warning), reconciliation (raw = staging = marts,
error), fx (carried-forward rates, warning).
"""

from __future__ import annotations

from expectations.params import GateParams
from expectations.specs import AssetSpec
from expectations.suites import fx, keys, marts, ranges, raw, reconciliation, targets, volume


def build_all(params: GateParams, tables: set[str]) -> list[AssetSpec]:
    """Return every asset spec of every suite, given the qualified tables present in the warehouse."""
    return [
        *raw.build(params),
        *volume.build(params, tables),
        *keys.build(params, tables),
        *ranges.build(params, tables),
        *marts.build(params),
        *targets.build(params, tables),
        *reconciliation.build(params, tables),
        *fx.build(params, tables),
    ]

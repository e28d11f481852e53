"""The definition model of the gate: query assets and the checks (expectations) run on each of them.

Suite modules (``expectations.suites.*``) return :class:`AssetSpec` lists; the runner turns each into a GX query
asset, an ExpectationSuite, a ValidationDefinition and a Checkpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from expectations.results import Severity

if TYPE_CHECKING:
    from great_expectations.expectations.expectation import Expectation


@dataclass(frozen=True)
class CheckSpec:
    """One check: a GX expectation plus what it is about.

    Attributes:
        name: Stable, unique check name.
        expectation: The GX expectation; its severity and meta are set by the runner.
        table: Qualified table the check is about.
        column: Column(s) the check is about.
        rule: What the check expects, in words (for the summary).
        severity: ``error`` or ``warning``.
        observe: Maps the GX ``result`` dict to the observed value (default: ``observed_value`` for aggregate
            expectations, ``unexpected_count`` for row-level ones).
        explain: Maps the observed value to a one-line message (default: a generic description).
    """

    name: str
    expectation: Expectation
    table: str
    column: str | None
    rule: str
    severity: Severity = "error"
    observe: Callable[[dict[str, Any]], Any] | None = None
    explain: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class AssetSpec:
    """A query asset and the checks validated on it (one GX suite).

    Attributes:
        name: Unique asset name.
        suite: GX suite name (``<family>.<asset>``).
        query: SQL the asset reads. Only portable SQL (it runs on DuckDB now and Postgres later).
        requires: Qualified tables the query reads; when one is absent the checks are not evaluated.
        checks: The checks on this asset.
        index_columns: Columns reported with each bad row (GX ``unexpected_index_column_names``).
        missing_prefix: Text that leads the message when a required table is absent (e.g. for freshness,
            ``source raw_shopify did not load``).
    """

    name: str
    suite: str
    query: str
    requires: tuple[str, ...]
    checks: tuple[CheckSpec, ...]
    index_columns: tuple[str, ...] = ()
    missing_prefix: str = "missing input"

"""Business inputs a marketer edits: monthly targets, FX rates, promo codes, budgets and segment rules (CSV files).

Every file is validated before anything is loaded; every problem is reported at once in one `InputFileError`
naming file, line, field and the fix. FX rates also come from ECB reference-rates files dropped anywhere under the
inputs folder (`ecb`). Tables are replaced on every run.
"""

from __future__ import annotations

from collections.abc import Sequence

import dlt
from dlt.extract.resource import DltResource

from sources.business_inputs.errors import InputFileError, InputProblem
from sources.business_inputs.helpers import load_business_inputs
from sources.common.dlt_settings import with_dlt_columns

__all__ = ["InputFileError", "InputProblem", "business_inputs_source", "load_business_inputs"]


@dlt.source(name="business_inputs", section="business_inputs", max_table_nesting=0)
def business_inputs_source(
    inputs_dir: str = dlt.config.value, segments: Sequence[str] | None = None
) -> Sequence[DltResource]:
    """`targets`, `fx_rates`, `promo_codes`, `budgets` and `segment_rules` from `inputs_dir`, validated first
    (raises `InputFileError`).

    `segments`: the naming convention's segments a target may name (None: those of the project config).
    """
    tables = load_business_inputs(inputs_dir, segments)
    return with_dlt_columns(
        *(dlt.resource([table], name=name, write_disposition="replace") for name, table in tables.items())
    )

"""Platform CSV exports dropped into a folder: Meta Ads Manager, TikTok Ads Manager and Shopify orders.

Every `*.csv` file under the exports folder is recognised by its header (sources/exports/detect.py), read
column-oriented with pyarrow.csv and loaded into dataset `raw_exports`:
- `meta_ads_manager`, merged on (account_id, ad_id, day);
- `tiktok_ads_manager`, merged on (advertiser_id, ad_id, day);
- `shopify_orders`, merged on (shop, order_name); `shopify_order_lines`, merged on (shop, order_name,
  line_position).
Every row keeps its `source_file` and `source_line`. Merging on these natural keys means the same file dropped twice
(or a later export overlapping an earlier one) replaces rows instead of adding them. Within one drop, where files
overlap, the file that sorts last by path wins (sources/exports/restated.py). A file that cannot be read is
rejected as a whole with an ExportFileError (file, line, reason); the other files still load and the caller gets
the rejections in `ExportBatch.errors`. A Shopify export's customer is loaded only as the salted hash of its email
(`customer_id`, sources/common/privacy.py); without a salt the file is rejected.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from sources.common.dlt_settings import with_dlt_columns
from sources.common.privacy import guard_salt
from sources.exports.detect import META_ADS_MANAGER, TIKTOK_ADS_MANAGER, detect_kind
from sources.exports.errors import ExportFileError
from sources.exports.meta_ads_manager import parse_meta_ads_manager
from sources.exports.reader import read_export, read_header
from sources.exports.restated import last_row_per_key, restated_message
from sources.exports.shopify_orders import parse_shopify_orders
from sources.exports.tiktok_ads_manager import parse_tiktok_ads_manager

__all__ = ["ExportBatch", "ExportFileError", "exports_source", "read_exports"]

SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}
PRIMARY_KEYS = {
    "meta_ads_manager": ("account_id", "ad_id", "day"),
    "tiktok_ads_manager": ("advertiser_id", "ad_id", "day"),
    "shopify_orders": ("shop", "order_name"),
    "shopify_order_lines": ("shop", "order_name", "line_position"),
}


@dataclass
class ExportBatch:
    """The export files of one folder: parsed tables per raw table, the files loaded, and the rejected files."""

    tables: dict[str, list[pa.Table]] = field(default_factory=dict)
    loaded: dict[str, str] = field(default_factory=dict)  # file -> kind
    errors: list[ExportFileError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # loaded files with columns that were ignored
    restated: list[str] = field(default_factory=list)  # rows not loaded because a later file or row restates them
    pii_salt: str | None = field(default=None, repr=False)  # what the customers were hashed with


def _shop_of(path: Path, root: Path, file: str) -> str:
    """A Shopify export's shop: the name of the folder it sits in below the exports folder."""
    if path.parent == root:
        raise ExportFileError(
            file,
            None,
            "a Shopify orders export does not name its shop: put it in a folder named after the shop "
            "(e.g. <exports>/my-shop/orders_export_1.csv)",
        )
    return path.parent.name


NO_SALT = (
    "a Shopify orders export holds customer emails, which are replaced by salted hashes before loading, and no salt "
    "is set: set pii_salt under [socialmart] in .dlt/secrets.toml (or SOCIALMART__PII_SALT) to a long random "
    'secret, e.g. the output of `python -c "import secrets; print(secrets.token_hex(32))"`, and keep it'
)


def ignored_columns_warning(file: str, kind: str, columns: Sequence[str]) -> str:
    """The warning for a loaded file whose header has columns its export format does not have."""
    names = ", ".join(repr(column) for column in columns)
    return (
        f"{file}: column(s) {names} ignored: not part of the {kind} export, so not loaded (the other columns were) — "
        f"remove it from the export, or add it to sources/exports/{kind}.py if it should be loaded"
    )


def _parse_file(path: Path, root: Path, pii_salt: str | None) -> tuple[str, dict[str, pa.Table], list[str]]:
    """(kind, tables, the header's columns the parser did not know) of one export file; raises ExportFileError."""
    file = path.relative_to(root).as_posix()
    header = read_header(path, file)
    try:
        kind = detect_kind(header)
    except ValueError as exc:
        raise ExportFileError(file, 1, str(exc)) from None
    frame = read_export(path, file, header)
    if kind == META_ADS_MANAGER:
        tables = parse_meta_ads_manager(frame)
    elif kind == TIKTOK_ADS_MANAGER:
        tables = parse_tiktok_ads_manager(frame)
    else:
        shop = _shop_of(path, root, file)
        if pii_salt is None:
            raise ExportFileError(file, None, NO_SALT)
        tables = parse_shopify_orders(frame, shop, pii_salt)
    return kind, tables, frame.unknown()


def read_exports(exports_dir: str | Path, pii_salt: str | None = None) -> ExportBatch:
    """Parse every `*.csv` file below `exports_dir` (sorted by path); collect the rejected files' errors. Where the
    files repeat a key, keep the row of the file that sorts last (within a file, its last row) and say so in
    `restated`.

    `pii_salt` hashes the customers of Shopify orders exports; without it those files are rejected."""
    root = Path(exports_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"exports folder {root} does not exist")
    batch = ExportBatch(pii_salt=pii_salt)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() == ".csv"):
        try:
            kind, tables, unknown = _parse_file(path, root, pii_salt)
        except ExportFileError as exc:
            batch.errors.append(exc)
            continue
        file = path.relative_to(root).as_posix()
        batch.loaded[file] = kind
        if unknown:
            batch.warnings.append(ignored_columns_warning(file, kind, unknown))
        for name, table in tables.items():
            batch.tables.setdefault(name, []).append(table)
    for name, parsed in batch.tables.items():
        table, left_out = last_row_per_key(parsed, PRIMARY_KEYS[name], "source_file")
        batch.tables[name] = [table]
        if left_out:
            batch.restated.append(restated_message(f"raw_exports.{name}", left_out))
    return batch


def _resource(name: str, tables: Sequence[pa.Table], pii_salt: str | None) -> DltResource:
    """A merge resource yielding the parsed Arrow tables of one raw table (customer tables: salt checked first)."""

    def rows() -> Iterator[pa.Table]:
        if name == "shopify_orders" and pii_salt is not None:  # only parsed at all with a salt
            known = dlt.current.source_schema().tables.get(name, {}).get("columns", {})
            guard_salt(pii_salt, "exports", loaded_before="email" in known)  # "email": the layout before hashing
        yield from tables

    return dlt.resource(rows, name=name, write_disposition="merge", primary_key=PRIMARY_KEYS[name])


@dlt.source(name="exports", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def exports_source(
    exports_dir: str, pii_salt: str | None = None, batch: ExportBatch | None = None
) -> Sequence[DltResource]:
    """The export files of `exports_dir` as resources meta_ads_manager, tiktok_ads_manager, shopify_orders and
    shopify_order_lines (only those with rows).

    Args:
        exports_dir: the folder the marketer drops the downloaded files into (sub-folders are read too).
        pii_salt: the secret salt customer emails are hashed with (`[socialmart] pii_salt`; never logged).
        batch: the folder already parsed with `read_exports` (so the caller can report its rejected files), with
            its salt; parsed here when not given, and rejected files and warnings are then only printed.
    """
    if batch is None:
        batch = read_exports(exports_dir, pii_salt)
        for error in batch.errors:
            print(f"exports: rejected {error}")
        for warning in batch.warnings:
            print(f"exports: WARNING {warning}")
        for restated in batch.restated:
            print(f"exports: {restated}")
    return with_dlt_columns(
        *(_resource(name, tables, batch.pii_salt) for name, tables in batch.tables.items() if tables)
    )

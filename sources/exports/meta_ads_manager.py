"""Meta Ads Manager "Export table data" (ad level, breakdown by day) -> rows of table `meta_ads_manager`.

Columns as Ads Manager names them. The account currency is only in the spend header ("Amount spent (EUR)").
Clicks: "Clicks (all)" (what the Marketing API calls `clicks`), else "Link clicks". Ads Manager leaves a count
blank when it is zero (purchases, conversion value): blanks stay null here and count as 0 in staging.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from sources.common.arrow import MONEY, field
from sources.exports.detect import META_SPEND_HEADER, check_currency
from sources.exports.reader import ExportFrame

__all__ = ["SCHEMA", "parse_meta_ads_manager"]

SCHEMA = pa.schema(
    [
        field("account_id", pa.string(), nullable=False),
        field("ad_id", pa.string(), nullable=False),
        field("day", pa.date32(), nullable=False),
        field("account_name", pa.string()),
        field("currency", pa.string()),
        field("campaign_id", pa.string()),
        field("campaign_name", pa.string()),
        field("adset_id", pa.string()),
        field("adset_name", pa.string()),
        field("ad_name", pa.string()),
        field("spend", MONEY),
        field("impressions", pa.int64()),
        field("clicks", pa.int64()),
        field("clicks_metric", pa.string()),
        field("reach", pa.int64()),
        field("purchases", pa.int64()),
        field("purchase_value", MONEY),
        field("video_plays_3s", pa.int64()),
        field("source_file", pa.string()),
        field("source_line", pa.int64()),
    ]
)
_HINT = ": add it in Ads Manager's column picker (Customize columns) and export again"


def _day(frame: ExportFrame) -> pa.Array:
    """The row's day: "Day" (breakdown by day), else "Reporting starts" when it equals "Reporting ends"."""
    if frame.has("Day"):
        return frame.date("Day", required=True)
    frame.require("Reporting starts", "Reporting ends", hint=": export with the breakdown by Day")
    starts, ends = frame.date("Reporting starts", True), frame.date("Reporting ends", True)
    frame.fail_first(pc.not_equal(starts, ends), "the row covers more than one day: export with the breakdown by Day")
    return starts


def parse_meta_ads_manager(frame: ExportFrame) -> dict[str, pa.Table]:
    """The file's rows as table `meta_ads_manager`; raises ExportFileError on the first problem."""
    frame.require("Account ID", "Campaign ID", "Ad set ID", "Ad ID", "Impressions", hint=_HINT)
    spend_column = next(c for c in frame.header if META_SPEND_HEADER.match(c))
    currency = META_SPEND_HEADER.match(spend_column).group("currency").strip().upper()
    problem = check_currency(currency)
    if problem:
        raise frame.header_error(f"{problem} in header {spend_column!r}")
    clicks_column = frame.first_of("Clicks (all)", "Link clicks")
    frame.known("Reporting starts", "Reporting ends")  # the day is read from "Day" when there is one
    n = frame.num_rows
    columns = {
        "account_id": frame.text("Account ID", required=True),
        "ad_id": frame.text("Ad ID", required=True),
        "day": _day(frame),
        "account_name": frame.text("Account name"),
        "currency": pa.array([currency] * n, pa.string()),
        "campaign_id": frame.text("Campaign ID"),
        "campaign_name": frame.text("Campaign name"),
        "adset_id": frame.text("Ad set ID"),
        "adset_name": frame.text("Ad set name"),
        "ad_name": frame.text("Ad name"),
        "spend": frame.decimal(spend_column),
        "impressions": frame.integer("Impressions"),
        "clicks": frame.integer(clicks_column),
        "clicks_metric": pa.array([clicks_column] * n, pa.string()),
        "reach": frame.integer("Reach"),
        "purchases": frame.integer("Purchases"),
        "purchase_value": frame.decimal("Purchases conversion value"),
        "video_plays_3s": frame.integer("3-second video plays"),
        "source_file": pa.array([frame.file] * n, pa.string()),
        "source_line": frame.lines(),
    }
    return {"meta_ads_manager": pa.Table.from_arrays([columns[f.name] for f in SCHEMA], schema=SCHEMA)}

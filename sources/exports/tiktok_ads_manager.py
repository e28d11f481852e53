"""TikTok Ads Manager custom report export (ad level, by day) -> rows of table `tiktok_ads_manager`.

The currency is the "Currency" column of each row; the day is "By Day" (or "Date"); clicks are
"Clicks (destination)" (the reporting API's `clicks`), else "Clicks".
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from sources.common.arrow import MONEY, field
from sources.exports.detect import check_currency
from sources.exports.reader import ExportFrame

__all__ = ["SCHEMA", "parse_tiktok_ads_manager"]

SCHEMA = pa.schema(
    [
        field("advertiser_id", pa.string(), nullable=False),
        field("ad_id", pa.string(), nullable=False),
        field("day", pa.date32(), nullable=False),
        field("currency", pa.string()),
        field("campaign_id", pa.string()),
        field("campaign_name", pa.string()),
        field("adgroup_id", pa.string()),
        field("adgroup_name", pa.string()),
        field("ad_name", pa.string()),
        field("cost", MONEY),
        field("impressions", pa.int64()),
        field("clicks", pa.int64()),
        field("reach", pa.int64()),
        field("conversions", pa.int64()),
        field("complete_payment", pa.int64()),
        field("complete_payment_value", MONEY),
        field("video_views", pa.int64()),
        field("source_file", pa.string()),
        field("source_line", pa.int64()),
    ]
)
_HINT = ": add it to the custom report's dimensions/metrics in TikTok Ads Manager and export again"


def _currency(frame: ExportFrame) -> pa.Array:
    """The Currency column, upper-cased; an unknown code fails on its first line."""
    values = pc.utf8_upper(pc.utf8_trim_whitespace(frame.text("Currency", required=True)))
    for code in pc.unique(values).to_pylist():
        problem = check_currency(code)
        if problem:
            frame.fail_first(pc.equal(values, code), problem)
    return values


def parse_tiktok_ads_manager(frame: ExportFrame) -> dict[str, pa.Table]:
    """The file's rows as table `tiktok_ads_manager`; raises ExportFileError on the first problem."""
    day_column = frame.first_of("By Day", "Date")
    if day_column is None:
        frame.require("By Day", hint=": add the Day breakdown (By Day) to the report and export again")
    frame.require("Advertiser ID", "Ad ID", "Currency", "Cost", "Impressions", hint=_HINT)
    n = frame.num_rows
    columns = {
        "advertiser_id": frame.text("Advertiser ID", required=True),
        "ad_id": frame.text("Ad ID", required=True),
        "day": frame.date(day_column, required=True),
        "currency": _currency(frame),
        "campaign_id": frame.text("Campaign ID"),
        "campaign_name": frame.text("Campaign name"),
        "adgroup_id": frame.text("Ad group ID"),
        "adgroup_name": frame.text("Ad group name"),
        "ad_name": frame.text("Ad name"),
        "cost": frame.decimal("Cost"),
        "impressions": frame.integer("Impressions"),
        "clicks": frame.integer(frame.first_of("Clicks (destination)", "Clicks")),
        "reach": frame.integer("Reach"),
        "conversions": frame.integer("Conversions"),
        "complete_payment": frame.integer("Complete payment"),
        "complete_payment_value": frame.decimal("Total complete payment value"),
        "video_views": frame.integer("Video views"),
        "source_file": pa.array([frame.file] * n, pa.string()),
        "source_line": frame.lines(),
    }
    return {"tiktok_ads_manager": pa.Table.from_arrays([columns[f.name] for f in SCHEMA], schema=SCHEMA)}

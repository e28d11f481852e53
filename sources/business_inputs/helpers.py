"""Reading and validating the business-input CSV files into Arrow tables."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pyarrow as pa

from sources.business_inputs import settings
from sources.business_inputs.ecb import find_ecb_files, read_ecb_file
from sources.business_inputs.errors import InputFileError, InputProblem
from sources.business_inputs.validators import (
    FieldProblem,
    parse_choice,
    parse_currency,
    parse_day,
    parse_money,
    parse_month,
    parse_non_negative_number,
    parse_positive_decimal,
    parse_required,
)
from sources.business_inputs.vocabulary import Vocabulary, vocabulary
from sources.common.arrow import field as arrow_field
from sources.common.arrow import table_from_columns

TARGETS_SCHEMA = pa.schema(
    [
        arrow_field("month", pa.date32(), nullable=False),
        arrow_field("metric", pa.string(), nullable=False),
        arrow_field("channel", pa.string(), nullable=False),
        arrow_field("segment", pa.string(), nullable=False),
        arrow_field("target", pa.float64(), nullable=False),
        arrow_field("source_file", pa.string()),
        arrow_field("source_line", pa.int64()),
    ]
)
FX_RATES_SCHEMA = pa.schema(
    [
        arrow_field("rate_date", pa.date32(), nullable=False),
        arrow_field("base_currency", pa.string(), nullable=False),
        arrow_field("quote_currency", pa.string(), nullable=False),
        arrow_field("rate", pa.decimal128(18, 8), nullable=False),
        arrow_field("rate_source", pa.string(), nullable=False),
        arrow_field("source_file", pa.string()),
        arrow_field("source_line", pa.int64()),
    ]
)
PROMO_CODES_SCHEMA = pa.schema(
    [
        arrow_field("code", pa.string(), nullable=False),
        arrow_field("kind", pa.string(), nullable=False),
        arrow_field("channel", pa.string()),
        arrow_field("campaign_id", pa.string()),
        arrow_field("influencer", pa.string()),
    ]
)
BUDGETS_SCHEMA = pa.schema(
    [
        arrow_field("month", pa.date32(), nullable=False),
        arrow_field("channel", pa.string(), nullable=False),
        arrow_field("budget", pa.decimal128(18, 2), nullable=False),
        arrow_field("currency", pa.string(), nullable=False),
        arrow_field("source_file", pa.string()),
        arrow_field("source_line", pa.int64()),
    ]
)

Parser = Callable[[str], Any]


@dataclass
class CsvFile:
    """The data rows of one CSV file (header on line 1), with their line numbers."""

    name: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


class _Collector:
    """Gathers problems of one file, so that every problem is reported at once."""

    def __init__(self, display: str, problems: list[InputProblem]) -> None:
        self.display = display
        self.problems = problems

    def add(self, problem: str, fix: str, line: int | None = None, field_name: str | None = None) -> None:
        self.problems.append(InputProblem(self.display, problem, fix, line, field_name))

    def parse(self, line: int, values: dict[str, str], name: str, parser: Parser) -> Any:
        """Parse one field; on failure note the problem and return None."""
        try:
            return parser(values.get(name, ""))
        except FieldProblem as exc:
            self.add(exc.problem, exc.fix, line, name)
            return None


def choice(allowed: Sequence[str], fix: str) -> Parser:
    """A parser accepting one of `allowed`, whose error says where the allowed values are defined."""
    return partial(parse_choice, allowed=allowed, fix=fix)


def display_path(inputs_dir: str, name: str) -> str:
    """How a file is named in messages and `source_file`: `<inputs folder name>/<file>`."""
    folder = os.path.basename(os.path.normpath(inputs_dir)) or inputs_dir
    return f"{folder}/{name}"


def read_csv(
    inputs_dir: str,
    name: str,
    columns: Sequence[str],
    problems: list[InputProblem],
    optional: Sequence[str] = (),
    allow_no_rows: bool = False,
) -> CsvFile | None:
    """Read `name`; note a missing or empty file, missing columns, and ragged lines. None if unreadable."""
    display = display_path(inputs_dir, name)
    out = _Collector(display, problems)
    header_text = ",".join(columns)
    path = os.path.join(inputs_dir, name)
    if not os.path.isfile(path):
        out.add(f"file not found (looked at {os.path.abspath(path)})", f"create it with the header {header_text}")
        return None
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            out.add("the file is empty", f"add the header {header_text} and one line per row")
            return None
        header_line = reader.line_num
        names = [cell.strip().lower() for cell in header]
        missing = [c for c in columns if c not in names and c not in optional]
        if missing:
            out.add(
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                f"the header must be {header_text}",
                line=header_line,
            )
            return None
        result = CsvFile(name)
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(names):
                out.add(
                    f"has {len(cells)} values but the header has {len(names)} columns",
                    "remove the extra commas (quote values that contain a comma)",
                    line=reader.line_num,
                )
                continue
            values = {n: (cells[i].strip() if i < len(cells) else "") for i, n in enumerate(names)}
            result.rows.append((reader.line_num, values))
    if not result.rows and not allow_no_rows:
        out.add("the file has a header but no rows", "add at least one row", line=header_line)
        return None
    return result


def _check_duplicates(out: _Collector, keyed: list[tuple[int, tuple[str, ...]]], key_names: Sequence[str]) -> None:
    first_line: dict[tuple[str, ...], int] = {}
    for line, key in keyed:
        if key in first_line:
            described = ", ".join(f"{n} {v}" for n, v in zip(key_names, key, strict=True))
            out.add(f"repeats line {first_line[key]} ({described})", "keep one of the two rows", line=line)
        else:
            first_line[key] = line


def validate_targets(
    csv_file: CsvFile, inputs_dir: str, problems: list[InputProblem], vocabulary: Vocabulary
) -> pa.Table:
    """Validate `targets.csv` rows; return the table of the valid ones."""
    display = display_path(inputs_dir, csv_file.name)
    out = _Collector(display, problems)
    columns: dict[str, list[Any]] = {name: [] for name in TARGETS_SCHEMA.names}
    keyed: list[tuple[int, tuple[str, ...]]] = []
    for line, values in csv_file.rows:
        row = {
            "month": out.parse(line, values, "month", parse_month),
            "metric": out.parse(line, values, "metric", lambda v: parse_choice(v, settings.METRICS)),
            "channel": out.parse(line, values, "channel", choice(vocabulary.target_channels, settings.CHANNEL_FIX)),
            "segment": out.parse(line, values, "segment", choice(vocabulary.target_segments, settings.SEGMENT_FIX)),
            "target": out.parse(line, values, "target", parse_non_negative_number),
        }
        if any(v is None for v in row.values()):
            continue
        keyed.append((line, (row["month"].strftime("%Y-%m"), row["metric"], row["channel"], row["segment"])))
        row |= {"source_file": display, "source_line": line}
        for name, value in row.items():
            columns[name].append(value)
    _check_duplicates(out, keyed, ("month", "metric", "channel", "segment"))
    return table_from_columns(columns, TARGETS_SCHEMA)


def validate_fx_rates(csv_file: CsvFile, inputs_dir: str, problems: list[InputProblem]) -> pa.Table:
    """Validate `fx_rates.csv` rows; return the table of the valid ones."""
    out = _Collector(display_path(inputs_dir, csv_file.name), problems)
    columns: dict[str, list[Any]] = {name: [] for name in FX_RATES_SCHEMA.names}
    keyed: list[tuple[int, tuple[str, ...]]] = []
    for line, values in csv_file.rows:
        row = {
            "rate_date": out.parse(line, values, "rate_date", parse_day),
            "base_currency": out.parse(line, values, "base_currency", parse_currency),
            "quote_currency": out.parse(line, values, "quote_currency", parse_currency),
            "rate": out.parse(line, values, "rate", parse_positive_decimal),
        }
        if any(v is None for v in row.values()):
            continue
        keyed.append((line, (row["rate_date"].isoformat(), row["base_currency"], row["quote_currency"])))
        row |= {"rate_source": settings.RATE_SOURCE_INPUT, "source_file": out.display, "source_line": line}
        for name, value in row.items():
            columns[name].append(value)
    _check_duplicates(out, keyed, ("rate_date", "base_currency", "quote_currency"))
    return table_from_columns(columns, FX_RATES_SCHEMA)


def with_ecb_rates(editable: pa.Table, inputs_dir: str, problems: list[InputProblem]) -> pa.Table:
    """The editable rates plus the rates of every ECB reference-rates file under `inputs_dir` (see `ecb`).

    Both are kept, told apart by `rate_source`; the editable file wins downstream: int_fx_rates_daily uses, for a
    currency and day, a rate from fx_rates.csv (in any form) before an ECB one, so a hand-entered rate corrects the
    ECB's, while the ECB's own EUR legs still give its cross rates. Two ECB files may repeat a day (eurofxref.csv
    is also the newest line of eurofxref-hist.csv) only with the same value; the repeat is dropped.
    """
    columns: dict[str, list[Any]] = {name: [] for name in FX_RATES_SCHEMA.names}
    first_seen: dict[tuple[Any, ...], tuple[str, int, Any]] = {}
    base = settings.ECB_BASE_CURRENCY
    for path in find_ecb_files(inputs_dir):
        display = display_path(inputs_dir, path.relative_to(inputs_dir).as_posix())
        for rate in read_ecb_file(path, display, problems):
            if rate.quote_currency == base:
                continue
            key = (rate.rate_date, rate.quote_currency)
            if key in first_seen:
                other_file, other_line, other_rate = first_seen[key]
                if other_rate != rate.rate:
                    problems.append(
                        InputProblem(
                            display,
                            f"gives {rate.rate} {rate.quote_currency} per EUR on {rate.rate_date.isoformat()} but "
                            f"{other_file} line {other_line} gives {other_rate}",
                            "keep one of the two files (the newer download)",
                            rate.line,
                            rate.quote_currency,
                        )
                    )
                continue
            first_seen[key] = (display, rate.line, rate.rate)
            row = (rate.rate_date, base, rate.quote_currency, rate.rate, settings.RATE_SOURCE_ECB, display, rate.line)
            for name, value in zip(FX_RATES_SCHEMA.names, row, strict=True):
                columns[name].append(value)
    return pa.concat_tables([editable, table_from_columns(columns, FX_RATES_SCHEMA)])


def validate_promo_codes(
    csv_file: CsvFile, inputs_dir: str, problems: list[InputProblem], vocabulary: Vocabulary
) -> pa.Table:
    """Validate `promo_codes.csv` rows; return the table of the valid ones."""
    out = _Collector(display_path(inputs_dir, csv_file.name), problems)
    columns: dict[str, list[Any]] = {name: [] for name in PROMO_CODES_SCHEMA.names}
    keyed: list[tuple[int, tuple[str, ...]]] = []
    for line, values in csv_file.rows:
        code = out.parse(line, values, "code", parse_required)
        kind = out.parse(line, values, "kind", lambda v: parse_choice(v, settings.PROMO_KINDS))
        channel = values.get("channel") or None
        if channel is not None and channel not in vocabulary.channels:
            out.add(
                f'"{channel}" is not one of {", ".join(vocabulary.channels)}',
                f"{settings.CHANNEL_FIX}, or leave it blank",
                line,
                "channel",
            )
            continue
        campaign_id = values.get("campaign_id") or None
        influencer = values.get("influencer") or None
        if kind == "campaign" and campaign_id is None:
            out.add(
                "is empty for a campaign code",
                "fill in the campaign id or delete the row",
                line,
                "campaign_id",
            )
            continue
        if kind == "influencer" and influencer is None:
            out.add(
                "is empty for an influencer code",
                "fill in the influencer or delete the row",
                line,
                "influencer",
            )
            continue
        if code is None or kind is None:
            continue
        keyed.append((line, (code.upper(),)))
        row = {
            "code": code,
            "kind": kind,
            "channel": channel,
            "campaign_id": campaign_id,
            "influencer": influencer,
        }
        for name, value in row.items():
            columns[name].append(value)
    _check_duplicates(out, keyed, ("code",))
    return table_from_columns(columns, PROMO_CODES_SCHEMA)


def validate_budgets(
    csv_file: CsvFile, inputs_dir: str, problems: list[InputProblem], vocabulary: Vocabulary
) -> pa.Table:
    """Validate `budgets.csv` rows; return the table of the valid ones.

    A row is the ad spend planned for one channel's whole month (channel `all`: every channel together), in
    `currency`. Campaign-level budgets are not supported: a `campaign_id` column may exist but must be blank.
    fct_budget_pacing paces a budget linearly over its month, which fits a channel's always-on budget; a campaign's
    flight starts and ends mid-month, so pacing it needs its flight dates.
    """
    display = display_path(inputs_dir, csv_file.name)
    out = _Collector(display, problems)
    columns: dict[str, list[Any]] = {name: [] for name in BUDGETS_SCHEMA.names}
    keyed: list[tuple[int, tuple[str, ...]]] = []
    channel = choice(vocabulary.budget_channels, settings.BUDGET_CHANNEL_FIX)
    for line, values in csv_file.rows:
        campaign_id = values.get(settings.BUDGETS_CAMPAIGN_COLUMN, "")
        if campaign_id:
            out.add(
                f'"{campaign_id}": campaign-level budgets are not supported',
                "leave campaign_id blank (a budget covers the channel's whole month)",
                line,
                settings.BUDGETS_CAMPAIGN_COLUMN,
            )
            continue
        row = {
            "month": out.parse(line, values, "month", parse_month),
            "channel": out.parse(line, values, "channel", channel),
            "budget": out.parse(line, values, "budget", parse_money),
            "currency": out.parse(line, values, "currency", parse_currency),
        }
        if any(v is None for v in row.values()):
            continue
        keyed.append((line, (row["month"].strftime("%Y-%m"), row["channel"])))
        row |= {"source_file": display, "source_line": line}
        for name, value in row.items():
            columns[name].append(value)
    _check_duplicates(out, keyed, ("month", "channel"))
    return table_from_columns(columns, BUDGETS_SCHEMA)


def load_business_inputs(inputs_dir: str, segments: Sequence[str] | None = None) -> dict[str, pa.Table]:
    """Read and validate the input files; raise one `InputFileError` listing every problem found.

    `segments` are the naming convention's segments (None: those of the project config); channels come from the
    dbt seed. fx_rates also gets the rates of the ECB files under `inputs_dir` (`with_ecb_rates`). A file in
    `settings.MAY_BE_ABSENT` that does not exist loads as an empty table.
    """
    problems: list[InputProblem] = []
    known = vocabulary(segments)
    targets, promo_codes, budgets, segment_rules = (
        partial(validate, vocabulary=known)
        for validate in (validate_targets, validate_promo_codes, validate_budgets, validate_segment_rules)
    )
    files = {
        "targets": (settings.TARGETS_FILE, settings.TARGETS_COLUMNS, (), False, targets),
        "fx_rates": (settings.FX_RATES_FILE, settings.FX_RATES_COLUMNS, (), True, validate_fx_rates),
        "promo_codes": (
            settings.PROMO_CODES_FILE,
            settings.PROMO_CODES_COLUMNS,
            settings.PROMO_CODES_OPTIONAL,
            True,
            promo_codes,
        ),
        "segment_rules": (settings.SEGMENT_RULES_FILE, settings.SEGMENT_RULE_COLUMNS, (), True, segment_rules),
        "budgets": (settings.BUDGETS_FILE, settings.BUDGETS_COLUMNS, (), True, budgets),
    }
    tables: dict[str, pa.Table] = {}
    for table_name, (file_name, columns, optional, allow_no_rows, validate) in files.items():
        if file_name in settings.MAY_BE_ABSENT and not os.path.exists(os.path.join(inputs_dir, file_name)):
            csv_file: CsvFile | None = CsvFile(file_name)
        else:
            csv_file = read_csv(inputs_dir, file_name, columns, problems, optional, allow_no_rows)
        if csv_file is not None:
            tables[table_name] = validate(csv_file, inputs_dir, problems)
    if "fx_rates" in tables:
        tables["fx_rates"] = with_ecb_rates(tables["fx_rates"], inputs_dir, problems)
    if problems:
        raise InputFileError(problems)
    return tables


SEGMENT_RULES_SCHEMA = pa.schema(
    [
        arrow_field("applies_to", pa.string(), nullable=False),
        arrow_field("field", pa.string(), nullable=False),
        arrow_field("operator", pa.string(), nullable=False),
        arrow_field("value", pa.string(), nullable=False),
        arrow_field("segment", pa.string(), nullable=False),
        arrow_field("source_file", pa.string()),
        arrow_field("source_line", pa.int64()),
    ]
)


def validate_segment_rules(
    csv_file: CsvFile, inputs_dir: str, problems: list[InputProblem], vocabulary: Vocabulary
) -> pa.Table:
    """Validate `segment_rules.csv` rows; return the table of the valid ones.

    Rules apply in file order (source_line): the first matching rule of its kind gives the segment. The field must
    be one a rule of that kind can test; a repeated rule (same kind, field, operator and value, whatever the case)
    is an error, as the later one could never apply."""
    display = display_path(inputs_dir, csv_file.name)
    out = _Collector(display, problems)
    segments = vocabulary.segments
    columns: dict[str, list[Any]] = {name: [] for name in SEGMENT_RULES_SCHEMA.names}
    keyed: list[tuple[int, tuple[str, ...]]] = []
    for line, values in csv_file.rows:
        applies_to = out.parse(
            line, values, "applies_to", lambda v: parse_choice(v, tuple(settings.SEGMENT_RULE_FIELDS))
        )
        row = {
            "applies_to": applies_to,
            "field": out.parse(line, values, "field", parse_required),
            "operator": out.parse(line, values, "operator", lambda v: parse_choice(v, settings.SEGMENT_RULE_OPERATORS)),
            "value": out.parse(line, values, "value", parse_required),
            "segment": out.parse(line, values, "segment", lambda v: parse_choice(v, segments)),
        }
        allowed_fields = settings.SEGMENT_RULE_FIELDS.get(applies_to or "", ())
        if applies_to is not None and row["field"] is not None and row["field"] not in allowed_fields:
            out.add(
                f'"{row["field"]}" is not a field of {applies_to} rules',
                f"use one of {', '.join(allowed_fields)}",
                line,
                "field",
            )
            continue
        if any(v is None for v in row.values()):
            continue
        keyed.append((line, (row["applies_to"], row["field"], row["operator"], row["value"].lower())))
        row |= {"source_file": display, "source_line": line}
        for name, value in row.items():
            columns[name].append(value)
    _check_duplicates(out, keyed, ("applies_to", "field", "operator", "value"))
    return table_from_columns(columns, SEGMENT_RULES_SCHEMA)

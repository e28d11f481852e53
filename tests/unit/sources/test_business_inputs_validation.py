"""Business-input validation: channels from the dbt seed, segments from the naming convention, and budgets.csv.

Every rejected value gives one problem naming file, line, field and the fix; valid rows load with their types.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from socialmart.config import load_settings
from sources.business_inputs import InputFileError, load_business_inputs
from sources.business_inputs.settings import CHANNELS_SEED
from sources.business_inputs.vocabulary import vocabulary

SEGMENTS = ("genz", "millennial", "parents")
TARGETS_HEADER = "month,metric,channel,segment,target\n"
BUDGETS_HEADER = "month,channel,budget,currency\n"


def write_inputs(
    folder: Path, targets: str = TARGETS_HEADER + "2025-03,revenue,all,all,100\n", budgets: str | None = None
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "targets.csv").write_text(targets)
    (folder / "fx_rates.csv").write_text("rate_date,base_currency,quote_currency,rate\n2025-03-01,EUR,USD,1.05\n")
    (folder / "promo_codes.csv").write_text(
        "code,kind,channel,campaign_id,influencer\nLI10,campaign,linkedin,508000001,\nPIN5,influencer,pinterest,,ada\n"
    )
    if budgets is not None:
        (folder / "budgets.csv").write_text(budgets)
    return folder


def problems_of(folder: Path, segments: tuple[str, ...] = SEGMENTS) -> list[str]:
    with pytest.raises(InputFileError) as raised:
        load_business_inputs(str(folder), segments)
    return [str(p) for p in raised.value.problems]


def test_channels_come_from_the_seed_and_segments_from_the_config() -> None:
    with CHANNELS_SEED.open(newline="") as handle:
        seed = [row["channel"] for row in csv.DictReader(handle)]
    known = vocabulary()
    assert known.channels == tuple(seed)
    assert {"x", "linkedin", "pinterest", "snapchat", "youtube"} <= set(known.target_channels)
    assert known.target_channels[-1] == "all"
    assert known.target_segments == (*load_settings().naming.allowed_values["segment"], "unassigned", "all")
    assert set(known.budget_channels) == {"meta", "google", "snapchat", "tiktok", "x", "linkedin", "pinterest", "all"}


def test_a_target_for_every_seed_channel_and_configured_segment_loads(tmp_path: Path) -> None:
    rows = "".join(f"2025-03,revenue,{c},all,100\n" for c in vocabulary().target_channels)
    rows += "2025-03,revenue,linkedin,genz,100\n2025-03,revenue,all,unassigned,5\n2025-03,revenue,all,boomers,5\n"
    folder = write_inputs(tmp_path / "inputs", TARGETS_HEADER + rows)
    tables = load_business_inputs(str(folder), (*SEGMENTS, "boomers"))
    targets = tables["targets"].to_pylist()
    assert ("linkedin", "genz") in {(t["channel"], t["segment"]) for t in targets}
    assert ("all", "boomers") in {(t["channel"], t["segment"]) for t in targets}
    assert len(targets) == len(vocabulary().target_channels) + 3
    assert {p["channel"] for p in tables["promo_codes"].to_pylist()} == {"linkedin", "pinterest"}


def test_unknown_channel_and_segment_are_rejected_with_the_fix(tmp_path: Path) -> None:
    targets = TARGETS_HEADER + "2025-03,revenue,linkedin,all,100\n2025-03,revenue,myspace,all,100\n"
    targets += "2025-03,revenue,all,boomers,100\n"
    folder = write_inputs(tmp_path / "inputs", targets)
    (folder / "promo_codes.csv").write_text("code,kind,channel,campaign_id,influencer\nMS5,influencer,myspace,,tom\n")
    problems = problems_of(folder)
    assert len(problems) == 3
    channels = ", ".join(vocabulary().target_channels)
    assert problems[0] == (
        f'inputs/targets.csv line 3, field "channel": "myspace" is not one of {channels} — '
        "use one of those values (the channels of dbt_project/seeds/channels.csv)"
    )
    assert problems[1].startswith('inputs/targets.csv line 4, field "segment": "boomers" is not one of genz, ')
    assert "[socialmart.naming.allowed_values] segment in .dlt/config.toml" in problems[1]
    assert problems[2].startswith('inputs/promo_codes.csv line 2, field "channel": "myspace" is not one of meta,')
    assert problems[2].endswith("or leave it blank")


def test_budgets_load_with_types(tmp_path: Path) -> None:
    budgets = BUDGETS_HEADER + "2025-03,meta,12500,USD\n2025-03,snapchat,980.50,GBP\n2025-03,all,20000,USD\n"
    tables = load_business_inputs(str(write_inputs(tmp_path / "inputs", budgets=budgets)), SEGMENTS)
    assert tables["budgets"].to_pylist() == [
        {"month": date(2025, 3, 1), "channel": "meta", "budget": Decimal("12500.00"), "currency": "USD",
         "source_file": "inputs/budgets.csv", "source_line": 2},
        {"month": date(2025, 3, 1), "channel": "snapchat", "budget": Decimal("980.50"), "currency": "GBP",
         "source_file": "inputs/budgets.csv", "source_line": 3},
        {"month": date(2025, 3, 1), "channel": "all", "budget": Decimal("20000.00"), "currency": "USD",
         "source_file": "inputs/budgets.csv", "source_line": 4},
    ]  # fmt: skip


def test_budgets_file_may_be_absent_or_empty(tmp_path: Path) -> None:
    folder = write_inputs(tmp_path / "inputs")
    assert load_business_inputs(str(folder), SEGMENTS)["budgets"].num_rows == 0
    folder = write_inputs(tmp_path / "header_only", budgets=BUDGETS_HEADER)
    assert load_business_inputs(str(folder), SEGMENTS)["budgets"].num_rows == 0


def test_every_budget_problem_names_file_line_field_and_fix(tmp_path: Path) -> None:
    budgets = BUDGETS_HEADER + (
        "2025-03,meta,12500,USD\n"  # line 2: fine
        "2025-03,tiktok,-50,USD\n"  # line 3: negative
        "2025-03,google,lots,USD\n"  # line 4: not a number
        "2025-03,myspace,100,USD\n"  # line 5: unknown channel
        "2025-03,instagram,100,USD\n"  # line 6: an organic channel has no ad budget
        "2025-03,x,100,XYZ\n"  # line 7: unknown currency
        "2025-13,x,100,USD\n"  # line 8: month out of range
        "2025-03,meta,900,EUR\n"  # line 9: same month and channel as line 2
        "2025-03,pinterest,10.555,USD\n"  # line 10: a tenth of a cent
        "2025-03,linkedin,,eur\n"  # line 11: empty budget, lower-case currency
    )
    problems = problems_of(write_inputs(tmp_path / "inputs", budgets=budgets))
    expected = [
        'inputs/budgets.csv line 3, field "budget": "-50" is negative; it must be 0 or more — fix the value',
        'inputs/budgets.csv line 4, field "budget": "lots" is not a number — fix the value or delete the row',
        'inputs/budgets.csv line 5, field "channel": "myspace" is not one of meta, tiktok, google, x, linkedin, '
        "pinterest, snapchat, all — use one of those values (the channels of dbt_project/seeds/channels.csv that "
        "buy ads: channel_type paid or social)",
        'inputs/budgets.csv line 6, field "channel": "instagram" is not one of meta,',
        'inputs/budgets.csv line 7, field "currency": "XYZ" is not an ISO 4217 currency code — use a three-capital',
        'inputs/budgets.csv line 8, field "month": "2025-13" is not a month in YYYY-MM format (e.g. 2025-03)',
        "inputs/budgets.csv line 9: repeats line 2 (month 2025-03, channel meta) — keep one of the two rows",
        'inputs/budgets.csv line 10, field "budget": "10.555" has more than two decimals — round it to the cent',
        'inputs/budgets.csv line 11, field "budget": is empty — fill it in or delete the row',
        'inputs/budgets.csv line 11, field "currency": "eur" is not an ISO 4217 currency code (did you mean EUR?)',
    ]
    for line in expected:
        assert any(line in p for p in problems), f"{line!r} not in:\n" + "\n".join(problems)
    assert len(problems) == len(expected)


def test_campaign_level_budgets_are_refused(tmp_path: Path) -> None:
    budgets = "month,channel,budget,currency,campaign_id\n2025-03,meta,100,USD,\n2025-03,google,100,USD,555\n"
    problems = problems_of(write_inputs(tmp_path / "inputs", budgets=budgets))
    assert problems == [
        'inputs/budgets.csv line 3, field "campaign_id": "555": campaign-level budgets are not supported — '
        "leave campaign_id blank (a budget covers the channel's whole month)"
    ]


def test_budget_file_without_a_column_names_the_header(tmp_path: Path) -> None:
    problems = problems_of(write_inputs(tmp_path / "inputs", budgets="month,channel,budget\n2025-03,meta,1\n"))
    assert problems == [
        "inputs/budgets.csv line 1: missing column currency — the header must be month,channel,budget,currency"
    ]

"""The committed business inputs equal what the generator produces, and make sense."""

from __future__ import annotations

import csv
import io
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from sandbox import inputs
from sandbox.attribution import campaign_segment, naming_segment
from sandbox.campaigns import campaigns_for_month
from sandbox.truth import Truth
from sources.business_inputs import load_business_inputs

INPUTS = Path(__file__).resolve().parents[3] / "inputs"


@pytest.fixture(scope="module")
def final_truth() -> Truth:
    return inputs.final_truth()


@pytest.fixture(scope="module")
def generated(final_truth: Truth) -> dict[str, str]:
    return {
        "fx_rates.csv": inputs.fx_rates_csv(),
        "promo_codes.csv": inputs.promo_codes_csv(),
        "segment_rules.csv": inputs.segment_rules_csv(),
        "targets.csv": inputs.targets_csv(final_truth),
    }


@pytest.mark.parametrize("name", ["fx_rates.csv", "promo_codes.csv", "segment_rules.csv", "targets.csv"])
def test_committed_files_match_the_generator(generated: dict[str, str], name: str) -> None:
    committed = (INPUTS / name).read_text(encoding="utf-8")
    assert committed == generated[name], f"regenerate with: python -m sandbox.inputs inputs ({name} differs)"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_promo_codes_reference_meta_campaigns(generated: dict[str, str]) -> None:
    rows = _rows(generated["promo_codes.csv"])
    assert len({r["code"] for r in rows}) == len(rows)
    campaigns = {c.campaign_id: c for m in range(36) for c in campaigns_for_month(m)}
    kinds = Counter(r["kind"] for r in rows)
    assert kinds["influencer"] == 6 and kinds["campaign"] >= 20
    for r in rows:
        if r["kind"] == "campaign":
            c = campaigns[r["campaign_id"]]
            assert (r["channel"], c.platform, c.promo_code, r["influencer"]) == ("meta", "meta", r["code"], "")
        else:
            assert r["channel"] == "influencer" and r["campaign_id"] == "" and r["influencer"]
    assert not {"WELCOME10", "VIP20", "SORRY5", "BDAY15"} & {r["code"] for r in rows}


def test_targets_cover_every_month_and_metric(generated: dict[str, str], final_truth: Truth) -> None:
    rows = _rows(generated["targets.csv"])
    months = sorted({r["month"] for r in rows})
    assert months[0] == "2025-01" and months[-1] == "2027-12" and len(months) == 36
    assert len(rows) == 36 * len(inputs.TARGET_ROWS)
    keys = Counter((r["month"], r["metric"], r["channel"], r["segment"]) for r in rows)
    assert set(keys.values()) == {1}
    ratios = []
    for r in rows:
        target = Decimal(r["target"])
        assert target > 0
        true = inputs._true_value(final_truth, r["metric"], r["channel"], r["segment"], r["month"])
        if true > 1000:
            ratios.append(float(target / true))
    assert min(ratios) >= 0.84 and max(ratios) <= 1.21
    assert sum(r > 1.053 for r in ratios) > len(ratios) / 5  # at risk or off track unless the month beats plan
    assert sum(r < 0.95 for r in ratios) > len(ratios) / 10


def test_fx_csv_rows(generated: dict[str, str]) -> None:
    rows = _rows(generated["fx_rates.csv"])
    assert rows[0] == {
        "rate_date": "2025-01-01",
        "base_currency": "EUR",
        "quote_currency": "USD",
        "rate": rows[0]["rate"],
    }
    assert rows[-1]["rate_date"] == "2027-12-31"
    assert all(len(r["rate"].split(".")[1]) == 8 for r in rows)


def test_main_writes_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, generated: dict[str, str]) -> None:
    monkeypatch.setattr(inputs, "targets_csv", lambda truth=None: generated["targets.csv"])
    monkeypatch.setattr(inputs, "budgets_csv", lambda truth=None: "month,channel,budget,currency\n")
    assert inputs.main([str(tmp_path / "out")]) == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["budgets.csv", "fx_rates.csv", "promo_codes.csv", "segment_rules.csv", "targets.csv"]
    assert inputs.main([]) == 2


def test_segment_rules_load_and_change_campaign_and_order_segments(final_truth: Truth) -> None:
    """The committed rules pass the loader's validation, and give a segment to campaigns whose names have none and
    to orders without a campaign segment (the first matching rule of each kind)."""
    assert load_business_inputs(str(INPUTS))["segment_rules"].num_rows == len(_rows(inputs.segment_rules_csv()))
    ruled = [c for c in final_truth.world.campaigns if naming_segment(c.name) == "unassigned"]
    assert len(ruled) >= 5 and all(campaign_segment(c) != "unassigned" for c in ruled)
    assert {campaign_segment(c) for c in ruled} == {"genz", "millennial", "parents"}
    orders = final_truth.order_facts()
    by_rule = Counter(o.attribution.customer_segment for o in orders if o.attribution.segment == "unassigned")
    assert set(by_rule) == {"genz", "millennial", "parents", "unassigned"}
    assert sum(n for segment, n in by_rule.items() if segment != "unassigned") > len(orders) / 20

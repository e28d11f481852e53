"""The sandbox brand's business inputs: fx_rates.csv, promo_codes.csv, segment_rules.csv, targets.csv and
budgets.csv.

`python -m sandbox.inputs DIR` writes them; the committed copies live in inputs/. Targets are the world's
true monthly value (final numbers, Truth at TRUTH_AS_OF) times a deterministic factor in [0.85, 1.2],
rounded, so some months end up at risk or off track. Budgets (sandbox.budgets) are built the same way from the
true monthly ad spend.
"""

from __future__ import annotations

import csv
import io
import sys
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sandbox import fx
from sandbox.budgets import budgets
from sandbox.campaigns import AD_PLATFORMS, month_index, month_start
from sandbox.constants import KIND_TARGETS, SEGMENTS
from sandbox.promo import INPUTS_HORIZON, promo_codes
from sandbox.rng import rng_for
from sandbox.segments import SEGMENT_RULES
from sandbox.truth import Truth

TRUTH_AS_OF = date(2028, 2, 1)  # late enough for every target month to be final
FACTOR_RANGE = (0.85, 1.2)
# (metric, channel, segment) rows written for every month
TARGET_ROWS: tuple[tuple[str, str, str], ...] = (
    ("revenue", "all", "all"),
    ("revenue", "meta", "all"),
    ("revenue", "instagram", "all"),
    ("revenue", "tiktok", "all"),
    *(("revenue", "all", s) for s in SEGMENTS),
    ("spend", "meta", "all"),
    ("new_customers", "all", "all"),
    ("followers_gained", "instagram", "all"),
    ("followers_gained", "facebook", "all"),
    ("roas", "meta", "all"),
    ("cpa", "meta", "all"),
    ("orders", "all", "all"),
    ("sessions", "all", "all"),
    ("sessions", "meta", "all"),
    ("conversion_rate", "all", "all"),
    ("engagement_rate", "instagram", "all"),
    ("engagement_rate", "tiktok", "all"),
    ("spend", "google", "all"),
    ("spend", "linkedin", "all"),
    ("revenue", "google", "all"),
    ("followers_gained", "youtube", "all"),
    ("followers_gained", "linkedin", "all"),
)
_MIN_TARGET = {
    "revenue": Decimal(100),
    "spend": Decimal(100),
    "roas": Decimal("0.5"),
    "cpa": Decimal(20),
    "engagement_rate": Decimal("0.0001"),
    "conversion_rate": Decimal("0.0001"),
}


def _csv(header: list[str], rows: list[list[str]]) -> str:
    """Render CSV text with \\n line endings."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def fx_rates_csv() -> str:
    """fx_rates.csv: EUR->USD and GBP->USD for every day EPOCH..2027-12-31, 8 decimals."""
    rows = [[d.isoformat(), base, quote, f"{r:.8f}"] for d, base, quote, r in fx.rate_rows()]
    return _csv(["rate_date", "base_currency", "quote_currency", "rate"], rows)


def promo_codes_csv() -> str:
    """promo_codes.csv: influencer codes and Meta campaign codes (generic codes are deliberately absent)."""
    rows = [[p.code, p.kind, p.channel, p.campaign_id or "", p.influencer or ""] for p in promo_codes()]
    return _csv(["code", "kind", "channel", "campaign_id", "influencer"], rows)


def segment_rules_csv() -> str:
    """segment_rules.csv: the brand's campaign and order segment rules (sandbox.segments), in rule order."""
    rows = [[r.applies_to, r.field, r.operator, r.value, r.segment] for r in SEGMENT_RULES]
    return _csv(["applies_to", "field", "operator", "value", "segment"], rows)


def _true_value(truth: Truth, metric: str, channel: str, segment: str, month: str) -> Decimal:
    """The world's final value of a target metric for a month (reporting currency for money; 0 when undefined)."""
    value = truth.target_actual(metric, channel, segment, month)
    return Decimal(0) if value is None else value


def final_truth() -> Truth:
    """The brand's whole world, final: every ad platform and Stripe, as of TRUTH_AS_OF."""
    return Truth(TRUTH_AS_OF, known_platforms=AD_PLATFORMS, with_stripe=True)


def _round_target(metric: str, value: Decimal) -> Decimal:
    """Round a target the way a planner would."""
    if metric in ("engagement_rate", "conversion_rate"):
        step = Decimal("0.0001")
    elif metric in ("roas", "cpa"):
        step = Decimal("0.01")
    elif metric in ("revenue", "spend"):
        step = Decimal(100) if value >= 10_000 else Decimal(10)
    else:
        step = Decimal(10) if value >= 1_000 else Decimal(1)
    rounded = (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    return max(rounded, _MIN_TARGET.get(metric, Decimal(1)))


def _fmt(value: Decimal) -> str:
    """Plain decimal text without exponent or needless zeros."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def target_rows(truth: Truth | None = None) -> list[list[str]]:
    """targets.csv rows (month, metric, channel, segment, target) for every month EPOCH..INPUTS_HORIZON."""
    truth = truth or final_truth()
    rows = []
    for m in range(month_index(INPUTS_HORIZON) + 1):
        month = month_start(m).strftime("%Y-%m")
        factors = rng_for(KIND_TARGETS, 0, m).uniform(*FACTOR_RANGE, len(TARGET_ROWS))
        for (metric, channel, segment), factor in zip(TARGET_ROWS, factors, strict=True):
            true = _true_value(truth, metric, channel, segment, month)
            target = _round_target(metric, true * Decimal(f"{factor:.4f}"))
            rows.append([month, metric, channel, segment, _fmt(target)])
    return rows


def targets_csv(truth: Truth | None = None) -> str:
    """targets.csv text."""
    return _csv(["month", "metric", "channel", "segment", "target"], target_rows(truth))


def budgets_csv(truth: Truth | None = None) -> str:
    """budgets.csv text: month, channel, budget, currency for every ad channel and `all`, every month."""
    truth = truth or Truth(TRUTH_AS_OF)
    rows = [[b.month, b.channel, _fmt(b.amount), b.currency] for b in budgets(truth.spend_by_platform_month())]
    return _csv(["month", "channel", "budget", "currency"], rows)


def render_inputs() -> dict[str, str]:
    """All input files by name."""
    return {
        "fx_rates.csv": fx_rates_csv(),
        "promo_codes.csv": promo_codes_csv(),
        "segment_rules.csv": segment_rules_csv(),
        "targets.csv": targets_csv(),
        "budgets.csv": budgets_csv(),
    }


def write_inputs(directory: Path) -> list[Path]:
    """Write the input files into `directory`; returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in render_inputs().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Entry point: python -m sandbox.inputs DIR."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m sandbox.inputs DIR", file=sys.stderr)
        return 2
    for path in write_inputs(Path(args[0])):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

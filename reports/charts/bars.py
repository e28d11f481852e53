"""Bar charts: actual against target (or spend against budget) by channel, and ROAS by campaign."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from reports.charts.render import MUTED_TEXT, svg_markup, tidy_axes
from reports.formatting import NO_DATA, OKABE_ITO, format_metric_value, format_ratio, metric_spec

ACTUAL_COLOUR = OKABE_ITO["blue"]
BELOW_COLOUR = OKABE_ITO["vermillion"]
TARGET_EDGE = "#444444"
TARGET_HATCH = "////"
BELOW_HATCH = "///"
BREAK_EVEN_ROAS = 1.0


@dataclass(frozen=True)
class ChartBar:
    """One category in a panel: a target (or budget) bar and an actual (or spend) bar."""

    label: str
    target: float | None
    actual: float | None


@dataclass(frozen=True)
class ChartPanel:
    """One metric's categories; each panel gets its own scale and number format."""

    metric: str
    title: str
    bars: Sequence[ChartBar]


def actual_vs_target_svg(
    panels: Sequence[ChartPanel],
    currency: str,
    description: str,
    *,
    chart_id: str = "actual-vs-target",
    actual_label: str = "Actual",
    target_label: str = "Target",
) -> str:
    """Horizontal actual-vs-target bars, one panel per metric, as inline `<svg>` markup.

    Actual bars are solid Okabe-Ito blue, target bars white with a hatch, and each bar carries its formatted value,
    so the chart reads the same in colour, to a colour-blind reader and in greyscale print.
    """
    if not panels:
        raise ValueError("actual_vs_target_svg needs at least one panel")

    def build() -> Figure:
        heights = [0.6 * len(panel.bars) + 0.5 for panel in panels]
        fig = Figure(figsize=(7.2, sum(heights) + 0.9), layout="constrained")
        axes = fig.subplots(len(panels), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
        for ax, panel in zip(axes, panels, strict=True):
            _draw_panel(ax, panel, currency, actual_label, target_label)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper right", ncols=2, frameon=False)
        return fig

    return svg_markup(build, description, chart_id)


def _draw_panel(ax: Axes, panel: ChartPanel, currency: str, actual_label: str, target_label: str) -> None:
    """Draw one metric's bars with direct value labels on `ax`."""

    def fmt(value: float | None) -> str:
        return format_metric_value(panel.metric, value, currency)

    positions = range(len(panel.bars))
    targets = [bar.target or 0.0 for bar in panel.bars]
    actuals = [bar.actual or 0.0 for bar in panel.bars]
    height = 0.38
    ax.barh([y - height / 2 for y in positions], actuals, height=height, color=ACTUAL_COLOUR, label=actual_label)
    ax.barh(
        [y + height / 2 for y in positions],
        targets,
        height=height,
        color="white",
        edgecolor=TARGET_EDGE,
        hatch=TARGET_HATCH,
        label=target_label,
    )
    lo = min(0.0, *targets, *actuals)
    hi = max(0.0, *targets, *actuals)
    span = (hi - lo) or 1.0
    for y, bar in zip(positions, panel.bars, strict=True):
        for value, offset in ((bar.actual, -height / 2), (bar.target, height / 2)):
            text = NO_DATA + " no data" if value is None else fmt(value)
            ax.text((value or 0.0) + span * 0.01, y + offset, text, va="center", ha="left", fontsize=8)
    ax.set_xlim(lo - (span * 0.02 if lo < 0 else 0.0), hi + span * 0.28)
    ax.set_yticks(list(positions), [bar.label for bar in panel.bars])
    ax.invert_yaxis()
    ax.set_title(panel.title, loc="left", fontsize=10, fontweight="bold")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt(value)))
    ax.xaxis.set_major_locator(MaxNLocator(4))
    tidy_axes(ax)
    if metric_spec(panel.metric).lower_is_better:
        ax.set_xlabel("lower is better", fontsize=8, loc="right", color=MUTED_TEXT)


def roas_by_campaign_svg(
    bars: Sequence[tuple[str, float | None]], description: str, *, chart_id: str = "roas-by-campaign"
) -> str:
    """ROAS per campaign as horizontal bars, best first, with the break-even line at 1.0.

    Bars at or above break-even are solid blue; below it, vermillion with a cross hatch, so the two read apart in
    greyscale too. A campaign without spend has no ROAS and is drawn as an empty row marked "no spend".
    """
    if not bars:
        raise ValueError("roas_by_campaign_svg needs at least one campaign")

    def build() -> Figure:
        fig = Figure(figsize=(7.2, 0.32 * len(bars) + 1.1), layout="constrained")
        ax = fig.subplots()
        values = [value or 0.0 for _, value in bars]
        positions = range(len(bars))
        above = [value >= BREAK_EVEN_ROAS for value in values]
        ax.barh(
            [y for y, ok in zip(positions, above, strict=True) if ok],
            [v for v, ok in zip(values, above, strict=True) if ok],
            height=0.7,
            color=ACTUAL_COLOUR,
            label="ROAS ≥ 1 (earns back its spend)",
        )
        ax.barh(
            [y for y, ok in zip(positions, above, strict=True) if not ok],
            [v for v, ok in zip(values, above, strict=True) if not ok],
            height=0.7,
            color=BELOW_COLOUR,
            edgecolor="white",
            hatch=BELOW_HATCH,
            linewidth=0,
            label="ROAS < 1",
        )
        span = max([BREAK_EVEN_ROAS, *values])
        for y, (_, value) in zip(positions, bars, strict=True):
            text = "no spend" if value is None else format_ratio(value)
            ax.text((value or 0.0) + span * 0.01, y, text, va="center", ha="left", fontsize=8)
        ax.axvline(BREAK_EVEN_ROAS, color="black", linestyle="--", linewidth=1)
        ax.text(BREAK_EVEN_ROAS, -0.9, " break-even 1.00", fontsize=8, color=MUTED_TEXT, va="bottom")
        ax.set_yticks(list(positions), [label for label, _ in bars], fontsize=8)
        ax.set_ylim(len(bars) - 0.5, -1.2)
        ax.set_xlim(0, span * 1.15)
        ax.set_xlabel("ROAS = attributed revenue ÷ spend", fontsize=8, loc="right", color=MUTED_TEXT)
        tidy_axes(ax)
        fig.legend(loc="outside upper right", ncols=2, frameon=False)
        return fig

    return svg_markup(build, description, chart_id)

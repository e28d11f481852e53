"""Charts for the reports, rendered by matplotlib to SVG markup that is inlined into the HTML.

Figures are built with `matplotlib.figure.Figure` directly, never through pyplot, so no GUI backend is
ever loaded and no global figure state is kept between reports. Text stays text (`svg.fonttype: none`) with
a generic sans-serif fallback, and the XML prolog and the Dublin Core metadata block (which names external
URIs) are left out, so the markup can sit inside an HTML page that opens offline.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from reports.formatting import NO_DATA, OKABE_ITO, format_metric_value, metric_spec

ACTUAL_COLOUR = OKABE_ITO["blue"]
TARGET_EDGE = "#444444"
TARGET_HATCH = "////"

CHART_STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "socialmart",  # stable ids, so the same data gives the same markup
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial", "Liberation Sans"],
    "font.size": 9,
    "hatch.linewidth": 0.8,
}
# Every key set to None keeps matplotlib from writing the <metadata> block.
_NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}


@dataclass(frozen=True)
class ChartBar:
    """One category in a panel: a target bar and an actual bar."""

    label: str
    target: float | None
    actual: float | None


@dataclass(frozen=True)
class ChartPanel:
    """One metric's categories; each panel gets its own scale and number format."""

    metric: str
    title: str
    bars: Sequence[ChartBar]


def actual_vs_target_svg(panels: Sequence[ChartPanel], currency: str, description: str) -> str:
    """Render horizontal actual-vs-target bars, one panel per metric, as inline `<svg>` markup.

    Actual bars are solid Okabe-Ito blue, target bars are white with a hatch, and each bar carries its
    formatted value, so the chart reads the same in colour, to a colour-blind reader and in greyscale print.
    `description` becomes the SVG's accessible label.
    """
    with matplotlib.rc_context(CHART_STYLE):
        fig = actual_vs_target_figure(panels, currency)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata=_NO_METADATA)
    markup = buffer.getvalue()
    markup = markup[markup.index("<svg") :]
    return markup.replace("<svg", f'<svg role="img" aria-label="{escape(description)}"', 1)


def actual_vs_target_figure(panels: Sequence[ChartPanel], currency: str) -> Figure:
    """Build the actual-vs-target figure (render it inside `matplotlib.rc_context(CHART_STYLE)`)."""
    if not panels:
        raise ValueError("actual_vs_target_figure needs at least one panel")
    heights = [0.6 * len(panel.bars) + 0.5 for panel in panels]
    fig = Figure(figsize=(7.2, sum(heights) + 0.9), layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
    for ax, panel in zip(axes, panels, strict=True):
        _draw_panel(ax, panel, currency)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper right", ncols=2, frameon=False)
    return fig


def _draw_panel(ax: Axes, panel: ChartPanel, currency: str) -> None:
    """Draw one metric's bars with direct value labels on `ax`."""

    def fmt(value: float | None) -> str:
        return format_metric_value(panel.metric, value, currency)

    positions = range(len(panel.bars))
    targets = [bar.target or 0.0 for bar in panel.bars]
    actuals = [bar.actual or 0.0 for bar in panel.bars]
    height = 0.38
    ax.barh(
        [y - height / 2 for y in positions],
        actuals,
        height=height,
        color=ACTUAL_COLOUR,
        edgecolor=ACTUAL_COLOUR,
        label="Actual",
    )
    ax.barh(
        [y + height / 2 for y in positions],
        targets,
        height=height,
        color="white",
        edgecolor=TARGET_EDGE,
        hatch=TARGET_HATCH,
        label="Target",
    )
    lo = min(0.0, *targets, *actuals)
    hi = max(0.0, *targets, *actuals)
    span = (hi - lo) or 1.0
    for y, bar in zip(positions, panel.bars, strict=True):
        for value, offset in ((bar.actual, -height / 2), (bar.target, height / 2)):
            text = NO_DATA + " no data" if value is None else fmt(value)
            x = value or 0.0
            ax.text(x + span * 0.01, y + offset, text, va="center", ha="left", fontsize=8)
    ax.set_xlim(lo - (span * 0.02 if lo < 0 else 0.0), hi + span * 0.28)
    ax.set_yticks(list(positions), [bar.label for bar in panel.bars])
    ax.invert_yaxis()
    ax.set_title(panel.title, loc="left", fontsize=10, fontweight="bold")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt(value)))
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.tick_params(axis="both", length=0)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    if metric_spec(panel.metric).lower_is_better:
        ax.set_xlabel("lower is better", fontsize=8, loc="right", color="#444444")

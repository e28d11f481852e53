"""The month-to-date chart: the cumulative actual by day against the straight line to the month's target."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from reports.charts.render import svg_markup, tidy_axes
from reports.formatting import OKABE_ITO, format_metric_value

ACTUAL_COLOUR = OKABE_ITO["blue"]
PROJECTION_COLOUR = OKABE_ITO["orange"]
TARGET_COLOUR = "#000000"


@dataclass(frozen=True)
class CumulativePanel:
    """One metric: its running total per day of the month (day 1 first), target and projected month-end value."""

    metric: str
    title: str
    days_in_month: int
    cumulative: Sequence[float]
    target: float | None
    projection: float | None


def cumulative_vs_target_svg(
    panels: Sequence[CumulativePanel], currency: str, description: str, *, chart_id: str = "cumulative-vs-target"
) -> str:
    """Small multiples, one per metric: the cumulative actual (solid, dots), the target pace (dashed straight line
    from 0 to the target on the last day) and the projection to month end (dotted). Line styles and markers
    differ as well as colours, and the end values are written beside the lines."""
    if not panels:
        raise ValueError("cumulative_vs_target_svg needs at least one panel")

    def build() -> Figure:
        columns = 2 if len(panels) > 1 else 1
        rows = -(-len(panels) // columns)
        fig = Figure(figsize=(7.2, 2.5 * rows + 0.5), layout="constrained")
        axes = fig.subplots(rows, columns, squeeze=False).ravel()
        for ax, panel in zip(axes, panels, strict=False):
            _draw(ax, panel, currency)
        for ax in axes[len(panels) :]:
            ax.set_visible(False)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper right", ncols=3, frameon=False)
        return fig

    return svg_markup(build, description, chart_id)


def _draw(ax: Axes, panel: CumulativePanel, currency: str) -> None:
    def fmt(value: float | None) -> str:
        return format_metric_value(panel.metric, value, currency)

    last = panel.days_in_month
    days = list(range(1, len(panel.cumulative) + 1))
    legend_lines = []
    if panel.target is not None:
        ax.plot([0, last], [0, panel.target], color=TARGET_COLOUR, linestyle="--", linewidth=1.2, label="Target pace")
        legend_lines.append((f"target {fmt(panel.target)}", TARGET_COLOUR))
    if days:
        ax.plot(
            days,
            panel.cumulative,
            color=ACTUAL_COLOUR,
            linewidth=2,
            marker="o",
            markersize=2.5,
            label="Actual, cumulative",
        )
        legend_lines.append((f"to date {fmt(panel.cumulative[-1])}", ACTUAL_COLOUR))
    if days and panel.projection is not None and days[-1] < last:
        ax.plot(
            [days[-1], last],
            [panel.cumulative[-1], panel.projection],
            color=PROJECTION_COLOUR,
            linestyle=":",
            linewidth=2,
            label="Projection",
        )
        legend_lines.append((f"projected {fmt(panel.projection)}", "#8A5A00"))
    # The values, top left, where the lines (which rise to the right) leave room.
    for index, (text, colour) in enumerate(legend_lines):
        ax.text(0.03, 0.95 - index * 0.11, text, transform=ax.transAxes, fontsize=8, color=colour, va="top")
    ax.set_xlim(0, last + 0.5)
    ax.set_ylim(bottom=0)
    ax.set_title(panel.title, loc="left", fontsize=10, fontweight="bold")
    ax.set_xlabel("day of month", fontsize=8)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt(value)))
    ax.yaxis.set_major_locator(MaxNLocator(4))
    tidy_axes(ax, grid_axis="y")
    ax.spines["left"].set_visible(True)

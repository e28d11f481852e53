"""The engagement heatmap: engagement rate by publish weekday x hour, every cell labelled with its value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from reports.charts.render import svg_markup

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS = range(24)
# cividis: made for colour-vision deficiency, and its lightness rises steadily, so it also prints in greyscale.
COLOUR_MAP = "cividis"
EMPTY_COLOUR = "#FFFFFF"


@dataclass(frozen=True)
class HeatmapCell:
    """One weekday (1 = Monday ... 7 = Sunday, ISO) x hour (0-23) cell: its engagement rate and post count."""

    weekday: int
    hour: int
    engagement_rate: float | None
    posts: int


def engagement_heatmap_svg(
    cells: Sequence[HeatmapCell], description: str, *, chart_id: str = "engagement-heatmap"
) -> str:
    """Weekday rows x hour columns coloured by engagement rate (cividis), each cell labelled with the rate in %.

    Slots without posts stay white and unlabelled; a slot with posts but no engagement rate is marked "–".
    """
    if not cells:
        raise ValueError("engagement_heatmap_svg needs at least one cell")

    def build() -> Figure:
        grid = np.full((len(WEEKDAYS), len(HOURS)), np.nan)
        posted = np.zeros_like(grid, dtype=bool)
        for cell in cells:
            posted[cell.weekday - 1, cell.hour] = cell.posts > 0
            if cell.engagement_rate is not None:
                grid[cell.weekday - 1, cell.hour] = cell.engagement_rate * 100
        values = grid[~np.isnan(grid)]
        norm = Normalize(
            vmin=float(values.min()) if values.size else 0.0, vmax=float(values.max()) if values.size else 1.0
        )
        cmap = colormaps[COLOUR_MAP].with_extremes(bad=EMPTY_COLOUR)
        fig = Figure(figsize=(7.2, 3.1), layout="constrained")
        ax = fig.subplots()
        image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, norm=norm, aspect="auto")
        for row in range(len(WEEKDAYS)):
            for column in HOURS:
                value = grid[row, column]
                if np.isnan(value):
                    if posted[row, column]:
                        ax.text(column, row, "–", ha="center", va="center", fontsize=6)
                    continue
                red, green, blue, _ = cmap(norm(value))
                ink = "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"
                ax.text(column, row, f"{value:.1f}", ha="center", va="center", fontsize=5.5, color=ink)
        ax.set_yticks(range(len(WEEKDAYS)), WEEKDAYS)
        ax.set_xticks(list(HOURS), [f"{hour:02d}" for hour in HOURS], fontsize=7)
        ax.set_xlabel("hour published (reporting time zone)", fontsize=8)
        ax.tick_params(axis="both", length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        bar = fig.colorbar(image, ax=ax, shrink=0.9, pad=0.01)
        bar.set_label("engagement rate, %", fontsize=8)
        bar.ax.tick_params(labelsize=7, length=0)
        return fig

    return svg_markup(build, description, chart_id)

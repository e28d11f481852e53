"""Render a matplotlib figure to SVG markup that can sit inside an HTML page that opens offline.

Figures are built with `matplotlib.figure.Figure` directly, never through pyplot, so no GUI backend is loaded and
no global figure state is kept between reports. Text stays text (`svg.fonttype: none`) with a generic sans-serif
fallback, and the XML prolog and the Dublin Core metadata block (which names external URIs) are left out.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import escape

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

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
GRID_COLOUR = "#DDDDDD"
MUTED_TEXT = "#444444"


@contextmanager
def chart_style() -> Iterator[None]:
    """The rc settings every report chart is drawn and saved under."""
    with matplotlib.rc_context(CHART_STYLE):
        yield


def svg_markup(build: Callable[[], Figure], description: str, chart_id: str) -> str:
    """Build a figure with `build()` and return its `<svg>` element, labelled for screen readers.

    `chart_id` goes into `data-chart`, so a page (and its tests) can find each chart.
    """
    with chart_style():
        fig = build()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata=_NO_METADATA)
    markup = buffer.getvalue()
    markup = markup[markup.index("<svg") :]
    attributes = f'<svg role="img" aria-label="{escape(description)}" data-chart="{escape(chart_id)}"'
    return markup.replace("<svg", attributes, 1)


def tidy_axes(ax: Axes, grid_axis: str = "x") -> None:
    """The house look: light grid behind the data, no box, no tick marks."""
    ax.tick_params(axis="both", length=0)
    ax.grid(axis=grid_axis, color=GRID_COLOUR, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)

"""Charts for the reports: matplotlib figures rendered to SVG markup that is inlined into the HTML.

Every chart is readable in greyscale print and by colour-blind readers: series differ by fill, hatch, line style
and marker as well as by colour (the Okabe-Ito palette), values are written on the chart, and the heatmap uses
cividis, a colour map made for colour-vision deficiency whose lightness rises steadily.
"""

from reports.charts.bars import ChartBar, ChartPanel, actual_vs_target_svg, roas_by_campaign_svg
from reports.charts.heatmap import HeatmapCell, engagement_heatmap_svg
from reports.charts.lines import CumulativePanel, cumulative_vs_target_svg

__all__ = [
    "ChartBar",
    "ChartPanel",
    "CumulativePanel",
    "HeatmapCell",
    "actual_vs_target_svg",
    "cumulative_vs_target_svg",
    "engagement_heatmap_svg",
    "roas_by_campaign_svg",
]

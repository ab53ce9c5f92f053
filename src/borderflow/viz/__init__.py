"""Presentation shared by the CLI and the service: text sparklines and PNG charts.

Functions here take plain values (months, counts, labels) and draw them off-screen
(matplotlib, Agg); they query nothing, so the CLI, the API and the dashboard draw the same
pictures from the same data.
"""

from borderflow.viz._forecast import (
    forecast_chart,
    forecast_sparkline,
)
from borderflow.viz._text import (
    sparkline,
)
from borderflow.viz._traffic import (
    traffic_chart,
)
from borderflow.viz._whatif import (
    whatif_chart,
)

__all__ = [
    "forecast_chart",
    "forecast_sparkline",
    "sparkline",
    "traffic_chart",
    "whatif_chart",
]

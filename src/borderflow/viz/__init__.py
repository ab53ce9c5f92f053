"""Charts and text sparklines (matplotlib, drawn off-screen)."""

from borderflow.viz._forecast import forecast_chart, forecast_sparkline

__all__ = ["forecast_chart", "forecast_sparkline"]

"""Monthly traffic as a PNG line chart (matplotlib, no display needed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path


def traffic_chart(
    series: Mapping[str, tuple[Sequence[date], Sequence[float]]],
    path: Path,
    *,
    title: str,
    source: str,
    ylabel: str = "count per month",
) -> Path:
    """Draw monthly series (one line per measure) and write them as a PNG.

    Parameters
    ----------
    series
        ``{measure: (months, values)}``; months are first days of month, values are
        counts per month.
    path
        PNG file to write.
    title
        Chart title.
    source
        Where the data come from (printed at the foot of the chart).
    ylabel
        Y-axis label, with its unit.

    Returns
    -------
    Path
        ``path``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.ticker import StrMethodFormatter

    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))  # 400,000 not 0.4e6
    for measure, (months, values) in series.items():
        ax.plot(np.array(months, dtype="datetime64[D]"), list(values), label=measure)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("month")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.text(0.01, 0.01, f"Source: {source}", fontsize=7)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


__all__ = ["traffic_chart"]

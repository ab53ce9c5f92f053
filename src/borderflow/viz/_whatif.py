"""A what-if as a PNG: baseline and scenario by hour, and their paired difference."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def whatif_chart(
    hours: Sequence[int],
    baseline: Sequence[float],
    scenario: Sequence[float],
    diff: Sequence[float],
    diff_ci95: Sequence[float],
    path: Path,
    *,
    title: str,
    ylabel: str = "mean wait [minutes]",
    note: str = "",
) -> Path:
    """Draw baseline vs scenario by hour (top) and the difference with its CI (bottom).

    Parameters
    ----------
    hours
        Hours of arrival.
    baseline, scenario
        The figure by hour (e.g. mean wait [minutes]); NaN for hours without vehicles.
    diff, diff_ci95
        Mean paired difference scenario − baseline and its 95% half-width.
    path
        PNG file to write.
    title
        Chart title.
    ylabel
        Y-axis label with its unit.
    note
        Foot note (replications, pairing).

    Returns
    -------
    Path
        ``path``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    x = np.asarray(hours, dtype=np.float64)
    d = np.asarray(diff, dtype=np.float64)
    h = np.asarray(diff_ci95, dtype=np.float64)
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(10, 6), sharex=True, gridspec_kw={"height_ratios": (3, 2)}
    )
    top.step(x, np.asarray(baseline, dtype=np.float64), where="mid", label="baseline")
    top.step(x, np.asarray(scenario, dtype=np.float64), where="mid", label="scenario")
    top.set_ylabel(ylabel)
    top.set_title(title)
    top.grid(alpha=0.3)
    top.legend()
    bottom.axhline(0.0, color="black", lw=0.8)
    bottom.errorbar(x, d, yerr=np.nan_to_num(h), fmt="o", ms=3, capsize=2, color="C2")
    bottom.set_ylabel("scenario − baseline")
    bottom.set_xlabel("hour of arrival")
    bottom.set_xticks(x[:: max(1, len(x) // 12)])
    bottom.grid(alpha=0.3)
    if note:
        fig.text(0.01, 0.01, note, fontsize=7)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


__all__ = ["whatif_chart"]

"""Regenerate docs/validation-forecast.md and its charts: the forecast backtest.

Usage: ``python tools/validate_forecast.py [--db PATH]`` (builds a warehouse from the
shipped data in a temporary folder unless ``--db`` is given).  Takes a minute or two.

Scores, per measure (Personal Vehicles, Trucks), over the 15 busiest U.S.-Canada ports
of each measure by 2023 volume, 12 months ahead, against seasonal naive and seasonal
profile x recent level: MdAPE, MdAPE at horizon 12 only, MASE per port, coverage of the
80 % and 95 % intervals; for two fixed origins and for rolling origins in 2015-2019 and
2022-2024 (split into the origins used while choosing the model and held-out ones).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".cache" / "numba"))
os.environ.setdefault("NIXTLA_NUMBA_CACHE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402

from borderflow._config import shipped_data_dir  # noqa: E402
from borderflow.data import build_warehouse, connect_readonly  # noqa: E402
from borderflow.demand import (  # noqa: E402
    BacktestResult,
    MonthlySeries,
    backtest,
    busiest_ports,
    forecast_series,
    load_series,
    monthly_origins,
)
from borderflow.viz import forecast_chart  # noqa: E402

MEASURES = ("Personal Vehicles", "Trucks")
METHODS = (
    ("model", "model"),
    ("seasonal_naive", "seasonal naive"),
    ("profile_level", "profile x level"),
)
OUT = ROOT / "docs" / "validation-forecast.md"
IMG = ROOT / "docs" / "img"

# Origin sets.  The model's choices (profile years, calendar regressors, level models)
# were made on PRE15 (and, before, on every third PRE month) and DEV only; PRE18 and
# HELD are reported as they came.
SETS: dict[str, tuple[str, tuple[date, ...]]] = {
    "fixed-2017-12": ("fixed origin 2017-12 (test: 2018)", (date(2017, 12, 1),)),
    "fixed-2023-02": ("fixed origin 2023-02 (test: 2023-03 to 2024-02)", (date(2023, 2, 1),)),
    "pre": (
        "rolling 2015-01 to 2019-02 (50 origins, targets to 2020-02)",
        monthly_origins(date(2015, 1, 1), date(2019, 2, 1)),
    ),
    "pre15": (
        "rolling 2015-01 to 2017-12 (36 origins; used to choose)",
        monthly_origins(date(2015, 1, 1), date(2017, 12, 1)),
    ),
    "pre18": (
        "rolling 2018-01 to 2019-02 (14 origins; held out)",
        monthly_origins(date(2018, 1, 1), date(2019, 2, 1)),
    ),
    "dev": (
        "rolling 2022-01 to 2022-06 (6 origins; used to choose)",
        monthly_origins(date(2022, 1, 1), date(2022, 6, 1)),
    ),
    "held": (
        "rolling 2022-07 to 2023-02 (8 origins; held out)",
        monthly_origins(date(2022, 7, 1), date(2023, 2, 1)),
    ),
}


#: Both rolling windows together: the backtest the goal is stated on.
ALL_LABEL = "**rolling 2015-01 to 2019-02 and 2022-01 to 2023-02 (all 64 origins)**"


def fmt(x: float, digits: int = 1) -> str:
    return "-" if not np.isfinite(x) else f"{x:.{digits}f}"


def score_table(res: dict[str, BacktestResult]) -> list[str]:
    lines = [
        "| origins | measure | rows | MdAPE model | seasonal naive | profile x level | "
        "model / naive | MdAPE h=12 (model / naive) | 80% cov. | 95% cov. |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {k: label for k, (label, _) in SETS.items()}
    labels["post"] = "rolling 2022-01 to 2023-02 (all 14 post-closure origins)"
    labels["all"] = ALL_LABEL
    for key, label in labels.items():
        r = res[key]
        for m in MEASURES:
            rows = r.select(m)
            a = {k: r.mdape(k, m) for k, _ in METHODS}
            h12 = BacktestResult(tuple(x for x in rows if x.horizon == 12))
            ratio = a["model"] / a["seasonal_naive"]
            goal = "**" if ratio <= 0.75 else ""
            lines.append(
                f"| {label} | {m} | {len(rows):,} | {fmt(a['model'])} | "
                f"{fmt(a['seasonal_naive'])} | {fmt(a['profile_level'])} | "
                f"{goal}{fmt(ratio, 2)}{goal} | {fmt(h12.mdape('model', m))} / "
                f"{fmt(h12.mdape('seasonal_naive', m))} | {fmt(r.coverage(80, m))} | "
                f"{fmt(r.coverage(95, m))} |"
            )
    return lines


def common_error_table(res: dict[str, BacktestResult]) -> list[str]:
    """How much of the model's error is shared by every busy port in the same month.

    For each (origin, forecast month), the median log error over the 15 ports is the
    border-wide part (exchange rate, weather, a holiday moving, a level change of the
    whole border); removing it leaves each port's own error.
    """
    lines = [
        "| origins | measure | MdAPE model | seasonal naive | model / naive "
        "| MdAPE without the border-wide part | its ratio to naive |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for key in ("pre", "pre15", "pre18"):
        r = res[key]
        for m in MEASURES:
            rows = [x for x in r.select(m) if x.actual > 0 and x.model > 0]
            groups: dict[tuple[date, date], list[float]] = {}
            for x in rows:
                groups.setdefault((x.origin, x.month), []).append(np.log(x.model / x.actual))
            common = {k: float(np.median(v)) for k, v in groups.items()}
            own = float(
                np.median(
                    [
                        abs(np.expm1(np.log(x.model / x.actual) - common[(x.origin, x.month)]))
                        for x in rows
                    ]
                )
                * 100
            )
            md, nv = r.mdape("model", m), r.mdape("seasonal_naive", m)
            lines.append(
                f"| {SETS[key][0]} | {m} | {fmt(md)} | {fmt(nv)} | {fmt(md / nv, 2)} | "
                f"{fmt(own)} | {fmt(own / nv, 2)} |"
            )
    return lines


def mase_table(con: object, res: dict[str, BacktestResult]) -> list[str]:
    names = dict(
        con.execute(  # type: ignore[attr-defined]
            "SELECT port_code, any_value(port_name) FROM bts_crossings GROUP BY 1"
        ).fetchall()
    )
    lines = []
    for m in MEASURES:
        lines += [
            f"**{m}** (MASE, mean over the origins; below 1 beats in-sample seasonal naive)",
            "",
            "| port | pre: model | pre: naive | pre: profile | 2022-24: model | "
            "2022-24: naive | 2022-24: profile |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        post = BacktestResult(res["dev"].rows + res["held"].rows)
        cols = [res["pre"].mase(k, m) for k, _ in METHODS] + [post.mase(k, m) for k, _ in METHODS]
        for p in busiest_ports(con, m):
            vals = " | ".join(fmt(c.get(p, float("nan")), 2) for c in cols)
            lines.append(f"| {p} {names.get(p, '')} | {vals} |")
        med = " | ".join(fmt(float(np.median(list(c.values()))), 2) for c in cols)
        lines += [f"| **median** | {med} |", ""]
    return lines


#: The settings of the model before the 2015-2019 work (calendar effects for personal
#: vehicles, no steady level, untrimmed profile), for the before/after table.
BEFORE: dict[str, object] = {
    "NO_CALENDAR_MEASURES": frozenset(),
    "STEADY_LEVEL": False,
    "PROFILE_TRIM": False,
}


ABLATIONS: tuple[tuple[str, dict[str, object]], ...] = (
    ("final model", {}),
    (
        "calendar effects for personal vehicles too (the model before)",
        {"NO_CALENDAR_MEASURES": frozenset()},
    ),
    ("no steady level (ETS pair alone, the model before)", {"STEADY_LEVEL": False}),
    ("untrimmed profile (mean of the 5 years, the model before)", {"PROFILE_TRIM": False}),
    ("all three as before (the model before the 2015-2019 work)", BEFORE),
    ("steady level also across the closure and reopening", {"STEADY_CALM_ONLY": False}),
    (
        "steady level with month weights (storm months count less)",
        {"STEADY_MONTH_WEIGHTS": True},
    ),
    ("steady level weight 1 (no ETS pair in the point forecast)", {"STEADY_WEIGHT": 1.0}),
    ("no calendar effects", {"CALENDAR": False}),
    ("3 profile years instead of 5", {"PROFILE_YEARS": 3}),
    ("profile years detrended (trend between adjacent year means)", {"PROFILE_DETREND": True}),
    ("+ fixed-date holidays on weekdays as a calendar regressor", {"HOLIDAYS": True}),
    ("+ 12-month window average as a third level member", {"WINDOW_MEMBER": True}),
    (
        "+ 3-month window average as a third level member",
        {"WINDOW_MEMBER": True, "WINDOW_MONTHS": 3},
    ),
    ("level fitted across the closure gap (pre-2020 level kept)", {"POST_COVID_MIN": 10**9}),
    ("closure months kept as data (no COVID handling)", {"_COVID": (0, -1)}),
)


def before_after_table(con: object, res: dict[str, BacktestResult]) -> list[str]:
    """Model / naive and 80 % coverage of the previous model next to the current one."""
    import borderflow.demand._forecast as impl

    saved = {k: getattr(impl, k) for k in BEFORE}
    for k, v in BEFORE.items():
        setattr(impl, k, v)
    try:
        old = {key: backtest(con, MEASURES, origins) for key, (_, origins) in SETS.items()}
    finally:
        for k, v in saved.items():
            setattr(impl, k, v)
    old["post"] = BacktestResult(old["dev"].rows + old["held"].rows)
    labels = {k: label for k, (label, _) in SETS.items()}
    labels["post"] = "rolling 2022-01 to 2023-02 (all 14 post-closure origins)"
    lines = [
        "| origins | measure | MdAPE before / now | model / naive before / now "
        "| 80% cov. before / now |",
        "|---|---|---:|---:|---:|",
    ]
    for key, label in labels.items():
        for m in MEASURES:
            b, n = old[key], res[key]
            rb = b.mdape("model", m) / b.mdape("seasonal_naive", m)
            rn = n.mdape("model", m) / n.mdape("seasonal_naive", m)
            lines.append(
                f"| {label} | {m} | {fmt(b.mdape('model', m))} / {fmt(n.mdape('model', m))} | "
                f"{fmt(rb, 2)} / {fmt(rn, 2)} | {fmt(b.coverage(80, m), 0)} / "
                f"{fmt(n.coverage(80, m), 0)} |"
            )
    return lines


def ablation_table(con: object) -> list[str]:
    """Re-run the rolling backtests with one setting changed at a time."""
    import borderflow.demand._forecast as impl

    sets = {
        "2015-17 (choice)": SETS["pre15"][1],
        "2018-19 (held out)": SETS["pre18"][1],
        "2022 H1": SETS["dev"][1],
        "2022-07..2023-02 (held out)": SETS["held"][1],
    }
    head = " | ".join(f"{k}: PV / Trucks" for k in sets)
    lines = [
        f"| variant | {head} |",
        "|---|" + "---:|" * len(sets),
    ]
    for label, patch in ABLATIONS:
        saved = {k: getattr(impl, k) for k in patch}
        for k, v in patch.items():
            setattr(impl, k, v)
        impl._calendar_table.cache_clear()
        try:
            cells = []
            for origins in sets.values():
                r = backtest(con, MEASURES, origins)
                pv, tr = (r.mdape("model", m) for m in MEASURES)
                cv = "/".join(fmt(r.coverage(80, m), 0) for m in MEASURES)
                cells.append(f"{fmt(pv)} / {fmt(tr)} (cov. {cv})")
        finally:
            for k, v in saved.items():
                setattr(impl, k, v)
            impl._calendar_table.cache_clear()
        lines.append(f"| {label} | {' | '.join(cells)} |")
    return lines


def border_table(con: object) -> list[str]:
    """Border totals and a top-down reconciliation, against what came.

    For each origin: the border total forecast as the sum of every port's forecast
    (bottom-up, what borderflow reports) and as the model applied to the total series
    itself; and the 15 busiest ports' forecasts as they are (bottom-up) and scaled, month
    by month, so that all ports add up to the total's own forecast (proportional
    top-down reconciliation).
    """
    from borderflow.demand import forecast_all

    totals = {
        (m, mo): float(v)
        for m, mo, v in con.execute(  # type: ignore[attr-defined]
            "SELECT measure, month, sum(value) FROM bts_crossings "
            "WHERE border = 'US-Canada' AND list_contains($1, measure) GROUP BY 1, 2",
            [list(MEASURES)],
        ).fetchall()
    }
    _, raw = load_series(con, measures=list(MEASURES), fill_zeros=False)
    actual = {(s.port_code, s.measure): s for s in raw}
    top = {m: set(busiest_ports(con, m)) for m in MEASURES}

    def mi(d: date) -> int:
        return d.year * 12 + d.month - 1

    def total_series(m: str, origin: date) -> MonthlySeries:
        first = min(mo for mm, mo in totals if mm == m)
        n = mi(origin) - mi(first) + 1
        vals = np.array(
            [
                totals[(m, date((mi(first) + k) // 12, (mi(first) + k) % 12 + 1, 1))]
                for k in range(n)
            ]
        )
        return MonthlySeries("total", m, first, vals)

    sets = {
        "2015-19 (every 3rd origin)": SETS["pre"][1][::3],
        "2022-01..2023-02 (14 origins)": SETS["dev"][1] + SETS["held"][1],
    }
    tot_lines = [
        "| origins | measure | months scored | sum of ports | model of the total "
        "| seasonal naive of the total |",
        "|---|---|---:|---:|---:|---:|",
    ]
    port_lines = [
        "| origins | measure | rows | bottom-up (as reported) | reconciled to the total "
        "| seasonal naive |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for label, origins in sets.items():
        ape: dict[str, tuple[list[float], ...]] = {m: ([], [], []) for m in MEASURES}
        pape: dict[str, tuple[list[float], ...]] = {m: ([], [], []) for m in MEASURES}
        for o in origins:
            _, fcs = forecast_all(con, 12, as_of=o, measures=list(MEASURES))
            for m in MEASURES:
                own = forecast_series(total_series(m, o), 12)
                ports = [f for f in fcs if f.measure == m]
                sums = [sum(f.points[k].value for f in ports) for k in range(12)]
                for k in range(12):
                    month = fcs[0].points[k].month
                    if (m, month) not in totals:
                        continue
                    naive = totals[(m, date(month.year - 1, month.month, 1))]
                    act = totals[(m, month)]
                    for lst, fc in zip(ape[m], (sums[k], own.points[k].value, naive), strict=True):
                        lst.append(abs(fc - act) / act * 100)
                for f in ports:
                    if f.port_code not in top[m]:
                        continue
                    s = actual[(f.port_code, m)]
                    for k, pt in enumerate(f.points):
                        j = mi(pt.month) - mi(s.start)
                        if j >= len(s.values) or not s.values[j] > 0:
                            continue
                        lag = j - 12
                        while lag >= 0 and np.isnan(s.values[lag]):
                            lag -= 12
                        a = float(s.values[j])
                        rec = pt.value * own.points[k].value / sums[k] if sums[k] > 0 else pt.value
                        naive_p = float(s.values[lag]) if lag >= 0 else 0.0
                        for lst, fc in zip(pape[m], (pt.value, rec, naive_p), strict=True):
                            lst.append(abs(fc - a) / a * 100)
        for m in MEASURES:
            a, b_, c = (float(np.median(x)) for x in ape[m])
            tot_lines.append(
                f"| {label} | {m} | {len(ape[m][0])} | {fmt(a)} | {fmt(b_)} | {fmt(c)} |"
            )
            a, b_, c = (float(np.median(x)) for x in pape[m])
            port_lines.append(
                f"| {label} | {m} | {len(pape[m][0]):,} | {fmt(a)} | {fmt(b_)} | {fmt(c)} |"
            )
    return [
        *tot_lines,
        "",
        "The 15 busiest ports (MdAPE [%]), as reported and after scaling every port of the "
        "measure, month by month, by (the total's own forecast) / (the sum of the ports' "
        "forecasts):",
        "",
        *port_lines,
    ]


def bar_chart(res: dict[str, BacktestResult], path: Path) -> None:
    import matplotlib.pyplot as plt

    keys = ["pre", "dev", "held"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, m in zip(axes, MEASURES, strict=True):
        x = np.arange(len(keys))
        for k, (meth, label) in enumerate(METHODS):
            vals = [res[s].mdape(meth, m) for s in keys]
            ax.bar(x + (k - 1) * 0.27, vals, width=0.27, label=label)
        ax.set_xticks(x, ["2015-19", "2022 H1", "2022-07..23-02"])
        ax.set_title(f"{m}: MdAPE, 12 months ahead")
        ax.set_ylabel("median abs. % error")
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def example_chart(con: object, port: str, measure: str, origin: date, path: Path) -> None:
    _, series = load_series(con, port_code=port, measures=[measure])
    s = series[0]
    k = (origin.year * 12 + origin.month - 1) - (s.start.year * 12 + s.start.month - 1)
    hist = MonthlySeries(s.port_code, s.measure, s.start, s.values[: k + 1])
    f = forecast_series(hist, 12, origin=origin)
    forecast_chart(
        path,
        hist,
        f,
        title=f"{port} {measure}: forecast from {origin:%Y-%m} vs what came (dots)",
        since=date(2016, 1, 1),
        actual=s,
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path)
    args = ap.parse_args()
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "bf.duckdb"
            build_warehouse(db, data_dir=shipped_data_dir())
        con = connect_readonly(db)
        res = {}
        for key, (label, origins) in SETS.items():
            print(f"backtest {label} ...", file=sys.stderr, flush=True)
            res[key] = backtest(con, MEASURES, origins)
        res["post"] = BacktestResult(res["dev"].rows + res["held"].rows)
        res["all"] = BacktestResult(res["pre"].rows + res["post"].rows)
        IMG.mkdir(parents=True, exist_ok=True)
        bar_chart(res, IMG / "forecast-backtest-mdape.png")
        example_chart(
            con, "3004", "Personal Vehicles", date(2023, 2, 1), IMG / "forecast-blaine-pv-2023.png"
        )
        example_chart(
            con, "3801", "Trucks", date(2023, 2, 1), IMG / "forecast-detroit-trucks-2023.png"
        )
        mase = mase_table(con, res)
        common = common_error_table(res)
        print("before/after ...", file=sys.stderr, flush=True)
        before = before_after_table(con, res)
        print("border totals ...", file=sys.stderr, flush=True)
        border = border_table(con)
        print("ablations ...", file=sys.stderr, flush=True)
        ablations = ablation_table(con)
        con.close()
    doc = [
        "# Validation: monthly forecasts against their baselines",
        "",
        "Regenerated by `python tools/validate_forecast.py` "
        f"({time.strftime('%Y-%m-%d', time.gmtime())}, {time.time() - t0:.0f} s). "
        "Method: [forecasts.md](forecasts.md). Data: the shipped BTS release (to 2024-02).",
        "",
        "**Setup.** For each origin, each measure and each of the 15 busiest U.S.-Canada ports "
        "of that measure by 2023 volume, the model is fitted on the data up to the origin "
        "only and forecasts 12 months; every month that BTS reported is scored. "
        "Baselines: *seasonal naive* = the same month a year earlier; *profile x level* = the "
        "mean of the last 3 months times the seasonal shape of the most recent clean calendar "
        "year. MdAPE = median absolute percentage error over all (port, origin, month ahead); "
        "the goal is model / naive <= 0.75 (bold when met) and 80 % coverage within 70-90 %.",
        "",
        "**Honesty about choices.** The first settings (5 profile years, calendar "
        "regressors, the ETS pair for the level) were chosen on the 2015-2018 origins (every "
        "third month) and on the 2022-01..2022-06 origins; the 2022-07..2023-02 origins were "
        "reported as they came. Changed after seeing them: (1) the level history starts "
        "after Canada's entry requirements ended (2022-10) once 12 such months exist (it "
        "affects no origin scored here: the first it applies to is 2023-10); (2) the "
        "12-month window-average member, which the selection origins favoured, was dropped "
        "because it lags a level that is still moving (see the ablations); (3) after "
        "inspecting the `--all` output for every series, unreported months became BTS zeros "
        "where the port reported, sparse or small series take a seasonal-naive path and a "
        "guard caps runaway fits (the 15 busiest series are regular: no score here moved). "
        "**Second round (the 2015-2019 goal):** the two changes since, no calendar effects "
        "for personal vehicles and the steady level averaged with the ETS pair in calm "
        "regimes, and their settings (decay 0.7, weight 0.5, month weights off) were chosen "
        "on the 36 origins 2015-01..2017-12 only; the 14 origins 2018-01..2019-02 are "
        "reported as they came (held out), and the 2022+ origins were only checked not to "
        "get worse. Tried on 2015-2017 and rejected (no gain, or worse): the border-wide "
        "(or the port's own) trailing 12-month growth carried forward, damped or not (PV "
        "worse: the border's 11 % fall of 2015 slowed to 4 % in 2016 and 2 % in 2017); "
        "port levels "
        "as the border total's forecast plus the port's recent offset; calendar effects "
        "fitted on the border total and shared by the ports; other Easter regressors (Good "
        "Friday to Easter Monday, the week before Easter); median profiles and "
        "4, 6 or 7 profile years; a combination with seasonal naive; a seasonal AutoETS "
        "(additive season, fitted on the log counts) as a third member; shorter or longer "
        "level windows (48-120 months); proportional reconciliation to the total's own "
        "forecast (below). They moved the 2015-2017 PV ratio by at most 0.01-0.02 or made "
        "it worse. One more, removing each profile year's within-year trend, improved the "
        "2015-2017 origins (see the ablations) and would have been chosen on them alone; "
        "it is rejected because the 2018-19 origins (looked at for this decision, so not "
        "strictly held out for it) and the fixed 2017-12 origin got worse. "
        "**Added after inspecting the `--all` output** from the last month: the "
        "trimmed profile (each month's highest and lowest clean year dropped), because one "
        "misreported month (port 3814, personal vehicles: 24 in 2019-02, between 1,829 in "
        "January and 2,608 in March) bent that month's effect and sent the forecast to "
        "the guard; it is neutral on the scores here (see the ablations).",
        "",
        "## Scores",
        "",
        *score_table(res),
        "",
        "The last two rows pool the rolling origins of both windows (2015-2019 and "
        "2022-2024 targets), the backtest the goal is stated on; the rows above split "
        "them by period. Before 2020, personal vehicles stay above 0.75 on their own: "
        "see the border-wide error below.",
        "",
        "### Before and after the 2015-2019 work",
        "",
        "The previous model (calendar effects for personal vehicles too, no steady level, "
        "untrimmed profile) next to the current one, same origins and ports.",
        "",
        *before,
        "",
        "### What is left: the border-wide error",
        "",
        "For each (origin, forecast month), the median log error over the 15 ports is the "
        "part every busy port shares (the exchange rate, weather over a region, a level "
        "change of the whole border); removing it leaves each port's own error. The border-"
        "wide part is most of what keeps personal vehicles from the goal before 2020 (on the "
        "quiet 2018-19 origins even the ports' own errors alone would sit just above it), "
        "and no port model can forecast it from the counts alone: the border total's own "
        "forecast is no better than the sum of the ports (see the hierarchy below).",
        "",
        *common,
        "",
        "![MdAPE by period and method](img/forecast-backtest-mdape.png)",
        "",
        "## MASE per port",
        "",
        "Scale: mean absolute seasonal-naive error in the history before each origin "
        "(closure months excluded).",
        "",
        *mase,
        "## Border totals (hierarchy)",
        "",
        "The border total is the sum of every U.S.-Canada port's forecast (bottom-up, so "
        "ports add up to the border by construction), scored against the reported total "
        "next to the same model fitted to the total series itself (MdAPE [%]). Totals are "
        "smoother than ports, so errors are smaller for every method.",
        "",
        *border,
        "",
        "## Ablations: one choice changed at a time",
        "",
        "MdAPE of the model [%] (Personal Vehicles / Trucks) and coverage of the 80 % "
        "interval [%], same ports and scoring as above. The settings are module constants "
        "of `borderflow.demand._forecast`, switched here for the run only.",
        "",
        *ablations,
        "",
        "## Examples (fixed origin 2023-02)",
        "",
        "![Blaine personal vehicles](img/forecast-blaine-pv-2023.png)",
        "",
        "![Detroit trucks](img/forecast-detroit-trucks-2023.png)",
        "",
    ]
    OUT.write_text("\n".join(doc), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} in {time.time() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

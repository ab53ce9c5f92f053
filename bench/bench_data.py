"""Data benchmark: warehouse build, BTS updates and ``traffic``-style queries.

Prints the median and minimum wall-clock time over N repeats of:

1. reading and checking the full BTS file alone (390,305 rows);
2. the full build from the shipped data (all tables, atomic swap);
3. an update with a new-months-only file (two synthetic months, both borders), and with a
   full newer release (shipped rows + the same two months);
4. queries as ``borderflow traffic`` runs them: opening the warehouse read-only, one
   port's monthly series for one measure, yearly totals by measure for the border, and
   the whole ``borderflow traffic`` command in a fresh process.

Usage: ``python bench/bench_data.py [--repeats N]`` (default 5; the CLI process run
uses min(N, 3)). Everything is written to a temporary folder.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

from borderflow._config import shipped_data_dir  # noqa: E402
from borderflow.data import (  # noqa: E402  # noqa: E402
    build_warehouse,
    connect_readonly,
    read_bts_crossings,
    traffic_series,
    update_warehouse,
    yearly_totals,
)
from borderflow.data._catalogue import BTS_FILE  # noqa: E402


def timed(
    fn: Callable[[], Any], repeats: int, setup: Callable[[], Any] | None = None
) -> list[float]:
    out = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def update_files(folder: Path) -> tuple[Path, Path, int]:
    """A new-months-only file and a full newer release (shipped + Mar/Apr 2024)."""
    with gzip.open(shipped_data_dir() / BTS_FILE, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    new = [
        [*r[:4], label, r[5], str(int(r[6]) + k), *r[7:]]
        for k, label in enumerate(("Mar 2024", "Apr 2024"))
        for r in body
        if r[4] == "Feb 2024"
    ]

    def write(path: Path, data: list[list[str]]) -> Path:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([header, *data])
        path.write_bytes(gzip.compress(buf.getvalue().encode("utf-8"), compresslevel=6))
        return path

    return (
        write(folder / "new_months.csv.gz", new),
        write(folder / "release.csv.gz", body + new),
        len(new),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    n = args.repeats
    results: list[tuple[str, list[float], str]] = []
    with tempfile.TemporaryDirectory(prefix="bf-bench-") as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "w.duckdb"
        bts = shipped_data_dir() / BTS_FILE
        results.append(
            ("read + check BTS file (390,305 rows)", timed(lambda: read_bts_crossings(bts), n), "")
        )
        results.append(
            ("full build (all tables, atomic swap)", timed(lambda: build_warehouse(db), n), "")
        )
        base = tmp / "base.duckdb"
        shutil.copyfile(db, base)
        new_months, release, n_new = update_files(tmp)

        def reset() -> None:
            shutil.copyfile(base, db)

        results.append(
            (
                f"update: new months only ({n_new:,} rows)",
                timed(lambda: update_warehouse(new_months, db), n, reset),
                "",
            )
        )
        results.append(
            (
                f"update: full newer release ({390_305 + n_new:,} rows)",
                timed(lambda: update_warehouse(release, db), n, reset),
                "",
            )
        )
        reset()
        q = max(n, 20)
        results.append(
            ("open + close warehouse read-only", timed(lambda: connect_readonly(db).close(), q), "")
        )
        con = connect_readonly(db)  # after: DuckDB reuses an open database in-process
        results.append(
            (
                "one port's monthly series (Blaine 3004, Personal Vehicles, 1996-2024)",
                timed(lambda: traffic_series(con, "3004", ["Personal Vehicles"]), q),
                f"{len(traffic_series(con, '3004', ['Personal Vehicles']))} rows",
            )
        )
        results.append(
            (
                "yearly totals by measure, US-Canada border (12 measures)",
                timed(
                    lambda: con.execute(
                        "SELECT measure, year(month) y, sum(value) FROM bts_crossings "
                        "WHERE border = 'US-Canada' GROUP BY ALL ORDER BY ALL"
                    ).fetchall(),
                    q,
                ),
                "",
            )
        )
        results.append(
            (
                "yearly_totals() one measure, border",
                timed(lambda: yearly_totals(con, "Trucks"), q),
                "",
            )
        )
        con.close()
        env = dict(os.environ, BORDERFLOW_DB=str(db), COLUMNS="120")
        cli = [sys.executable, "-m", "borderflow.cli", "traffic", "3004", "--format", "csv"]
        results.append(
            (
                "`borderflow traffic 3004 --format csv` (fresh process)",
                timed(
                    lambda: subprocess.run(cli, env=env, check=True, capture_output=True), min(n, 3)
                ),
                "incl. Python start-up",
            )
        )

    print(f"## Data warehouse ({n} repeats; queries {max(n, 20)})\n")
    print("| step | median | min | note |")
    print("|---|---:|---:|---|")
    for name, times, note in results:
        med, low = statistics.median(times), min(times)
        fmt = (lambda s: f"{s * 1e3:.1f} ms") if med < 1 else (lambda s: f"{s:.2f} s")
        print(f"| {name} | {fmt(med)} | {fmt(low)} | {note} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

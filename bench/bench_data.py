"""Data benchmark: warehouse build, BTS updates and ``traffic``-style queries.

Prints the median and minimum wall-clock time over N repeats of:

1. reading and checking the full BTS file alone (390,305 rows);
2. the full build from the shipped data (all tables, atomic swap);
3. an update with a new-months-only file (two synthetic months, both borders), and with a
   full newer release (shipped rows + the same two months);
4. queries as ``borderflow traffic`` runs them: opening the warehouse read-only, one
   port's monthly series for one measure, yearly totals by measure for the border, and
   the whole ``borderflow traffic`` command in a fresh process.

5. file sizes (issue 7 item 6): a fresh build; after each kind of update (a compact new
   file is written, so about the size of a fresh build); after an update that changes
   nothing (the file must be untouched: same bytes and modification time); after a
   rebuild that re-applies the updates.

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
from borderflow.data import (  # noqa: E402
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

    # a release revising every 2023 value by +1 (for the file sizes)
    revised = [[*r[:6], str(int(r[6]) + 1), *r[7:]] if r[4].endswith("2023") else r for r in body]
    write(folder / "revised.csv.gz", revised + new)
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
        cli = [
            sys.executable,
            "-c",
            "from borderflow.cli import main; main()",
            "traffic",
            "3004",
            "--format",
            "csv",
        ]
        results.append(
            (
                "`borderflow traffic 3004 --format csv` (fresh process)",
                timed(
                    lambda: subprocess.run(cli, env=env, check=True, capture_output=True), min(n, 3)
                ),
                "incl. Python start-up",
            )
        )

        sizes = file_sizes(tmp, base, new_months, release)

    print(f"## Data warehouse ({n} repeats; queries {max(n, 20)})\n")
    print("| step | median | min | note |")
    print("|---|---:|---:|---|")
    for name, times, note in results:
        med, low = statistics.median(times), min(times)
        fmt = (lambda s: f"{s * 1e3:.1f} ms") if med < 1 else (lambda s: f"{s:.2f} s")
        print(f"| {name} | {fmt(med)} | {fmt(low)} | {note} |")
    print("\n## Database file size (MB; ratio to a fresh build)\n")
    print("| state | size | ratio | note |")
    print("|---|---:|---:|---|")
    fresh = sizes[0][1]
    for name, size, note in sizes:
        print(f"| {name} | {size / 1e6:.1f} | {size / fresh:.2f} | {note} |")
    return 0


def file_sizes(
    tmp: Path, base: Path, new_months: Path, release: Path
) -> list[tuple[str, int, str]]:
    """Sizes of the database file after builds and updates (bytes)."""
    db = tmp / "sizes.duckdb"
    shutil.copyfile(base, db)
    out = [("fresh build", db.stat().st_size, "")]
    update_warehouse(new_months, db)
    out.append(("after an update: new months only", db.stat().st_size, ""))
    before = db.stat()
    summary = update_warehouse(new_months, db)
    after = db.stat()
    untouched = (before.st_mtime_ns, before.st_ino) == (after.st_mtime_ns, after.st_ino)
    out.append(
        (
            "after the same update again",
            after.st_size,
            f"changed: {summary.changed}; file untouched: {untouched}",
        )
    )
    revised = tmp / "revised.csv.gz"
    summary = update_warehouse(revised, db)
    out.append(
        (
            "after a full release revising all 2023 values",
            db.stat().st_size,
            f"{summary.values_revised:,} values revised",
        )
    )
    for k in range(4):
        update_warehouse(release if k % 2 else revised, db)
    out.append(("after 4 more updates revising them back and forth", db.stat().st_size, ""))
    summary_b = build_warehouse(db)
    kept = summary_b.updates
    out.append(
        (
            "rebuild (`borderflow load`) re-applying them",
            db.stat().st_size,
            f"{kept.rows if kept else 0:,} update rows kept",
        )
    )
    return out


if __name__ == "__main__":
    raise SystemExit(main())

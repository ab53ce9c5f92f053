"""Run every benchmark script in bench/ one after another (``make bench``).

Runs ``bench/bench_*.py`` in name order, each in its own process (so compile times and
caches behave as for a user), streaming their output; exits non-zero if one fails.
Pass ``--save`` to also write everything printed to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def main() -> int:
    save = "--save" in sys.argv[1:]
    env = dict(os.environ)
    env.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".cache" / "numba"))
    env.setdefault("MPLBACKEND", "Agg")
    lines = [
        "# borderflow benchmarks",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with `python bench/run_all.py` "
        f"on {platform.node() or '?'}: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.platform()}.",
        "",
    ]
    print("\n".join(lines), flush=True)
    failed = []
    for script in sorted(BENCH.glob("bench_*.py")):
        header = f"<!-- {script.name} -->"
        print(header, flush=True)
        lines.append(header)
        proc = subprocess.Popen(
            [sys.executable, str(script)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            lines.append(line.rstrip("\n"))
        if proc.wait() != 0:
            failed.append(script.name)
            lines.append(f"**{script.name} failed with exit code {proc.returncode}**")
        lines.append("")
    if save:
        (BENCH / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

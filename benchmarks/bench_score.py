"""Benchmark: ``cpb score`` of the demo month when its data checks are current.

Prints the wall time of ``cpb score --month 2023-03 --format csv`` in a new
process (best and median of five), once the checks have passed on the same
inputs and the month has been scored: the command then reads neither the
month's data nor Great Expectations (target: under 1 s on 2 cores). It also
says which heavy libraries the command imported, from ``python -X importtime``.

Everything happens in a temporary copy; nothing is written in the repository but Python's
bytecode cache, which an installed cpb has (see ``bench_render.installed_python``).
Run: ``python benchmarks/bench_score.py [--month 2023-03] [--runs 5]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_render import copy_demo, installed_python

TARGET_SECONDS = 1.0
HEAVY = ("great_expectations", "nbformat", "nbconvert", "papermill", "altair", "bs4", "typst", "pypandoc")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2023-03")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    score = [sys.executable, "-m", "cpblib", "score", "--month", args.month, "--format", "csv"]
    env = installed_python()
    with tempfile.TemporaryDirectory(prefix="cpb-bench-score-") as folder:
        root = copy_demo(Path(folder) / "demo")
        first = time.perf_counter()
        subprocess.run(
            score, cwd=root, capture_output=True, check=True, env=env
        )  # store built, checks run, month scored
        cold = time.perf_counter() - first
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run(score, cwd=root, capture_output=True, check=True, env=env)
            times.append(time.perf_counter() - started)
        traced = subprocess.run(
            [sys.executable, "-X", "importtime", *score[1:]],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
    imported = sorted({line.split("|")[-1].strip().split(".")[0] for line in traced.stderr.splitlines() if "|" in line})
    heavy = [name for name in HEAVY if name in imported]
    best, median = min(times), statistics.median(times)
    print(f"Demo month {args.month}: `cpb score --format csv` with the checks current")
    print(f"first run (store built, checks run, month scored): {cold:.1f} s")
    print(
        f"checks current: best {best:.2f} s, median {median:.2f} s of {args.runs} "
        f"(target under {TARGET_SECONDS:.0f} s) {'OK' if median < TARGET_SECONDS else 'OVER'}"
    )
    print(f"heavy libraries imported: {', '.join(heavy) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

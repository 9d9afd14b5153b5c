"""Benchmark: what the pages of the demo month cost to make, in one process, as the kernels make them.

Prints, for every page section the pack's notebooks call (``cpblib.present.notebooks``), the time to
run it with the charts' SVG deferred (as ``cpb run`` sets for its kernels), then the time to draw those
SVGs afterwards with vl-convert (as the runner does), and how many full charts and sparklines the
month has. Wall time and this process's CPU time are both given: on a busy machine the CPU time is the
steadier figure.

The demo month is rendered first in a temporary copy (the saved pack the pages read); nothing is
written in the repository. Run: ``python benchmarks/bench_pages.py [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_render import copy_demo


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2023-03")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cpb-bench-pages-") as folder:
        root = copy_demo(Path(folder) / "demo")
        command = [sys.executable, "-m", "cpblib", "score", "--month", args.month, "--format", "json"]
        subprocess.run(command, cwd=root, capture_output=True, check=True)  # checks, store and the saved pack

        from cpblib.present.charts import DEFER_SVG_ENV

        os.environ[DEFER_SVG_ENV] = "1"
        import IPython.display

        from cpblib.present import open_month, pages
        from cpblib.present.charts import SVG_MIME, VEGALITE_MIME, spec_to_svg
        from cpblib.present.notebooks import NOTEBOOKS

        shown: list[dict] = []
        IPython.display.display = lambda bundle, raw=False, metadata=None: shown.append(bundle)
        pack = open_month(args.month, str(root))
        calls = [(name, call) for name, (_, _, cells) in NOTEBOOKS.items() for call in cells]
        wall: dict[str, list[float]] = defaultdict(list)
        cpu: dict[str, list[float]] = defaultdict(list)
        draw_wall, draw_cpu, charts, sparklines = [], [], 0, 0
        for _ in range(args.repeat):
            shown.clear()
            for name, call in calls:
                domains = pack.domains if "domain" in call else [None]
                started, ticked = time.perf_counter(), time.process_time()
                for domain in domains:
                    eval(call, {"pages": pages, "pack": pack, "domain": domain})
                wall[call].append(time.perf_counter() - started)
                cpu[call].append(time.process_time() - ticked)
            specs = [b[VEGALITE_MIME] for b in shown if VEGALITE_MIME in b and SVG_MIME not in b]
            charts = len(specs)
            sparklines = sum(str(b.get("text/html", "")).count('class="sparkline"') for b in shown)
            started, ticked = time.perf_counter(), time.process_time()
            for spec in specs:
                spec_to_svg(spec)
            draw_wall.append(time.perf_counter() - started)
            draw_cpu.append(time.process_time() - ticked)

    print(f"Demo month {args.month}: {len(pack.scored)} indicators, {charts} full charts, {sparklines} sparklines")
    print(f"best of {args.repeat} runs, wall s / CPU s:")
    for _, call in calls:
        print(f"  {call:<48} {min(wall[call]):6.2f} / {min(cpu[call]):5.2f}")
    total_wall = sum(min(v) for v in wall.values())
    total_cpu = sum(min(v) for v in cpu.values())
    print(f"  {'every page section':<48} {total_wall:6.2f} / {total_cpu:5.2f}")
    print(f"  {'drawing the charts SVG (vl-convert)':<48} {min(draw_wall):6.2f} / {min(draw_cpu):5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

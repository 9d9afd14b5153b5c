"""Benchmark: publishing the demo month with the quarto engine against the built-in one, in one run.

Executes the demo month once (``cpb run``) in a temporary copy of the project, then publishes it
(``cpb render``: the notebooks are kept; the other engine published last, so the website and PDF
are written again) with each engine, alternately, ``--repeat`` times each, and prints both times (best and median of the whole
command, and the ``website and PDF written in`` figure the command reports) and their ratio
(aim: under 2x). Needs ``quarto`` on PATH. Nothing is written in the repository.

Run: ``python benchmarks/bench_quarto.py [--month 2023-03] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_render import REPO, copy_demo

TARGET_RATIO = 2.0
WRITTEN = re.compile(r"website and PDF written in ([\d.]+) s")


def cpb(project: Path, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "cpblib", *args, "--project", str(project)], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"cpb {' '.join(args)} failed ({completed.returncode}): {completed.stdout[-2000:]}")
    return seconds, completed.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2023-03")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    if not shutil.which("quarto"):
        raise SystemExit("quarto is not on PATH (../shared/tools/quarto/install.sh PREFIX; PATH=PREFIX/bin:$PATH)")
    version = subprocess.run(["quarto", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"quarto {version}, {os.cpu_count()} CPU(s)")
    with tempfile.TemporaryDirectory(prefix="cpb-bench-quarto-") as tmp:
        project = copy_demo(Path(tmp) / "demo")
        shutil.copy2(REPO / "_quarto-cpb.yml", project / "_quarto-cpb.yml")
        cpb(project, "run", "--month", options.month)
        times: dict[str, list[float]] = {"builtin": [], "quarto": []}
        written: dict[str, list[float]] = {"builtin": [], "quarto": []}
        for _ in range(options.repeat):
            for engine, seconds_list in times.items():  # the other engine published last: this one renders again
                seconds, output = cpb(project, "render", "--month", options.month, "--engine", engine)
                seconds_list.append(seconds)
                found = WRITTEN.search(output)
                if not found:
                    raise SystemExit(f"cpb render --engine {engine} did not render: {output[-500:]}")
                written[engine].append(float(found.group(1)))
    for engine, seconds_list in times.items():
        print(
            f"{engine:8s} cpb render: best {min(seconds_list):6.1f} s, median {statistics.median(seconds_list):6.1f} s; "
            f"website and PDF written in (median) {statistics.median(written[engine]):6.1f} s"
        )
    ratio = statistics.median(times["quarto"]) / statistics.median(times["builtin"])
    written_ratio = statistics.median(written["quarto"]) / statistics.median(written["builtin"])
    verdict = "within" if ratio < TARGET_RATIO else "over"
    print(f"ratio quarto/builtin: {ratio:.2f}x the whole command, {written_ratio:.2f}x writing the website and PDF "
          f"({verdict} the {TARGET_RATIO:g}x aim)")  # fmt: skip


if __name__ == "__main__":
    main()

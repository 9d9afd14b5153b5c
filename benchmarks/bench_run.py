"""Benchmark: ``cpb run`` of the demo month against the floor set by starting kernels.

Prints

(a) the floor: one bare kernel start with pandas and altair imported (papermill
    executing a one-cell notebook ``import pandas, altair``, median of a few),
    times the number of notebooks of the demo month, divided by the workers
    ``cpb run`` uses (one per core);
(b) the cold ``cpb run --month 2023-03 --force`` on a fresh copy of the demo
    project (store built and data checks run first, as a new project would),
    and the notebook phase of it as the command reports it;
(c) the ratio cold / floor (target: within 1.5x);
(d) the warm run with nothing changed (target: under 3 s);
(e) ``cpb run --force`` once more, with the data checks' result re-used: no
    checks to overlap, so the kernels start inside the notebook phase;

``cpb run`` executes the pages in one kernel per worker, one page after
another with the kernel's names cleared in between, and starts those kernels
(importing pandas, Altair and cpb into them) while the data checks run. The
floor is the cost of one new kernel per page, as a run with a fresh kernel
for every page would pay; (b) and (e) show how far below it sharing and
starting early bring the run.

then where the time of the cold run went, from the cell timings papermill
records in the executed notebooks: per page, the kernel start (notebook time
not spent in cells), opening the month, and each page section.

Everything happens in a temporary copy; nothing is written in the repository.
Run: ``python benchmarks/bench_run.py [--month 2023-03] [--floor-runs 3]``.
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
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RATIO_TARGET = 1.5
WARM_TARGET_SECONDS = 3.0


def copy_demo(target: Path) -> Path:
    """The demo project as a user has it: settings, data (no store), notebooks, expectations."""
    target.mkdir(parents=True)
    for name in ("cpb.toml", "_quarto.yml", "index.qmd"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, target / name)
    for folder in ("data", "notebooks", "expectations"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, target / folder, ignore=shutil.ignore_patterns("*.duckdb", "*.duckdb.wal"))
    return target


def kernel_floor(folder: Path, runs: int) -> list[float]:
    """Seconds for papermill to execute ``import pandas, altair`` in a new kernel, as cpb starts kernels."""
    import nbformat
    import papermill
    from traitlets.config import Config

    source = folder / "floor.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import pandas, altair")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, source)
    times = []
    for run in range(runs):
        sockets = Path(tempfile.mkdtemp(prefix="cpb-bench-kernel-"))
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(sockets / "k")
        started = time.perf_counter()
        papermill.execute_notebook(
            str(source), str(folder / f"floor-{run}.ipynb"), kernel_name="python3",
            progress_bar=False, log_output=False, config=config,
        )  # fmt: skip
        times.append(time.perf_counter() - started)
        shutil.rmtree(sockets, ignore_errors=True)
    return times


def cpb(root: Path, *args: str) -> tuple[float, str]:
    """Run the cpb command in a fresh process from the project folder; wall seconds and its output."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "cpblib", *args], cwd=root, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    output = completed.stdout + completed.stderr
    if completed.returncode != 0:
        sys.exit(f"cpb {' '.join(args)} failed (exit {completed.returncode}):\n{output[-3000:]}")
    return elapsed, output


def notebook_phase(output: str) -> tuple[int, float]:
    found = re.search(r"(\d+) notebook\(s\) executed, \d+ unchanged,\s+in ([\d.]+) s", " ".join(output.split()))
    return (int(found.group(1)), float(found.group(2))) if found else (0, float("nan"))


def section(source: str) -> str:
    """A short name for what a cell of a page does."""
    if "open_month" in source:
        return "open the month (imports, pack)"
    call = re.search(r"pages\.show_(\w+)", source)
    if call:
        return call.group(1).replace("domain_", "").replace("summary_", "summary ")
    return "parameters"


def where_the_time_went(build: Path) -> None:
    import nbformat

    totals: dict[str, float] = defaultdict(float)
    rows = []
    for path in sorted(build.rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        duration = float(nb.metadata.get("papermill", {}).get("duration") or 0.0)
        cells: dict[str, float] = defaultdict(float)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cells[section(cell.source)] += float(cell.metadata.get("papermill", {}).get("duration") or 0.0)
        start = duration - sum(cells.values())
        rows.append((path.relative_to(build).as_posix(), duration, start, cells))
        totals["kernel start and shutdown"] += start
        for name, seconds in cells.items():
            totals[name] += seconds
    print("\nWhere the cold run's notebook time went (seconds of notebook time, summed over pages):")
    width = max(len(name) for name in totals)
    whole = sum(totals.values())
    for name, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {name:<{width}}  {seconds:7.1f}  {100 * seconds / whole:5.1f}%")
    print(f"  {'total':<{width}}  {whole:7.1f}")
    print("\nPer page: total = kernel start + cells (the slowest cells named):")
    for name, duration, start, cells in rows:
        slowest = ", ".join(f"{k} {v:.1f}" for k, v in sorted(cells.items(), key=lambda item: -item[1])[:2])
        print(f"  {name:<45} {duration:6.1f} = start {start:4.1f} + {slowest}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2023-03")
    parser.add_argument("--floor-runs", type=int, default=3)
    args = parser.parse_args()
    workers = os.cpu_count() or 1

    with tempfile.TemporaryDirectory(prefix="cpb-bench-run-") as folder:
        root = copy_demo(Path(folder) / "demo")
        floor_runs = kernel_floor(Path(folder), args.floor_runs)
        one_kernel = statistics.median(floor_runs)

        cold, output = cpb(root, "run", "--month", args.month, "--force")
        executed, notebooks_seconds = notebook_phase(output)
        floor = one_kernel * executed / workers

        warm, output = cpb(root, "run", "--month", args.month)
        warm_executed, warm_notebooks = notebook_phase(output)

        again, output = cpb(root, "run", "--month", args.month, "--force")
        _, again_notebooks = notebook_phase(output)

        print(f"Demo month {args.month}: {executed} notebooks, {workers} worker(s) (cores)")
        print(
            f"(a) floor: one kernel with pandas + altair {one_kernel:.2f} s "
            f"(runs: {', '.join(f'{t:.2f}' for t in floor_runs)}) x {executed} / {workers} = {floor:.1f} s"
        )
        print(
            f"(b) cold `cpb run --force`: {cold:.1f} s for the command (store, checks, notebooks); "
            f"notebook phase {notebooks_seconds:.1f} s"
        )
        print(
            f"(c) ratio notebook phase / floor: {notebooks_seconds / floor:.2f}x "
            f"(whole command {cold / floor:.2f}x; target within {RATIO_TARGET}x) "
            f"{'OK' if notebooks_seconds / floor <= RATIO_TARGET else 'OVER'}"
        )
        print(
            f"(d) warm `cpb run`, nothing changed: {warm:.1f} s ({warm_executed} executed; "
            f"runner {warm_notebooks:.1f} s; target under {WARM_TARGET_SECONDS:.0f} s) "
            f"{'OK' if warm < WARM_TARGET_SECONDS else 'OVER'}"
        )
        print(
            f"(e) `cpb run --force` with the checks re-used (kernels start inside the phase): {again:.1f} s; "
            f"notebook phase {again_notebooks:.1f} s = {again_notebooks / floor:.2f}x the floor"
        )
        where_the_time_went(root / "_build" / args.month)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

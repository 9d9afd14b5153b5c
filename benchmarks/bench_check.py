"""Benchmark: the data checks of the demo month (``run_checks`` on 2023-03).

Copies the demo project (``cpb.toml`` and ``data/`` at the repository root)
into a temporary folder, builds its store once, then times
:func:`cpblib.checks.run_checks` for the report month. Interpreter start and
the import of Great Expectations are not in the timed runs; the import is
timed on its own first. Each run is split into its phases (reading inputs,
preparing frames, validating with GX, turning results into outcomes) and
wall-clock and CPU time are both printed, since a busy machine stretches the
first but not so much the second.

Run: ``python benchmarks/bench_check.py [--runs 7] [--month 2023-03]``.
Target: a median under 2 s per run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 2.0


def _timed(func, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    value = func(*args, **kwargs)
    return value, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--month", default="2023-03")
    args = parser.parse_args()

    wall, cpu = time.perf_counter(), time.process_time()
    import great_expectations  # noqa: F401

    import_wall, import_cpu = time.perf_counter() - wall, time.process_time() - cpu

    from cpblib.checks import runner
    from cpblib.checks.rules import parameters
    from cpblib.checks.suites import load_suites
    from cpblib.inputs.load import ensure_store
    from cpblib.inputs.month_data import read_month
    from cpblib.month import Month
    from cpblib.project import Project

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "demo"
        root.mkdir()
        shutil.copy(REPO / "cpb.toml", root / "cpb.toml")
        shutil.copytree(REPO / "data", root / "data", ignore=shutil.ignore_patterns("*.duckdb", "*.duckdb.wal"))
        project = Project.open(root)
        ensure_store(project)
        month = Month.parse(args.month)

        data, gather_w, gather_c = _timed(read_month, project, month)
        result = runner.run_checks(project, data)  # warm-up (first GX context, caches)
        totals, cpus = [], []
        for _ in range(args.runs):
            result, w, c = _timed(runner.run_checks, project, data)
            totals.append(w)
            cpus.append(c)

        frames, prepare_w, prepare_c = _timed(runner.prepare_inputs, project, data)
        suites = load_suites(project.root)
        params = parameters(project.config.anomalies)
        _, validate_w, validate_c = _timed(runner.validate, frames, suites, params)

        expectations = sum(len(suites[name]["expectations"]) for name in frames)
        rows = {name: len(frame) for name, frame in frames.items()}

    median, median_cpu = statistics.median(totals), statistics.median(cpus)
    print(f"cpb check benchmark: demo month {month}, {args.runs} runs after one warm-up")
    print(f"  GX import (not in the runs):    {import_wall:6.2f} s wall, {import_cpu:6.2f} s CPU")
    print(
        f"  run_checks median:              {median:6.2f} s wall, {median_cpu:6.2f} s CPU "
        f"(min {min(totals):.2f} s, max {max(totals):.2f} s)"
    )
    print(f"  the month's data read once (files, store), not in the runs: {gather_w:.2f} s wall, {gather_c:.2f} s CPU")
    print(f"    prepare (derived columns):    {prepare_w:6.2f} s wall, {prepare_c:6.2f} s CPU")
    print(f"    validate ({expectations} expectations): {validate_w:6.2f} s wall, {validate_c:6.2f} s CPU")
    print(f"  rows checked: {', '.join(f'{k} {v}' for k, v in rows.items())}")
    print(f"  result: {result.counts()}")
    print(
        f"  ratio to the {TARGET_SECONDS:.0f} s target: {median / TARGET_SECONDS:.2f} wall, {median_cpu / TARGET_SECONDS:.2f} CPU"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

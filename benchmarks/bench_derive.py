"""Benchmark: derive five years of a council of 1,000 children looked after from its 903 tables.

Writes a synthetic council (``write_synthetic``, not timed against the target),
then times reading and checking the tables, joining the years, and computing
every definition for every month end, on one core. Peak memory is measured in
one more run under ``tracemalloc`` (which slows it, so it is not timed), and the
process's peak resident size is printed at the end. With ``--validate``, DfE's rules are run
too (one collection year, in their own environment) and timed on their own.

Run: ``python benchmarks/bench_derive.py [--children 1000] [--years 5] [--runs 3] [--validate]``.
Target: reading plus deriving under 10 s.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

TARGET_SECONDS = 10.0


def _timed(func, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    value = func(*args, **kwargs)
    return value, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=1000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--validate", action="store_true", help="also time DfE's rules on the last year")
    args = parser.parse_args()

    from cpblib.derive import write_synthetic
    from cpblib.derive._definitions import combine, default_through, derive
    from cpblib.derive._tables import read_tables
    from cpblib.month import Month

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "903"
        _, wall, _ = _timed(write_synthetic, out, children=args.children, years=args.years, seed=1)
        files = sorted(out.rglob("*.csv"))
        size = sum(p.stat().st_size for p in files)
        print(
            f"synthetic council: {args.children} children looked after, {args.years} years, "
            f"{len(files)} files, {size / 1e6:.1f} MB (written in {wall:.1f} s)"
        )

        def once():
            (tables, _), read_wall, read_cpu = _timed(read_tables, [out])
            data, join_wall, _ = _timed(combine, tables, {2024: 67000.0})
            figures, derive_wall, derive_cpu = _timed(derive, data, default_through(data, Month.today()))
            return tables, figures, (read_wall, read_cpu, join_wall, derive_wall, derive_cpu)

        totals = []
        for run in range(args.runs):
            tables, figures, (read_wall, read_cpu, join_wall, derive_wall, derive_cpu) = once()
            rows = sum(len(t.frame) for t in tables)
            total = read_wall + join_wall + derive_wall
            totals.append(total)
            print(
                f"run {run + 1}: read {read_wall:.2f} s (cpu {read_cpu:.2f}), join {join_wall:.2f} s, "
                f"derive {derive_wall:.2f} s (cpu {derive_cpu:.2f}) -> {total:.2f} s; "
                f"{rows} rows in, {len(figures)} figures out"
            )
        median = statistics.median(totals)
        tracemalloc.start()
        once()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        resident = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"median {median:.2f} s (target under {TARGET_SECONDS:.0f} s); peak memory allocated by the "
            f"derivation {peak / 2**20:.0f} MiB; peak resident size of the process {resident:.0f} MiB"
        )

        if args.validate:
            import os

            from cpblib.derive._validator import validate_year

            python = os.environ.get("CPB_SSDA903_PYTHON")
            if not python:
                print("DfE's rules: set CPB_SSDA903_PYTHON to the validator environment's Python")
            else:
                last = max(t.year for t in tables)
                result, wall, _ = _timed(validate_year, Path(python), last, tables, "E06000059")
                print(f"DfE's rules on {last - 1}-{last % 100:02d}: {wall:.1f} s, {len(result.findings)} findings")
    return 0 if median < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())

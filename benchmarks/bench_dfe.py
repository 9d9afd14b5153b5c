"""Benchmark: import every shipped DfE file and compute comparators for every council.

Steps, each timed:

1. import every data file in ``shared/dfe`` (EES CSVs, the Ofsted workbook,
   statistical-neighbour lists, the LAIT long table and dictionary) into a
   fresh store in a temporary folder;
2. import them all again (every file already stored: must be a no-op);
3. comparators (council, England, region, SN mean, Good/Outstanding SN) for
   every LA and every indicator of ``data/benchmark_sources.csv``;
4. ranks and quartile bands for every LA.

Prints the seconds for each step, the total, and the ratio to the 30-second
target. Run: ``python benchmarks/bench_dfe.py [--dfe DIR]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from cpblib.dfe import all_bands, all_comparators, import_files

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 30.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dfe", type=Path, default=REPO / ".." / "shared" / "dfe", help="folder of DfE files")
    parser.add_argument("--sources", type=Path, default=REPO / "data" / "benchmark_sources.csv")
    args = parser.parse_args(argv)
    folders = [args.dfe / "ees", args.dfe / "lait"]
    if not all(f.is_dir() for f in folders):
        print(f"no DfE files in {args.dfe.resolve()}", file=sys.stderr)
        return 1
    files = sorted(p for folder in folders for p in folder.iterdir() if p.is_file())
    size = sum(p.stat().st_size for p in files) / 1e6
    timings: list[tuple[str, float, str]] = []

    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "cpb.duckdb"

        start = time.perf_counter()
        report = import_files(store, files)
        imported = int((report["status"] == "imported").sum())
        timings.append(
            (
                "import all files into a fresh store",
                time.perf_counter() - start,
                f"{len(files)} files, {size:.1f} MB, {imported} releases, {report['rows'].sum():,} rows",
            )
        )

        start = time.perf_counter()
        again = import_files(store, files)
        timings.append(
            (
                "import them again (no-op)",
                time.perf_counter() - start,
                f"{int((again['status'] == 'already imported').sum())} already imported",
            )
        )

        start = time.perf_counter()
        frame = all_comparators(store, args.sources)
        timings.append(
            (
                "comparators for every council",
                time.perf_counter() - start,
                (
                    f"{frame['la_code'].nunique()} LAs, {frame['indicator'].nunique()} indicators, "
                    f"{len(frame):,} rows, {int(frame['value'].notna().sum()):,} with a value"
                ),
            )
        )

        start = time.perf_counter()
        ranked = all_bands(store, args.sources)
        timings.append(
            ("ranks and quartile bands for every council", time.perf_counter() - start, f"{len(ranked):,} rows")
        )
        store_mb = store.stat().st_size / 1e6

    total = sum(seconds for _, seconds, _ in timings)
    width = max(len(step) for step, _, _ in timings)
    for step, seconds, detail in timings:
        print(f"{step:<{width}}  {seconds:7.2f} s  ({detail})")
    print(f"{'total':<{width}}  {total:7.2f} s  (store {store_mb:.1f} MB)")
    print(f"target {TARGET_SECONDS:.0f} s: total / target = {total / TARGET_SECONDS:.2f}")
    return 0 if total < TARGET_SECONDS else 2


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: how long ``cpb import scorecard`` takes on a large council's scorecard.

Writes a made-up scorecard of 300 indicators by 60 months (a target and three benchmarks each, 18,000
figures) as CSV, starts a project with ``cpb init``, and times placing the cells (``place_cells``) and the
whole import (placing, checking every table with the project's suites, writing the files), then the same
import again (every row merged with the project's own). Prints the seconds of each, wall clock and CPU.

Run: ``python benchmarks/bench_import.py [--indicators N] [--months M]``.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from cpblib.adopt import import_scorecard, place_cells, read_mapping
from cpblib.init import init_project
from cpblib.inputs.catalogue import INDICATOR_COLUMNS
from cpblib.inputs.files import read_table
from cpblib.inputs.load import empty_table
from cpblib.month import Month
from cpblib.project import Project

MAPPING = """[columns]
indicator = "Indicator"
polarity = "Good is"
target = "Target"

[[benchmarks]]
column = "England"
comparator = "england"
year = "2021-22"

[[benchmarks]]
column = "SN"
comparator = "sn"
year = "2021-22"

[[benchmarks]]
column = "Region"
comparator = "region"
year = "2021-22"
"""


def _timed(step):
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--indicators", type=int, default=300)
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args()
    months = [str(Month(2018, 4) + i) for i in range(args.months)]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        scorecard, mapping = root / "scorecard.csv", root / "mapping.toml"
        with scorecard.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Indicator", "Good is", *months, "Target", "England", "SN", "Region"])
            for i in range(args.indicators):
                figures = [f"{40 + (i + j) % 17}.{j % 10}" for j in range(args.months)]
                writer.writerow([f"Measure {i} (%)", "High", *figures, "50", "48.5", "49", "47.5"])
        mapping.write_text(MAPPING, encoding="utf-8")
        init_project(root / "project", name="Benchmarkshire", la_code="999")
        project = Project.open(root / "project")
        table = read_table(scorecard)
        rules = read_mapping(mapping)
        placement, wall, cpu = _timed(lambda: place_cells(table, rules, "mapping.toml", empty_table(INDICATOR_COLUMNS)))
        print(f"scorecard: {args.indicators} indicators x {args.months} months = {len(placement.figures):,} figures")
        print(f"place_cells: {wall:.2f} s wall, {cpu:.2f} s CPU")
        result, wall, cpu = _timed(lambda: import_scorecard(project, scorecard, mapping))
        print(f"import_scorecard (read, place, check, write): {wall:.2f} s wall, {cpu:.2f} s CPU")
        print(f"unplaced cells: {len(result.placement.unplaced)}")
        _, wall, cpu = _timed(lambda: import_scorecard(project, scorecard, mapping))
        print(f"the same import again (everything merged, nothing written): {wall:.2f} s wall, {cpu:.2f} s CPU")


if __name__ == "__main__":
    main()

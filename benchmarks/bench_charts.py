"""Benchmark: how long one chart of the pack takes, from figures to static SVG.

Draws the trend chart of every indicator of the bundled demo project (Dorset,
report month March 2023; indicators with fewer than two figures give no
chart) plus the two summary charts, and times each step per chart:
gathering the data (``trend_data``), building the Altair chart
(``trend_chart``), writing the Vega-Lite spec (``chart_spec``), drawing the
SVG with ``vl_convert`` (``spec_to_svg``) and the whole display bundle
(``chart_bundle``). The first ``vl_convert`` call starts its JavaScript
engine and is timed separately. Prints medians (wall clock and CPU), the
total for the pack, and the ratio of SVG drawing to chart building.

Run: ``python benchmarks/bench_charts.py [--js]`` (``--js`` also times
building the local Vega/vega-embed script for the site).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

from cpblib.inputs import catalogue as cat
from cpblib.month import Month
from cpblib.present.charts import (
    chart_bundle,
    chart_spec,
    direction_count_chart,
    rag_count_chart,
    spec_to_svg,
    trend_chart,
    trend_data,
)
from cpblib.present.charts._display import javascript_bundle

DATA = Path(__file__).resolve().parents[1] / "data"
MONTH = Month(2023, 3)


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False).replace("", None)


def demo_inputs() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame]]:
    catalogue = cat.validate_indicators(_read("indicators.csv"))
    options = {
        "targets": cat.validate_targets(_read("targets.csv"), catalogue),
        "benchmarks": cat.validate_benchmarks(_read("benchmarks.csv"), catalogue),
        "annotations": cat.validate_annotations(_read("annotations.csv"), catalogue),
    }
    history = pd.concat(
        [pd.read_csv(path, dtype={"period": str}) for path in sorted((DATA / "extracts").glob("*.csv"))],
        ignore_index=True,
    ).drop_duplicates(["indicator", "period"])
    return cat.active_indicators(catalogue, MONTH), history, options


def timed(function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--js", action="store_true", help="also time building the local JavaScript bundle")
    args = parser.parse_args(argv)

    indicators, history, options = demo_inputs()
    tiny = {"mark": "point", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a", "type": "quantitative"}}}
    _, start_wall, _ = timed(spec_to_svg, tiny)
    print(f"vl_convert engine start (first conversion): {start_wall * 1000:.0f} ms")

    names = ("trend_data", "trend_chart", "chart_spec", "spec_to_svg", "chart_bundle")
    steps: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    drawn = skipped = 0
    for row in indicators.to_dict("records"):
        _data, wall, cpu = timed(trend_data, history, row, **options)
        steps["trend_data"].append((wall, cpu))
        chart, wall, cpu = timed(trend_chart, history, row, **options)
        if chart is None:
            skipped += 1
            continue
        drawn += 1
        steps["trend_chart"].append((wall, cpu))
        spec, wall, cpu = timed(chart_spec, chart)
        steps["chart_spec"].append((wall, cpu))
        _, wall, cpu = timed(spec_to_svg, spec)
        steps["spec_to_svg"].append((wall, cpu))
        _, wall, cpu = timed(chart_bundle, chart)
        steps["chart_bundle"].append((wall, cpu))
    scored = pd.DataFrame(
        {"rag": ["green", "amber", "red", None] * 10, "direction": ["improving", "same", "worsening", None] * 10}
    )
    for make in (rag_count_chart, direction_count_chart):
        _, wall, cpu = timed(chart_bundle, make(scored))
        steps["chart_bundle"].append((wall, cpu))

    print(f"{len(indicators)} active indicators in {MONTH}: {drawn} trend charts, {skipped} with too few figures")
    print(f"{'step':14s} {'median wall ms':>15s} {'median cpu ms':>14s} {'total wall s':>13s}")
    for step, times in steps.items():
        walls, cpus = [w for w, _ in times], [c for _, c in times]
        wall, cpu = statistics.median(walls) * 1000, statistics.median(cpus) * 1000
        print(f"{step:14s} {wall:15.1f} {cpu:14.1f} {sum(walls):13.2f}")
    build = statistics.median(w for w, _ in steps["trend_chart"]) + statistics.median(w for w, _ in steps["chart_spec"])
    svg = statistics.median(w for w, _ in steps["spec_to_svg"])
    print(f"ratio SVG drawing / chart building (medians): {svg / build:.2f}")
    if args.js:
        text, wall, _ = timed(javascript_bundle)
        print(f"javascript bundle: {len(text) / 1e6:.2f} MB in {wall:.1f} s (once per process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

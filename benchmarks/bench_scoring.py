"""Benchmark: scoring a national history, vectorised against a naive row-by-row version.

Builds a synthetic history of 153 local authorities x 70 indicators x 120
months (about 1.3 million rows: a mix of units, polarities, frequencies,
arrears, targets, benchmarks and missing values) from a fixed seed, then
times ``cpblib.scoring.score(..., keys=("la",))`` for the latest month and a
plain-Python implementation of the same rules that loops over authority x
indicator with dictionary lookups. Both must agree on rag, direction,
exception, trend, worsening_periods and the reasons.

Run: ``python benchmarks/bench_scoring.py`` (one core: thread pools are
limited to one thread before numpy is imported).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS", "ARROW_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import gc
import itertools
import math
import resource
import sys
import time
import tracemalloc
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from cpblib.config import Calendar, RagRules
from cpblib.month import Month
from cpblib.scoring import packaged_headings, score

SEED = 20230331
N_LA = 153
N_INDICATORS = 70
N_MONTHS = 120
FIRST_MONTH = Month(2014, 4)
REPORT_MONTH = FIRST_MONTH + (N_MONTHS - 1)  # 2024-03
COMPARATORS = ("england", "region", "sn", "good_sn")


# -- synthetic data --------------------------------------------------------------------------------------------------
def build_catalogue(rng: np.random.Generator) -> pd.DataFrame:
    units = ["count", "percent", "rate_per_10000", "days", "score", "ratio"]
    rows = []
    for i in range(N_INDICATORS):
        unit = units[i % len(units)]
        method = rng.choice(["target", "target", "range", "none"])
        polarity = rng.choice(["high", "low"]) if method == "target" else rng.choice(["high", "low", "none"])
        frequency = rng.choice(["monthly"] * 6 + ["quarterly"] * 2 + ["termly", "annual"])
        rows.append(
            {
                "indicator": f"indicator-{i:02d}",
                "name": f"Indicator {i}",
                "domain": f"Domain {i % 9}",
                "unit": unit,
                "polarity": polarity,
                "decimals": int(0 if unit == "count" else rng.integers(0, 3)),
                "frequency": frequency,
                "period_type": "in_period" if unit == "count" and i % 2 else "snapshot",
                "arrears_months": int(rng.choice([0, 0, 0, 1, 2, 3])),
                "year_type": rng.choice(["financial", "academic"]),
                "rag_method": method,
                "tolerance": rng.choice([np.nan, 0.0, 2.0, 5.0]),
                "tolerance_type": rng.choice([None, "relative", "absolute"]),
                "red_rule": rng.choice([None, "relative", "absolute", "worse_than_england", "none"]),
                "red_threshold": rng.choice([np.nan, 5.0, 10.0, 20.0]),
                "first_month": None,
                "last_month": None,
                "headline": None,
            }
        )
    catalogue = pd.DataFrame(rows)
    for column in (
        "indicator",
        "name",
        "domain",
        "unit",
        "polarity",
        "frequency",
        "period_type",
        "year_type",
        "rag_method",
        "tolerance_type",
        "red_rule",
        "first_month",
        "last_month",
        "headline",
    ):
        catalogue[column] = catalogue[column].astype(object)
    catalogue["decimals"] = catalogue["decimals"].astype("Int64")
    catalogue["arrears_months"] = catalogue["arrears_months"].astype("Int64")
    return catalogue


def build_values(rng: np.random.Generator, catalogue: pd.DataFrame) -> pd.DataFrame:
    n_ind = len(catalogue)
    level = rng.uniform(5, 95, size=(N_LA, n_ind, 1))
    walk = rng.normal(0, 1.5, size=(N_LA, n_ind, N_MONTHS)).cumsum(axis=2) * rng.uniform(0.1, 1.0, size=(1, n_ind, 1))
    places = catalogue["decimals"].to_numpy(dtype="int64")[None, :, None] + 1
    raw = (
        np.rint(np.abs(level + walk) * 10.0**places) / 10.0**places
    )  # as typed: one place more than shown, so halves are common
    repeat = rng.random(size=raw.shape) < 0.08  # a run of unchanged figures now and then
    raw[..., 1:] = np.where(repeat[..., 1:], raw[..., :-1], raw[..., 1:])
    missing = rng.random(size=raw.shape) < 0.03
    value = np.where(missing, np.nan, raw).ravel()
    reason = np.where(
        missing,
        np.where(rng.random(size=raw.shape) < 0.5, "suppressed (c): confidential or small number", "blank"),
        None,
    ).ravel()
    las = np.array([f"{800 + i:03d}" for i in range(N_LA)], dtype=object)
    periods = np.array([str(FIRST_MONTH + m) for m in range(N_MONTHS)], dtype=object)
    frame = pd.DataFrame(
        {
            "la": np.repeat(las, n_ind * N_MONTHS),
            "indicator": np.tile(np.repeat(catalogue["indicator"].to_numpy(dtype=object), N_MONTHS), N_LA),
            "period": np.tile(periods, N_LA * n_ind),
            "value": value,
            "missing_reason": pd.Series(reason, dtype=object),
            "numerator": np.nan,
            "denominator": np.nan,
            "note": pd.Series([None] * value.size, dtype=object),
        }
    )
    return frame.sample(frac=1.0, random_state=SEED).reset_index(drop=True)  # no help from the row order


def build_targets(rng: np.random.Generator, catalogue: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for row in catalogue.itertuples():
        if row.rag_method == "target" and rng.random() < 0.9:
            rows.append(
                {"indicator": row.indicator, "from_month": "2022-04", "target": round(float(rng.uniform(20, 80)), 1)}
            )
            rows.append(
                {"indicator": row.indicator, "from_month": "2023-04", "target": round(float(rng.uniform(20, 80)), 1)}
            )
        elif row.rag_method == "range" and rng.random() < 0.9:
            lower = round(float(rng.uniform(20, 50)), 1)
            rows.append(
                {"indicator": row.indicator, "from_month": "2023-04", "range_lower": lower, "range_upper": lower + 25}
            )
    return pd.DataFrame(
        rows, columns=["indicator", "from_month", "target", "range_lower", "range_upper", "source"]
    ).astype({"indicator": object, "from_month": object, "source": object})


def build_benchmarks(rng: np.random.Generator, catalogue: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for indicator in catalogue["indicator"]:
        for comparator in COMPARATORS:
            for year in ("2021-22", "2022-23"):
                if rng.random() < 0.8:
                    rows.append(
                        {
                            "indicator": indicator,
                            "comparator": comparator,
                            "year": year,
                            "value": round(float(rng.uniform(10, 90)), 1),
                            "source": None,
                        }
                    )
    return pd.DataFrame(rows).astype({"indicator": object, "comparator": object, "year": object, "source": object})


def build_overrides(catalogue: pd.DataFrame) -> pd.DataFrame:
    rated = catalogue.loc[catalogue["rag_method"] != "none", "indicator"].iloc[:2].tolist()
    return pd.DataFrame(
        {
            "month": [str(REPORT_MONTH)] * 2,
            "indicator": rated,
            "rag": ["green", "red"],
            "reason": ["agreed by the board", "data quality"],
        },
        dtype=object,
    )


# -- naive reference: plain Python, one authority and indicator at a time ---------------------------------------------
def _round(x: float, places: int) -> Decimal:
    """Half away from zero at ``places``, after clearing float noise of the scaled figure (as cpb does)."""
    scaled = Decimal(repr(round(x * 10**places, 6))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return scaled.scaleb(-places)


def _fmt(x: float, places: int, suffix: str = "") -> str:
    return f"{_round(x, places):f}{suffix}"


def _plain(x: float) -> str:
    return f"{x:g}"


def _period_ends(row: dict, calendar: Calendar) -> set[int]:
    fy = calendar.financial_year_start
    if row["frequency"] == "monthly":
        return set(range(1, 13))
    if row["frequency"] == "quarterly":
        return {(fy - 1 + 2 + 3 * k) % 12 + 1 for k in range(4)}
    if row["frequency"] == "termly":
        return set(calendar.term_end_months)
    start = calendar.academic_year_start if row["year_type"] == "academic" else fy
    return {(start - 2) % 12 + 1}


def _periods(row: dict, month: Month, calendar: Calendar, steps: int = 6) -> list[str]:
    ends = _period_ends(row, calendar)
    current = month - int(row["arrears_months"] or 0)
    while current.month not in ends:
        current = current - 1
    out = []
    for _ in range(steps):
        out.append(current)
        current = current - 1
        while current.month not in ends:
            current = current - 1
    return [str(p) for p in out]


def _latest_year_key(label: str) -> tuple[int, str]:
    return (int(label[:4]) + (1 if len(label) == 7 else 0), label)


def naive_score(values, catalogue, month, targets, benchmarks, overrides, rules=RagRules(), calendar=Calendar()):
    month = Month.parse(month)
    report = str(month)
    figures: dict[tuple[str, str, str], tuple[float, object]] = {}
    authorities = set()
    for la, indicator, period, value, reason in zip(
        values["la"].tolist(),
        values["indicator"].tolist(),
        values["period"].tolist(),
        values["value"].tolist(),
        values["missing_reason"].tolist(),
    ):
        figures[(la, indicator, period)] = (value, reason)
        authorities.add(la)
    in_force: dict[str, dict] = {}
    for row in targets.to_dict("records"):
        if row["from_month"] <= report and (
            row["indicator"] not in in_force or in_force[row["indicator"]]["from_month"] < row["from_month"]
        ):
            in_force[row["indicator"]] = row
    latest: dict[tuple[str, str], dict] = {}
    for row in benchmarks.to_dict("records"):
        key = (row["indicator"], row["comparator"])
        if key not in latest or _latest_year_key(latest[key]["year"]) < _latest_year_key(row["year"]):
            latest[key] = row
    override = {row["indicator"]: row for row in overrides.to_dict("records") if row["month"] == report}
    headings = [(rule.heading, {c.column: c.codes for c in rule.conditions}) for rule in packaged_headings().rules]
    assert all(set(codes) <= {"rag", "direction"} for _, codes in headings)  # the five use RAG and direction only

    def heading_of(rag, direction):
        for heading, codes in headings:
            if rag in codes["rag"] and (direction or "unknown") in codes.get("direction", (direction or "unknown",)):
                return heading
        return None

    labels = {"green": "Green", "amber": "Amber", "red": "Red"}
    indicators = catalogue.to_dict("records")

    out = []
    for la in sorted(authorities):
        for ind in indicators:
            name = ind["indicator"]
            places = int(ind["decimals"])
            sign = {"high": 1, "low": -1}.get(ind["polarity"], 0)
            suffix = "%" if ind["unit"] == "percent" else ""
            gap_suffix = " points" if ind["unit"] == "percent" else ""
            periods = _periods(ind, month, calendar)
            found = [figures.get((la, name, p), (math.nan, None)) for p in periods]
            history = [v for v, _ in found]
            value, previous = history[0], history[1]
            reason_now = found[0][1]

            # direction
            direction = None
            if sign == 0:
                direction_reason = "no polarity"
            elif math.isnan(value):
                plain = reason_now in (None, "", "blank") or (isinstance(reason_now, float) and math.isnan(reason_now))
                direction_reason = f"no value yet for {periods[0]}" if plain else f"value for {periods[0]} {reason_now}"
            elif math.isnan(previous):
                direction_reason = f"no previous value for {periods[1]}"
            else:
                change = (_round(value, places) - _round(previous, places)) * sign
                direction = "same" if change == 0 else ("improving" if change > 0 else "worsening")
                direction_reason = None
            arrears = int(ind["arrears_months"] or 0)
            if arrears:
                note = f"reported {arrears} month{'s' if arrears != 1 else ''} in arrears"
                direction_reason = f"{direction_reason}; {note}" if direction_reason else note

            # England comparison (for the worse_than_england rule)
            england = latest.get((name, "england"))
            england_value = england["value"] if england else math.nan
            england_cmp = None
            if sign and not math.isnan(value) and not math.isnan(england_value):
                change = (_round(value, places) - _round(england_value, places)) * sign
                england_cmp = "in_line" if change == 0 else ("better" if change > 0 else "worse")

            # RAG: how far a figure misses its reference (a target, or a range's nearer end) decides it
            tolerance = ind["tolerance"] if not _blank(ind["tolerance"]) else rules.tolerance
            absolute = (ind["tolerance_type"] or rules.tolerance_type) == "absolute"
            red_rule = ind["red_rule"] or rules.red_rule
            red_threshold = ind["red_threshold"] if not _blank(ind["red_threshold"]) else rules.red_threshold
            target_row = in_force.get(name, {})
            target = _num(target_row.get("target"))
            lower, upper = _num(target_row.get("range_lower")), _num(target_row.get("range_upper"))
            rag = None
            shown_value = float(_round(value, places)) if not math.isnan(value) else math.nan
            settings = {
                "tolerance": tolerance, "absolute": absolute, "red_rule": red_rule, "red_threshold": red_threshold,
                "england_value": england_value, "england_cmp": england_cmp, "places": places, "suffix": suffix,
            }  # fmt: skip
            if ind["rag_method"] not in ("target", "range"):
                rag_reason = "not rated"
            elif ind["rag_method"] == "target" and sign == 0:
                rag_reason = "no polarity"
            elif ind["rag_method"] == "target" and math.isnan(target):
                rag_reason = f"no target for {report}"
            elif ind["rag_method"] == "range" and (math.isnan(lower) or math.isnan(upper)):
                rag_reason = f"no expected range for {report}"
            elif math.isnan(value):
                rag_reason = f"no value for {periods[0]}"
            elif ind["rag_method"] == "target":
                bad = round((target - shown_value) * sign, 9)
                off = f"{_fmt(abs(bad), places, gap_suffix)} off target"
                if bad <= 0:
                    rag, detail = "green", "meets target"
                else:
                    rag, verdict = _judged(bad, target, "target", settings)
                    detail = off + verdict
                rag_reason = f"{_fmt(value, places, suffix)} against target {_fmt(target, places, suffix)}: {detail}"
            else:  # the range's nearer end plays the part of the target
                below, above = round(lower - shown_value, 9) > 0, round(shown_value - upper, 9) > 0
                missed = below if sign > 0 else above if sign < 0 else (below or above)
                low_side = True if sign > 0 else False if sign < 0 else below
                end, end_name = (lower, "the lower end") if low_side else (upper, "the upper end")
                gap = round(lower - shown_value if low_side else shown_value - upper, 9)
                bounds = f"{_fmt(lower, places, suffix)} to {_fmt(upper, places, suffix)}"
                shown_text = f"{_fmt(value, places, suffix)} is {'above' if above else 'below'} the expected range"
                if not (below or above):
                    rag, rag_reason = "green", f"{_fmt(value, places, suffix)} is inside the expected range {bounds}"
                elif not missed:
                    rag, rag_reason = "green", f"{shown_text} {bounds} ({'higher' if above else 'lower'} is better)"
                else:
                    rag, verdict = _judged(gap, end, end_name, settings)
                    rag_reason = f"{shown_text} {bounds} by {_fmt(abs(gap), places, gap_suffix)}{verdict}"
            if name in override:
                given = override[name]
                rag_reason = f"Override: {given['reason']} (rule gave {labels.get(rag, 'no rating')})"
                rag = given["rag"]

            exception = heading_of(rag, direction) if rag else None

            # trend over the six periods, oldest first
            points = [(5 - k, v) for k, v in enumerate(history) if not math.isnan(v)]
            trend = None
            if len(points) >= 3:
                n = len(points)
                sx = sum(x for x, _ in points)
                sy = sum(y for _, y in points)
                sxx = sum(x * x for x, _ in points)
                sxy = sum(x * y for x, y in points)
                slope = (n * sxy - sx * sy) / (n * sxx - sx * sx)
                span = max(x for x, _ in points) - min(x for x, _ in points)
                change = _round(slope * span, places)
                trend = "flat" if change == 0 else ("up" if change > 0 else "down")
            run = 0
            if sign:
                for later, earlier in itertools.pairwise(history):
                    if (
                        math.isnan(later)
                        or math.isnan(earlier)
                        or (_round(later, places) - _round(earlier, places)) * sign >= 0
                    ):
                        break
                    run += 1
            out.append(
                {
                    "la": la,
                    "indicator": name,
                    "period": periods[0],
                    "direction": direction,
                    "direction_reason": direction_reason,
                    "rag": rag,
                    "rag_reason": rag_reason,
                    "exception": exception,
                    "trend": trend,
                    "worsening_periods": run,
                }
            )
    return pd.DataFrame(out)


def _judged(bad: float, reference: float, relative_to: str, s: dict) -> tuple[str, str]:
    """RAG and the end of its reason for a figure that misses its reference (a target, a range's nearer end)."""
    allowance = round(s["tolerance"] if s["absolute"] else s["tolerance"] / 100 * abs(reference), 9)
    absolute_red = s["red_rule"] == "absolute"
    limit = round(s["red_threshold"] if absolute_red else s["red_threshold"] / 100 * abs(reference), 9)
    tol_text = f"{_plain(s['tolerance'])}{' points' if s['absolute'] else '% of ' + relative_to}"
    thr_text = f"{_plain(s['red_threshold'])}{' points' if absolute_red else '% of ' + relative_to}"
    england = s["england_value"]
    eng_text = f" ({_fmt(england, s['places'], s['suffix'])})" if not math.isnan(england) else " ()"
    if bad <= allowance:
        return "green", f", within tolerance ({tol_text})"
    if s["red_rule"] == "worse_than_england":
        if s["england_cmp"] == "worse":
            return "red", f" and worse than England{eng_text}"
        if s["england_cmp"] is None:
            return "amber", "; no England figure to compare with"
        return "amber", f" but not worse than England{eng_text}"
    if s["red_rule"] == "none":
        return "amber", " (never Red for this indicator)"
    if bad > limit:
        return "red", f", beyond the red threshold ({thr_text})"
    return "amber", f", within the red threshold ({thr_text})"


def _blank(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _num(x) -> float:
    return math.nan if _blank(x) else float(x)


# -- timing ----------------------------------------------------------------------------------------------------------
def best_of(runs: int, function, *args, **kwargs):
    """Best wall-clock and best CPU seconds over ``runs`` calls, and the last result."""
    wall, cpu, result = math.inf, math.inf, None
    for _ in range(runs):
        gc.collect()
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        result = function(*args, **kwargs)
        wall = min(wall, time.perf_counter() - start_wall)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu, result


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin" else 1024 * 1024)


COMPARED = ["la", "indicator", "period", "rag", "direction", "exception", "trend", "worsening_periods", "rag_reason"]
COMPARED += ["direction_reason"]


def check_agreement(scored: pd.DataFrame, reference: pd.DataFrame) -> None:
    assert len(scored) == len(reference), (len(scored), len(reference))
    for column in COMPARED:
        ours = [None if pd.isna(x) else x for x in scored[column].tolist()]
        theirs = [None if pd.isna(x) else x for x in reference[column].tolist()]
        differ = [i for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b]
        assert not differ, (
            f"{column} differs in {len(differ)} rows, "
            f"e.g. row {differ[0]}: {ours[differ[0]]!r} != {theirs[differ[0]]!r}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each implementation (best is kept)")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(SEED)
    catalogue = build_catalogue(rng)
    values = build_values(rng, catalogue)
    targets = build_targets(rng, catalogue)
    benchmarks = build_benchmarks(rng, catalogue)
    overrides = build_overrides(catalogue)
    inputs = {"targets": targets, "benchmarks": benchmarks, "overrides": overrides}
    rss_data = max_rss_mb()

    fast_wall, fast_cpu, scored = best_of(args.runs, score, values, catalogue, REPORT_MONTH, keys=("la",), **inputs)
    rss_vectorised = max_rss_mb()
    tracemalloc.start()
    score(values, catalogue, REPORT_MONTH, keys=("la",), **inputs)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    naive_wall, naive_cpu, reference = best_of(
        args.runs, naive_score, values, catalogue, REPORT_MONTH, targets, benchmarks, overrides
    )
    check_agreement(scored, reference)

    print(f"history rows:              {len(values):,}")
    print(
        f"scored rows:               {len(scored):,} "
        f"({scored['la'].nunique()} authorities x {scored['indicator'].nunique()} indicators)"
    )
    print(f"vectorised score:          {fast_wall:.3f} s wall, {fast_cpu:.3f} s CPU (best of {args.runs})")
    print(f"naive row-by-row:          {naive_wall:.3f} s wall, {naive_cpu:.3f} s CPU (best of {args.runs})")
    print(f"ratio:                     {naive_wall / fast_wall:.0f}x wall, {naive_cpu / fast_cpu:.0f}x CPU")
    print(f"peak memory, score():      {traced_peak / 2**20:.0f} MB (tracemalloc: Python and numpy allocations)")
    print(f"peak memory, process:      {rss_data:.0f} MB after building the data, {rss_vectorised:.0f} MB after")
    print(f"                           vectorised scoring, {max_rss_mb():.0f} MB after the naive runs (ru_maxrss)")
    print("agreement:                 rag, direction, exception, trend, worsening_periods and reasons identical")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Comparison with benchmarks (England, region, statistical neighbours...).

For each indicator and comparator the benchmark of the latest year is used
(years are labels such as ``2021-22`` or ``2022``; the latest is the one
ending last). The gap is the value minus the benchmark; the comparison is
``in_line`` when both print the same at the indicator's precision, else
``better`` or ``worse`` through the polarity.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..config import COMPARATORS
from ..errors import InputError
from ..month import Month
from ._direction import decimals_of, sign_of
from ._numbers import compare_rounded
from ._text import choose, strings, text_column

BENCHMARK_FIELDS = ("value", "year", "gap", "comparison")
"""Columns added per comparator ``c``: ``c_value``, ``c_year``, ``c_gap``, ``c_comparison``."""


def _year_end(labels: np.ndarray) -> np.ndarray:
    """The calendar year a label ends in: ``2021-22`` -> 2022, ``2022`` -> 2022 (-1 if unreadable)."""
    text = pd.Series(labels, dtype="string")
    start = pd.to_numeric(text.str.slice(0, 4), errors="coerce")
    two_year = text.str.len() == 7
    return (start + two_year.astype("Float64").fillna(0)).fillna(-1).to_numpy(dtype="int64")


def latest_benchmarks(benchmarks: pd.DataFrame | None, comparators: Sequence[str] = COMPARATORS) -> pd.DataFrame:
    """One row per indicator with ``c_value`` and ``c_year`` for each comparator (latest year each).

    The latest year is the one whose label ends last (``2021-22`` ends in
    2022); between labels ending in the same year the one sorting last wins.

    >>> b = pd.DataFrame({"indicator": ["x", "x", "x"], "comparator": ["england", "england", "sn"],
    ...                   "year": ["2020-21", "2021-22", "2021-22"], "value": [70.0, 71.0, 65.0]})
    >>> latest_benchmarks(b, ["england", "sn"]).values.tolist()
    [['x', 71.0, '2021-22', 65.0, '2021-22']]
    """
    comparators = list(comparators)
    if benchmarks is None or benchmarks.empty:
        empty = {"indicator": pd.Series(dtype=object)}
        for comparator in comparators:
            empty[f"{comparator}_value"] = pd.Series(dtype="float64")
            empty[f"{comparator}_year"] = pd.Series(dtype=object)
        return pd.DataFrame(empty)
    missing = [c for c in ("indicator", "comparator", "year", "value") if c not in benchmarks]
    if missing:
        raise InputError("benchmarks.csv", "required column is missing", row=1, column=missing[0])
    value = benchmarks["value"].to_numpy(dtype="float64", na_value=np.nan)
    comparator_code = pd.Index(comparators, dtype=object).get_indexer(benchmarks["comparator"].to_numpy(dtype=object))
    usable = np.flatnonzero((comparator_code >= 0) & ~np.isnan(value))
    indicator_code, indicators = pd.factorize(benchmarks["indicator"].to_numpy(dtype=object)[usable])
    year = strings(benchmarks["year"])[usable]
    year_rank, _ = pd.factorize(year, sort=True)
    slot = indicator_code * len(comparators) + comparator_code[usable]
    order = np.lexsort((year_rank, _year_end(year), slot))
    last = order[np.r_[slot[order][1:] != slot[order][:-1], True]] if len(order) else order
    wide_value = np.full((len(indicators), len(comparators)), np.nan)
    wide_year = np.full((len(indicators), len(comparators)), None, dtype=object)
    wide_value[indicator_code[last], comparator_code[usable][last]] = value[usable][last]
    wide_year[indicator_code[last], comparator_code[usable][last]] = year[last]
    out = {"indicator": pd.Series(np.asarray(indicators, dtype=object), dtype=object)}
    for position, comparator in enumerate(comparators):
        out[f"{comparator}_value"] = pd.Series(wide_value[:, position], dtype="float64")
        out[f"{comparator}_year"] = pd.Series(wide_year[:, position], dtype=object)
    return pd.DataFrame(out)


def attach_benchmarks(
    indicators: pd.DataFrame, benchmarks: pd.DataFrame | None, comparators: Sequence[str] = COMPARATORS
) -> pd.DataFrame:
    """Left-join the latest benchmark of each comparator onto a catalogue-shaped frame."""
    latest = latest_benchmarks(benchmarks, comparators)
    row = pd.Index(latest["indicator"], dtype=object).get_indexer(indicators["indicator"].to_numpy(dtype=object))
    found = row >= 0
    added = {}
    for column in latest.columns.drop("indicator"):
        source = latest[column].to_numpy()
        if column.endswith("_year"):
            added[column] = text_column(
                np.where(found, source[np.maximum(row, 0)] if len(source) else None, None), indicators.index
            )
        else:
            added[column] = np.where(found, source[np.maximum(row, 0)] if len(source) else np.nan, np.nan)
    return indicators.assign(**added)


def comparison(value: np.ndarray, benchmark: np.ndarray, decimals: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """``better``/``worse``/``in_line`` per row; ``None`` when either figure is missing or no polarity.

    >>> value, benchmark = np.array([70.0, 70.0, 70.0]), np.array([70.04, 75.0, 75.0])
    >>> comparison(value, benchmark, np.array([1, 1, 1]), np.array([1, 1, -1])).tolist()
    ['in_line', 'worse', 'better']
    """
    change = compare_rounded(value, benchmark, decimals) * sign
    known = ~np.isnan(change) & (sign != 0)
    return choose([known & (change > 0), known & (change < 0), known & (change == 0)], ["better", "worse", "in_line"])


def add_comparisons(frame: pd.DataFrame, comparators: Sequence[str] = COMPARATORS) -> pd.DataFrame:
    """Add ``c_gap`` and ``c_comparison`` for each comparator ``c`` (``c_value`` must be present).

    >>> f = pd.DataFrame({"value": [72.0], "polarity": ["high"], "decimals": [1], "england_value": [70.0]})
    >>> add_comparisons(f, ["england"])[["england_gap", "england_comparison"]].values.tolist()
    [[2.0, 'better']]
    """
    value = frame["value"].to_numpy(dtype="float64", na_value=np.nan)
    sign, decimals = sign_of(frame), decimals_of(frame)
    added = {}
    for comparator in comparators:
        benchmark = frame[f"{comparator}_value"].to_numpy(dtype="float64", na_value=np.nan)
        added[f"{comparator}_gap"] = value - benchmark
        added[f"{comparator}_comparison"] = text_column(comparison(value, benchmark, decimals, sign), frame.index)
    return frame.assign(**added)


def year_end(label: str) -> Month:
    """The month a benchmark year label ends: ``2021-22`` in March 2022, ``2022`` in December 2022.

    >>> str(year_end("2021-22")), str(year_end("2022"))
    ('2022-03', '2022-12')
    """
    first = int(label[:4])
    return Month(first + 1, 3) if len(label) > 4 else Month(first, 12)


def benchmarks_known_by(benchmarks: pd.DataFrame, month: Month, lag_months: int) -> pd.DataFrame:
    """Only benchmark years a pack for ``month`` could have quoted: ended at least ``lag_months`` before it.

    >>> b = pd.DataFrame({"indicator": ["x", "x"], "comparator": ["england"] * 2, "year": ["2021-22", "2022-23"], "value": [70.0, 71.0]})
    >>> benchmarks_known_by(b, Month(2023, 3), 6)["year"].tolist()
    ['2021-22']
    """
    if benchmarks.empty:
        return benchmarks
    usable = [year_end(str(label)) + lag_months <= month for label in benchmarks["year"]]
    return benchmarks.loc[usable].reset_index(drop=True)

"""Comparison with benchmarks: England, region, statistical neighbours and any comparator a council declares.

For each indicator and comparator the benchmark of the latest year is used
(years are free labels naming a year or a span of years, such as ``2021-22``,
``2022`` or ``2016-19``; the latest is the one ending last, see
:func:`year_end`). The gap is the value minus the benchmark; the comparison is
``in_line`` when both print the same at the indicator's precision, else
``better`` or ``worse`` through the polarity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..config import BUILT_IN_COMPARATORS
from ..errors import InputError
from ..inputs.catalogue import year_label_span
from ..month import Month
from ._direction import decimals_of, sign_of
from ._numbers import compare_rounded
from ._text import choose, strings, text_column

BENCHMARK_FIELDS = ("value", "year", "gap", "comparison")
"""Columns added per comparator ``c``: ``c_value``, ``c_year``, ``c_gap``, ``c_comparison``."""


def _year_end(labels: np.ndarray) -> np.ndarray:
    """The month ordinal a label ends in (see :func:`year_end`); -1 when it names no year.

    >>> _year_end(np.array(["2021-22", "2022", "2016-19", "latest"], dtype=object)).tolist()
    [24266, 24275, 24230, -1]
    """
    codes, uniques = pd.factorize(pd.Series(labels, dtype=object))
    ends = np.array([(end.ordinal if (end := year_end(u)) is not None else -1) for u in uniques] + [-1], dtype="int64")
    return ends[codes]


def latest_benchmarks(
    benchmarks: pd.DataFrame | None, comparators: Sequence[str] = BUILT_IN_COMPARATORS
) -> pd.DataFrame:
    """One row per indicator with ``c_value`` and ``c_year`` for each comparator (latest year each).

    The latest year is the one whose label ends last (``2021-22`` ends in
    March 2022); between labels ending in the same month the one sorting last wins,
    and a label naming no year comes before any that does.

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
    indicators: pd.DataFrame, benchmarks: pd.DataFrame | None, comparators: Sequence[str] = BUILT_IN_COMPARATORS
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


def add_comparisons(frame: pd.DataFrame, comparators: Sequence[str] = BUILT_IN_COMPARATORS) -> pd.DataFrame:
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


def year_end(label: str) -> Month | None:
    """The month a benchmark's year label ends: the last year or span of years it names. A span ends in March
    of its last year (``2021-22``: financial or academic years; ``2016-19``: three of them), a single year in
    December; a label naming no year has no end (``None``).

    >>> [str(year_end(t)) for t in ("2021-22", "2022", "2016-19", "Mar 2022", "latest")]
    ['2022-03', '2022-12', '2019-03', '2022-12', 'None']
    """
    span = year_label_span(label)
    if span is None:
        return None
    first, last = span
    return Month(last, 3) if last > first else Month(last, 12)


def benchmarks_known_by(benchmarks: pd.DataFrame, month: Month, lag_months: int | Mapping[str, int]) -> pd.DataFrame:
    """Only benchmark years a pack for ``month`` could have quoted: ended at least ``lag_months`` before it.

    ``lag_months`` is one number, or one per comparator (``cpb.toml`` [comparators]; a comparator not in it
    takes the largest). A label naming no year is always kept.

    >>> b = pd.DataFrame({"indicator": ["x"] * 3, "comparator": ["england", "england", "own"],
    ...                   "year": ["2021-22", "2022-23", "2022-23"], "value": [70.0, 71.0, 69.0]})
    >>> benchmarks_known_by(b, Month(2023, 3), 6)["year"].tolist()
    ['2021-22']
    >>> benchmarks_known_by(b, Month(2023, 3), {"england": 6, "own": 0})["year"].tolist()
    ['2021-22', '2022-23']
    """
    if benchmarks.empty:
        return benchmarks
    if isinstance(lag_months, Mapping):
        fallback = max(lag_months.values(), default=0)
        lags = [lag_months.get(c, fallback) for c in benchmarks["comparator"]]
    else:
        lags = [lag_months] * len(benchmarks)
    ends = [year_end(str(label)) for label in benchmarks["year"]]
    usable = [end is None or end + lag <= month for end, lag in zip(ends, lags)]
    return benchmarks.loc[usable].reset_index(drop=True)

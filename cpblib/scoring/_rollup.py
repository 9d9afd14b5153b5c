"""Quarter and financial-year figures from monthly (or quarterly, termly...) figures.

How a figure rolls up depends on what it measures (``period_type``):

* ``in_period`` counts add up: the quarter's figure is the sum of its
  months. Percentages, rates and averages do not add up: they are
  recomputed from the summed ``numerator`` and ``denominator`` (a rate per
  10,000 is 10,000 x numerator / denominator), and without them the figure is
  missing with a reason, never a plain mean of the monthly figures.
* ``snapshot``, ``rolling_12m``, ``rolling_6m`` and ``year_to_date`` figures
  already describe a span: the figure for the quarter is the one at the last
  month of the quarter (with that month's numerator and denominator).

An in-period figure needs every one of its periods inside the quarter or
year (three months, one quarter, the terms ending in the year...); a
quarter whose months are incomplete is missing with a reason. Figures whose
own periods do not fit inside the quarter or year (a termly count against
calendar quarters, an academic-year figure against a financial year) are
missing with a reason too.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..config import Calendar
from ..errors import InputError
from ._history import _key_matches, _key_table, _matches, check_values
from ._periods import period_ends, to_ordinals, to_periods
from ._score import complete_catalogue
from ._text import codes_of, join, strings, text_column

SCALE = {"percent": 100.0, "rate_per_10000": 10_000.0}
"""What numerator / denominator is multiplied by for each unit (1 for the others)."""

ADDITIVE_UNITS = ("count",)
SPANS = {"quarter": 3, "financial_year": 12}


def _period_end(ordinal: np.ndarray, to: str, start: int) -> np.ndarray:
    """Ordinal of the last month of the financial quarter or year containing each month."""
    months_in = (ordinal % 12 - (start - 1)) % SPANS[to]
    return ordinal + (SPANS[to] - 1 - months_in)


def _labels(end: np.ndarray, to: str, start: int) -> np.ndarray:
    """``2022-23 Q1`` / ``2022-23`` (``2022 Q1`` / ``2022`` for years starting in January)."""
    ends, inverse = np.unique(end, return_inverse=True)  # a handful of distinct periods
    first = ends - (SPANS[to] - 1)
    year = first // 12 - (first % 12 < start - 1)
    text = year.astype(str).astype(object)
    if start != 1:
        text = join(text, "-", np.char.zfill(((year + 1) % 100).astype(str), 2).astype(object))
    if to == "quarter":
        quarter = ((first % 12 - (start - 1)) % 12) // 3 + 1
        text = join(text, " Q", quarter.astype(str).astype(object))
    return text[inverse.ravel()]


def rollup(
    values: pd.DataFrame,
    catalogue: pd.DataFrame,
    to: str = "quarter",
    calendar: Calendar = Calendar(),
    keys: Sequence[str] = (),
) -> pd.DataFrame:
    """Figures for financial quarters (``to="quarter"``) or financial years (``to="financial_year"``).

    Returns one row per (key combination,) indicator and quarter or year that
    the history touches, in catalogue order then by period: ``indicator``,
    ``period`` (the last month, ``YYYY-MM``), ``label`` (``2022-23 Q1`` or
    ``2022-23``), ``value``, ``numerator``, ``denominator`` and
    ``missing_reason`` (why ``value`` is missing). Rows of indicators not in
    the catalogue are left out.

    >>> catalogue = pd.DataFrame({"indicator": ["referrals", "cic", "ra"], "unit": ["count", "count", "percent"],
    ...     "frequency": ["monthly"] * 3, "period_type": ["in_period", "snapshot", "in_period"]})
    >>> values = pd.DataFrame({"indicator": ["referrals"] * 3 + ["cic"] * 3 + ["ra"] * 3,
    ...     "period": ["2023-04", "2023-05", "2023-06"] * 3, "value": [10, 12, 9, 440, 445, 437, 20, 25, 20],
    ...     "numerator": [None] * 6 + [2, 3, 2], "denominator": [None] * 6 + [10, 12, 10]})
    >>> rollup(values, catalogue)[["indicator", "label", "value"]].values.tolist()
    [['referrals', '2023-24 Q1', 31.0], ['cic', '2023-24 Q1', 437.0], ['ra', '2023-24 Q1', 21.875]]
    """
    if to not in SPANS:
        raise ValueError(f"to must be one of {', '.join(SPANS)}, not {to!r}")
    keys = tuple(keys)
    check_values(values, keys)
    start, span = calendar.financial_year_start, SPANS[to]
    info = complete_catalogue(catalogue.drop_duplicates("indicator").reset_index(drop=True))
    n_ind = len(info)
    ends = period_ends(codes_of(info, "frequency"), codes_of(info, "year_type"), calendar)  # indicators x 12

    # which rows: indicators in the catalogue (and, with keys, rows with every key)
    rows, ind_code = _matches(values["indicator"], pd.Index(info["indicator"], dtype=object))
    if keys:
        key_table = _key_table(values[list(keys)].take(rows), keys)
        found, key_code = _key_matches(values, rows, keys, key_table)
        rows, ind_code = rows[found], ind_code[found]
    else:
        key_table, key_code = pd.DataFrame(index=range(1)), np.zeros(len(rows), dtype="int64")
    period_code, period_text = pd.factorize(values["period"].take(rows))
    period_ordinal = to_ordinals(np.asarray(period_text, dtype=object))
    if (period_ordinal < 0).any() or (period_code < 0).any():
        bad = period_text[period_ordinal < 0][0] if (period_ordinal < 0).any() else None
        raise InputError("values", f"{bad!r} is not a period (YYYY-MM)", column="period")
    ordinal = period_ordinal[period_code]

    # one group per key combination, indicator and quarter or year, numbered in output order
    end = _period_end(ordinal, to, start)
    first_end = end.min() if len(end) else 0
    slot = (end - first_end) // span
    n_slots = int(slot.max()) + 1 if len(slot) else 1
    group, groups = pd.factorize((key_code * n_ind + ind_code) * n_slots + slot)
    order = np.argsort(groups, kind="stable")  # number the groups in output order
    groups, group = groups[order], np.argsort(order)[group]
    n_groups = len(groups)

    def floats(column: str) -> np.ndarray:
        if column not in values:
            return np.full(len(rows), np.nan)
        return values[column].to_numpy(dtype="float64", na_value=np.nan)[rows]

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(group, weights=weights, minlength=n_groups)

    value, numerator, denominator = floats("value"), floats("numerator"), floats("denominator")
    own = ends[ind_code, ordinal % 12]  # rows at one of the indicator's own period ends
    parts = own & ~np.isnan(numerator) & ~np.isnan(denominator)
    at_end = np.flatnonzero(ordinal == end)
    last = {name: np.full(n_groups, np.nan) for name in ("value", "numerator", "denominator")}
    last["value"][group[at_end]] = value[at_end]
    last["numerator"][group[at_end]] = numerator[at_end]
    last["denominator"][group[at_end]] = denominator[at_end]
    last_reason = np.full(n_groups, None, dtype=object)
    if "missing_reason" in values:
        last_reason[group[at_end]] = values["missing_reason"].take(rows[at_end]).to_numpy(dtype=object, na_value=None)
    has_end = np.zeros(n_groups, dtype=bool)
    has_end[group[at_end]] = True

    g_ind = (groups // n_slots) % n_ind
    g_key = groups // n_slots // n_ind
    g_end = first_end + (groups % n_slots) * span
    g_first = g_end - (span - 1)
    window = (g_first[:, None] + np.arange(span)[None, :]) % 12
    figures = {
        "end": g_end,
        "in_period": (codes_of(info, "period_type") == "in_period")[g_ind],
        "unit": codes_of(info, "unit")[g_ind],
        "aligned": ends[g_ind, g_end % 12] & ends[g_ind, (g_first - 1) % 12],
        "expected": np.take_along_axis(ends[g_ind], window, axis=1).sum(axis=1),
        "counted": total(own & ~np.isnan(value)).astype("int64"),
        "sum": total(np.where(own, np.nan_to_num(value), 0.0)),
        "with_parts": total(parts).astype("int64"),
        "num": total(np.where(parts, numerator, 0.0)),
        "den": total(np.where(parts, denominator, 0.0)),
        "has_end": has_end,
        "end_value": last["value"],
        "end_num": last["numerator"],
        "end_den": last["denominator"],
        "end_reason": strings(last_reason),
    }
    out = _judge_rollup(figures, to, start)
    labels = pd.DataFrame({k: key_table[k].to_numpy(dtype=object)[g_key] for k in keys})
    labels["indicator"] = info["indicator"].to_numpy(dtype=object)[g_ind]
    return pd.concat([labels.astype(object), out], axis="columns")


def _judge_rollup(g: dict[str, np.ndarray], to: str, start: int) -> pd.DataFrame:
    """Value, numerator, denominator and reason per group from its totals and period-end figures."""
    span = "quarter" if to == "quarter" else "financial year"
    period = to_periods(g["end"])
    in_period, aligned, unit = g["in_period"], g["aligned"], g["unit"]
    additive = np.isin(unit, ADDITIVE_UNITS)
    complete = g["counted"] == g["expected"]
    with_parts = g["with_parts"] == g["expected"]
    num, den = g["num"], g["den"]
    scale = np.select([unit == u for u in SCALE], list(SCALE.values()), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(den != 0, num / den * scale, np.nan)
    summed = in_period & aligned & with_parts
    value = np.select(
        [in_period & aligned & additive & complete, summed & ~additive, ~in_period],
        [g["sum"], ratio, g["end_value"]],
        np.nan,
    )
    numerator = np.select([summed, ~in_period], [num, g["end_num"]], np.nan)
    denominator = np.select([summed, ~in_period], [den, g["end_den"]], np.nan)
    end_reason = g["end_reason"]
    no_end_reason = ~g["has_end"] | pd.isna(end_reason)
    conditions = [
        ~np.isnan(value),
        in_period & ~aligned,
        in_period & additive,
        in_period & ~with_parts,
        in_period,
        no_end_reason,
        np.ones(len(value), dtype=bool),
    ]
    texts = [
        lambda i: None,
        lambda i: f"the indicator's own periods do not fit the {span}",
        lambda i: join(
            g["counted"][i].astype(str).astype(object),
            " of ",
            g["expected"][i].astype(str).astype(object),
            f" periods of the {span} have a figure",
        ),
        lambda i: (
            f"not a count: needs a numerator and denominator for every period of the {span} "
            "(a mean of the figures would mislead)"
        ),
        lambda i: "the denominator is zero",
        lambda i: join(f"no figure for the last month of the {span} (", period[i], ")"),
        lambda i: join(f"no figure for the last month of the {span} (", period[i], "): ", end_reason[i]),
    ]
    reason = np.full(len(value), None, dtype=object)
    undecided = np.ones(len(value), dtype=bool)
    for condition, text in zip(conditions, texts, strict=True):  # the first condition that holds gives the reason
        rows = np.flatnonzero(undecided & condition)
        undecided[rows] = False
        if rows.size:
            reason[rows] = text(rows)
    index = pd.RangeIndex(len(period))
    return pd.DataFrame(
        {
            "period": text_column(period, index),
            "label": text_column(_labels(g["end"], to, start), index),
            "value": value,
            "numerator": numerator,
            "denominator": denominator,
            "missing_reason": text_column(reason, index),
        },
        index=index,
    )

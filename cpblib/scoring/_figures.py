"""The series a pack reads, and the figures an indicator carries beside its main one.

:func:`scoring_series` is what scoring, the tables and the charts read: the
main series of each indicator (:mod:`cpblib.inputs.series`). In a quarterly
pack a monthly indicator is read by quarter: the quarter's figure the extract
gives, else the quarter rolled up from its months (:func:`cpblib.scoring.rollup`:
a count in the period is their sum, a rate or percentage is recomputed from the
summed numerator and denominator, a snapshot is the quarter's last month), with
``rolled_up`` saying which.

:func:`add_figures` adds to a scored month what its tables show beside the main
figure: whether the latest figure is provisional and its note, and the
indicator's second figure (``second_figure`` in the catalogue, e.g. the count
beside a rate) for the same period, with that figure's own benchmarks.
RAG, direction and the main benchmarks follow the main figure only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..config import Calendar
from ..inputs.series import is_main, main_series
from ._compare import latest_benchmarks
from ._text import strings, text_column

SECOND_FIELDS = ("value", "year")
"""Columns added per comparator ``c`` for the second figure: ``c_second_value``, ``c_second_year``."""


def figure_columns(comparators: Sequence[str]) -> tuple[str, ...]:
    """The columns :func:`add_figures` adds, in order.

    >>> figure_columns(["england"])[-2:]
    ('england_second_value', 'england_second_year')
    """
    return (
        "provisional",
        "note",
        "rolled_up",
        "second_figure",
        "second_value",
        "second_missing_reason",
        "second_provisional",
        *(f"{c}_second_{part}" for c in comparators for part in SECOND_FIELDS),
    )


def _flags(values: pd.DataFrame, column: str) -> np.ndarray:
    if column not in values:
        return np.zeros(len(values), dtype=bool)
    return values[column].astype(object).where(values[column].notna(), False).astype(bool).to_numpy()


def scoring_series(
    values: pd.DataFrame, catalogue: pd.DataFrame, calendar: Calendar = Calendar(), keys: Sequence[str] = ()
) -> pd.DataFrame:
    """The values a pack scores and draws: the main series; in a quarterly pack, monthly indicators by quarter.

    >>> cat = pd.DataFrame({"indicator": ["referrals"], "unit": ["count"], "frequency": ["monthly"],
    ...                     "period_type": ["in_period"]})
    >>> values = pd.DataFrame({"indicator": "referrals", "period": ["2020-01", "2020-02", "2020-03", "2019-12"],
    ...                        "value": [10.0, 12.0, 9.0, 30.0], "span": [None, None, None, "quarter"]})
    >>> quarterly = scoring_series(values, cat, Calendar(cadence="quarterly"))
    >>> quarterly[["period", "value", "rolled_up"]].values.tolist()
    [['2019-12', 30.0, False], ['2020-03', 31.0, True]]
    """
    main = main_series(values)
    if calendar.cadence != "quarterly":
        return main
    from ._rollup import rollup
    from ._score import complete_catalogue

    info = complete_catalogue(catalogue.drop_duplicates("indicator").reset_index(drop=True))
    monthly = info.loc[info["frequency"].eq("monthly")]
    if monthly.empty:
        return main
    keys = tuple(keys)
    mine = main["indicator"].isin(monthly["indicator"]).to_numpy()
    by_month = calendar.model_copy(update={"cadence": "monthly"})  # the months roll up as themselves
    rolled = rollup(main.loc[mine], monthly, "quarter", by_month, keys).drop(columns="label")
    rolled = rolled.assign(rolled_up=True, provisional=False, note=None)
    given = values.loc[
        values["indicator"].isin(monthly["indicator"]).to_numpy()
        & (values["span"].astype(object).eq("quarter").to_numpy() if "span" in values else False)
        & (values["figure"].isna().to_numpy() if "figure" in values else True)
    ]
    given = given.drop(columns=[c for c in ("figure", "span") if c in given]).assign(rolled_up=False)
    if "provisional" in given:
        given = given.assign(provisional=_flags(given, "provisional"))
    quarters = pd.concat([given, rolled], ignore_index=True).drop_duplicates([*keys, "indicator", "period"])
    others = main.loc[~mine].assign(rolled_up=False)
    return (
        pd.concat([others, quarters], ignore_index=True)
        .sort_values([*keys, "indicator", "period"], kind="stable")
        .reset_index(drop=True)
    )


def main_benchmarks(benchmarks: pd.DataFrame | None) -> pd.DataFrame | None:
    """The benchmarks of main figures (a benchmark of a second figure names it in ``figure``)."""
    if benchmarks is None or "figure" not in benchmarks:
        return benchmarks
    return benchmarks.loc[benchmarks["figure"].isna()].reset_index(drop=True)


def _pick(
    frame: pd.DataFrame, values: pd.DataFrame, keys: tuple[str, ...], columns: Sequence[str]
) -> dict[str, np.ndarray]:
    """``columns`` of the value at each row's (keys, indicator, period), or blanks."""
    on = [*keys, "indicator", "period"]
    wanted = [c for c in columns if c in values]
    if values.empty or not wanted:
        return {}
    periods = pd.unique(frame["period"].to_numpy(dtype=object))  # a few periods: narrow a long history first
    near = values["period"].isin(periods).to_numpy(dtype=bool) & values["indicator"].isin(
        pd.unique(frame["indicator"].to_numpy(dtype=object))
    ).to_numpy(dtype=bool)
    subset = values.loc[near, [*on, *wanted]].astype({c: object for c in on}).drop_duplicates(on)
    found = frame[on].astype(object).merge(subset, on=on, how="left")
    return {c: found[c].to_numpy(dtype=object) for c in wanted}


def add_figures(
    frame: pd.DataFrame,
    values: pd.DataFrame,
    series: pd.DataFrame,
    benchmarks: pd.DataFrame | None,
    comparators: Sequence[str],
    keys: Sequence[str] = (),
) -> pd.DataFrame:
    """Add :func:`figure_columns` to a scored frame: ``provisional``, ``note`` and ``rolled_up`` of the latest
    figure (from ``series``, :func:`scoring_series`), and the second figure of the same period (from the
    history ``values``) with its benchmarks.

    >>> frame = pd.DataFrame({"indicator": ["cic-rate"], "period": ["2023-03"], "second_figure": ["count"]})
    >>> values = pd.DataFrame({"indicator": "cic-rate", "period": "2023-03", "value": [64.5, 437.0],
    ...                        "figure": [None, "count"], "provisional": [True, False], "note": ["to be revised", None]})
    >>> benchmarks = pd.DataFrame({"indicator": ["cic-rate"], "comparator": ["england"], "year": ["2021-22"],
    ...                            "value": [82170.0], "figure": ["count"]})
    >>> row = add_figures(frame, values, main_series(values), benchmarks, ["england"]).iloc[0]
    >>> bool(row["provisional"]), row["note"], float(row["second_value"]), float(row["england_second_value"])
    (True, 'to be revised', 437.0, 82170.0)
    """
    keys = tuple(keys)
    size = len(frame)
    marked = any(c in series for c in ("provisional", "rolled_up"))  # else there is nothing to show beside figures
    latest = _pick(frame, series, keys, ("provisional", "note", "rolled_up")) if marked else {}
    second_unit = strings(frame["second_figure"]) if "second_figure" in frame else np.full(size, None, dtype=object)
    added: dict[str, object] = {
        "provisional": _as_flags(latest.get("provisional"), size),
        "note": text_column(strings(latest.get("note", np.full(size, None, dtype=object))), frame.index),
        "rolled_up": _as_flags(latest.get("rolled_up"), size),
        "second_figure": text_column(second_unit, frame.index),
    }
    second_value = np.full(size, np.nan)
    second_reason = np.full(size, None, dtype=object)
    second_provisional = np.zeros(size, dtype=bool)
    has_second = pd.notna(second_unit)
    if has_second.any() and "figure" in values:
        rows = values.loc[~is_main(values) & values["figure"].notna().to_numpy()]
        rows = rows.loc[rows["span"].isna()] if "span" in rows else rows
        own = frame[["indicator"]].assign(_unit=second_unit).drop_duplicates("indicator")
        rows = rows.merge(own, on="indicator", how="inner")
        rows = rows.loc[rows["figure"].eq(rows["_unit"])]
        picked = _pick(frame, rows, keys, ("value", "missing_reason", "provisional"))
        if picked:
            second_value = pd.to_numeric(pd.Series(picked["value"]), errors="coerce").to_numpy(dtype="float64")
            second_reason = strings(picked.get("missing_reason", second_reason))
            second_provisional = _as_flags(picked.get("provisional"), size)
            second_reason = np.where(
                has_second & np.isnan(second_value) & pd.isna(second_reason), "no figure", second_reason
            )
    added.update(
        second_value=np.where(has_second, second_value, np.nan),
        second_missing_reason=text_column(np.where(has_second, second_reason, None), frame.index),
        second_provisional=second_provisional & has_second,
    )
    own_benchmarks = _second_benchmarks(benchmarks, frame["indicator"], second_unit)
    latest_second = latest_benchmarks(own_benchmarks, comparators)
    row = pd.Index(latest_second["indicator"], dtype=object).get_indexer(frame["indicator"].to_numpy(dtype=object))
    found = row >= 0
    for comparator in comparators:
        value = latest_second[f"{comparator}_value"].to_numpy(dtype="float64")
        year = latest_second[f"{comparator}_year"].to_numpy(dtype=object)
        added[f"{comparator}_second_value"] = (
            np.where(found, value[np.maximum(row, 0)], np.nan) if len(value) else np.full(size, np.nan)
        )
        added[f"{comparator}_second_year"] = text_column(
            np.where(found, year[np.maximum(row, 0)], None) if len(year) else np.full(size, None, dtype=object),
            frame.index,
        )
    return frame.assign(**added)


def _as_flags(values: np.ndarray | None, size: int) -> np.ndarray:
    if values is None:
        return np.zeros(size, dtype=bool)
    return np.array([bool(v) if v is not None and not pd.isna(v) else False for v in values], dtype=bool)


def _second_benchmarks(benchmarks: pd.DataFrame | None, indicators: pd.Series, units: np.ndarray) -> pd.DataFrame:
    """The benchmarks of each indicator's second figure."""
    if benchmarks is None or benchmarks.empty or "figure" not in benchmarks:
        return pd.DataFrame(columns=["indicator", "comparator", "year", "value"])
    own = pd.DataFrame({"indicator": indicators.to_numpy(dtype=object), "_unit": units}).drop_duplicates("indicator")
    rows = benchmarks.loc[benchmarks["figure"].notna()].merge(own, on="indicator", how="inner")
    return rows.loc[rows["figure"].eq(rows["_unit"])].drop(columns="_unit").reset_index(drop=True)


__all__ = ["add_figures", "figure_columns", "main_benchmarks", "scoring_series"]

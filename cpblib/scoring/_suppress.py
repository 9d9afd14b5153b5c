"""Small-number suppression for public output.

Published figures must not let a reader single out a child. In public
output (``[publication] public = true``):

* counts from 1 to ``threshold - 1`` are suppressed (zero is shown: it
  identifies nobody), and so are numerators and denominators of that size;
* a figure computed from a denominator (a percentage, a rate, an average) is
  suppressed when its denominator is below the threshold;
* secondary suppression: such a figure is also suppressed when its numerator
  is suppressed, given or worked out from the figure and its denominator
  (``value * denominator / 100`` for a percentage), because the denominator,
  a total published elsewhere in the pack (children in care, care leavers),
  would give the suppressed numerator back.

A figure of another unit with no denominator given cannot be checked and is
shown; the data-quality page says how many there are. Where a figure is
suppressed, figures that would reveal it (its gaps to benchmarks, its RAG
reason) are blanked too.

Suppression never changes the numbers in the input: :func:`hidden_figures`
says which figures to hide, :func:`suppress` gives the display strings, and
:mod:`cpblib.present.public` makes the public view of a pack.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import Publication
from ._numbers import format_numbers
from ._text import codes_of, text_column

_DEFAULTS = Publication()
RATIO_UNITS = ("percent", "rate_per_10000", "ratio")
"""Units computed from a numerator and a denominator."""

# figure column -> the denominator column that goes with it
_FIGURES = {
    "value": "denominator",
    "previous_value": "previous_denominator",
}
_PARTS = ("numerator", "denominator", "previous_numerator", "previous_denominator")
SUPPRESSED_REASON = "figure suppressed (small number)"
_REVEALING = {"value": ["rag_reason", "distance", "distance_percent"], "previous_value": []}
"""Columns that would reveal a suppressed figure (besides every comparator's ``<c>_gap``)."""


_SCALE = {"percent": 100.0, "rate_per_10000": 10_000.0, "ratio": 1.0}
"""What a figure of each unit is multiplied by per numerator over denominator (to work out a numerator)."""


def hidden_figures(frame: pd.DataFrame, catalogue: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Which figures of ``frame`` public output must not show: one boolean column per figure column present
    (``value``, ``previous_value``, ``numerator``, ``denominator``, ``previous_numerator``,
    ``previous_denominator``), by the rules in the module notes. Units come from ``catalogue``.

    >>> catalogue = pd.DataFrame({"indicator": ["uasc", "eet"], "unit": ["count", "percent"]})
    >>> frame = pd.DataFrame({"indicator": ["uasc", "uasc", "eet", "eet", "eet"],
    ...                       "value": [3.0, 0.0, 50.0, 2.5, 2.5], "denominator": [None, None, 4.0, 80.0, None]})
    >>> hidden_figures(frame, catalogue, 5)["value"].tolist()  # 2.5% of 80 is 2 children
    [True, False, True, True, False]
    """
    info = catalogue.drop_duplicates("indicator").set_index("indicator")
    row = pd.Index(info.index).get_indexer(frame["indicator"].to_numpy(dtype=object))
    unit = np.where(row >= 0, codes_of(info, "unit")[np.maximum(row, 0)], None)
    if "figure" in frame:  # a second figure (a count beside a rate) is read in its own unit
        figure = frame["figure"].to_numpy(dtype=object, na_value=None)
        unit = np.where(pd.notna(figure), figure, unit)
    is_count = unit == "count"
    scale = np.array([_SCALE.get(u, np.nan) for u in unit], dtype="float64")

    def numbers(column: str) -> np.ndarray:
        if column not in frame:
            return np.full(len(frame), np.nan)
        return frame[column].to_numpy(dtype="float64", na_value=np.nan)

    def small(values: np.ndarray) -> np.ndarray:
        return (values > 0) & (values < threshold)

    hidden = {}
    for column, denominator_column in _FIGURES.items():
        if column not in frame:
            continue
        figure, denominator = numbers(column), numbers(denominator_column)
        numerator = numbers(denominator_column.replace("denominator", "numerator"))
        worked_out = np.where(np.isnan(numerator), np.round(figure * denominator / scale, 6), numerator)
        from_denominator = ~is_count & ~np.isnan(denominator)
        hidden[column] = ~np.isnan(figure) & (
            (is_count & small(figure)) | (from_denominator & ((denominator < threshold) | small(worked_out)))
        )
    for column in _PARTS:
        if column in frame:
            hidden[column] = small(numbers(column))
    if "figure" in frame and "value" in hidden:
        hidden["value"] = hidden["value"] | _beside_hidden(frame, hidden["value"])
    return pd.DataFrame(hidden, index=frame.index)


def _beside_hidden(frame: pd.DataFrame, hidden: np.ndarray) -> np.ndarray:
    """Main figures whose second figure of the same period is hidden: a rate beside a suppressed count would
    give the count back with the population it is a rate of."""
    second = frame["figure"].notna().to_numpy() & hidden
    if "span" in frame:
        second &= frame["span"].isna().to_numpy()
    if not second.any():
        return np.zeros(len(frame), dtype=bool)
    keys = pd.MultiIndex.from_frame(frame[["indicator", "period"]].astype(str))
    hidden_keys = keys[second]
    return keys.isin(hidden_keys) & frame["figure"].isna().to_numpy()


def suppress(
    frame: pd.DataFrame,
    catalogue: pd.DataFrame,
    threshold: int = _DEFAULTS.suppression_threshold,
    symbol: str = _DEFAULTS.suppression_symbol,
) -> pd.DataFrame:
    """A copy of ``frame`` with its figures as display strings, small numbers suppressed.

    Works on a scored month or on a history (any frame with ``indicator`` and
    some of ``value``, ``previous_value``, ``numerator``, ``denominator``,
    ``previous_numerator``, ``previous_denominator``). Units and decimals come
    from ``catalogue``. Those columns become text at the indicator's
    precision (``""`` when missing). A ``suppressed`` column says whether
    ``value`` was suppressed; where it was, ``rag_reason`` says so instead of
    quoting the figure, and the ``c_gap``, ``distance`` and ``distance_percent``
    columns (which stay numbers) are blanked.

    >>> catalogue = pd.DataFrame({"indicator": ["uasc", "eet"], "unit": ["count", "percent"], "decimals": [0, 1]})
    >>> frame = pd.DataFrame({"indicator": ["uasc", "uasc", "eet", "eet"], "value": [3.0, 0.0, 50.0, 61.25],
    ...                       "denominator": [None, None, 4.0, 80.0]})
    >>> suppress(frame, catalogue)[["value", "denominator", "suppressed"]].values.tolist()
    [['c', '', True], ['0', '', False], ['c', 'c', True], ['61.3', '80', False]]
    >>> frame["value"].tolist()  # the input keeps its numbers
    [3.0, 0.0, 50.0, 61.25]
    """
    info = catalogue.drop_duplicates("indicator").set_index("indicator")
    row = pd.Index(info.index).get_indexer(frame["indicator"].to_numpy(dtype=object))
    decimals_column = (
        info["decimals"].to_numpy(dtype="float64", na_value=np.nan) if "decimals" in info else np.zeros(len(info))
    )
    decimals = np.nan_to_num(np.where(row >= 0, decimals_column[np.maximum(row, 0)], 0)).astype("int64")
    hidden = hidden_figures(frame, catalogue, threshold)

    def numbers(column: str) -> np.ndarray:
        return frame[column].to_numpy(dtype="float64", na_value=np.nan)

    shown: dict[str, pd.Series] = {}
    hidden_value = np.zeros(len(frame), dtype=bool)
    for column in _FIGURES:
        if column not in frame:
            continue
        hide = hidden[column].to_numpy()
        text = format_numbers(numbers(column), decimals)
        text[hide] = symbol
        shown[column] = text_column(text, frame.index)
        if column == "value":
            hidden_value = hide
        gaps = [c for c in frame.columns if column == "value" and isinstance(c, str) and c.endswith("_gap")]
        for revealing in [*_REVEALING[column], *gaps]:
            if revealing == "rag_reason" and revealing in frame:
                shown[revealing] = text_column(
                    np.where(hide, SUPPRESSED_REASON, frame[revealing].to_numpy(dtype=object)), frame.index
                )
            elif revealing in frame:
                shown[revealing] = pd.Series(np.where(hide, np.nan, numbers(revealing)), index=frame.index)
    for column in _PARTS:
        if column in frame:
            text = format_numbers(numbers(column), 0)
            text[hidden[column].to_numpy()] = symbol
            shown[column] = text_column(text, frame.index)
    return frame.assign(**shown, suppressed=hidden_value)

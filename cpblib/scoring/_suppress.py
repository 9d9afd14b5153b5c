"""Small-number suppression for public output.

Published figures must not let a reader single out a child. In public
output, counts from 1 to ``threshold - 1`` are shown as the suppression
symbol (zero is shown: it identifies nobody), and so are percentages and
rates whose denominator is below the threshold; numerators and
denominators themselves are suppressed like counts. Where a figure is
suppressed, figures that would reveal it (its gaps to benchmarks, its RAG
reason) are blanked too.

Suppression only ever produces display strings: the numbers in the input
are never changed, so scoring and charts keep working on true figures.
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
    indicator = frame["indicator"].to_numpy(dtype=object)
    row = pd.Index(info.index).get_indexer(indicator)
    unit = np.where(row >= 0, codes_of(info, "unit")[np.maximum(row, 0)], None)
    decimals_column = (
        info["decimals"].to_numpy(dtype="float64", na_value=np.nan) if "decimals" in info else np.zeros(len(info))
    )
    decimals = np.nan_to_num(np.where(row >= 0, decimals_column[np.maximum(row, 0)], 0)).astype("int64")
    is_count = unit == "count"
    is_ratio = np.isin(unit, RATIO_UNITS)

    def small(numbers: np.ndarray) -> np.ndarray:
        return (numbers > 0) & (numbers < threshold)

    def numbers(column: str) -> np.ndarray:
        return (
            frame[column].to_numpy(dtype="float64", na_value=np.nan) if column in frame else np.full(len(frame), np.nan)
        )

    shown: dict[str, pd.Series] = {}
    hidden_value = np.zeros(len(frame), dtype=bool)
    for column, denominator_column in _FIGURES.items():
        if column not in frame:
            continue
        figure = numbers(column)
        hide = ~np.isnan(figure) & ((is_count & small(figure)) | (is_ratio & (numbers(denominator_column) < threshold)))
        text = format_numbers(figure, decimals)
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
            part = numbers(column)
            text = format_numbers(part, 0)
            text[small(part)] = symbol
            shown[column] = text_column(text, frame.index)
    return frame.assign(**shown, suppressed=hidden_value)

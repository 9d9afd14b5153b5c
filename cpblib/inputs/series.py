"""Which series of an indicator a value belongs to: its main figure of its own period, or another.

An indicator's values form one main series: its main figure (in its ``unit``)
for each of its own periods (a month for a monthly indicator). Beside it a
value may be its second figure (``figure``: the unit of the catalogue's
``second_figure``, e.g. a count beside a rate) or a figure for a longer span
than its own period (``span``: ``quarter`` or ``year``, e.g. a quarter's total
of a monthly count). Scoring, the anomaly checks and the charts read the main
series; the tables show the others beside it.

>>> values = pd.DataFrame({"indicator": ["cic"] * 3, "period": ["2020-03"] * 3, "value": [64.5, 486.0, 1440.0],
...                        "figure": [None, "count", "count"], "span": [None, None, "quarter"]})
>>> series_key(values).tolist(), main_series(values)["value"].tolist()
(['', 'count', 'count, quarter'], [64.5])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SERIES_COLUMNS = ("figure", "span")
"""The columns that tell a value's series apart (both blank: the main series)."""


def is_main(values: pd.DataFrame) -> np.ndarray:
    """True for the values of the main series (every value when the frame has neither column)."""
    main = np.ones(len(values), dtype=bool)
    for column in SERIES_COLUMNS:
        if column in values:
            main &= values[column].isna().to_numpy(dtype=bool)
    return main


def main_series(values: pd.DataFrame) -> pd.DataFrame:
    """The values of the main series (the frame itself, not a copy, when there are no others)."""
    main = is_main(values)
    return values if main.all() else values.loc[main].reset_index(drop=True)


def series_key(values: pd.DataFrame) -> pd.Series:
    """``""`` for the main series, else what the value is: ``count``, ``quarter``, ``count, quarter``."""
    parts = [
        values[c].astype(object).where(values[c].notna(), None)
        if c in values
        else pd.Series([None] * len(values), index=values.index, dtype=object)
        for c in SERIES_COLUMNS
    ]
    joined = [", ".join(p for p in pair if isinstance(p, str) and p) for pair in zip(*parts)]
    return pd.Series(joined, index=values.index, dtype=object)


__all__ = ["SERIES_COLUMNS", "is_main", "main_series", "series_key"]

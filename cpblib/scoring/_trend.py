"""Trend over the last six periods and the run of worsening periods.

The trend is the least-squares slope of the figures of the last six periods
of the indicator's frequency (ending at the latest period) against their
position; it needs at least three figures. It is ``flat`` when the fitted
change across the figures (slope times the positions spanned) prints as zero
at the indicator's precision, else ``up`` or ``down``: the raw direction,
whatever the polarity.

``worsening_periods`` counts the consecutive worsening steps ending at the
latest period (each step judged as for the direction of travel); it stops at
the first step that is not worsening or lacks a figure, and is 0 without a
polarity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._direction import decimals_of, sign_of
from ._numbers import compare_rounded, scaled_round
from ._text import choose, text_column

TREND_PERIODS = 6
MIN_TREND_POINTS = 3


def history_matrix(frame: pd.DataFrame) -> np.ndarray:
    """The figures by step (rows x steps, step 0 the latest) from the ``_v0``... columns."""
    columns = sorted(
        (c for c in frame.columns if isinstance(c, str) and c.startswith("_v") and c[2:].isdigit()),
        key=lambda c: int(c[2:]),
    )
    return np.column_stack([frame[c].to_numpy(dtype="float64", na_value=np.nan) for c in columns])


def trend(history: np.ndarray, decimals: np.ndarray) -> np.ndarray:
    """``up``/``down``/``flat`` per row of a rows x steps history (step 0 the latest); ``None`` with under 3 figures.

    >>> nan = np.nan
    >>> h = np.array([[6.0, 5, 4, 3, 2, 1], [1.0, 1, 1.01, 1, nan, nan], [1.0, 2, nan, nan, nan, nan]])
    >>> trend(h, np.array([0, 1, 0])).tolist()
    ['up', 'flat', None]
    """
    n_steps = history.shape[1]
    position = np.arange(n_steps - 1, -1, -1, dtype="float64")[None, :]  # oldest step at position 0
    known = ~np.isnan(history)
    count = known.sum(axis=1)
    x = np.where(known, position, 0.0)
    y = np.where(known, history, 0.0)
    sx, sy = x.sum(axis=1), y.sum(axis=1)
    sxx, sxy = (x * x).sum(axis=1), (x * y).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (count * sxy - sx * sy) / (count * sxx - sx * sx)
    span = np.where(known, position, -np.inf).max(axis=1) - np.where(known, position, np.inf).min(axis=1)
    change = scaled_round(np.where(count >= MIN_TREND_POINTS, slope * span, np.nan), decimals)
    enough = count >= MIN_TREND_POINTS
    return choose([enough & (change > 0), enough & (change < 0), enough & (change == 0)], ["up", "down", "flat"])


def worsening_run(history: np.ndarray, decimals: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """Consecutive worsening steps counting back from the latest period.

    >>> h = np.array([[5.0, 6, 7, 7, 8, 9], [5.0, 6, np.nan, 8, 9, 10]])
    >>> worsening_run(h, np.array([0, 0]), np.array([1, 1])).tolist()
    [2, 1]
    """
    later, earlier = history[:, :-1], history[:, 1:]
    steps = later.shape[1]
    change = compare_rounded(later.ravel(), earlier.ravel(), np.repeat(decimals, steps)).reshape(later.shape)
    worse = (change * sign[:, None]) < 0  # NaN compares False: a missing figure ends the run
    return np.cumprod(worse, axis=1).sum(axis=1).astype("int64")


def add_trend(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``trend`` and ``worsening_periods`` from the history columns ``_v0``... .

    >>> f = pd.DataFrame({"polarity": ["low"], "decimals": [0], "_v0": [9.0], "_v1": [8.0], "_v2": [7.0], "_v3": [8.0]})
    >>> add_trend(f)[["trend", "worsening_periods"]].values.tolist()
    [['up', 2]]
    """
    history = history_matrix(frame)
    sign, decimals = sign_of(frame), decimals_of(frame)
    return frame.assign(
        trend=text_column(trend(history, decimals), frame.index),
        worsening_periods=worsening_run(history, decimals, sign),
    )

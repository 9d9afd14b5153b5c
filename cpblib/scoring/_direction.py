"""Direction of travel: is the latest figure better or worse than the one before?

Both figures are compared as printed (rounded to the indicator's
``decimals``, half away from zero): equal figures are ``same``; otherwise
the change is ``improving`` when it goes the good way for the indicator's
polarity (``high``: up, ``low``: down) and ``worsening`` when it does not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._numbers import compare_rounded
from ._text import choose, codes_of, join, plural, strings, text_column, whole_numbers

POLARITY_SIGN = {"high": 1, "low": -1}
"""+1 where a rise is good, -1 where a fall is good (0 for no polarity)."""

_NO_REASON = {None, "", "blank"}


def polarity_sign(polarity: pd.Series | np.ndarray) -> np.ndarray:
    """+1, -1 or 0 per indicator.

    >>> polarity_sign(np.array(["high", "low", "none"], dtype=object)).tolist()
    [1, -1, 0]
    """
    codes = np.asarray(polarity, dtype=object)
    return np.select([codes == "high", codes == "low"], [1, -1], 0).astype("int64")


def sign_of(frame: pd.DataFrame) -> np.ndarray:
    """Polarity signs of a frame's rows (from a precomputed ``_sign`` column when there is one)."""
    if "_sign" in frame:
        return frame["_sign"].to_numpy(dtype="int64")
    return polarity_sign(frame["polarity"])


def decimals_of(frame: pd.DataFrame) -> np.ndarray:
    """Display decimals of a frame's rows as int64 (from a precomputed ``_decimals`` column when there is one)."""
    if "_decimals" in frame:
        return frame["_decimals"].to_numpy(dtype="int64")
    return whole_numbers(frame, "decimals")


def movement(later: np.ndarray, earlier: np.ndarray, decimals: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """``improving``/``worsening``/``same`` per row (``None`` when either figure is missing or no polarity).

    >>> later, earlier = np.array([70.0, 70.0, 70.04]), np.array([69.0, 69.0, 70.0])
    >>> movement(later, earlier, np.array([1, 1, 1]), np.array([1, -1, 1])).tolist()
    ['improving', 'worsening', 'same']
    """
    change = compare_rounded(later, earlier, decimals) * sign
    known = ~np.isnan(change) & (sign != 0)
    return choose(
        [known & (change > 0), known & (change < 0), known & (change == 0)], ["improving", "worsening", "same"]
    )


def missing_value_text(period: np.ndarray, missing_reason: np.ndarray) -> np.ndarray:
    """Why there is no figure: ``no value yet for 2023-03`` or ``value for 2023-03 suppressed (c)...``.

    >>> periods = np.array(["2023-03", "2023-03"], dtype=object)
    >>> missing_value_text(periods, np.array([None, "suppressed (c)"], dtype=object)).tolist()
    ['no value yet for 2023-03', 'value for 2023-03 suppressed (c)']
    """
    reason = strings(missing_reason)
    plain = np.isin(reason, list(_NO_REASON)) | pd.isna(reason)
    return np.where(
        plain, join("no value yet for ", period), join("value for ", period, " ", np.where(plain, "", reason))
    )


def add_direction(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``direction`` and ``direction_reason`` to a frame of latest and previous figures.

    Needs columns ``value``, ``previous_value``, ``polarity``, ``decimals``,
    ``period``, ``previous_period``, ``missing_reason`` and ``arrears_months``.

    >>> f = pd.DataFrame({"value": [71.0, 5.0, None], "previous_value": [70.0, 5.04, 3.0],
    ...     "polarity": ["high", "low", "low"], "decimals": [1, 1, 0], "period": ["2023-03", "2023-02", "2023-03"],
    ...     "previous_period": ["2023-02", "2023-01", "2023-02"], "missing_reason": [None, None, None],
    ...     "arrears_months": [0, 1, 0]})
    >>> add_direction(f)[["direction", "direction_reason"]].values.tolist()
    [['improving', None], ['same', 'reported 1 month in arrears'], [None, 'no value yet for 2023-03']]
    """
    sign, decimals = sign_of(frame), decimals_of(frame)
    value = frame["value"].to_numpy(dtype="float64", na_value=np.nan)
    previous = frame["previous_value"].to_numpy(dtype="float64", na_value=np.nan)
    direction = movement(value, previous, decimals, sign)

    no_polarity = sign == 0
    no_value = ~no_polarity & np.isnan(value)
    no_previous = ~no_polarity & ~no_value & np.isnan(previous)
    reason = np.full(len(frame), None, dtype=object)
    reason[no_polarity] = "no polarity"
    if no_value.any():
        reason[no_value] = missing_value_text(
            codes_of(frame, "period")[no_value], codes_of(frame, "missing_reason")[no_value]
        )
    if no_previous.any():
        reason[no_previous] = join("no previous value for ", codes_of(frame, "previous_period")[no_previous])
    arrears = whole_numbers(frame, "arrears_months")
    late = arrears > 0
    if late.any():
        note = join("reported ", plural(arrears[late], "month"), " in arrears")
        before = reason[late]
        has = ~pd.isna(before)
        reason[late] = np.where(has, join(np.where(has, before, ""), "; ", note), note)
    return frame.assign(
        direction=text_column(direction, frame.index), direction_reason=text_column(reason, frame.index)
    )

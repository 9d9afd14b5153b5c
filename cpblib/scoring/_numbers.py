"""Rounding, comparing and formatting numbers at display precision.

Figures are judged as people read them: rounded to the indicator's
``decimals``, half away from zero (``0.05`` at one decimal is ``0.1``,
``0.25`` is ``0.3``), the way a spreadsheet or a printed table rounds, not
the round-half-to-even of Python's :func:`round`.

>>> scaled_round([0.05, 0.25, -0.25, 1.005], [1, 1, 1, 2]).tolist()
[1.0, 3.0, -3.0, 101.0]
>>> format_numbers([72.46, None, 3.0], [1, 1, 0]).tolist()
['72.5', '', '3']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

ArrayLike = np.ndarray | pd.Series | Sequence

# Products such as 1.005 * 100 land a hair below the half (100.49999999999999);
# tidying the scaled figure to this many places first rounds them as written.
_NOISE_PLACES = 6


def _floats(values: ArrayLike) -> np.ndarray:
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
        return values.astype("float64", copy=False)
    if isinstance(values, pd.Series | pd.Index):
        return values.to_numpy(dtype="float64", na_value=np.nan)
    return pd.array(list(np.atleast_1d(values)), dtype="Float64").to_numpy(dtype="float64", na_value=np.nan)


def _decimals(decimals: ArrayLike | int, size: int) -> np.ndarray:
    if np.isscalar(decimals):
        return np.full(size, int(decimals), dtype="int64")
    if isinstance(decimals, np.ndarray) and decimals.dtype.kind in "iu":
        return decimals.astype("int64", copy=False)
    return np.nan_to_num(_floats(decimals), nan=0.0).astype("int64")


def scaled_round(values: ArrayLike, decimals: ArrayLike | int) -> np.ndarray:
    """Values rounded half away from zero, as whole numbers of the last shown place.

    ``72.46`` at one decimal gives ``725.0`` (tenths). Equal results mean the
    figures look the same on the page. Missing values stay ``NaN``.

    >>> scaled_round([2.5, -2.5, 0.15, 0.35], 0).tolist()[:2], scaled_round([0.15, 0.35], 1).tolist()
    ([3.0, -3.0], [2.0, 4.0])
    """
    x = _floats(values)
    scale = 10.0 ** _decimals(decimals, x.size)
    scaled = np.round(x * scale, _NOISE_PLACES)
    return np.copysign(np.floor(np.abs(scaled) + 0.5), scaled) + 0.0


def round_half_away(values: ArrayLike, decimals: ArrayLike | int) -> np.ndarray:
    """Values rounded to ``decimals`` places, half away from zero.

    >>> round_half_away([0.05, 0.15, 2.675], [1, 1, 2]).tolist()
    [0.1, 0.2, 2.68]
    """
    x = _floats(values)
    places = _decimals(decimals, x.size)
    return scaled_round(x, places) / 10.0**places + 0.0


def compare_rounded(left: ArrayLike, right: ArrayLike, decimals: ArrayLike | int) -> np.ndarray:
    """Sign of ``left - right`` at display precision: -1, 0 or 1 (NaN if either is missing).

    >>> compare_rounded([70.04, 70.06, 69.0], [70.0, 70.0, 70.0], 1).tolist()
    [0.0, 1.0, -1.0]
    """
    return np.sign(scaled_round(left, decimals) - scaled_round(right, decimals))


def _format_unique(scaled: np.ndarray, place: int) -> np.ndarray:
    """Text of already-rounded figures (whole numbers of the last place), formatting each distinct figure once."""
    unique, inverse = np.unique(scaled, return_inverse=True)
    pattern = f"{{:,.{place}f}}"
    # No vectorised printf exists in numpy or pandas (numpy.char.mod loops per element, slower);
    # formatting the distinct figures once and spreading them back is the fast way.
    text = np.array(list(map(pattern.format, (unique / 10.0**place + 0.0).tolist())), dtype=object)
    return text[inverse.ravel()]


def format_numbers(values: ArrayLike, decimals: ArrayLike | int, suffix: ArrayLike | str = "") -> np.ndarray:
    """Figures as the pack prints them, everywhere (tables, charts, reasons, commentary): rounded half away
    from zero at each value's precision, thousands separated, with ``suffix`` (an object array); missing
    values give ``""``. This is cpb's one number formatter.

    >>> format_numbers([9.5, 70, 1234.5, -0.04], 1, "%").tolist()
    ['9.5%', '70.0%', '1,234.5%', '0.0%']
    """
    x = _floats(values)
    places = _decimals(decimals, x.size)
    scaled = scaled_round(x, places)
    out = np.full(x.size, "", dtype=object)
    present = ~np.isnan(scaled)
    for place in np.unique(places[present]):
        chosen = present & (places == place)
        out[chosen] = _format_unique(scaled[chosen], int(place))
    if isinstance(suffix, str):
        if suffix:
            out[present] = out[present] + suffix
    else:
        suffix = np.asarray(suffix, dtype=object)
        out[present] = out[present] + suffix[present]
    return out


def format_plain(values: ArrayLike) -> np.ndarray:
    """Short display of a setting such as a tolerance: ``10``, ``2.5``.

    >>> format_plain([10.0, 2.5, float("nan")]).tolist()
    ['10', '2.5', '']
    """
    x = _floats(values)
    out = np.full(x.size, "", dtype=object)
    present = ~np.isnan(x)
    unique, inverse = np.unique(x[present], return_inverse=True)
    out[present] = np.array(list(map("%g".__mod__, unique.tolist())), dtype=object)[inverse.ravel()]
    return out

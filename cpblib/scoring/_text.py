"""Element-wise text helpers over object arrays (reasons are built a column at a time)."""

from __future__ import annotations

import numpy as np
import pandas as pd

UNIT_SUFFIX = {"percent": "%"}
"""What follows a figure of each unit in a sentence (``72.5%``); other units print bare."""

GAP_SUFFIX = {"percent": " points"}
"""What follows a difference of two figures of each unit (``2.5 points``)."""


def strings(values: pd.Series | np.ndarray, size: int | None = None) -> np.ndarray:
    """An object array of text with ``None`` for missing or blank cells.

    >>> strings(pd.Series(["a", None, "", float("nan")])).tolist()
    ['a', None, None, None]
    """
    if values is None:
        return np.full(size or 0, None, dtype=object)
    if isinstance(values, pd.Series | pd.Index):
        out = values.to_numpy(dtype=object, na_value=None)
    else:
        out = np.asarray(values, dtype=object).copy()
    missing = pd.isna(out) | (out == "")
    if missing.any():
        out = out.copy()
        out[missing] = None
    return out


def choose(conditions: list[np.ndarray], choices: list, default: object = None) -> np.ndarray:
    """Like :func:`numpy.select` for text: the choice of the first true condition, else ``default``.

    >>> first, second = np.array([True, False, False]), np.array([True, True, False])
    >>> choose([first, second], ["a", np.array(["b", "c", "d"], dtype=object)]).tolist()
    ['a', 'c', None]
    """
    size = len(conditions[0])
    out = np.full(size, default, dtype=object)
    for condition, choice in reversed(list(zip(conditions, choices))):
        condition = np.asarray(condition, dtype=bool)
        if np.ndim(choice) == 0:
            out[condition] = choice
        else:
            out[condition] = np.asarray(choice, dtype=object)[condition]
    return out


def join(*parts: object) -> np.ndarray:
    """Element-wise concatenation of text arrays and plain strings.

    >>> join(np.array(["9.5", "3"], dtype=object), " against ", np.array(["9.0", "4"], dtype=object)).tolist()
    ['9.5 against 9.0', '3 against 4']
    """
    out = None
    for part in parts:
        piece = part if isinstance(part, str) else np.asarray(part, dtype=object)
        out = piece if out is None else np.add(out, piece)
    return np.asarray(out, dtype=object)


def lookup(codes: np.ndarray, table: dict[str, str], default: str = "") -> np.ndarray:
    """Map codes through a small table (e.g. units to suffixes).

    >>> lookup(np.array(["percent", "count"], dtype=object), UNIT_SUFFIX).tolist()
    ['%', '']
    """
    out = np.full(len(codes), default, dtype=object)
    for code, text in table.items():
        out[codes == code] = text
    return out


def plural(counts: np.ndarray, word: str) -> np.ndarray:
    """``1 month``, ``2 months``.

    >>> plural(np.array([1, 2]), "month").tolist()
    ['1 month', '2 months']
    """
    counts = np.asarray(counts, dtype="int64")
    return join(counts.astype(str).astype(object), np.where(counts == 1, f" {word}", f" {word}s").astype(object))


def text_column(values: np.ndarray, index: pd.Index) -> pd.Series:
    """A text column that keeps ``None`` for missing (object dtype, not inferred as ``str``).

    >>> text_column(np.array(["a", None], dtype=object), pd.RangeIndex(2)).tolist()
    ['a', None]
    """
    return pd.Series(np.asarray(values, dtype=object), index=index, dtype=object)


def codes_of(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A text column as an object array, as stored (missing cells may be ``None`` or NaN); all ``None`` if absent.

    >>> codes_of(pd.DataFrame({"a": ["x"]}), "a").tolist(), codes_of(pd.DataFrame({"a": ["x"]}), "b").tolist()
    (['x'], [None])
    """
    if column not in frame:
        return np.full(len(frame), None, dtype=object)
    return frame[column].to_numpy(dtype=object)


def whole_numbers(frame: pd.DataFrame, column: str, default: int = 0) -> np.ndarray:
    """A whole-number column (e.g. ``decimals``) as int64, blanks and an absent column giving ``default``.

    >>> whole_numbers(pd.DataFrame({"d": pd.array([1, None], dtype="Int64")}), "d").tolist()
    [1, 0]
    """
    if column not in frame:
        return np.full(len(frame), default, dtype="int64")
    return np.nan_to_num(frame[column].to_numpy(dtype="float64", na_value=np.nan), nan=default).astype("int64")

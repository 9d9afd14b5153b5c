"""Pick out of a long history only the figures a report month needs.

A national store can hold millions of rows (authorities x indicators x
months); scoring one month needs, per indicator, only its latest period and
the few before it. The history is narrowed to those periods with one
vectorised membership test before anything else is done, and the wanted
figures are then placed into an array of rows x steps (step 0 the latest
period, step 1 the previous one, ...).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError
from ._periods import to_periods
from ._text import strings, text_column

VALUE_COLUMNS = ("indicator", "period", "value")

LATE_MARKERS = ("", "na", "x", ":")
"""Missing-value markers (``[missing]`` in cpblib/_data/vocabulary.toml) that mean a figure is late, not
withheld: when the due period's figure is absent or carries one of these, the latest earlier period with a
figure stands in for it. A suppressed (``c``), not applicable (``z``) or rounds-to-zero (``k``) figure is
the figure of its period and never replaced."""


def _late_reasons() -> tuple[str, ...]:
    from .._vocabulary import vocabulary

    missing = vocabulary()["missing"]
    return tuple(missing[marker] for marker in LATE_MARKERS)


def _matches(series: pd.Series, wanted: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the cells of ``series`` found in ``wanted``, and where in ``wanted`` each was found.

    One vectorised pass: Arrow-backed text (the default for text in pandas 3)
    is looked up with ``pyarrow.compute.index_in``; other columns hash each
    distinct cell once.
    """
    array = series.array
    if hasattr(array, "__arrow_array__") and pd.api.types.is_string_dtype(series.dtype):
        found = pc.index_in(pa.array(array), value_set=pa.array(wanted.to_numpy(dtype=object), type=pa.string()))
        if found.null_count == 0:
            return np.arange(len(series)), found.to_numpy(zero_copy_only=False).astype("int64")
        rows = pc.indices_nonzero(found.is_valid()).to_numpy(zero_copy_only=False).astype("int64")
        return rows, pc.drop_null(found).to_numpy(zero_copy_only=False).astype("int64")
    codes, uniques = pd.factorize(series)
    where = np.append(wanted.get_indexer(pd.Index(uniques, dtype=object)), -1)  # code -1 (blank) maps to -1
    positions = where[codes]
    rows = np.flatnonzero(positions >= 0)
    return rows, positions[rows]


def _key_table(values: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """Every combination of ``keys`` found anywhere in the history, sorted."""
    if len(keys) == 1:
        found = pd.Series(pd.unique(values[keys[0]]), dtype=object).dropna()
        return pd.DataFrame({keys[0]: found.sort_values(ignore_index=True)}, dtype=object)
    return values[list(keys)].dropna().drop_duplicates().sort_values(list(keys), ignore_index=True).astype(object)


def _key_matches(
    values: pd.DataFrame, rows: np.ndarray, keys: tuple[str, ...], table: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Which of the history's ``rows`` have all keys (positions into ``rows``), and their row of ``table``."""
    if len(keys) == 1:
        return _matches(values[keys[0]].take(rows), pd.Index(table[keys[0]], dtype=object))
    wanted = pd.MultiIndex.from_frame(table)
    positions = wanted.get_indexer(pd.MultiIndex.from_frame(values[list(keys)].take(rows).astype(object)))
    found = np.flatnonzero(positions >= 0)
    return found, positions[found]


def check_values(values: pd.DataFrame, keys: tuple[str, ...]) -> None:
    missing = [c for c in (*keys, *VALUE_COLUMNS) if c not in values.columns]
    if missing:
        raise InputError(
            "values",
            f"the values have no column {missing[0]!r} (columns: {', '.join(map(str, values.columns))})",
            column=missing[0],
        )


def gather(indicators: pd.DataFrame, values: pd.DataFrame, keys: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per key combination and indicator, with the figures for each step.

    ``indicators`` is the catalogue of indicators being scored with their
    period ordinals by step in columns ``_p0``, ``_p1``... (latest first).
    The result repeats ``indicators`` for each combination of ``keys`` found
    in the history (sorted), and adds ``value``, ``missing_reason``, ``numerator``,
    ``denominator`` for the latest period, the same with ``previous_`` for the
    period before, and private history columns ``_v0``, ``_v1``... (the
    values by step, NaN where the history has no figure).
    """
    check_values(values, keys)
    step_columns = sorted(
        (c for c in indicators.columns if isinstance(c, str) and c.startswith("_p") and c[2:].isdigit()),
        key=lambda c: int(c[2:]),
    )
    ordinals = indicators[step_columns].to_numpy(dtype="int64")
    n_ind, steps = ordinals.shape
    periods = to_periods(ordinals)
    wanted_periods = pd.Index(pd.unique(periods.ravel()), dtype=object)
    step_of = np.full((n_ind, len(wanted_periods)), -1, dtype="int64")
    step_of[np.repeat(np.arange(n_ind), steps), wanted_periods.get_indexer(periods.ravel())] = np.tile(
        np.arange(steps), n_ind
    )

    # 1. narrow the history to the wanted periods (one pass over the long frame), then to
    #    the wanted indicator and period pairs, then find the key combination of each
    rows, per_code = _matches(values["period"], wanted_periods)
    found, ind_code = _matches(values["indicator"].take(rows), pd.Index(indicators["indicator"], dtype=object))
    rows, step = rows[found], step_of[ind_code, per_code[found]]
    wanted = np.flatnonzero(step >= 0)
    source, ind_code, step = rows[wanted], ind_code[wanted], step[wanted]  # ``source``: positions in ``values``
    if keys:
        key_rows = _key_table(values, keys)
        found, key_code = _key_matches(values, source, keys, key_rows)
        source, ind_code, step = source[found], ind_code[found], step[found]
    else:
        key_code, key_rows = np.zeros(len(source), dtype="int64"), pd.DataFrame(index=range(1))
    n_keys = len(key_rows)

    # 2. place the wanted figures into rows x steps
    row = key_code * n_ind + ind_code
    n_rows = n_keys * n_ind

    def by_step(column: str) -> np.ndarray:
        out = np.full((n_rows, steps), np.nan)
        if column in values:
            out[row, step] = values[column].to_numpy(dtype="float64", na_value=np.nan)[source]
        return out

    history = by_step("value")
    reason = np.full(n_rows, None, dtype=object)
    if "missing_reason" in values:
        chosen = step == 0
        reason[row[chosen]] = values["missing_reason"].take(source[chosen]).to_numpy(dtype=object, na_value=None)
    reason = strings(reason)

    # 3. a late figure: the latest earlier period with a figure stands in (see LATE_MARKERS)
    repeat = np.tile(np.arange(n_ind), n_keys)
    shift = _late_shift(history, reason)
    taken = np.minimum(np.arange(steps)[None, :] + shift[:, None], steps - 1)
    beyond = np.arange(steps)[None, :] + shift[:, None] >= steps
    lines = np.arange(n_rows)[:, None]

    def shifted(matrix: np.ndarray) -> np.ndarray:
        return np.where(beyond, np.nan, matrix[lines, taken])

    history, numerators, denominators = shifted(history), shifted(by_step("numerator")), shifted(by_step("denominator"))
    row_periods = periods[repeat]
    late = shift > 0
    period_now = np.where(late, row_periods[lines[:, 0], np.minimum(shift, steps - 1)], row_periods[:, 0])
    previous_now = np.where(
        late & (shift + 1 < steps),
        row_periods[lines[:, 0], np.minimum(shift + 1, steps - 1)],
        row_periods[:, 1 % steps],
    )

    frame = indicators.drop(columns=step_columns).take(repeat).reset_index(drop=True)
    frame.columns = pd.Index(frame.columns, dtype=object)  # cheap column inserts (see _score.plain_column_labels)
    for key in reversed(keys):
        frame.insert(0, key, text_column(np.repeat(key_rows[key].to_numpy(dtype=object), n_ind), frame.index))
    extra = {
        "period": text_column(period_now.astype(object), frame.index),
        "previous_period": text_column(previous_now.astype(object), frame.index),
        "due_period": text_column(row_periods[:, 0].astype(object), frame.index),
        "value": history[:, 0],
        "missing_reason": text_column(np.where(late & _absent(reason), "not in the data", reason), frame.index),
        "numerator": numerators[:, 0],
        "denominator": denominators[:, 0],
        "previous_value": history[:, 1] if steps > 1 else np.full(n_rows, np.nan),
        "previous_numerator": numerators[:, 1] if steps > 1 else np.full(n_rows, np.nan),
        "previous_denominator": denominators[:, 1] if steps > 1 else np.full(n_rows, np.nan),
    }
    extra.update({f"_v{k}": history[:, k] for k in range(steps)})
    return frame.assign(**extra)


def _absent(reason: np.ndarray) -> np.ndarray:
    return np.array([r is None for r in reason], dtype=bool)


def _late_shift(history: np.ndarray, reason: np.ndarray) -> np.ndarray:
    """Per row, how many periods back the latest figure is when the due period's figure is late (0 otherwise,
    and 0 when no earlier period in the window has a figure either).

    >>> h = np.array([[1.0, 2.0, 3.0], [np.nan, np.nan, 3.0], [np.nan, 2.0, 3.0], [np.nan, np.nan, np.nan]])
    >>> _late_shift(h, np.array([None, "blank", "suppressed (c): confidential or small number", None], dtype=object))
    array([0, 2, 0, 0])
    """
    late = np.isnan(history[:, 0]) & np.array([r is None or r in _late_reasons() for r in reason], dtype=bool)
    has = ~np.isnan(history)
    first = np.where(has.any(axis=1), has.argmax(axis=1), 0)
    return np.where(late, first, 0).astype("int64")

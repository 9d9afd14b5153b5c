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
    history = np.full((n_rows, steps), np.nan)
    history[row, step] = values["value"].to_numpy(dtype="float64", na_value=np.nan)[source]

    def at(column: str, which: int, kind: str) -> np.ndarray:
        out = np.full(n_rows, None if kind == "object" else np.nan, dtype=kind)
        if column in values:
            chosen = step == which
            taken = values[column].take(source[chosen])
            out[row[chosen]] = taken.to_numpy(dtype=kind, na_value=None if kind == "object" else np.nan)
        return out

    repeat = np.tile(np.arange(n_ind), n_keys)
    frame = indicators.drop(columns=step_columns).take(repeat).reset_index(drop=True)
    frame.columns = pd.Index(frame.columns, dtype=object)  # cheap column inserts (see _score.plain_column_labels)
    for key in reversed(keys):
        frame.insert(0, key, text_column(np.repeat(key_rows[key].to_numpy(dtype=object), n_ind), frame.index))
    extra = {
        "value": history[:, 0],
        "missing_reason": text_column(strings(at("missing_reason", 0, "object")), frame.index),
        "numerator": at("numerator", 0, "float64"),
        "denominator": at("denominator", 0, "float64"),
        "previous_value": history[:, 1] if steps > 1 else np.full(n_rows, np.nan),
        "previous_numerator": at("numerator", 1, "float64"),
        "previous_denominator": at("denominator", 1, "float64"),
    }
    extra.update({f"_v{k}": history[:, k] for k in range(steps)})
    return frame.assign(**extra)

"""The expectation suites evaluated in pandas, without Great Expectations: the load-time check.

Each rule about an input is declared once, as an expectation of its suite in
``expectations/`` over the columns :mod:`.prepare` derives. ``cpb check`` runs
the suites with Great Expectations (:mod:`.runner`); loading a file or typing a
table runs the same suites here, and stops at the first error-severity
expectation that fails, in reading order, as one
:class:`~cpblib.errors.InputError` naming file, row and column.

The expectation types the shipped suites use are evaluated with Great
Expectations' meaning (:data:`SUPPORTED`): values that are null are ignored by
the column-value expectations (``expect_column_values_to_be_null`` aside),
``mostly`` defaults to 1.0, ``expect_table_columns_to_match_set`` matches
exactly unless ``exact_match`` is false, ``$PARAMETER`` placeholders are filled
in from :func:`parameters`. Two choices are the loader's own: a repeated value is
reported at the row that repeats it (Great Expectations lists both rows), and an
expectation of a type not in :data:`SUPPORTED` (a council may add any type to
its own suite) is left to ``cpb check``.

>>> frame = pd.DataFrame({"source_row": [2, 3], "unit": ["percent", "percentage"]})
>>> suite = {"name": "t", "expectations": [{"type": "expect_column_values_to_be_in_set",
...     "kwargs": {"column": "unit", "value_set": {"$PARAMETER": "vocabulary_unit"}},
...     "meta": {"severity": "error", "rule": "'unit' is one of the allowed unit codes"}}]}
>>> str(first_error(suite, frame, parameters(), file="indicators.csv"))  # doctest: +ELLIPSIS
"indicators.csv, row 3, column 'unit': 'percentage' is not allowed: choose from count, percent, ..."
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from .._vocabulary import vocabulary
from ..config import COMPARATORS, Anomalies
from ..errors import ConfigError, InputError

SUPPORTED = frozenset(
    {
        "expect_column_to_exist",
        "expect_table_columns_to_match_set",
        "expect_column_values_to_be_null",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_be_between",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_be_unique",
        "expect_compound_columns_to_be_unique",
        "expect_column_values_to_be_in_type_list",
    }
)
"""Expectation types evaluated here; others are run by ``cpb check`` only."""

Locate = Callable[[str, int], tuple[str, int]]
"""(column named by a rule, row position in the frame) -> (header shown, position of that header in the file)."""


# -- parameters ----------------------------------------------------------------------------------------
@cache
def _table_columns() -> dict[str, list[str]]:
    from .prepare import prepared_columns

    return prepared_columns()


def parameters(anomalies: Anomalies | None = None, comparators: Sequence[str] = COMPARATORS) -> dict[str, Any]:
    """Values for the ``{"$PARAMETER": name}`` placeholders the suites may use.

    ``vocabulary_<kind>`` for each kind of cpblib/_data/vocabulary.toml,
    ``comparators`` (those cpb.toml declares), ``anomalies_<key>`` for each threshold of cpb.toml's
    ``[anomalies]``, and ``columns_<table>``: every column of a prepared table
    whose file has exactly the declared columns (so that a column cpb does not
    read is refused by ``expect_table_columns_to_match_set``).

    >>> p = parameters()
    >>> p["vocabulary_polarity"], p["anomalies_z_score"], p["comparators"][0], "unit" in p["columns_catalogue"]
    (['high', 'low', 'none'], 3.0, 'england', True)
    """
    values: dict[str, Any] = {
        f"vocabulary_{kind}": list(codes) for kind, codes in vocabulary().items() if kind != "missing"
    }
    values["comparators"] = list(comparators)
    values.update({f"anomalies_{key}": value for key, value in (anomalies or Anomalies()).model_dump().items()})
    values.update({f"columns_{name}": list(columns) for name, columns in _table_columns().items()})
    return values


def substitute(value: Any, params: Mapping[str, Any]) -> Any:
    """``value`` with every ``{"$PARAMETER": name}`` replaced by ``params[name]`` (left as it is when unknown).

    >>> substitute({"column": "z", "max_value": {"$PARAMETER": "p"}}, {"p": 3})
    {'column': 'z', 'max_value': 3}
    """
    if isinstance(value, dict) and set(value) == {"$PARAMETER"}:
        return params.get(value["$PARAMETER"], value)
    if isinstance(value, dict):
        return {k: substitute(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, params) for v in value]
    return value


def _unfilled(value: Any) -> str | None:
    if isinstance(value, dict) and set(value) == {"$PARAMETER"}:
        return str(value["$PARAMETER"])
    if isinstance(value, dict):
        return next((found for v in value.values() if (found := _unfilled(v))), None)
    if isinstance(value, list):
        return next((found for v in value if (found := _unfilled(v))), None)
    return None


# -- one expectation ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Failure:
    """An expectation that does not hold on a frame.

    ``rows``: positions of the failing rows (as Great Expectations counts them);
    ``reported``: the positions the loader reports (the repeats, for uniqueness);
    ``table``: for a failure about the table as a whole, ``missing``/``unexpected``
    columns (``absent``: a column the rule needs is not in the frame).
    """

    expectation: dict[str, Any]
    kwargs: dict[str, Any]
    rows: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))
    reported: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))
    table: dict[str, list[str]] = field(default_factory=dict)


def _columns_needed(type_: str, kwargs: Mapping[str, Any]) -> list[str]:
    if type_ in ("expect_table_columns_to_match_set", "expect_column_to_exist"):
        return []
    if "column" in kwargs:
        return [kwargs["column"]]
    return list(kwargs.get("column_list") or [])


def _null(series: pd.Series) -> np.ndarray:
    return series.isna().to_numpy(dtype=bool)


def _type_matches(series: pd.Series, type_list: Sequence[str]) -> np.ndarray | bool:
    if series.dtype != object:
        return str(series.dtype) in type_list or any(_same_dtype(series.dtype, t) for t in type_list)
    names = {str(t) for t in type_list}
    return np.array([type(v).__name__ in names for v in series], dtype=bool)


def _same_dtype(dtype: Any, name: str) -> bool:
    try:
        return np.dtype(name) == dtype
    except TypeError:
        return False


def check(
    expectation: Mapping[str, Any], frame: pd.DataFrame, params: Mapping[str, Any] | None = None
) -> Failure | None:
    """Evaluate one expectation on ``frame``: None when it holds (or its type is not in :data:`SUPPORTED`).

    >>> frame = pd.DataFrame({"x": [1.0, None, 7.0, 7.0]})
    >>> check({"type": "expect_column_values_to_be_between", "kwargs": {"column": "x", "max_value": 5}}, frame).rows
    array([2, 3])
    >>> check({"type": "expect_column_values_to_be_unique", "kwargs": {"column": "x"}}, frame).reported
    array([3])
    """
    type_ = expectation["type"]
    if type_ not in SUPPORTED:
        return None
    raw_kwargs = dict(expectation.get("kwargs", {}))
    kwargs = substitute(raw_kwargs, params or {})
    missing_parameter = _unfilled(kwargs)
    if missing_parameter is not None:
        raise ConfigError(f"{expectation.get('_source', 'suite')}: no value for the parameter {missing_parameter!r}")
    absent = [c for c in _columns_needed(type_, kwargs) if c not in frame.columns]
    if absent:
        return Failure(dict(expectation), kwargs, table={"absent": absent})
    if type_ == "expect_column_to_exist":
        return (
            None
            if kwargs["column"] in frame.columns
            else Failure(dict(expectation), kwargs, table={"missing": [kwargs["column"]]})
        )
    if type_ == "expect_table_columns_to_match_set":
        return _columns_match(expectation, kwargs, frame)
    size = len(frame)
    if type_ == "expect_compound_columns_to_be_unique":
        keys = frame[list(kwargs["column_list"])]
        missing = keys.isna()
        ignore = {"all_values_are_missing": missing.all(axis=1), "any_value_is_missing": missing.any(axis=1)}.get(
            kwargs.get("ignore_row_if", "all_values_are_missing"), pd.Series(False, index=frame.index)
        )
        considered = ~ignore.to_numpy(dtype=bool)
        bad = np.zeros(size, dtype=bool)
        first_seen = np.zeros(size, dtype=bool)
        subset = keys.loc[considered].astype(object).where(keys.loc[considered].notna(), None)
        bad[considered] = subset.duplicated(keep=False).to_numpy(dtype=bool)
        first_seen[considered] = subset.duplicated(keep="first").to_numpy(dtype=bool)
        return _map_result(expectation, kwargs, bad, int(considered.sum()), first_seen)
    column = frame[kwargs["column"]]
    null = _null(column)
    given = ~null
    if type_ == "expect_column_values_to_be_null":
        return _map_result(expectation, kwargs, given, size)
    if type_ == "expect_column_values_to_not_be_null":
        return _map_result(expectation, kwargs, null, size)
    values = column[given]
    bad = np.zeros(size, dtype=bool)
    reported = None
    if type_ == "expect_column_values_to_be_in_set":
        bad[given] = ~values.isin(list(kwargs.get("value_set") or [])).to_numpy(dtype=bool)
    elif type_ == "expect_column_values_to_match_regex":
        bad[given] = ~values.astype(str).str.contains(kwargs["regex"], regex=True).to_numpy(dtype=bool)
    elif type_ == "expect_column_values_to_be_between":
        bad[given] = ~_within(values, kwargs)
    elif type_ == "expect_column_values_to_be_unique":
        bad[given] = values.duplicated(keep=False).to_numpy(dtype=bool)
        reported = np.zeros(size, dtype=bool)
        reported[given] = values.duplicated(keep="first").to_numpy(dtype=bool)
    elif type_ == "expect_column_values_to_be_in_type_list":
        matches = _type_matches(column, list(kwargs.get("type_list") or []))
        if isinstance(matches, bool):
            return None if matches else Failure(dict(expectation), kwargs, table={"type": [str(column.dtype)]})
        bad = given & ~matches
    return _map_result(expectation, kwargs, bad, int(given.sum()), reported)


def _within(values: pd.Series, kwargs: Mapping[str, Any]) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
    ok = ~np.isnan(numbers)
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    with np.errstate(invalid="ignore"):
        if low is not None:
            ok &= numbers > low if kwargs.get("strict_min") else numbers >= low
        if high is not None:
            ok &= numbers < high if kwargs.get("strict_max") else numbers <= high
    return ok


def _map_result(
    expectation: Mapping[str, Any],
    kwargs: dict[str, Any],
    bad: np.ndarray,
    element_count: int,
    reported: np.ndarray | None = None,
) -> Failure | None:
    unexpected = int(bad.sum())
    if unexpected == 0:
        return None
    mostly = kwargs.get("mostly", 1.0)
    if mostly is not None and element_count and unexpected / element_count <= 1 - float(mostly) + 1e-12:
        return None
    rows = np.flatnonzero(bad)
    shown = rows if reported is None else np.flatnonzero(reported & bad)
    return Failure(dict(expectation), kwargs, rows, shown)


def _columns_match(expectation: Mapping[str, Any], kwargs: dict[str, Any], frame: pd.DataFrame) -> Failure | None:
    expected = list(kwargs.get("column_set") or [])
    actual = [str(c) for c in frame.columns]
    missing = [c for c in expected if c not in actual]
    unexpected = [c for c in actual if c not in expected]
    exact = kwargs.get("exact_match", True)
    if missing or (exact and unexpected):
        return Failure(dict(expectation), kwargs, table={"missing": missing, "unexpected": unexpected if exact else []})
    return None


# -- the first error of a suite -----------------------------------------------------------------------------
def show(value: object, limit: int = 60) -> str:
    """A cell quoted for a message (unprintable characters escaped, long text cut).

    >>> show("=cmd|' /C calc'!A0"), show(104.0), show(3)
    ('"=cmd|\\' /C calc\\'!A0"', '104', '3')
    """
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | float | np.integer | np.floating):
        return number_text(float(value))
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text)


def number_text(value: float) -> str:
    """A number as a message shows it: thousands separated, no needless decimals.

    >>> number_text(1234.0), number_text(437.5), number_text(-0.25), number_text(6455.0)
    ('1,234', '437.5', '-0.25', '6,455')
    """
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.10g}"


def _default_locate(order: Sequence[str]) -> Locate:
    positions = {name: i for i, name in enumerate(order)}
    return lambda column, _row: (column, positions.get(column, len(positions)))


def _flagged(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return [name.strip() for name in value.split(",") if name.strip()]


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or value == ""


def _row_column(failure: Failure, row: int, frame: pd.DataFrame, locate: Locate) -> tuple[str, str, int]:
    """(column the rule names, header shown, position) for a failing row."""
    meta = failure.expectation.get("meta", {})
    kwargs = failure.kwargs
    if meta.get("column_from"):
        names = _flagged(frame[meta["column_from"]].iloc[row]) or [meta["column_from"]]
        located = [(name, *locate(name, row)) for name in names]
        return min(located, key=lambda item: item[2])
    name = meta.get("column") or kwargs.get("column") or (list(kwargs.get("column_list") or [None])[-1])
    return (name, *locate(name, row))


def _value_message(failure: Failure, row: int, column: str, frame: pd.DataFrame) -> str:
    type_ = failure.expectation["type"]
    meta = failure.expectation.get("meta", {})
    rule = meta.get("rule", type_)
    kwargs = failure.kwargs
    checked = kwargs.get("column")
    if type_ == "expect_column_values_to_be_null":
        if meta.get("column_from"):
            cell = frame[column].iloc[row] if column in frame.columns else None
            found = f"{column} is blank" if _blank(cell) else f"{show(cell)} is not allowed"
            return f"{found}: {rule}"
        value = frame[checked].iloc[row]
        return value if isinstance(value, str) else f"{show(value)} is not allowed: {rule}"
    value = frame[checked].iloc[row] if checked in frame.columns else None
    if type_ == "expect_column_values_to_not_be_null":
        return f"{column} is blank: {rule}"
    if type_ == "expect_column_values_to_be_in_set":
        allowed = ", ".join(str(v) for v in kwargs.get("value_set") or [])
        return f"{show(value)} is not allowed: choose from {allowed}"
    if type_ == "expect_column_values_to_match_regex":
        return f"{show(value)} is not allowed: {rule}"
    if type_ == "expect_column_values_to_be_between":
        return f"{_between_text(value, kwargs)}: {rule}"
    if type_ == "expect_column_values_to_be_in_type_list":
        return f"{show(value)} is a {type(value).__name__}, not one of {', '.join(kwargs.get('type_list') or [])}"
    keys = [checked] if type_ == "expect_column_values_to_be_unique" else list(kwargs["column_list"])
    return f"{_repeat_text(frame, keys, row)}: {rule}"


def _between_text(value: object, kwargs: Mapping[str, Any]) -> str:
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if pd.isna(number):
        return f"{show(value)} is not a number"
    if low is not None and (number < low or (kwargs.get("strict_min") and number == low)):
        return f"{show(number)} is {'not above' if number == low else 'below'} {show(low)}"
    return f"{show(number)} is {'not below' if number == high else 'above'} {show(high)}"


def _repeat_text(frame: pd.DataFrame, keys: list[str], row: int) -> str:
    blank = object()  # a blank key equals another blank one, as the uniqueness rule counts them
    key_frame = frame[keys].astype(object)
    key_frame = key_frame.where(key_frame.notna(), blank)
    here = key_frame.iloc[row]
    same = (key_frame == here).all(axis=1).to_numpy()
    first = int(np.flatnonzero(same)[0])
    rows = frame["source_row"] if "source_row" in frame.columns else pd.Series(range(len(frame)))
    described = " and ".join(f"{k} {here[k]}" for k in keys if here[k] is not blank)
    earlier, this = rows.iloc[first], rows.iloc[row]
    if pd.isna(earlier) or pd.isna(this):
        return f"{described} is given twice"
    return f"{described} is given twice, in rows {int(earlier)} and {int(this)}"


def _table_message(failure: Failure, headers: Sequence[str]) -> tuple[str, str | None]:
    """(message, column) for a failure about the table as a whole."""
    rule = failure.expectation.get("meta", {}).get("rule", failure.expectation["type"])
    table = failure.table
    if table.get("unexpected"):
        name = table["unexpected"][0]
        return f"unknown column {show(name)}: {rule}", name
    if table.get("missing"):
        name = table["missing"][0]
        has = ", ".join(h for h in headers) or "no columns"
        return f"required column is missing (the file has {has}): {rule}", name
    if table.get("type"):
        return f"the column holds {table['type'][0]}: {rule}", failure.kwargs.get("column")
    name = table["absent"][0]
    return f"the rule cannot be checked, the column {name!r} is missing: {rule}", name


def _indicator(frame: pd.DataFrame, row: int, column: str) -> str | None:
    if column == "indicator" or "indicator" not in frame.columns:
        return None
    if "unknown_indicator" in frame.columns and not _blank(frame["unknown_indicator"].iloc[row]):
        return None
    value = frame["indicator"].iloc[row]
    return value if isinstance(value, str) and value else None


def failures(
    suite: Mapping[str, Any], frame: pd.DataFrame, params: Mapping[str, Any] | None = None, severity: str = "error"
) -> list[Failure]:
    """Every expectation of ``suite`` with the given severity that fails on ``frame``, in suite order.

    On a frame with no rows only the expectations about the table as a whole can fail.
    """
    found = []
    for expectation in suite.get("expectations", []):
        if expectation.get("meta", {}).get("severity", "error") != severity:
            continue
        failure = check({**expectation, "_source": suite.get("_source", suite.get("name"))}, frame, params)
        if failure is not None and (len(frame) or failure.table):
            found.append(failure)
    covered = {c for f in found for c in f.table.get("missing", [])}
    return [f for f in found if not set(f.table.get("absent", [])) & covered]


def first_error(
    suite: Mapping[str, Any],
    frame: pd.DataFrame,
    params: Mapping[str, Any] | None = None,
    *,
    file: str,
    header_row: int | None = 1,
    headers: Sequence[str] | None = None,
    locate: Locate | None = None,
) -> InputError | None:
    """The first error-severity failure of ``suite`` on the prepared ``frame``, in reading order.

    Reading order is the row (``source_row``; the header row ``header_row`` for
    a failure of the table as a whole; rows the checks add come last), then the
    position in the file of the column the rule names (``headers``: the file's
    headers in order; ``locate`` maps a rule's column to the header shown and
    its position when they differ), then the suite's order.
    """
    headers = list(headers) if headers is not None else [str(c) for c in frame.columns]
    locate = locate or _default_locate(headers)
    rows = (
        pd.to_numeric(frame["source_row"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        if "source_row" in frame.columns
        else np.arange(len(frame), dtype="float64")
    )
    best: tuple[tuple[float, int, int], InputError] | None = None
    for order, failure in enumerate(failures(suite, frame, params)):
        if failure.table:
            message, column = _table_message(failure, headers)
            header, position = locate(column, -1) if column else (None, len(headers))
            line = float(header_row) if header_row is not None else -1.0
            key = (line, position, order)
            error = InputError(file, message, row=header_row, column=header)
        else:
            lines = np.where(np.isnan(rows[failure.reported]), np.inf, rows[failure.reported])
            earliest = failure.reported[lines == lines.min()]
            candidates = [(*_row_column(failure, int(r), frame, locate), int(r)) for r in earliest]
            name, header, position, row = min(candidates, key=lambda c: c[2])
            line = rows[row]
            key = (np.inf if np.isnan(line) else float(line), position, order)
            error = InputError(
                file,
                _value_message(failure, row, name, frame),
                row=None if np.isnan(line) else int(line),
                column=header,
                indicator=_indicator(frame, row, name),
            )
        if best is None or key < best[0]:
            best = (key, error)
    return None if best is None else best[1]


def raise_first(
    suite: Mapping[str, Any], frame: pd.DataFrame, params: Mapping[str, Any] | None = None, **where: Any
) -> None:
    """Raise :func:`first_error` when there is one."""
    error = first_error(suite, frame, params, **where)
    if error is not None:
        raise error


__all__ = ["SUPPORTED", "Failure", "check", "failures", "first_error", "parameters", "raise_first", "substitute"]

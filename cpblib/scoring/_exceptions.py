"""Exception reporting: which figures the board should celebrate, watch or worry about.

The list an indicator goes on follows from its RAG and its direction of
travel, by a small table kept as data (``cpblib/_data/exception_rules.csv``,
columns ``rag``, ``direction``, ``exception``; a blank direction means the
direction is unknown). A project may supply its own table.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from io import StringIO

import numpy as np
import pandas as pd

from .._vocabulary import allowed
from ..errors import InputError
from ._text import codes_of, strings, text_column

RULES_FILE = "exception_rules.csv"


@cache
def _packaged() -> pd.DataFrame:
    text = resources.files("cpblib").joinpath(f"_data/{RULES_FILE}").read_text(encoding="utf-8")
    return check_exception_rules(pd.read_csv(StringIO(text), dtype=str, keep_default_na=False))


def packaged_exception_rules() -> pd.DataFrame:
    """The exception rules shipped with cpb.

    >>> packaged_exception_rules().query("rag == 'amber'").values.tolist()[:2]
    [['amber', 'improving', 'watching_brief'], ['amber', 'same', 'concern']]
    """
    return _packaged().copy()


def check_exception_rules(rules: pd.DataFrame, file: str = RULES_FILE) -> pd.DataFrame:
    """Validate a rules table; return it with text columns and ``None`` for a blank direction."""
    for column in ("rag", "direction", "exception"):
        if column not in rules:
            raise InputError(file, "required column is missing", row=1, column=column)
    clean = pd.DataFrame({c: strings(rules[c].astype(object)) for c in ("rag", "direction", "exception")}, dtype=object)
    for column, kind in (("rag", "rag"), ("direction", "direction"), ("exception", "exception")):
        codes = clean[column]
        bad = codes.notna() & ~codes.isin(allowed(kind))
        if column != "direction":
            bad |= codes.isna()
        if bad.any():
            position = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(
                file,
                f"{rules[column].iloc[position]!r} is not allowed; choose from {', '.join(allowed(kind))}",
                row=position + 2,
                column=column,
            )
    duplicated = clean.duplicated(["rag", "direction"])
    if duplicated.any():
        position = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise InputError(file, "this rag and direction are listed twice", row=position + 2, column="direction")
    return clean


def _position(codes: np.ndarray, known: tuple[str, ...]) -> np.ndarray:
    """Index of each code in ``known``; ``len(known)`` for a missing or unknown code."""
    out = np.full(len(codes), len(known), dtype="int64")
    for index, code in enumerate(known):
        out[codes == code] = index
    return out


def add_exception(frame: pd.DataFrame, rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add ``exception`` (``celebrate``, ``watching_brief``, ``concern`` or ``None``) from ``rag`` and ``direction``.

    >>> f = pd.DataFrame({"rag": ["green", "amber", "red", None],
    ...                   "direction": ["worsening", None, "improving", "same"]})
    >>> add_exception(f)["exception"].tolist()
    ['watching_brief', 'watching_brief', 'watching_brief', None]
    """
    table = _packaged() if rules is None else check_exception_rules(rules)
    rags, directions = allowed("rag"), allowed("direction")
    # a (rag x direction-or-blank) grid of outcomes; the extra rag row (no RAG) stays empty
    grid = np.full((len(rags) + 1, len(directions) + 1), None, dtype=object)
    grid[
        _position(table["rag"].to_numpy(dtype=object), rags),
        _position(table["direction"].to_numpy(dtype=object), directions),
    ] = table["exception"].to_numpy(dtype=object)
    outcome = grid[_position(codes_of(frame, "rag"), rags), _position(codes_of(frame, "direction"), directions)]
    return frame.assign(exception=text_column(outcome, frame.index))


EXCEPTION_ORDER = ("celebrate", "watching_brief", "concern")
_RAG_SEVERITY = {"red": 0, "amber": 1, "green": 2}


def exceptions(scored: pd.DataFrame) -> pd.DataFrame:
    """The exception lists, ready to present: celebrate, then watching brief, then concern.

    Within a list, Reds come before Ambers before Greens, then indicators keep
    the scored order (catalogue order). ``exception`` becomes the first column.

    >>> s = pd.DataFrame({"indicator": ["a", "b", "c", "d"], "rag": ["amber", "green", "red", None],
    ...                   "exception": ["concern", "celebrate", "concern", None]})
    >>> exceptions(s)[["exception", "indicator"]].values.tolist()
    [['celebrate', 'b'], ['concern', 'c'], ['concern', 'a']]
    """
    listed = scored.loc[scored["exception"].notna()]
    order = pd.DataFrame(
        {
            "_list": listed["exception"]
            .map({code: rank for rank, code in enumerate(EXCEPTION_ORDER)})
            .fillna(len(EXCEPTION_ORDER)),
            "_rag": listed["rag"].map(_RAG_SEVERITY).fillna(len(_RAG_SEVERITY)) if "rag" in listed else 0,
            "_row": np.arange(len(listed)),
        },
        index=listed.index,
    ).sort_values(["_list", "_rag", "_row"], kind="stable")
    ordered = listed.loc[order.index].reset_index(drop=True)
    return ordered[["exception", *[c for c in ordered.columns if c != "exception"]]]

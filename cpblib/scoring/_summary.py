"""Counts for the pack's summary page: how many indicators are Red, Amber, Green, improving..."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ._rag import RAG_CODES

DIRECTION_CODES = ("improving", "same", "worsening")
OVERALL = "All"


def _counts(codes: pd.Series, categories: Sequence[str], none_name: str) -> pd.DataFrame:
    kinds = pd.Categorical(codes.astype(object).where(codes.notna(), none_name), categories=[*categories, none_name])
    return pd.get_dummies(kinds).astype("int64").set_axis(list(kinds.categories), axis="columns").set_index(codes.index)


def summarise(scored: pd.DataFrame, by: str | Sequence[str] = "domain") -> pd.DataFrame:
    """Counts by RAG and by direction for each ``by`` group (in order of first appearance) and overall.

    Columns: the ``by`` column(s), ``indicators``, ``green``, ``amber``,
    ``red``, ``no_rag``, ``improving``, ``same``, ``worsening``,
    ``no_direction``. The last row, labelled ``All``, counts every row.

    >>> s = pd.DataFrame({"domain": ["Profile", "Profile", "Health"], "rag": ["green", None, "red"],
    ...                   "direction": ["improving", "same", None]})
    >>> summarise(s).values.tolist()
    [['Profile', 2, 1, 0, 0, 1, 1, 1, 0, 0], ['Health', 1, 0, 0, 1, 0, 0, 0, 0, 1], ['All', 3, 1, 0, 1, 1, 1, 1, 0, 1]]
    """
    by = [by] if isinstance(by, str) else list(by)
    counts = pd.concat(
        [
            scored[by].astype(object),
            pd.Series(1, index=scored.index, name="indicators", dtype="int64"),
            _counts(scored["rag"], RAG_CODES, "no_rag"),
            _counts(scored["direction"], DIRECTION_CODES, "no_direction"),
        ],
        axis="columns",
    )
    groups = counts.groupby(by, sort=False, dropna=False).sum().reset_index()
    overall = counts.drop(columns=by).sum().to_frame().T.assign(**{b: OVERALL for b in by})
    return pd.concat([groups, overall[groups.columns]], ignore_index=True).astype({b: object for b in by})

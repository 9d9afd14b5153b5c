"""Headline facts: the few figures the pack's front page states in words."""

from __future__ import annotations

import pandas as pd

from ._text import strings

HEADLINE_COLUMNS = (
    "role",
    "indicator",
    "name",
    "period",
    "value",
    "previous_period",
    "previous_value",
    "unit",
    "decimals",
)


def headline_facts(scored: pd.DataFrame, catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per scored indicator that has a ``headline`` role, in scored (catalogue) order.

    The role comes from the scored frame's ``headline`` column, or from
    ``catalogue`` when given. Columns: role, indicator, name, period, value,
    previous_period, previous_value, unit, decimals, then direction and
    missing_reason when the scored frame has them.

    >>> s = pd.DataFrame({"indicator": ["cic", "x"], "name": ["Children in care", "X"], "period": ["2023-03"] * 2,
    ...     "value": [437.0, 1.0], "previous_period": ["2023-02"] * 2, "previous_value": [449.0, 2.0],
    ...     "unit": ["count"] * 2, "decimals": [0, 0], "headline": ["children_in_care", None]})
    >>> headline_facts(s)[["role", "value", "previous_value"]].values.tolist()
    [['children_in_care', 437.0, 449.0]]
    """
    if catalogue is not None:
        roles = scored["indicator"].map(catalogue.set_index("indicator")["headline"])
    elif "headline" in scored:
        roles = scored["headline"]
    else:
        roles = pd.Series(None, index=scored.index, dtype=object)
    roles = pd.Series(strings(roles), index=scored.index, dtype=object)
    chosen = scored.loc[roles.notna()].assign(role=roles[roles.notna()])
    extras = [c for c in ("direction", "missing_reason") if c in chosen]
    return chosen[[*HEADLINE_COLUMNS, *extras]].reset_index(drop=True)

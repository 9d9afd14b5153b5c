"""Charts for the pack's summary page: how many indicators are Red, Amber, Green, improving...

Both charts are horizontal bars with the category word on the axis and the
count printed at the end of each bar, so neither relies on colour.

>>> summary = pd.DataFrame({"domain": ["Health", "All"], "indicators": [3, 3], "green": [1, 1], "amber": [1, 1],
...                         "red": [0, 0], "no_rag": [1, 1], "improving": [2, 2], "same": [0, 0],
...                         "worsening": [1, 1], "no_direction": [0, 0]})
>>> counts(summary, "rag")[["category", "count"]].values.tolist()
[['Green', 1], ['Amber', 1], ['Red', 0], ['Not rated', 1]]
>>> rag_count_chart(summary).description
'RAG ratings of 3 indicators: 1 Green, 1 Amber, 0 Red, 1 not rated.'
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from altair.utils.schemapi import debug_mode

from . import _theme as theme
from ._trend import records

OVERALL = "All"
"""Label of the summary row that counts every indicator (as :func:`cpblib.scoring.summarise` writes it)."""

CATEGORIES: dict[str, list[tuple[str, str, dict[str, str]]]] = {
    "rag": [
        ("green", "green", theme.RAG_STYLE["green"]),
        ("amber", "amber", theme.RAG_STYLE["amber"]),
        ("red", "red", theme.RAG_STYLE["red"]),
        ("no_rag", None, theme.NO_RAG_STYLE),
    ],
    "direction": [
        ("improving", "improving", theme.DIRECTION_STYLE["improving"]),
        ("same", "same", theme.DIRECTION_STYLE["same"]),
        ("worsening", "worsening", theme.DIRECTION_STYLE["worsening"]),
        ("no_direction", None, theme.NO_DIRECTION_STYLE),
    ],
}
"""For each kind: (summary column, code in a scored frame or None for missing, style) in display order."""

TITLES = {"rag": "RAG ratings", "direction": "Direction of travel"}


def counts(summary: pd.DataFrame, kind: str, group: str = OVERALL) -> pd.DataFrame:
    """Counts by category for one kind (``rag`` or ``direction``): columns ``column, category, count, colour, text``.

    ``summary`` is the output of :func:`cpblib.scoring.summarise` (the row
    whose group column holds ``group``, by default the overall ``All`` row,
    else the last row) or a scored month (a ``rag`` / ``direction`` column,
    counted directly).

    >>> scored = pd.DataFrame({"direction": ["improving", None, "improving"]})
    >>> counts(scored, "direction")["count"].tolist()
    [2, 0, 0, 1]
    """
    categories = CATEGORIES[kind]
    if kind in summary.columns:
        codes = summary[kind].astype(object).where(summary[kind].notna(), None)
        numbers = [int((codes.isna() if code is None else codes.eq(code)).sum()) for _, code, _ in categories]
    else:
        text_columns = summary.select_dtypes(include=["object", "string"])
        matches = text_columns.eq(group).any(axis=1) if len(text_columns.columns) else summary.index.isna()
        row = summary.loc[matches].iloc[-1] if matches.any() else summary.iloc[-1]
        numbers = [int(row.get(column, 0) or 0) for column, _, _ in categories]
    return pd.DataFrame(
        {
            "column": [column for column, _, _ in categories],
            "category": [style["label"] for _, _, style in categories],
            "count": numbers,
            "colour": [style["colour"] for _, _, style in categories],
            "text": [str(n) for n in numbers],
        }
    )


def _describe(frame: pd.DataFrame, kind: str) -> str:
    total = int(frame["count"].sum())
    # RAG words keep their capital (Green, Amber, Red); the rest read as ordinary words.
    words = [
        word if kind == "rag" and column != "no_rag" else word.lower()
        for column, word in zip(frame["column"], frame["category"])
    ]
    parts = ", ".join(f"{n} {word}" for n, word in zip(frame["count"], words))
    noun = "indicator" if total == 1 else "indicators"
    return f"{TITLES[kind]} of {total} {noun}: {parts}."


def _count_chart(summary: pd.DataFrame, kind: str, group: str, title: str | None) -> alt.LayerChart:
    frame = counts(summary, kind, group)
    description = _describe(frame, kind)
    heading = title or TITLES[kind]
    order = frame["category"].tolist()
    with debug_mode(False):
        y = alt.Y("category:N", sort=order, title=None, axis=alt.Axis(labelPadding=6, ticks=False, domain=False))
        # Every bar is labelled with its count, so no value axis is drawn.
        x = alt.X("count:Q", title="Number of indicators", scale=alt.Scale(domainMin=0, nice=False), axis=None)
        data = alt.Data(name=f"{kind}-counts")
        bars = (
            alt.Chart(data, name=f"{kind}-bars")
            .mark_bar(height={"band": 0.7})
            .encode(x=x, y=y, color=alt.Color("colour:N", scale=None, legend=None))
        )
        labels = (
            alt.Chart(data, name=f"{kind}-count-labels")
            .mark_text(align="left", baseline="middle", dx=5, fontWeight="bold")
            .encode(x=x, y=y, text=alt.Text("text:N"))
        )
        return alt.layer(
            bars,
            labels,
            title=alt.Title(heading, subtitle=f"Number of indicators ({int(frame['count'].sum())} in all)"),
            height=alt.Step(theme.SUMMARY_BAR_STEP),
            width=round(theme.WIDTH * 0.6),
            description=description,
            datasets={f"{kind}-counts": records(frame, ["column", "category", "count", "colour", "text"])},
            usermeta={"cpb": {"kind": f"{kind}_counts", "title": heading, "alt": description}},
        )


def rag_count_chart(summary: pd.DataFrame, *, group: str = OVERALL, title: str | None = None) -> alt.LayerChart:
    """Bars counting indicators by RAG (Green, Amber, Red, not rated), each labelled with its count.

    >>> scored = pd.DataFrame({"rag": ["green", "red", "red"]})
    >>> rag_count_chart(scored).description
    'RAG ratings of 3 indicators: 1 Green, 0 Amber, 2 Red, 0 not rated.'
    """
    return _count_chart(summary, "rag", group, title)


def direction_count_chart(summary: pd.DataFrame, *, group: str = OVERALL, title: str | None = None) -> alt.LayerChart:
    """Bars counting indicators by direction of travel (improving, same, worsening, none), labelled with counts.

    >>> scored = pd.DataFrame({"direction": ["improving", "worsening", None]})
    >>> direction_count_chart(scored).description
    'Direction of travel of 3 indicators: 1 improving, 0 same, 1 worsening, 1 no direction.'
    """
    return _count_chart(summary, "direction", group, title)

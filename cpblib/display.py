"""Turning scored figures into the words and numbers people read: one place for formats and labels.

>>> format_value(87.0, "percent", 1), format_value(1234, "count", 0), format_value(None, "count", 0)
('87.0%', '1,234', '–')
>>> direction_text("improving"), rag_text("amber"), rag_text(None)
('✔ Improving', 'Amber', 'Not rated')
"""

from __future__ import annotations

import math

import pandas as pd

from ._vocabulary import label

MISSING = "–"


def format_value(value: object, unit: str, decimals: int | None) -> str:
    """A figure as a board pack prints it: thousands separators, the unit's sign, fixed decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return MISSING
    places = 0 if decimals is None or pd.isna(decimals) else int(decimals)
    number = float(value)
    # round half away from zero, as printed tables do
    scaled = abs(number) * 10**places
    rounded = math.copysign(math.floor(scaled + 0.5 + 1e-9) / 10**places, number)
    text = f"{rounded:,.{places}f}"
    if text.startswith("-") and float(rounded) == 0:
        text = text[1:]
    return f"{text}%" if unit == "percent" else text


def format_gap(value: object, unit: str, decimals: int | None) -> str:
    """A gap with its sign (``+1.2``, ``-3``); percent gaps are in points (``pts``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    text = format_value(abs(float(value)), "count" if unit == "percent" else unit, decimals)
    sign = "+" if float(value) > 0 and text.strip("0.,") else ("-" if float(value) < 0 and text.strip("0.,") else "")
    return f"{sign}{text}{' pts' if unit == 'percent' else ''}"


def direction_text(direction: str | None) -> str:
    """Direction of travel in words with a symbol, so it never relies on colour."""
    if direction is None or (isinstance(direction, float) and math.isnan(direction)):
        return "No direction"
    return f"{label('direction_symbol', direction)} {label('direction', direction)}"


def rag_text(rag: str | None) -> str:
    if rag is None or (isinstance(rag, float) and math.isnan(rag)):
        return "Not rated"
    return label("rag", rag)


def exception_text(exception: str | None, short: bool = True) -> str:
    """``Watching brief`` (short, for a table cell) or ``Ambers on watching brief`` (a list heading)."""
    if exception is None or (isinstance(exception, float) and math.isnan(exception)):
        return ""
    return label("exception_short" if short else "exception", exception)


def period_text(period: str | None) -> str:
    """``2023-03`` as ``Mar 23``."""
    from .month import Month

    if period is None or (isinstance(period, float) and math.isnan(period)):
        return MISSING
    return Month.parse(period).short_label


def formatted(scored: pd.DataFrame) -> pd.DataFrame:
    """Display strings for the main columns of a scored month (a new frame; the input is untouched).

    >>> frame = pd.DataFrame({"name": ["Rate"], "unit": ["percent"], "decimals": [1], "period": ["2023-03"],
    ...     "value": [64.55], "previous_value": [65.59], "target": [60.0], "direction": ["improving"],
    ...     "rag": ["amber"], "exception": ["watching_brief"]})
    >>> formatted(frame).iloc[0].to_dict()["value"]
    '64.6%'
    """
    def values(column: str) -> list[str]:
        return [format_value(v, u, d) for v, u, d in zip(scored[column], scored["unit"], scored["decimals"])]

    return pd.DataFrame(
        {
            "name": scored["name"],
            "period": [period_text(p) for p in scored["period"]],
            "value": values("value"),
            "previous_value": values("previous_value"),
            "target": values("target"),
            "direction": [direction_text(d) for d in scored["direction"]],
            "rag": [rag_text(r) for r in scored["rag"]],
            "exception": [exception_text(e) for e in scored["exception"]],
        },
        index=scored.index,
    )

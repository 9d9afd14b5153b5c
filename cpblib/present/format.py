"""Turning scored figures into the words and numbers people read: one place for formats and labels.

>>> format_value(87.0, "percent", 1), format_value(1234, "count", 0), format_value(None, "count", 0)
('87.0%', '1,234', '–')
>>> direction_text("improving"), rag_text("amber"), rag_text(None)
('✔ Improving', 'Amber', 'Not rated')
"""

from __future__ import annotations

import math
from typing import Self

import numpy as np
import pandas as pd

from .._vocabulary import label
from ..scoring import format_numbers
from ..scoring._text import UNIT_SUFFIX

MISSING = "–"


class Suppressed(str):
    """A figure a public pack does not show (:mod:`cpblib.present.public`): its text is the suppression
    symbol, and it knows the threshold it was suppressed by, for the note that explains it.

    >>> marker = Suppressed("c", 5)
    >>> marker, marker.threshold, format_value(marker, "count", 0)
    ('c', 5, 'c')
    """

    threshold: int

    def __new__(cls, symbol: str, threshold: int) -> Self:
        marker = super().__new__(cls, symbol)
        marker.threshold = threshold
        return marker

    def __reduce__(self):
        return (Suppressed, (str(self), self.threshold))

    @property
    def note(self) -> str:
        return suppression_note(str(self), self.threshold)


def suppression_note(symbol: str, threshold: int) -> str:
    """The sentence that explains the suppression symbol, under a table and on the data-quality page.

    >>> suppression_note("c", 5)
    'c: not shown because it is a small number (1 to 4), or a percentage, rate or average of fewer than 5 children, so that no child can be identified.'
    """
    return (
        f"{symbol}: not shown because it is a small number (1 to {threshold - 1}), or a percentage, rate or "
        f"average of fewer than {threshold} children, so that no child can be identified."
    )


_NOTES: dict[str, str] = {}
"""Suppression symbol -> its note, for every symbol this process has printed a figure as (see
:func:`suppression_note_for`: a table's cells are plain text by the time it is drawn)."""


def suppression_note_for(cells) -> str | None:
    """The note to print under a table when one of its cells shows a suppressed figure (the symbol alone, or
    followed by its period in brackets), else None.

    >>> _ = format_values([Suppressed("c", 5)], 0, "count")
    >>> suppression_note_for(["437", "c (Dec 22)"])[:25], suppression_note_for(["437", "–"])
    ('c: not shown because it i', None)
    """
    for symbol, note in _NOTES.items():
        if any(isinstance(c, str) and (c == symbol or c.startswith(f"{symbol} (")) for c in cells):
            return note
    return None


def format_values(values, decimals: int, unit: str | None = None, missing: str = "") -> list[str]:
    """Figures of one unit as the pack prints them (:func:`cpblib.scoring.format_numbers` with the unit's sign).

    >>> format_values([64.55, 1234.5, float("nan"), -0.04], 1, "percent")
    ['64.6%', '1,234.5%', '', '0.0%']
    """
    items = list(values)
    numbers = pd.to_numeric(pd.Series(items, dtype="object"), errors="coerce").to_numpy(dtype="float64")
    places = 0 if decimals is None or pd.isna(decimals) else int(decimals)
    text = format_numbers(numbers, places, UNIT_SUFFIX.get(unit or "", ""))
    shown = [missing if not cell else cell for cell in text.tolist()]
    for position, item in enumerate(items):
        if isinstance(item, Suppressed):  # a public pack's small figure: its symbol
            _NOTES[str(item)] = item.note
            shown[position] = item
    return shown


def format_value(value: object, unit: str, decimals: int | None) -> str:
    """One figure as a board pack prints it (``–`` when missing).

    >>> format_value(64.55, "percent", 1), format_value(None, "count", 0), format_value(np.int64(1200), "count", 0)
    ('64.6%', '–', '1,200')
    """
    if value is None or (isinstance(value, _PLAIN_NUMBER) and not isinstance(value, bool | np.bool_)):
        # A plain number (most cells): straight to the one formatter, without reading it as a column first.
        places = 0 if decimals is None or pd.isna(decimals) else int(decimals)
        number = np.array([np.nan if value is None else float(value)])
        return format_numbers(number, places, UNIT_SUFFIX.get(unit or "", ""))[0] or MISSING
    return format_values([value], decimals, unit, missing=MISSING)[0]


_PLAIN_NUMBER = (int, float, np.integer, np.floating)


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


def exception_text(exception: str | None, headings=None) -> str:
    """The exception heading an indicator is under (``Ambers on watching brief``), or its short form for a
    table cell (``Watching brief``) when ``headings`` (:class:`cpblib.scoring.Headings`) are given; ``""``
    when it is under none.

    >>> from cpblib.scoring import packaged_headings
    >>> exception_text("Ambers on watching brief"), exception_text("Ambers on watching brief", packaged_headings())
    ('Ambers on watching brief', 'Watching brief')
    """
    if exception is None or (isinstance(exception, float) and math.isnan(exception)):
        return ""
    return headings.short(exception) if headings is not None else str(exception)


PROVISIONAL_MARK = "(p)"
"""What follows a provisional figure in a table (the table's key says what it means)."""

ROLLED_UP_MARK = "(r)"
"""What follows a quarter's or a year's figure that cpb rolled up from the months (not given in the extract)."""

NAMED_UNIT = {"rate_per_10000": " per 10,000"}
"""What follows a figure of each unit when it stands beside a figure of another unit: ``64.5 per 10,000``."""


def named_value(value: object, unit: str | None, decimals: int | None) -> str:
    """A figure with its unit said, for a cell holding two figures: ``64.5 per 10,000``, ``58.0%``, ``486``.

    >>> named_value(64.549, "rate_per_10000", 1), named_value(None, "count", 0)
    ('64.5 per 10,000', '–')
    """
    text = format_value(value, unit or "", decimals)
    return text if text == MISSING or isinstance(value, Suppressed) else text + NAMED_UNIT.get(unit or "", "")


def figure_pair(value: object, unit: str | None, decimals: int | None, second: object, second_unit: str | None) -> str:
    """An indicator's two figures in one cell, the count first: ``486 (64.5 per 10,000)``; the main figure
    alone when there is no second one.

    >>> figure_pair(64.55, "rate_per_10000", 1, 486.0, "count"), figure_pair(58.04, "percent", 1, None, None)
    ('486 (64.6 per 10,000)', '58.0%')
    """
    if not isinstance(second_unit, str) or not second_unit:
        return format_value(value, unit or "", decimals)
    main = named_value(value, unit, decimals)
    other = named_value(second, second_unit, 0 if second_unit == "count" else decimals)
    return f"{other} ({main})" if second_unit == "count" else f"{main} ({other})"


def is_words(reason: object) -> bool:
    """Whether a missing figure's reason is words from the extract (``awaiting data``), shown where the figure
    would be, rather than a marker's reason (``blank``, ``suppressed (c)...``), shown as ``–``.

    >>> is_words("awaiting data"), is_words("blank"), is_words("suppressed (c): confidential or small number")
    (True, False, False)
    """
    from .._vocabulary import vocabulary

    if not isinstance(reason, str) or not reason.strip():
        return False
    return reason not in set(vocabulary()["missing"].values())


def value_cell(value: object, unit: str | None, decimals: int | None, *, provisional: bool = False,
               reason: object = None, rolled_up: bool = False) -> str:  # fmt: skip
    """One figure for a table cell: the figure with ``(p)`` when provisional and ``(r)`` when rolled up, or the
    extract's words where there is no figure.

    >>> value_cell(58.0, "percent", 1, provisional=True), value_cell(None, "percent", 1, reason="awaiting data")
    ('58.0% (p)', 'awaiting data')
    """
    present = value is not None and not (isinstance(value, float) and math.isnan(value))
    if not present and is_words(reason):
        return str(reason)
    text = format_value(value, unit or "", decimals)
    if present and provisional:
        text += f" {PROVISIONAL_MARK}"
    if present and rolled_up:
        text += f" {ROLLED_UP_MARK}"
    return text


QUARTERLY_SPANS = {"monthly": 3, "quarterly": 3, "annual": 12}
"""Months a figure of each frequency covers in a quarterly pack (a monthly indicator is read by quarter there)."""


def period_text(period: str | None, frequency: str | None = None, calendar=None) -> str:
    """``2023-03`` as ``Mar 23``; in a quarterly pack (``calendar``: the project's), a quarterly figure's period as
    its quarter and an annual one's as its year.

    >>> from cpblib.config import Calendar
    >>> period_text("2023-03"), period_text("2023-03", "quarterly", Calendar(cadence="quarterly"))
    ('Mar 23', 'Q4 2022/23')
    """
    from ..month import Month
    from ..period import period_label

    if period is None or (isinstance(period, float) and math.isnan(period)):
        return MISSING
    if calendar is None or calendar.cadence != "quarterly":
        return Month.parse(period).short_label
    return period_label(period, QUARTERLY_SPANS.get(frequency or "quarterly", 1), calendar.financial_year_start)


def period_cell(period: str | None, due_period: str | None = None, label=None) -> str:
    """A figure's period as a table shows it (``label(period)``, default :func:`period_text`): ``Mar 23``,
    or ``Dec 22, latest available`` when the figure due (``due_period``) is late and an earlier one stands in.

    >>> period_cell("2023-03", "2023-03"), period_cell("2022-12", "2023-03")
    ('Mar 23', 'Dec 22, latest available')
    """
    text = (label or period_text)(period)
    if isinstance(due_period, str) and isinstance(period, str) and due_period != period:
        text += ", latest available"
    return text


def formatted(scored: pd.DataFrame, period_label=None) -> pd.DataFrame:
    """Display strings for the main columns of a scored month (a new frame; the input is untouched).
    ``period_label(period, frequency)`` heads a period (default: ``Mar 23``; a quarterly pack's says ``Q4 2019/20``).

    >>> frame = pd.DataFrame({"name": ["Rate"], "unit": ["percent"], "decimals": [1], "period": ["2023-03"],
    ...     "value": [64.55], "previous_value": [65.59], "target": [60.0], "direction": ["improving"],
    ...     "rag": ["amber"], "exception": ["Ambers on watching brief"]})
    >>> formatted(frame).iloc[0].to_dict()["value"]
    '64.6%'
    """

    def values(column: str) -> list[str]:
        return [format_value(v, u, d) for v, u, d in zip(scored[column], scored["unit"], scored["decimals"])]

    label_of = period_label or (lambda period, frequency: period_text(period))
    frequencies = scored["frequency"] if "frequency" in scored else [None] * len(scored)
    latest = [
        value_cell(v, u, d, provisional=bool(p) if p is not None and not pd.isna(p) else False, reason=r)
        for v, u, d, p, r in zip(
            scored["value"],
            scored["unit"],
            scored["decimals"],
            scored["provisional"] if "provisional" in scored else [False] * len(scored),
            scored["missing_reason"] if "missing_reason" in scored else [None] * len(scored),
        )
    ]
    return pd.DataFrame(
        {
            "name": scored["name"],
            "period": [
                period_cell(p, d, lambda period, f=f: label_of(period, f))
                for p, d, f in zip(scored["period"], scored.get("due_period", scored["period"]), frequencies)
            ],
            "value": latest,
            "previous_value": values("previous_value"),
            "target": values("target"),
            "direction": [direction_text(d) for d in scored["direction"]],
            "rag": [rag_text(r) for r in scored["rag"]],
            "exception": [exception_text(e) for e in scored["exception"]],
        },
        index=scored.index,
    )

"""What a table cell shows of a figure: its provisional mark, a second figure beside it, words in its place,
the notes under the table, and the quarter and year columns beside the months.

Pure functions over the pack's frames; :mod:`cpblib.present.pages` puts them in its tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .format import (
    MISSING,
    PROVISIONAL_MARK,
    ROLLED_UP_MARK,
    Suppressed,
    figure_pair,
    format_value,
    is_words,
    named_value,
    value_cell,
)

SPAN_COLUMNS = {"quarter": 3, "year": 12}
"""The spans a table may show beside its months, in months."""


@dataclass(frozen=True)
class Cell:
    """One figure of a table: its value, second figure, marks and note."""

    value: float = np.nan
    reason: str | None = None
    provisional: bool = False
    rolled_up: bool = False
    note: str | None = None
    second: float = np.nan

    def text(self, unit: str | None, decimals: int | None, second_unit: str | None = None) -> str:
        """The cell as printed: ``58.0% (p)``, ``486 (64.5 per 10,000)``, ``awaiting data``, ``–``."""
        present = not pd.isna(self.value)
        if present and isinstance(second_unit, str) and second_unit:
            text = figure_pair(self.value, unit, decimals, self.second, second_unit)
            text += f" {PROVISIONAL_MARK}" if self.provisional else ""
            return text + (f" {ROLLED_UP_MARK}" if self.rolled_up else "")
        reason = None if self.rolled_up else self.reason  # why a roll-up has no figure is cpb's, not the extract's
        return value_cell(
            self.value, unit, decimals, provisional=self.provisional, reason=reason, rolled_up=self.rolled_up
        )


def _lookup(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    present = [c for c in columns if c in frame]
    return frame.drop_duplicates(["indicator", "period"], keep="last").set_index(["indicator", "period"])[present]


def _figure(value: object) -> object:
    """A figure as a float, a public pack's suppression marker as it is, a gap as NaN."""
    if isinstance(value, Suppressed):
        return value
    return np.nan if pd.isna(value) else float(value)


def cells(pack, indicators: list[str], periods: list[str]) -> list[Cell]:
    """The :class:`Cell` of each (indicator, period) pair, from the series the month was scored from and its
    second figures."""
    if not indicators:
        return []
    keys = pd.MultiIndex.from_arrays([indicators, periods])
    main = _lookup(pack.history, _CELL_COLUMNS).reindex(keys)
    figures = pack.figures
    second = pd.Series(np.nan, index=keys)
    if "figure" in figures and figures["figure"].notna().any():
        rows = figures.loc[figures["figure"].notna() & (figures["span"].isna() if "span" in figures else True)]
        second = _lookup(rows, ("value",))["value"].reindex(keys)
    column = {name: main[name].to_list() if name in main else [None] * len(keys) for name in _CELL_COLUMNS}
    return [
        Cell(
            value=_figure(value), reason=_words(reason), provisional=_flag(provisional), rolled_up=_flag(rolled_up),
            note=_words(note), second=_figure(other),
        )
        for value, reason, provisional, rolled_up, note, other in zip(
            *(column[name] for name in _CELL_COLUMNS), second.to_list(), strict=True
        )
    ]  # fmt: skip


_CELL_COLUMNS = ("value", "missing_reason", "provisional", "rolled_up", "note")


def _words(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _flag(value: object) -> bool:
    return False if pd.isna(value) else bool(value)


def benchmark_text(row: pd.Series, comparator: str) -> str:
    """A comparator's figure with its year; with the second figure's own benchmark beside it when there is one:
    ``70.0 per 10,000 (2021-22); 82,170 (2021-22)``."""
    value, year = row.get(f"{comparator}_value"), row.get(f"{comparator}_year")
    second_unit = row.get("second_figure")
    second, second_year = row.get(f"{comparator}_second_value"), row.get(f"{comparator}_second_year")
    has_second = isinstance(second_unit, str) and second_unit and second is not None and not pd.isna(second)
    main = None
    if value is not None and not pd.isna(value):
        shown = named_value(value, row["unit"], row["decimals"]) if has_second else None
        main = f"{shown or format_value(value, row['unit'], row['decimals'])} ({year})"
    if not has_second:
        return main or MISSING
    other = f"{named_value(second, second_unit, 0 if second_unit == 'count' else row['decimals'])} ({second_year})"
    return f"{main}; {other}" if main else other


def notes(pack, rows: pd.DataFrame, shown: list[tuple[str, str, Cell]]) -> str | None:
    """The key and notes under a table (Markdown, escaped), or None when the table has no mark to explain.

    ``shown`` lists (indicator name, period label, cell) of every figure the table shows.
    """
    from .tables import markdown_escape

    key = []
    if any(c.provisional and not pd.isna(c.value) for _, _, c in shown):
        key.append(f"{PROVISIONAL_MARK} provisional: the figure may change")
    if any(c.rolled_up and not pd.isna(c.value) for _, _, c in shown):
        key.append(f"{ROLLED_UP_MARK} rolled up by cpb from the months (not given in the extract)")
    if any(pd.isna(c.value) and is_words(c.reason) and not c.rolled_up for _, _, c in shown):
        key.append("words in place of a figure are the extract's: there is no figure yet")
    lines = [f"Key: {'; '.join(key)}."] if key else []
    for name, period, cell in shown:
        if cell.provisional and cell.note and not pd.isna(cell.value):
            lines.append(f"- {name}, {period}: {cell.note}")
    if not lines:
        return None
    return "\n".join(markdown_escape(line) if not line.startswith("- ") else f"- {markdown_escape(line[2:])}"
                     for line in lines)  # fmt: skip


# -- quarter and year columns beside the months --------------------------------------------------------------
def span_periods(pack, quarters: int) -> list[tuple[str, int]]:
    """The quarters (the last ``quarters`` ended by the report month) and the financial year ended by it, as
    (period ``YYYY-MM``, months) in time order."""
    from ..month import Month
    from ..period import Period

    start = pack.config.calendar.financial_year_start
    end = Month.parse(pack.month)
    last_quarter = end - (end.month - start + 1) % 3
    spans = [(str(last_quarter - 3 * k), 3) for k in range(quarters - 1, -1, -1)]
    year_end = Period.of(end - (end.month - start + 1) % 12, 12, start)
    return sorted([*spans, (str(year_end.end), 12)], key=lambda p: (p[0], p[1]))


def span_figures(pack, rows: pd.DataFrame, spans: list[tuple[str, int]]) -> dict[tuple[str, int], list[Cell]]:
    """Each row's figure for each quarter or year: the one the extract gives, else rolled up from its figures
    (:func:`cpblib.scoring.rollup`, marked), else missing with the reason."""
    from ..scoring import rollup

    figures = pack.figures
    given = figures.loc[figures["span"].notna()] if "span" in figures else figures.iloc[0:0]
    if "figure" in given:
        given = given.loc[given["figure"].isna()]
    rolled = {
        months: rollup(pack.history, pack.inputs.catalogue, to, pack.config.calendar).set_index(["indicator", "period"])
        for to, months in (("quarter", 3), ("financial_year", 12))
        if any(m == months for _, m in spans)
    }
    out: dict[tuple[str, int], list[Cell]] = {}
    for period, months in spans:
        span = "quarter" if months == 3 else "year"
        mine = given.loc[given["span"].eq(span) & given["period"].eq(period)].drop_duplicates("indicator")
        mine = mine.set_index("indicator")
        cells_here = []
        for indicator in rows["indicator"]:
            if indicator in mine.index:
                row = mine.loc[indicator]
                flag = row.get("provisional")
                cells_here.append(
                    Cell(
                        value=_figure(row["value"]),
                        reason=row.get("missing_reason") if isinstance(row.get("missing_reason"), str) else None,
                        provisional=bool(flag) if flag is not None and not pd.isna(flag) else False,
                        note=row.get("note") if isinstance(row.get("note"), str) else None,
                    )
                )
                continue
            key = (indicator, period)
            table = rolled.get(months)
            if table is not None and key in table.index and not pd.isna(table.loc[key, "value"]):
                cells_here.append(Cell(value=float(table.loc[key, "value"]), rolled_up=True))
            else:
                cells_here.append(Cell())
        out[(period, months)] = cells_here
    return out


__all__ = ["Cell", "benchmark_text", "cells", "notes", "span_figures", "span_periods"]

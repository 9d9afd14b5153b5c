"""Cells and periods as DfE open data prints them: pure functions, no I/O.

DfE files hold numbers as text, and print a symbol instead of a number where
a figure is withheld or does not exist (``c``, ``x``, ``z``, ``k``, ``low``,
``u``; LAIT prints ``-``). Adoption timeliness is printed as a duration in
years and months (``1:02`` is one year and two months). Periods are years as
the source prints them (``2024``, ``202324``, ``2023-24``, ``2014-16``).

>>> cells = parse_cells(pd.Series(["70", "c", "1:02", " 12.5 "]), "f.csv", "v")
>>> cells["value"].tolist(), cells["value_kind"].tolist()
([70.0, nan, 14.0, 12.5], ['number', None, 'months', 'number'])
>>> cells["missing_reason"].tolist()
[None, 'suppressed (c): confidential or small number', None, None]
>>> year_label(2024, None, "snapshot"), year_label(2024, None, "year"), year_label(2024, "2023-24", "snapshot")
('2024', '2023-24', '2023-24')
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .._vocabulary import vocabulary
from ..errors import InputError

ROUNDS_TO_ZERO = frozenset({"k", "low"})
"""Symbols DfE prints for a figure that is not zero but rounds to zero (fewer than 0.5 of the unit
printed): ``k`` in the government-wide symbol set, ``low`` in Explore Education Statistics. The store
keeps them as printed; comparators and ranks count them as 0, the figure DfE's own tools show."""

YEAR_END_DAYS = {
    "financial year": (3, 31),
    "annual": (3, 31),
    "annual (end of sept)": (9, 30),
    "academic year": (8, 31),
    "calendar year": (12, 31),
    "annual - january": (1, 31),
}
"""Last day (month, day) of a year of each ``Year_Type`` of LAIT's data dictionary; any other
type, or none, ends on 31 March (the reporting year of children's social care statistics)."""

PERIOD_KINDS = ("snapshot", "year")
"""How a plain reporting year is labelled: ``snapshot`` (a count on a date: ``2024``)
or ``year`` (events over the year ending 31 March: ``2023-24``)."""

_DURATION = re.compile(r"^(\d{1,3}):(\d{2})$")
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")


def missing_markers() -> dict[str, str]:
    """Suppression and not-available symbols (lower case) with the reason kept for each.

    >>> missing_markers()["z"]
    'not applicable (z)'
    """
    return dict(vocabulary()["missing"])


def parse_duration(text: str) -> float:
    """Months in a DfE duration printed as ``years:months``.

    >>> parse_duration("2:05"), parse_duration("00:09")
    (29.0, 9.0)
    >>> parse_duration("1:13")
    Traceback (most recent call last):
    ...
    ValueError: '1:13' is not a duration in years:months (months must be 00 to 11)
    """
    match = _DURATION.match(str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration in years:months")
    years, months = int(match[1]), int(match[2])
    if months > 11:
        raise ValueError(f"{text!r} is not a duration in years:months (months must be 00 to 11)")
    return float(years * 12 + months)


def parse_cells(raw: pd.Series, file: str, column: str, rows: pd.Series | None = None) -> pd.DataFrame:
    """Numbers, durations (as months) and missing-value symbols of a column of text cells.

    Returns a frame aligned on ``raw``'s index with ``value`` (float64, NaN
    when missing), ``value_kind`` (``number``, ``months`` or None) and
    ``missing_reason`` (None when there is a value). A cell that is none of
    these raises :class:`~cpblib.errors.InputError` naming file, row and
    column; ``rows`` gives each cell's row number in the file (default: index + 2,
    the CSV row under a one-line header).

    >>> parse_cells(pd.Series(["low", "1,234", "-"]), "f.csv", "v")["missing_reason"].tolist()
    ['rounds to zero (low)', None, 'not available']
    >>> parse_cells(pd.Series(["12", "n.a."]), "f.csv", "rate")
    Traceback (most recent call last):
    ...
    cpblib.errors.InputError: f.csv, row 3, column 'rate': 'n.a.' is not a number, a duration (years:months) or ...
    """
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    table = _parse_unique(pd.Series(uniques, dtype="object"))
    take = np.where(codes < 0, len(table), codes)  # codes < 0: a truly empty cell (None / NaN)

    def column_of(name: str, empty) -> np.ndarray:
        cells = table[name].to_numpy(dtype=object, copy=True)
        cells[pd.isna(cells)] = None
        return np.append(cells, np.array([empty], dtype=object))[take]

    errors = column_of("error", None)
    wrong = pd.notna(errors)
    if wrong.any():
        position = int(np.flatnonzero(wrong)[0])
        label = raw.index[position]
        row = int(rows.loc[label]) if rows is not None else position + 2
        raise InputError(file, errors[position], row=row, column=column)
    value = np.append(table["value"].to_numpy(dtype="float64"), np.nan)[take]
    kind = column_of("value_kind", None)
    reason = column_of("missing_reason", missing_markers()[""])
    return pd.DataFrame(
        {
            "value": pd.Series(value, index=raw.index, dtype="float64"),
            "value_kind": pd.Series(kind, index=raw.index, dtype=object),
            "missing_reason": pd.Series(reason, index=raw.index, dtype=object),
        }
    )


def _parse_unique(uniques: pd.Series) -> pd.DataFrame:
    """Parse each distinct cell once (DfE columns repeat few distinct texts)."""
    text = uniques.astype(str).str.strip()
    cleaned = text.str.replace(",", "", regex=False)
    numeric_text = cleaned.str.match(_NUMBER_TEXT.pattern)
    value = pd.to_numeric(cleaned.where(numeric_text).str.rstrip("%"), errors="coerce").astype("float64")
    kind = pd.Series(np.where(value.notna(), "number", None), index=uniques.index, dtype="object")
    reason = text.str.lower().map(missing_markers()).astype("object")
    error = pd.Series(None, index=uniques.index, dtype="object")
    durations = value.isna() & reason.isna() & text.str.match(_DURATION.pattern)
    if durations.any():
        parts = text[durations].str.extract(_DURATION.pattern).astype(int)
        months = (parts[0] * 12 + parts[1]).astype("float64")
        value = value.where(~durations, months.reindex(uniques.index))
        kind = kind.where(~durations, "months")
        bad = parts.index[parts[1] > 11]
        error[bad] = [f"{t!r} is not a duration in years:months (months must be 00 to 11)" for t in text[bad]]
        value[bad] = np.nan
    unknown = value.isna() & reason.isna() & error.isna()
    symbols = "c, x, z, k, low, u, -, :"
    error[unknown] = [
        f"{t!r} is not a number, a duration (years:months) or a DfE symbol ({symbols})" for t in text[unknown]
    ]
    reason = reason.where(value.isna() & reason.notna(), None)
    return pd.DataFrame({"text": text, "value": value, "value_kind": kind, "missing_reason": reason, "error": error})


_YEAR = re.compile(r"^(\d{4})$")
_SPAN = re.compile(r"^(\d{4})[-/](\d{2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})$")
_MULTI = re.compile(r"^(\d{4})(?:/\d{2})?-(\d{2})(?:/(\d{2}))?$")
_QUALIFIER = re.compile(r"^(.*?)\s*\((rev|final|prov|ot)\)$", re.IGNORECASE)

REVISION = {"prov": 0, "": 1, "ot": 1, "rev": 2, "final": 3}
"""Preference between figures printed for the same year: provisional < plain < revised < final."""


def parse_period(text: str, time_identifier: str = "") -> tuple[int, str | None, int] | None:
    """``(year_end, span_label, revision)`` of a period as a DfE file prints it, or None.

    ``year_end`` is the calendar year the period ends in; ``span_label`` is the
    label when the text itself names a span (``2023-24``), else None and the
    label is chosen by :func:`year_label`. ``revision`` orders figures printed
    twice for one year (see :data:`REVISION`).

    >>> parse_period("2024"), parse_period("202324"), parse_period("2023-24 (OT)")
    ((2024, None, 1), (2024, '2023-24', 1), (2024, '2023-24', 1))
    >>> parse_period("2024 (Rev)"), parse_period("2014-16"), parse_period("2013/14-15/16")
    ((2024, None, 2), (2016, '2014-16', 1), (2016, '2013/14-15/16', 1))
    >>> parse_period("2024", "Calendar year"), parse_period("0")
    ((2024, '2024', 1), None)
    """
    text = str(text).strip()
    revision = REVISION[""]
    qualified = _QUALIFIER.match(text)
    if qualified:
        text, revision = qualified[1], REVISION[qualified[2].lower()]
    if match := _YEAR.match(text):
        year = int(match[1])
        label = str(year) if "calendar" in str(time_identifier).lower() else None
        return (year, label, revision) if 1900 < year < 2200 else None
    for pattern in (_SPAN, _COMPACT):
        if match := pattern.match(text):
            start, end = int(match[1]), int(match[2])
            if (start + 1) % 100 == end:
                return start + 1, f"{start}-{end:02d}", revision
    if match := _MULTI.match(text):
        start = int(match[1])
        end = (start // 100) * 100 + int(match[3] or match[2])
        if end < start:
            end += 100
        return end, text, revision
    return None


def year_label(year_end: int, span_label: str | None, period: str) -> str:
    """The label a pack prints for a DfE year.

    A span printed by the source is kept (``2023-24``); a plain reporting year
    is labelled by the date it describes: ``snapshot`` figures (a count on
    31 March 2024, or on 30 September for the workforce) as ``2024``, and
    ``year`` figures (events in the year ending 31 March 2024) as ``2023-24``.

    >>> year_label(2020, None, "year")
    '2019-20'
    """
    if span_label:
        return span_label
    if period == "snapshot":
        return str(int(year_end))
    return f"{int(year_end) - 1}-{int(year_end) % 100:02d}"


def region_key(name: object) -> str | None:
    """A region name reduced so that files' spellings match.

    >>> region_key("Yorkshire and The Humber") == region_key("Yorkshire and the Humber")
    True
    >>> region_key("London (Inner)"), region_key(" Inner  London ")
    ('inner london', 'inner london')
    """
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return None
    text = " ".join(str(name).lower().split())
    if not text or text == "na":
        return None
    match = re.match(r"^london \((inner|outer)\)$", text)
    if match:
        return f"{match[1]} london"
    return text


def name_key(name: object) -> str | None:
    """An LA name reduced for matching across files (case, ``&``, punctuation, ``City of``).

    >>> name_key("Bournemouth, Christchurch & Poole") == name_key("Bournemouth, Christchurch and Poole")
    True
    >>> name_key("Bristol, City of") == name_key("City of Bristol")
    True
    """
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return None
    text = str(name).lower().replace("&", " and ")
    text = re.sub(r"\(pre lg\)|\bcity of\b|\bborough\b|\bcounty\b|\bcouncil\b", " ", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split()) or None


def rounds_to_zero(raw: pd.Series) -> pd.Series:
    """Which cells were printed as a rounds-to-zero symbol (``k`` or ``low``, any case).

    >>> rounds_to_zero(pd.Series(["k", " LOW ", "0", None, "c"])).tolist()
    [True, True, False, False, False]
    """
    return raw.astype("object").fillna("").astype(str).str.strip().str.lower().isin(ROUNDS_TO_ZERO)


def year_end_date(year_end: int, year_type: str | None = None) -> str:
    """The last day (``YYYY-MM-DD``) of a DfE year ending in ``year_end``, by LAIT's ``Year_Type``.

    >>> year_end_date(2024), year_end_date(2024, "Academic Year"), year_end_date(2024, "Annual (end of Sept)")
    ('2024-03-31', '2024-08-31', '2024-09-30')
    """
    month, day = YEAR_END_DAYS.get(" ".join(str(year_type or "").lower().split()), (3, 31))
    return f"{int(year_end):04d}-{month:02d}-{day:02d}"

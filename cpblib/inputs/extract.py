"""Turning a table of text cells into checked indicator values.

Pure functions, no file or database access: :func:`parse_table` takes a
:class:`cpblib.inputs.files.Table` and the validated catalogue and returns the values
frame (see the contract: ``indicator, period, value, missing_reason,
numerator, denominator, note``) plus ``source_row`` and ``source_column``, or raises
:class:`~cpblib.errors.InputError` for the first problem, naming the file, row and column.

The parser itself only reads: the layout and headers, cells that are neither a
number nor a missing-value marker, indicator names that match no indicator or
several, periods that cannot be read, text a spreadsheet would run as a
formula. The rules about the values read (the bounds of each unit, numerator
and denominator, one value per indicator and period, no period after the
report month) are the values suite's (``expectations/values.json``), evaluated
on the parsed values by :func:`check_values`, as ``cpb check`` evaluates them
on the store. Reading problems come first, each kind in reading order.

Two layouts are read:

* **long**: columns ``indicator`` (or ``measure``), ``period``, ``value`` and
  optionally ``numerator``, ``denominator``, ``note``, ``figure`` and
  ``provisional``; a blank value is a missing observation with the reason ``blank``.
* **wide**: an ``indicator`` column and one column per period (``Oct 22``,
  ``Oct-22``, ``2022-10``, ``October 2022``, a first-of-month date, a quarter
  such as ``Q4 2019/20`` or a year such as ``2019/20``); a blank cell is simply
  no observation, while a marker such as ``c`` or ``NA`` is a missing
  observation with its reason.

A period is read in any form :meth:`cpblib.period.Period.parse` reads, with the
project's calendar and the indicator's ``year_type``; it is kept as its last month
(``period``) and, when it is not the indicator's own period (a quarter or a year of a
monthly indicator), its ``span`` (``quarter`` or ``year``). A month always means the
indicator's own period ending then, as it always has. ``figure`` names which of the
indicator's figures a row gives: blank for its main figure (its ``unit``), or its
second figure (the catalogue's ``second_figure``, e.g. ``count``). A figure is
``provisional`` when that column says yes, when its cell ends in ``(p)`` or
``(provisional)``, or when its wide column's header does. A cell holding words and
no figure (``awaiting data``, ``see note``) is kept: the figure is missing with the
words as its reason and its note.

Both may carry descriptive columns (:data:`DESCRIPTIVE_COLUMNS`) that are
ignored and named in the load receipt. Indicators are matched by id, then
display name, then alias (case and spacing ignored).

>>> parse_cell(" 1,234 "), parse_cell("87%"), parse_cell("c")
((1234.0, None), (87.0, None), (None, 'suppressed (c): confidential or small number'))
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._vocabulary import vocabulary
from ..config import Calendar
from ..errors import InputError
from ..limits import MAX_FIGURE
from ..month import Month, MonthError
from ..period import KINDS, Period
from .files import Table, is_unnamed, with_header_at

# -- vocabulary as data ----------------------------------------------------------------------
MISSING_MARKERS: dict[str, str] = dict(vocabulary()["missing"])
"""Missing-value marker (lower case) -> the reason kept in the store."""

LONG_COLUMNS: dict[str, str] = {
    "indicator": "indicator",
    "measure": "indicator",
    "period": "period",
    "value": "value",
    "numerator": "numerator",
    "denominator": "denominator",
    "note": "note",
    "notes": "note",
    "figure": "figure",
    "provisional": "provisional",
}
"""Header (normalised: case-folded, ``_`` as a space, spaces collapsed) -> role in a long table."""

WIDE_INDICATOR_COLUMNS: tuple[str, ...] = ("indicator", "measure")
"""Headers that name the indicator column of a wide table."""

DESCRIPTIVE_COLUMNS: tuple[str, ...] = (
    "domain",
    "unit",
    "good is",
    "polarity",
    "target",
    "england",
    "region",
    "sn",
    "good sn",
    "baseline",
    "name",
    "notes",
    "note",
)
"""Descriptive columns allowed beside the values (normalised headers); ignored and named in the receipt."""

LONG_REQUIRED: tuple[str, ...] = ("indicator", "period", "value")

MAX_TITLE_ROWS = 10
"""How far down a table the header may sit below title lines (rows with one filled cell at most)."""

VALUES_COLUMNS: tuple[str, ...] = (
    "indicator",
    "period",
    "value",
    "missing_reason",
    "numerator",
    "denominator",
    "note",
    "figure",
    "span",
    "provisional",
    "source_row",
    "source_column",
)
"""The parsed values: the store's columns, plus the row and the header each value came from."""

FIGURE_WORDS: dict[str, tuple[str, ...]] = {
    "count": ("count", "number", "no.", "total"),
    "percent": ("percent", "percentage", "%", "pct"),
    "rate_per_10000": ("rate", "rate per 10,000", "rate per 10000", "per 10,000", "rate_per_10000"),
    "percent_change": ("% change", "percent change", "percentage change", "percent_change"),
}
"""Words an extract's ``figure`` column may name a figure by, besides its unit code and label."""

YES = ("y", "yes", "true", "1", "p", "provisional")
NO = ("n", "no", "false", "0")
"""What the ``provisional`` column may hold (case ignored; blank is no)."""

PROVISIONAL_MARK = re.compile(r"\s*[\(\[]\s*(?:p|provisional)\s*[\)\]]\s*$", re.IGNORECASE)
"""``58.0 (p)``, ``58.0 [provisional]``: a figure marked provisional in its cell or a column in its header."""

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"
_DASHES = {"\u2013": "-", "\u2014": "-", "\u2212": "-"}
_FORMULA_START = ("=", "+", "-", "@")


def _objects(series: pd.Series) -> pd.Series:
    """The series as Python objects with None (not NaN) where empty."""
    series = series.astype(object)
    return series.where(series.notna(), None)


class CellError(ValueError):
    """A cell holds something that is neither a number nor a missing-value marker."""


# -- single cells ------------------------------------------------------------------------------
def show(text: object, limit: int = 60) -> str:
    """Quote a cell for a message, escaping anything unprintable and cutting long text.

    >>> show('=cmd|" /C calc"!A0')
    '\\'=cmd|" /C calc"!A0\\''
    """
    text = str(text)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text)


def looks_like_formula(text: str | None) -> bool:
    """Whether text would be run as a formula by a spreadsheet that opened it.

    Numbers (``-5``, ``+2.5``) and a dash used as a bullet (``- see note``) are not formulas.

    >>> [looks_like_formula(t) for t in ("=SUM(A1:A3)", "@cmd", "-2+3+cmd|' /C calc'!A0", "-5", "- see note", "c")]
    [True, True, True, False, False, False]
    """
    if not isinstance(text, str):
        return False
    text = text.strip()
    if not text.startswith(_FORMULA_START):
        return False
    if re.fullmatch(_NUMBER, text) or re.fullmatch(_THOUSANDS, text):
        return False
    return not (text.startswith(("+", "-")) and (len(text) == 1 or text[1].isspace()))


def cell_problem(text: str) -> str:
    """Why a cell is not a value, as the error message says it.

    >>> cell_problem("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")\\' looks like a spreadsheet formula; cpb never runs formulas: type the value itself'
    """
    if looks_like_formula(text):
        return f"{show(text)} looks like a spreadsheet formula; cpb never runs formulas: type the value itself"
    if too_large(text):
        return f"{show(text)} is too large: it is not a number a pack can show (figures are below {MAX_FIGURE:,.0f})"
    markers = ", ".join(m for m in MISSING_MARKERS if m)
    return f"{show(text)} is not a number or a missing-value marker ({markers})"


def too_large(text: str) -> bool:
    """Whether text is written as a number but is no figure: infinite, or :data:`~cpblib.limits.MAX_FIGURE` or more.

    >>> too_large("1e308"), too_large("12345678901234567890123"), too_large("1,234"), too_large("inf")
    (True, True, False, False)
    """
    number = str(text).strip().removesuffix("%").strip()
    if not (re.fullmatch(_NUMBER, number) or re.fullmatch(_THOUSANDS, number)):
        return False
    return not abs(float(number.replace(",", ""))) < MAX_FIGURE


def parse_cells(cells: pd.Series) -> pd.DataFrame:
    """Read a column of cells: ``value`` (float, NaN when missing or bad),
    ``missing_reason`` (the marker's reason, or None), ``percent_sign``
    (the cell ended in %) and ``ok`` (False where the cell is neither).

    >>> parse_cells(pd.Series(["87%", "1,234", " 12.5 ", "c", None, "abc"], dtype=object)).to_dict("list")
    ... # doctest: +NORMALIZE_WHITESPACE
    {'value': [87.0, 1234.0, 12.5, nan, nan, nan],
     'missing_reason': [None, None, None, 'suppressed (c): confidential or small number', 'blank', None],
     'percent_sign': [True, False, False, False, False, False], 'ok': [True, True, True, True, True, False]}
    """
    text = cells.astype("string").str.strip().fillna("")
    marker = text.str.lower().str.replace(r"^\[(.*)\]$", r"\1", regex=True).replace(_DASHES)
    reason = marker.astype(object).map(MISSING_MARKERS)
    percent_sign = text.str.fullmatch(r".*\d\s*%").fillna(False).astype(bool)
    number = text.str.replace(r"\s*%$", "", regex=True)
    grouped = number.str.fullmatch(_THOUSANDS).fillna(False).astype(bool)
    number = number.mask(grouped, number.str.replace(",", "", regex=False))
    numeric = number.str.fullmatch(_NUMBER).fillna(False).astype(bool) & reason.isna()
    value = pd.to_numeric(number.where(numeric), errors="coerce").astype("float64")
    numeric = numeric & (value.fillna(0.0).abs() < MAX_FIGURE)  # e.g. 1e999 or a 23-digit count is not a figure
    value = value.where(numeric)
    missing = _objects(reason.astype(object).where(~numeric))
    return pd.DataFrame(
        {
            "value": value.set_axis(cells.index),
            "missing_reason": missing.set_axis(cells.index),
            "percent_sign": (percent_sign & numeric).set_axis(cells.index).astype(bool),
            "ok": (numeric | reason.notna()).set_axis(cells.index).astype(bool),
        },
        index=cells.index,
    )


def parse_cell(cell: str | None) -> tuple[float | None, str | None]:
    """One cell as ``(value, missing_reason)``; raises :class:`CellError` for anything else.

    >>> parse_cell("  12.5 "), parse_cell("N/A"), parse_cell(None)
    ((12.5, None), (None, 'not available'), (None, 'blank'))
    >>> parse_cell("(5)")
    Traceback (most recent call last):
    ...
    cpblib.inputs.extract.CellError: '(5)' is not a number or a missing-value marker (na, n/a, -, c, x, z, k, low, u, :)
    """
    parsed = parse_cells(pd.Series([cell], dtype=object)).iloc[0]
    if not parsed["ok"]:
        raise CellError(cell_problem(str(cell).strip()))
    if parsed["missing_reason"] is not None:
        return None, parsed["missing_reason"]
    return float(parsed["value"]), None


# -- indicators ---------------------------------------------------------------------------------
def normalise_name(text: object) -> str:
    """Key used to match indicator text: Unicode-normalised, case-folded, single-spaced.

    >>> normalise_name("  % Care leavers   in\\u00a0EET ")
    '% care leavers in eet'
    """
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def indicator_lookup(catalogue: pd.DataFrame) -> dict[str, str | tuple[str, ...]]:
    """Normalised text -> indicator id, from ids, then names, then ``|``-separated aliases.

    A text shared by several indicators at the same level maps to a tuple of
    their ids (ambiguous); a higher level wins over a lower one.

    >>> cat = pd.DataFrame({"indicator": ["cic-number", "cic-rate"], "name": ["Children in care", "CIC rate"],
    ...                     "aliases": ["CIC|Looked after children", None]})
    >>> lookup = indicator_lookup(cat)
    >>> lookup["cic-rate"], lookup["children in care"], lookup["looked after children"]
    ('cic-rate', 'cic-number', 'cic-number')
    """
    slugs = catalogue["indicator"].astype(str).tolist()
    aliases = catalogue["aliases"].fillna("").astype(str).tolist() if "aliases" in catalogue else [""] * len(slugs)
    levels = [  # lowest priority first: later levels overwrite
        [(slug, text.strip()) for slug, cell in zip(slugs, aliases) for text in cell.split("|") if text.strip()],
        list(zip(slugs, catalogue["name"].astype(str).tolist())),
        list(zip(slugs, slugs)),
    ]
    lookup: dict[str, str | tuple[str, ...]] = {}
    for level in levels:
        found: dict[str, list[str]] = {}  # normalised text -> its indicators, in catalogue order
        for slug, text in level:
            ids = found.setdefault(normalise_name(text), [])
            if slug not in ids:
                ids.append(slug)
        lookup.update({key: ids[0] if len(ids) == 1 else tuple(ids) for key, ids in found.items()})
    return lookup


def match_indicators(texts: pd.Series, catalogue: pd.DataFrame) -> pd.Series:
    """Indicator id for each text (None when unknown or ambiguous).

    >>> cat = pd.DataFrame({"indicator": ["cic-number"], "name": ["Children in care"], "aliases": ["CIC"]})
    >>> match_indicators(pd.Series(["cic-number", "CHILDREN  IN CARE", "cic", "Care leavers"]), cat).tolist()
    ['cic-number', 'cic-number', 'cic-number', None]
    """
    lookup = indicator_lookup(catalogue)
    found = texts.astype(object).map(lambda text: lookup.get(normalise_name(text)) if isinstance(text, str) else None)
    return _objects(found.map(lambda slug: slug if isinstance(slug, str) else None))


# -- periods ---------------------------------------------------------------------------------------
def parse_periods(
    texts: pd.Series, calendar: Calendar = Calendar(), year_types: pd.Series | None = None
) -> pd.DataFrame:
    """``period`` (its last month, "YYYY-MM", or None), ``months`` (1, 3 or 12; 0 when unread) and
    ``problem`` (why not, or None) for each text, read with ``calendar`` and each row's ``year_types``
    (``financial`` or ``academic``: which year ``2019/20`` is; financial when not given).

    >>> parse_periods(pd.Series(["Oct-22", "2023-13", "2022-10-31", None, "Q4 2019/20", "Q4 2019"])).to_dict("list")
    ... # doctest: +NORMALIZE_WHITESPACE
    {'period': ['2022-10', None, None, None, '2020-03', None], 'months': [1, 0, 0, 0, 3, 0],
     'problem': [None, "'2023-13' is not a month: the month must be 01 to 12",
                 "'2022-10-31' is a date, not a month (write 2022-10 for the month)", 'the period is blank', None,
                 "'Q4 2019' could be a calendar or a financial quarter: write 2019-Q4 for October to December 2019,
                  or Q4 2019/20 for the fourth quarter of the financial year 2019/20"]}
    """
    kinds = (
        pd.Series("financial", index=texts.index, dtype=object)
        if year_types is None
        else year_types.astype(object).where(year_types.notna(), "financial")
    )

    def one(text: object, year_type: str) -> tuple[str | None, int, str | None]:
        if text is None or (isinstance(text, float) and np.isnan(text)) or (isinstance(text, str) and not text.strip()):
            return None, 0, "the period is blank"
        try:
            period = Period.parse(
                text,
                financial_year_start=calendar.financial_year_start,
                academic_year_start=calendar.academic_year_start,
                year_type=year_type,
            )
        except MonthError as exc:
            return None, 0, str(exc)
        return str(period), period.months, None

    pairs = list(zip(texts.astype(object), kinds))
    unique = {pair: one(*pair) for pair in dict.fromkeys(pairs)}
    return pd.DataFrame(
        {
            "period": pd.Series([unique[p][0] for p in pairs], index=texts.index, dtype=object),
            "months": pd.Series([unique[p][1] for p in pairs], index=texts.index, dtype="int64"),
            "problem": pd.Series([unique[p][2] for p in pairs], index=texts.index, dtype=object),
        },
        index=texts.index,
    )


# -- the whole table -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ParsedTable:
    """A table read into values: ``values`` holds :data:`VALUES_COLUMNS`."""

    file: str
    layout: str
    values: pd.DataFrame
    ignored_columns: tuple[str, ...] = ()
    skipped_rows: tuple[int, ...] = ()


def normalise_header(header: object) -> str:
    """Header as matched against known column names.

    >>> normalise_header(" Good_Is "), normalise_header("Good SN"), normalise_header("Measure")
    ('good is', 'good sn', 'measure')
    """
    return " ".join(re.sub(r"[_]+", " ", str(header)).casefold().split())


def parse_table(
    table: Table,
    catalogue: pd.DataFrame,
    month: Month | None = None,
    today: _dt.date | None = None,
    *,
    suite: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    calendar: Calendar = Calendar(),
) -> ParsedTable:
    """Read and match every cell of ``table`` against ``catalogue``, then check the values
    read with the values suite (:func:`check_values`; ``suite``: the project's own, default cpb's).

    ``month`` is the report month the file is loaded for (default: the current
    month, from ``today``): no period may be after it. ``calendar`` (the project's) says
    when financial and academic years start, for quarters and years.
    """
    table = _skip_title_rows(table)
    frame = table.frame
    filled = frame.notna().any(axis=1).to_numpy()
    body = frame.loc[filled].reset_index(drop=True)
    rows = pd.Series(np.asarray(table.rows, dtype="int64")[filled])
    headers = [str(h) for h in frame.columns]
    roles = {h: normalise_header(h) for h in headers}
    has_long = any(LONG_COLUMNS.get(r) in ("period", "value") for r in roles.values())
    others = [h for h in headers if roles[h] not in LONG_COLUMNS and roles[h] not in DESCRIPTIVE_COLUMNS]
    # a header with digits is taken as meant for a period (so a bad one is reported as a bad period)
    if has_long or not any(Month.try_parse(h) or re.search(r"\d", h) for h in others):
        observations, layout, skipped = _long(table, body, rows, headers, roles), "long", ()
        ignored = tuple(h for h in headers if roles[h] in DESCRIPTIVE_COLUMNS and roles[h] not in LONG_COLUMNS)
    else:
        observations, ignored, skipped = _wide(table, body, rows, headers, roles, catalogue, calendar)
        layout = "wide"
    values, located = _read_values(table, observations, catalogue, calendar)
    report_month = month if month is not None else Month.today(today)
    check_values(values, catalogue, report_month, table.file, suite=suite, params=params, located=located)
    return ParsedTable(table.file, layout, values, tuple(ignored), tuple(skipped))


_ROLES = ("indicator", "period", "value", "numerator", "denominator", "note", "figure", "provisional")


def check_values(
    values: pd.DataFrame,
    catalogue: pd.DataFrame,
    month: Month,
    file: str,
    *,
    suite: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    located: pd.DataFrame | None = None,
) -> None:
    """Raise the values suite's first error on parsed ``values`` (:data:`VALUES_COLUMNS`) loaded
    for the report ``month``, located by file, row and header.

    The values are prepared as ``cpb check`` prepares the store's
    (:func:`cpblib.checks.prepare.prepare_values`), without chasing due figures: a
    figure that is missing or late is the checks' warning, not a reason to refuse a file.
    ``located`` gives, per value, the header (``<role>_column``) and its position
    (``<role>_pos``) of each role; without it the role's name is the header.

    >>> cat = pd.DataFrame({"indicator": ["eet"], "unit": ["percent"], "frequency": ["monthly"]})
    >>> values = pd.DataFrame({"indicator": ["eet"], "period": ["2023-03"], "value": [104.0], "source_row": [7]})
    >>> check_values(values, cat, Month(2023, 3), "2023-03.csv")
    Traceback (most recent call last):
    ...
    cpblib.errors.InputError: 2023-03.csv, row 7, column 'value', indicator 'eet': 104 is over 100, the most a percentage can be
    """
    from ..checks.prepare import prepare_values
    from ..checks.rules import parameters, raise_first
    from ..checks.suites import load_suite

    prepared = prepare_values(values.assign(file=file), catalogue, month, check_due=False)
    headers = list(_ROLES) if located is None else []

    def locate(column: str, row: int) -> tuple[str, int]:
        if located is None or row < 0 or column not in _ROLES:
            return column, _ROLES.index(column) if column in _ROLES else len(_ROLES)
        return str(located[f"{column}_column"].iloc[row]), int(located[f"{column}_pos"].iloc[row])

    raise_first(
        suite if suite is not None else load_suite("values"),
        prepared,
        parameters() if params is None else params,
        file=file,
        header_row=None,
        headers=headers,
        locate=locate,
    )


def _is_indicator_header(cell: object) -> bool:
    return isinstance(cell, str) and normalise_header(cell) in WIDE_INDICATOR_COLUMNS


def _skip_title_rows(table: Table) -> Table:
    """Move the header down past title lines (rows with at most one filled cell) to a row naming
    the indicator column, if there is one within :data:`MAX_TITLE_ROWS` rows.

    A table whose first row is a real header (two or more named columns) is left as it is.
    """
    named = [h for h in table.frame.columns if not is_unnamed(h)]
    if len(named) > 1 or any(_is_indicator_header(h) for h in named):
        return table
    for position in range(min(MAX_TITLE_ROWS, len(table.frame))):
        cells = [c for c in table.frame.iloc[position] if c is not None]
        if any(_is_indicator_header(c) for c in cells):
            return with_header_at(table, position)
        if len(cells) > 1:
            break
    return table


def _long(table: Table, body: pd.DataFrame, rows: pd.Series, headers: list[str], roles: dict[str, str]) -> pd.DataFrame:
    file, header_row = table.file, table.header_row
    by_role: dict[str, str] = {}
    for header in headers:
        role = LONG_COLUMNS.get(roles[header])
        if role is None:
            if roles[header] in DESCRIPTIVE_COLUMNS:
                continue
            raise InputError(
                file,
                "unknown column: a long table has columns indicator, period and value, optionally numerator, "
                f"denominator, note, figure and provisional, and descriptive columns ({', '.join(DESCRIPTIVE_COLUMNS)})",
                row=header_row,
                column=header,
            )
        if role in by_role:
            raise InputError(
                file, f"two columns give the {role}: {by_role[role]!r} and {header!r}", row=header_row, column=header
            )
        by_role[role] = header
    for role in LONG_REQUIRED:
        if role not in by_role:
            raise InputError(
                file,
                f"required column is missing: a long table needs indicator, period and value (the file has {', '.join(headers)})",
                row=header_row,
                column=role,
            )
    position = {h: i for i, h in enumerate(headers)}

    def cells(role: str) -> pd.Series:
        return body[by_role[role]] if role in by_role else pd.Series(None, index=body.index, dtype=object)

    frame = pd.DataFrame(
        {
            "source_row": rows,
            "indicator_text": cells("indicator"),
            "indicator_column": by_role["indicator"],
            "indicator_pos": position[by_role["indicator"]],
            "period_text": cells("period"),
            "period_column": by_role["period"],
            "period_pos": position[by_role["period"]],
            "value_text": cells("value"),
            "value_column": by_role["value"],
            "value_pos": position[by_role["value"]],
            "header_provisional": False,
        }
    )
    for role in ("numerator", "denominator", "note", "figure", "provisional"):
        frame[f"{role}_text" if role != "note" else "note"] = cells(role)
        frame[f"{role}_column"] = by_role.get(role, role)
        frame[f"{role}_pos"] = position.get(by_role.get(role), 0)
    return frame


def _wide(
    table: Table,
    body: pd.DataFrame,
    rows: pd.Series,
    headers: list[str],
    roles: dict[str, str],
    catalogue: pd.DataFrame,
    calendar: Calendar = Calendar(),
) -> tuple[pd.DataFrame, tuple[str, ...], tuple[int, ...]]:
    file, header_row = table.file, table.header_row
    indicator_columns = [h for h in headers if roles[h] in WIDE_INDICATOR_COLUMNS]
    if not indicator_columns:
        raise InputError(
            file,
            "required column is missing: a wide table needs an indicator column beside its month columns",
            row=header_row,
            column="indicator",
        )
    if len(indicator_columns) > 1:
        raise InputError(
            file,
            f"two columns give the indicator: {indicator_columns[0]!r} and {indicator_columns[1]!r}",
            row=header_row,
            column=indicator_columns[1],
        )
    indicator_column = indicator_columns[0]
    figure_columns = [h for h in headers if roles[h] == "figure"]
    month_columns: dict[str, Period] = {}
    period_texts: dict[str, str] = {}
    ignored: list[str] = []
    for header in headers:
        if header == indicator_column or header in figure_columns[:1]:
            continue
        if roles[header] in DESCRIPTIVE_COLUMNS:
            ignored.append(header)
            continue
        if roles[header] in LONG_COLUMNS:
            raise InputError(
                file,
                f"a wide table (one column per period) cannot also have a {roles[header]!r} column",
                row=header_row,
                column=header,
            )
        text = PROVISIONAL_MARK.sub("", header)
        try:
            month = Period.parse(text, financial_year_start=calendar.financial_year_start)
        except MonthError as exc:
            reason = (
                str(exc)
                if re.search(r"\d", header)
                else "unknown column: not a period (such as 'Oct 22', 2022-10 or Q4 2019/20) and not a descriptive "
                f"column ({', '.join(DESCRIPTIVE_COLUMNS)})"
            )
            raise InputError(file, reason, row=header_row, column=header) from None
        twin = next((h for h, m in month_columns.items() if (m.end, m.months) == (month.end, month.months)), None)
        if twin is not None:
            raise InputError(
                file, f"columns {twin!r} and {header!r} are both {month.label}", row=header_row, column=header
            )
        month_columns[header] = month
        period_texts[header] = text

    position = {h: i for i, h in enumerate(headers)}
    month_list = list(month_columns)
    lookup = indicator_lookup(catalogue)
    texts = body[indicator_column]
    has_values = body[month_list].notna().any(axis=1)
    known = texts.map(lambda t: isinstance(t, str) and normalise_name(t) in lookup)
    formula = texts.map(lambda t: isinstance(t, str) and looks_like_formula(t))
    heading = ~has_values & ~known & ~formula  # e.g. a section title such as "Health": skipped, listed in the receipt
    skipped = tuple(int(r) for r in rows[heading])

    figure_column = figure_columns[0] if figure_columns else None
    data = body.assign(source_row=rows.to_numpy(), _figure=body[figure_column] if figure_column else None)
    cells = data.loc[has_values].melt(
        id_vars=["source_row", indicator_column, "_figure"],
        value_vars=month_list,
        var_name="value_column",
        value_name="value_text",
    )
    cells = cells.loc[cells["value_text"].notna()].assign(_cell=True)
    # a row with no values but a formula for its indicator is still reported
    formula_rows = data.loc[~has_values & formula, ["source_row", indicator_column, "_figure"]].assign(
        value_column=None, value_text=None, _cell=False
    )
    long = pd.concat([cells, formula_rows], ignore_index=True)
    observations = pd.DataFrame(
        {
            "source_row": long["source_row"].astype("int64"),
            "indicator_text": long[indicator_column].astype(object),
            "indicator_column": indicator_column,
            "indicator_pos": position[indicator_column],
            "period_text": long["value_column"].map(lambda h: period_texts.get(h) if isinstance(h, str) else None),
            "period_column": long["value_column"].astype(object),
            "period_pos": long["value_column"].map(lambda h: position.get(h, 0)).astype("int64"),
            "value_text": long["value_text"].astype(object),
            "value_column": long["value_column"].astype(object),
            "value_pos": long["value_column"].map(lambda h: position.get(h, 0)).astype("int64"),
            "header_provisional": long["value_column"]
            .map(lambda h: isinstance(h, str) and PROVISIONAL_MARK.search(h) is not None)
            .astype(bool),
            "numerator_text": None,
            "denominator_text": None,
            "note": None,
            "figure_text": long["_figure"].astype(object),
            "provisional_text": None,
            "numerator_column": "numerator",
            "denominator_column": "denominator",
            "note_column": "note",
            "figure_column": figure_column or "figure",
            "provisional_column": "provisional",
            "numerator_pos": 0,
            "denominator_pos": 0,
            "note_pos": 0,
            "figure_pos": position.get(figure_column, 0),
            "provisional_pos": 0,
            "_cell": long["_cell"].astype(bool),
        }
    )
    observations = observations.sort_values(["source_row", "value_pos"], kind="stable").reset_index(drop=True)
    return observations, tuple(ignored), skipped


# -- checks -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Problem:
    row: int
    position: int
    column: str | None
    message: str
    indicator: str | None = None


def _first(
    observations: pd.DataFrame,
    mask: pd.Series,
    column: str,
    position: str,
    message: Callable[[pd.Series], str],
    indicator: bool = False,
) -> _Problem | None:
    """The first observation (in reading order) where ``mask`` holds, as a problem."""
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return None
    hits = observations.loc[mask]
    first = hits.iloc[np.lexsort((hits[position].to_numpy(), hits["source_row"].to_numpy()))[0]]
    return _Problem(
        int(first["source_row"]),
        int(first[position]),
        None if first[column] is None else str(first[column]),
        message(first),
        first["indicator"] if indicator and isinstance(first.get("indicator"), str) else None,
    )


def _indicator_info(catalogue: pd.DataFrame) -> pd.DataFrame:
    """Per indicator id: the catalogue columns reading a value needs (blank ones filled with their default)."""
    info = catalogue.drop_duplicates("indicator").set_index("indicator")
    defaults = {"unit": None, "frequency": "monthly", "year_type": "financial", "second_figure": None}
    return pd.DataFrame(
        {
            c: (info[c].astype(object).where(info[c].notna(), d) if c in info else pd.Series(d, index=info.index))
            for c, d in defaults.items()
        },
        index=info.index,
    ).astype(object)


def words_only(texts: pd.Series) -> pd.Series:
    """Cells holding words and no figure (``awaiting data``, ``see note``): letters, no digit, not a formula.

    >>> words_only(pd.Series(["awaiting data", "about 66", "=A1", "12", None, "tbc"])).tolist()
    [True, False, False, False, False, True]
    """
    text = texts.astype("string").str.strip()
    letters = text.str.contains(r"[^\W\d_]", regex=True).fillna(False)
    digits = text.str.contains(r"\d", regex=True).fillna(False)
    formula = texts.map(looks_like_formula).astype(bool)
    return (letters & ~digits & ~formula).astype(bool)


def figure_codes(texts: pd.Series, main: pd.Series, second: pd.Series) -> pd.DataFrame:
    """Which figure of its indicator each row gives: ``figure`` (None for the main figure, else the second
    figure's unit) and ``problem`` (the text names neither).

    >>> figure_codes(pd.Series([None, "Count", "rate", "percent"]), pd.Series(["rate_per_10000"] * 4),
    ...              pd.Series(["count"] * 4)).values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [[None, None], ['count', None], [None, None],
     [None, "'percent' is not a figure of this indicator: its figures are rate_per_10000 (the main figure) and count"]]
    """
    from .._vocabulary import label

    def names(unit: object) -> set[str]:
        if not isinstance(unit, str):
            return set()
        words = {unit, unit.replace("_", " "), *FIGURE_WORDS.get(unit, ())}
        try:
            words.add(label("unit", unit))
        except KeyError:
            pass
        return {normalise_name(w) for w in words}

    figure, problem = [], []
    for text, own, other in zip(texts.astype(object), main.astype(object), second.astype(object)):
        if text is None or (isinstance(text, float) and np.isnan(text)) or not str(text).strip():
            figure.append(None)
            problem.append(None)
            continue
        key = normalise_name(text)
        if isinstance(other, str) and key in names(other):
            figure.append(other)
            problem.append(None)
        elif key in names(own) or key == "main":
            figure.append(None)
            problem.append(None)
        else:
            figures = f"{own} (the main figure)" + (f" and {other}" if isinstance(other, str) else "")
            hint = "" if isinstance(other, str) else " (a second figure is declared in the catalogue's second_figure)"
            figure.append(None)
            problem.append(f"{show(text)} is not a figure of this indicator: its figures are {figures}{hint}")
    return pd.DataFrame({"figure": figure, "problem": problem}, index=texts.index, dtype=object)


def yes_no(texts: pd.Series) -> pd.DataFrame:
    """``flag`` (True for yes) and ``problem`` for a yes-or-no column such as ``provisional``.

    >>> yes_no(pd.Series(["Yes", None, "p", "maybe"])).values.tolist()
    [[True, None], [False, None], [True, None], [False, "'maybe' is not yes or no (y, yes, true, 1, p, provisional; n, no, false, 0 or blank)"]]
    """
    key = texts.astype("string").str.strip().str.lower().fillna("")
    yes, no = key.isin(YES), key.isin(NO) | key.eq("")
    problem = [
        None if ok else f"{show(t)} is not yes or no ({', '.join(YES)}; {', '.join(NO)} or blank)"
        for t, ok in zip(texts.astype(object), (yes | no))
    ]
    out = pd.DataFrame({"flag": yes.astype(bool).to_numpy()}, index=texts.index)
    out["problem"] = pd.Series(problem, index=texts.index, dtype=object)
    return out


NATIVE_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}
"""The span of an indicator's own period, by frequency (a term has none: its periods are given as months)."""


def spans(months: pd.Series, period: pd.Series, info: pd.DataFrame, calendar: Calendar) -> pd.DataFrame:
    """``span`` of each figure (None when it is the indicator's own period; ``quarter`` or ``year`` when it is
    a quarter or a year of an indicator with shorter periods) and ``problem`` (a year of an annual indicator
    that is not the year it counts in).

    >>> info = pd.DataFrame({"frequency": ["monthly", "quarterly", "annual", "annual"],
    ...                      "year_type": ["financial", "financial", "academic", "academic"]})
    >>> spans(pd.Series([3, 3, 12, 12]), pd.Series(["2020-03", "2020-03", "2020-08", "2020-03"]), info,
    ...       Calendar()).values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['quarter', None], [None, None], [None, None],
     [None, 'a financial year, but this indicator counts academic years (write 2019/20 or AY2019/20)']]
    """
    native = info["frequency"].map(NATIVE_MONTHS).to_numpy(dtype="float64", na_value=np.nan)
    count = months.to_numpy(dtype="int64")
    span = np.where((count > 1) & (count != native), pd.Series(count).map(KINDS).to_numpy(dtype=object), None)
    year_end = np.where(
        info["year_type"].to_numpy(dtype=object) == "academic",
        (calendar.academic_year_start - 2) % 12 + 1,
        (calendar.financial_year_start - 2) % 12 + 1,
    )
    end_month = pd.to_numeric(period.astype("string").str.slice(5, 7), errors="coerce").to_numpy()
    wrong_year = (count == 12) & (native == 12) & (end_month != year_end)
    academic = info["year_type"].to_numpy(dtype=object) == "academic"
    problem = np.full(len(count), None, dtype=object)
    for rows, text in (
        (wrong_year & academic, "a financial year, but this indicator counts academic years"),
        (wrong_year & ~academic, "an academic year, but this indicator counts financial years"),
    ):
        if rows.any():
            starts = np.array([int(p[:4]) - 1 for p in period.to_numpy(dtype=object)[rows]])
            prefix = "AY" if text.endswith("academic years") else "FY"
            problem[rows] = [
                f"{text} (write {y}/{(y + 1) % 100:02d} or {prefix}{y}/{(y + 1) % 100:02d})" for y in starts
            ]
    return pd.DataFrame({"span": span, "problem": problem}, index=months.index, dtype=object)


def _read_values(
    table: Table, observations: pd.DataFrame, catalogue: pd.DataFrame, calendar: Calendar = Calendar()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The values read from ``observations``, and where each came from (header and position
    of each role); raises the first reading problem in reading order."""
    obs = observations.copy()
    if "_cell" not in obs:
        obs["_cell"] = True
    for role in ("figure", "provisional"):
        if f"{role}_text" not in obs:
            obs[f"{role}_text"], obs[f"{role}_column"], obs[f"{role}_pos"] = None, role, 0
    if "header_provisional" not in obs:
        obs["header_provisional"] = False
    lookup = indicator_lookup(catalogue)
    obs["indicator"] = match_indicators(obs["indicator_text"], catalogue)
    info = _indicator_info(catalogue).reindex(obs["indicator"].to_numpy(dtype=object))
    info.index = obs.index
    main_unit = info["unit"]

    periods = parse_periods(obs["period_text"], calendar, info["year_type"])
    span = spans(periods["months"], periods["period"], info, calendar)
    obs["period"] = periods["period"]
    obs["period_problem"] = periods["problem"].where(periods["problem"].notna(), span["problem"])
    text = obs["value_text"].astype(object)
    marked = text.map(lambda t: isinstance(t, str) and PROVISIONAL_MARK.search(t) is not None).astype(bool)
    unmarked = text.map(lambda t: PROVISIONAL_MARK.sub("", t) if isinstance(t, str) else t)
    value = parse_cells(unmarked)
    numerator = parse_cells(obs["numerator_text"])
    denominator = parse_cells(obs["denominator_text"])
    figures = figure_codes(obs["figure_text"], main_unit, info["second_figure"])
    provisional = yes_no(obs["provisional_text"])
    obs["unit"] = _objects(figures["figure"].where(figures["figure"].notna(), main_unit))

    has_indicator = obs["indicator"].notna()
    cell = obs["_cell"]
    words = cell & ~value["ok"] & words_only(unmarked)
    number_ok = cell & has_indicator & value["ok"] & value["missing_reason"].isna()

    def indicator_message(r: pd.Series) -> str:
        text = r["indicator_text"]
        if not isinstance(text, str):
            return "no indicator is named on this row"
        found = lookup.get(normalise_name(text))
        if isinstance(found, tuple):
            return f"{show(text)} matches more than one indicator ({', '.join(found)}); use the indicator id"
        if looks_like_formula(text):
            return cell_problem(text)
        return f"unknown indicator {show(text)}: not an id, name or alias in the indicator catalogue"

    checks = [
        _first(obs, ~has_indicator, "indicator_column", "indicator_pos", indicator_message),
        _first(obs, cell & obs["period_problem"].notna(), "period_column", "period_pos", lambda r: r["period_problem"]),
        _first(
            obs,
            cell & ~value["ok"] & ~words,
            "value_column",
            "value_pos",
            lambda r: cell_problem(str(r["value_text"])),
        ),
        _first(
            obs, ~numerator["ok"], "numerator_column", "numerator_pos", lambda r: cell_problem(str(r["numerator_text"]))
        ),
        _first(
            obs,
            ~denominator["ok"],
            "denominator_column",
            "denominator_pos",
            lambda r: cell_problem(str(r["denominator_text"])),
        ),
        _first(
            obs, obs["note"].map(looks_like_formula), "note_column", "note_pos", lambda r: cell_problem(str(r["note"]))
        ),
        _first(
            obs.assign(_why=figures["problem"]),
            has_indicator & figures["problem"].notna(),
            "figure_column",
            "figure_pos",
            lambda r: r["_why"],
            indicator=True,
        ),
        _first(
            obs.assign(_why=provisional["problem"]),
            provisional["problem"].notna(),
            "provisional_column",
            "provisional_pos",
            lambda r: r["_why"],
        ),
        _first(  # the cell's text contradicts the unit: the % sign is lost once the cell is read
            obs,
            number_ok & value["percent_sign"] & (obs["unit"] != "percent"),
            "value_column",
            "value_pos",
            lambda r: (
                f"{show(r['value_text'])} has a % sign but {r['indicator']} is measured as {r['unit']}, not percent"
            ),
            indicator=True,
        ),
    ]
    problems = [p for p in checks if p is not None]
    if problems:
        first = min(problems, key=lambda p: (p.row, p.position))
        raise InputError(table.file, first.message, row=first.row, column=first.column, indicator=first.indicator)

    kept = obs.loc[cell]
    if kept.empty:
        raise InputError(table.file, "the table holds no values", row=table.header_row + 1)
    said = [" ".join(t.split()) if isinstance(t, str) else None for t in unmarked.loc[kept.index]]
    is_words = words.loc[kept.index]
    given = [" ".join(n.split()) if isinstance(n, str) and n.strip() else None for n in kept["note"].astype(object)]
    note = pd.Series(
        [(w if n is None else f"{w}; {n}") if is_word else n for w, n, is_word in zip(said, given, is_words)],
        index=kept.index,
        dtype=object,
    )
    said = pd.Series(said, index=kept.index, dtype=object)
    values = pd.DataFrame(
        {
            "indicator": _objects(kept["indicator"]),
            "period": _objects(kept["period"]),
            "value": value.loc[kept.index, "value"].astype("float64"),
            "missing_reason": _objects(value.loc[kept.index, "missing_reason"].where(~is_words, said)),
            "numerator": numerator.loc[kept.index, "value"].astype("float64"),
            "denominator": denominator.loc[kept.index, "value"].astype("float64"),
            "note": _objects(note),
            "figure": _objects(figures.loc[kept.index, "figure"]),
            "span": _objects(span.loc[kept.index, "span"]),
            "provisional": (
                marked.loc[kept.index] | kept["header_provisional"].astype(bool) | provisional.loc[kept.index, "flag"]
            ).astype(bool),
            "source_row": kept["source_row"].astype("int64"),
            "source_column": _objects(kept["value_column"]),
        }
    )
    located = kept[[f"{role}_{part}" for role in _ROLES for part in ("column", "pos")]]
    return values.reset_index(drop=True), located.reset_index(drop=True)

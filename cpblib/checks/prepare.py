"""Preparing each input for its expectation suite: pure functions over frames.

Great Expectations checks one table at a time. Rules that need another table
(is this indicator in the catalogue? is this a percentage?) or a parse (is
this text a month?) are turned into *derived columns* here, and the suites
then use standard expectations on them, e.g. ``unknown_indicator`` must be
null, ``decimals_number`` between 0 and 6. The same prepared frames are what
loading and typing check (:mod:`.rules`), so each rule is declared once.

Every prepared frame carries the columns that locate a row for the report:
``file``, ``source_row`` (the row number a person sees in the file; missing
for rows the checks add, such as an expected value that is absent),
``indicator`` and ``period``, plus ``_row_id`` (position) so failing rows can
be found again. A derived check column is ``None`` where the rule does not
apply, which every expectation used here ignores.

>>> raw = pd.DataFrame({"indicator": ["cic-rate", "cic-rate"], "comparator": ["england", "region"],
...                     "year": ["2021-22", "2021-20"], "value": ["70", "87%"]})
>>> frame = prepare_table(raw, [2, 3], "benchmarks.csv", BENCHMARK_COLUMNS)
>>> frame[["source_row", "year_ok", "value_ok"]].to_dict("list")
{'source_row': [2, 3], 'year_ok': [True, False], 'value_ok': [True, False]}
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from .._vocabulary import allowed
from ..config import COMPARATORS, Calendar
from ..inputs.catalogue import (
    ANNOTATION_COLUMNS,
    BENCHMARK_COLUMNS,
    INDICATOR_COLUMNS,
    OVERRIDE_COLUMNS,
    SLUG,
    TARGET_COLUMNS,
    Column,
)
from ..inputs.catalogue import year_label_ok as catalogue_year_label_ok
from ..inputs.extract import VALUES_COLUMNS, looks_like_formula
from ..inputs.series import series_key
from ..month import Month
from ..naming import slugify
from ..period import Period
from .rules import number_text

LOCATION = ("file", "source_row", "indicator", "period")
"""Columns that say where a row is; asked of GX for every failing row."""

ROW_ID = "_row_id"

DEFAULT_CALENDAR = Calendar()

_WHOLE = re.compile(r"^\d+$")
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


# -- small helpers ------------------------------------------------------------------------
def _clean(value: object) -> str | None:
    """A cell as text, ``None`` when blank; a number given as a number (a frame built in code,
    not read from a file) is written as a person would type it (``1.0`` as ``1``)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, float | np.floating) and float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = str(value).strip()
    return text or None


def _cells(series: pd.Series) -> pd.Series:
    """Text cells stripped, blanks as ``None`` (object dtype)."""
    return pd.Series([_clean(v) for v in series], index=series.index, dtype="object")


def _where(mask: pd.Series, applies: pd.Series) -> pd.Series:
    """``mask`` as an object column of True/False, ``None`` where the rule does not apply."""
    return pd.Series(
        np.where(applies.to_numpy(dtype=bool), mask.to_numpy(dtype=bool), None), index=mask.index, dtype="object"
    )


def _map_unique(series: pd.Series, func) -> pd.Series:
    """Apply ``func`` once per distinct value (parsing months is the slow part)."""
    uniques = {value: func(value) for value in series.dropna().unique()}
    mapped = [uniques.get(v) if isinstance(v, str) else None for v in series]
    return pd.Series(mapped, index=series.index, dtype="object")


def month_text(value: object) -> str | None:
    """``YYYY-MM`` for anything :meth:`Month.parse` reads, else ``None``.

    >>> month_text("Mar 23"), month_text("2023-13"), month_text("2023-03-15")
    ('2023-03', None, None)
    """
    month = Month.try_parse(value)
    return None if month is None else str(month)


def _period_key_ok(text: str) -> bool:
    """A folder named by a report month or quarter, as cpb names them (``2023-03``, ``2019-20-Q4``).

    >>> [_period_key_ok(t) for t in ("2023-03", "2019-20-Q4", "Mar 23", "2023-13")]
    [True, True, False, False]
    """
    if month_text(text) == text:
        return True
    try:
        return Period.from_key(text).key == text and Period.from_key(text).months == 3
    except ValueError:
        return False


def period_ordinal(periods: pd.Series) -> pd.Series:
    """Month ordinal of ``YYYY-MM`` text (``NaN`` when not a real month).

    >>> period_ordinal(pd.Series(["2023-03", "2023-13", None])).tolist()[1:]
    [nan, nan]
    """
    text = periods.astype("object").map(lambda v: v if isinstance(v, str) and _PERIOD.match(v) else None)
    year = pd.to_numeric(text.str.slice(0, 4), errors="coerce")
    month = pd.to_numeric(text.str.slice(5, 7), errors="coerce")
    return (year * 12 + month - 1).astype("float64")


def year_label_ok(value: str) -> bool:
    """A benchmark year label (:func:`cpblib.inputs.catalogue.year_label_ok`): ``2021-22``, ``2022``, ``2016-19``...

    >>> [year_label_ok(v) for v in ("2021-22", "2022", "2021-20", "21-22", "2099-00")]
    [True, True, False, False, True]
    """
    return catalogue_year_label_ok(value)


def _number(text: pd.Series) -> pd.Series:
    """Numbers from text, allowing thousands commas; anything that is not a figure cpb takes (infinity,
    not-a-number, :data:`cpblib.limits.MAX_FIGURE` or more) reads as no number.

    >>> _number(pd.Series(["1,234.5", "1e308", "inf", "x"])).tolist()[:1]
    [1234.5]
    """
    from ..limits import MAX_FIGURE

    cleaned = text.astype("object").map(lambda v: v.replace(",", "") if isinstance(v, str) else v)
    numbers = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    return numbers.where(numbers.abs() < MAX_FIGURE)


def _with_location(
    frame: pd.DataFrame, file: str | pd.Series | None, rows: Sequence[int] | pd.Series | None
) -> pd.DataFrame:
    located = frame.reset_index(drop=True)
    size = len(located)
    rows = (
        pd.Series([None] * size if rows is None else list(rows), dtype="Int64")
        if not isinstance(rows, pd.Series)
        else rows.reset_index(drop=True).astype("Int64")
    )
    files = (
        file.reset_index(drop=True).astype("object")
        if isinstance(file, pd.Series)
        else pd.Series([file] * size, dtype="object")
    )
    out = located.assign(file=files, source_row=rows, **{ROW_ID: np.arange(size)})
    for column in ("indicator", "period"):
        if column not in out:
            out[column] = pd.Series([None] * size, dtype="object")
    return out


# -- tables typed in by the council ----------------------------------------------------------
def prepare_table(raw: pd.DataFrame, rows: Sequence[int], file: str, columns: Iterable[Column]) -> pd.DataFrame:
    """Text table plus checks for each typed column.

    Codes are lower-cased (the readers accept any case). ``<column>_ok`` is
    True/False for numbers, whole numbers, months and year labels and
    ``None`` for blank cells; ``<column>_number`` and ``<column>_month`` hold
    the parsed values. Per row, ``blank_required`` names the required
    columns left blank, ``not_whole`` the whole-number columns, ``not_a_number``
    the number columns and ``not_a_month`` the month columns whose text is
    not of that kind, ``bad_id`` says why an indicator id is not one, and ``formula_like`` the cells a spreadsheet would run
    as a formula (``None`` when there is nothing to report). A declared
    required column missing from the file is left missing (the suite's column
    check reports it); an optional one is added blank; derived columns are blank.
    A column of the file that is not declared is kept as it is (the suite's
    column check refuses it).
    """
    columns = tuple(columns)
    frame = raw.set_axis([str(c).strip() for c in raw.columns], axis="columns")
    frame = frame.apply(_cells) if len(frame.columns) else frame
    frame = _with_location(frame, file, rows)
    derived: dict[str, pd.Series] = {}
    problems: dict[str, dict[str, pd.Series]] = {"not_whole": {}, "not_a_number": {}, "not_a_month": {}}
    blank = pd.Series([None] * len(frame), dtype="object")
    for column in columns:
        present = column.name in frame
        cells = frame[column.name] if present else blank
        given = cells.notna()
        if not present and not column.required:
            derived[column.name] = blank  # an optional column may be left out of the file
        if column.kind.startswith("code:") or column.kind in ("rag",):
            if present:
                derived[column.name] = cells.str.lower().astype("object").where(given, None)
        elif column.kind == "int":
            whole = cells.astype("string").str.fullmatch(r"\d+").fillna(False).astype(bool)
            derived[f"{column.name}_ok"] = _where(whole, given)
            derived[f"{column.name}_number"] = pd.to_numeric(cells.where(whole, None), errors="coerce").astype(
                "float64"
            )
            problems["not_whole"][column.name] = given & ~whole
        elif column.kind == "float":
            number = _number(cells)
            derived[f"{column.name}_ok"] = _where(number.notna(), given)
            derived[f"{column.name}_number"] = number
            problems["not_a_number"][column.name] = given & number.isna()
        elif column.kind == "month":
            parsed = _map_unique(cells, month_text)
            derived[f"{column.name}_ok"] = _where(parsed.notna(), given)
            derived[f"{column.name}_month"] = parsed
            problems["not_a_month"][column.name] = given & parsed.isna()
        elif column.kind == "year_label":
            derived[f"{column.name}_ok"] = _where(
                cells.map(lambda v: year_label_ok(v) if isinstance(v, str) else False), given
            )
    required = {c.name: frame[c.name].isna() for c in columns if c.required and c.name in frame}
    derived["blank_required"] = flagged_columns(required, len(frame))
    ids = [c.name for c in columns if c.kind == "slug" and c.name in frame]
    derived["bad_id"] = _first_problem(
        frame.index,
        *(
            problem(
                frame[name].notna() & ~frame[name].astype("string").str.fullmatch(SLUG.pattern).fillna(False),
                "{v!r} is not an indicator id (lower-case words joined by hyphens, e.g. cic-rate)",
                v=frame[name],
            )
            for name in ids
        ),
    )
    raw_names = [str(c).strip() for c in raw.columns]
    derived["formula_like"] = flagged_columns(
        {name: frame[name].map(lambda v: isinstance(v, str) and looks_like_formula(v)) for name in raw_names},
        len(frame),
    )
    for name, flags in problems.items():
        derived[name] = flagged_columns(flags, len(frame))
    return frame.assign(**derived)


def flagged_columns(flags: dict[str, pd.Series], size: int) -> pd.Series:
    """Per row, the names of the columns flagged True, joined (``None`` when none is).

    >>> flagged_columns({"a": pd.Series([False, True]), "b": pd.Series([True, True])}, 2).tolist()
    ['b', 'a, b']
    """
    if not flags or size == 0:
        return pd.Series([None] * size, dtype="object")
    names = np.array(list(flags), dtype=object)
    matrix = np.column_stack([np.asarray(f, dtype=bool) for f in flags.values()])
    return pd.Series([", ".join(names[row]) if row.any() else None for row in matrix], dtype="object")


def _unit_lookup(catalogue: pd.DataFrame | None, indicators: pd.Series, column: str) -> pd.Series:
    if catalogue is None or column not in catalogue or "indicator" not in catalogue:
        return pd.Series([None] * len(indicators), index=indicators.index, dtype="object")
    lookup = catalogue.drop_duplicates("indicator").set_index("indicator")[column]
    return indicators.map(lookup).astype("object")


def problem(bad: pd.Series, template: str, **fields: pd.Series | object) -> pd.Series:
    """A check column: ``template`` filled in from ``fields`` on the rows where ``bad``
    holds, ``None`` elsewhere (only the bad rows are formatted).

    Every derived column a suite checks reads this way (blank when the row
    is fine, saying what is wrong otherwise), so that the expectation is
    ``expect_column_values_to_be_null`` and each failing example explains itself.

    >>> problem(pd.Series([True, False, None]), "{v:g} is too big", v=pd.Series([104.0, 3.0, 5.0])).tolist()
    ['104 is too big', None, None]
    """
    flags = _flags(bad)
    out = np.full(len(flags), None, dtype=object)
    rows = np.flatnonzero(flags)
    if len(rows):
        picked = {
            name: (value.to_numpy(dtype=object)[rows] if isinstance(value, pd.Series) else [value] * len(rows))
            for name, value in fields.items()
        }
        out[rows] = [template.format(**{name: picked[name][i] for name in picked}) for i in range(len(rows))]
    return pd.Series(out, index=bad.index, dtype="object")


def _flags(bad: pd.Series | np.ndarray) -> np.ndarray:
    """A boolean array from a mask that may hold missing values (missing counts as False)."""
    if isinstance(bad, pd.Series) and bad.dtype == object:
        return np.array([False if v is None or v is pd.NA or pd.isna(v) else bool(v) for v in bad], dtype=bool)
    if isinstance(bad, pd.Series):
        return bad.to_numpy(dtype=bool, na_value=False)
    return np.asarray(bad, dtype=bool)


def _first_problem(index: pd.Index, *columns: pd.Series) -> pd.Series:
    """Per row, the first of ``columns`` that is not ``None``."""
    out = np.full(len(index), None, dtype=object)
    for column in reversed(columns):
        values = column.to_numpy(dtype=object)
        given = np.array([v is not None for v in values], dtype=bool)
        out[given] = values[given]
    return pd.Series(out, index=index, dtype="object")


def _unknown_indicator(catalogue: pd.DataFrame | None, indicators: pd.Series) -> pd.Series:
    if catalogue is None or "indicator" not in catalogue:
        return pd.Series([None] * len(indicators), index=indicators.index, dtype="object")
    known = set(catalogue["indicator"].dropna())
    return problem(
        indicators.notna() & ~indicators.isin(known), "{v!r} is not in the indicator catalogue", v=indicators
    )


@cache
def units() -> dict[str, dict[str, object]]:
    """What a figure of each unit can be (``cpblib/_data/units.toml``): noun, min, max, whole.

    >>> units()["percent"]["max"], units()["count"]["whole"], "max" in units()["percent_change"]
    (100, True, False)
    """
    text = resources.files("cpblib").joinpath("_data/units.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def unit_problem(numbers: pd.Series, unit: pd.Series, *, whole_counts: bool = True) -> pd.Series:
    """Why a figure cannot be a value of its unit, from the bounds of :func:`units`
    (a percentage 0 to 100, a count whole and not negative...); ``None`` when it can
    (or is blank, or its unit is unknown). ``whole_counts`` False lets a count be a
    fraction, as targets, expected ranges and averages of other councils' counts are.

    >>> unit_problem(pd.Series([104.0, 3.5, -2.0, 20.0, None, 150.0, -40.0]),
    ...     pd.Series(["percent", "count", "count", "count", "count", "percent_change", "percent_change"])).tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    ['104 is over 100, the most a percentage can be', '3.5 is not a whole number, which a count must be',
     '-2 is negative, which a count cannot be', None, None, None, None]
    """
    v = numbers.to_numpy(dtype="float64", na_value=np.nan)
    u = unit.to_numpy(dtype=object)
    given = ~np.isnan(v)
    out = np.full(len(v), None, dtype=object)
    for code, bounds in units().items():
        mine = given & (u == code)
        if not mine.any():
            continue
        noun, low, high = bounds["noun"], bounds.get("min"), bounds.get("max")
        checks = []
        if bounds.get("whole") and whole_counts:
            checks.append((v % 1 != 0, "{v} is not a whole number, which a " + f"{noun} must be"))
        if high is not None:
            checks.append((v > high, "{v} is over " + f"{number_text(high)}, the most a {noun} can be"))
        if low is not None:
            below = (
                "{v} is negative, which a " + f"{noun} cannot be"
                if low == 0
                else ("{v} is below " + f"{number_text(low)}, the least a {noun} can be")
            )
            checks.append((v < low, below))
        with np.errstate(invalid="ignore"):
            for bad, template in checks:  # the last that applies wins
                rows = np.flatnonzero(mine & bad)
                out[rows] = [template.format(v=number_text(v[i])) for i in rows]
    return pd.Series(out, index=numbers.index, dtype="object")


def prepare_catalogue(raw: pd.DataFrame, rows: Sequence[int], file: str = "indicators.csv") -> pd.DataFrame:
    """The indicator catalogue with its checks.

    Adds ``months_out_of_order`` (first_month after last_month) and
    ``target_without_polarity`` (a point target needs polarity high or low).

    >>> raw = pd.DataFrame({"indicator": ["cic-rate"], "unit": ["Percent"], "polarity": ["none"],
    ...                     "decimals": ["1,234"], "rag_method": ["target"]})
    >>> frame = prepare_catalogue(raw, [2])
    >>> frame.loc[0, ["unit", "not_whole", "target_without_polarity"]].tolist()
    ['percent', 'decimals', 'rated against a target, so polarity must be high or low, not none']
    """
    frame = prepare_table(raw, rows, file, INDICATOR_COLUMNS)
    first, last = frame["first_month_month"], frame["last_month_month"]
    in_order = pd.Series(
        [a <= b if isinstance(a, str) and isinstance(b, str) else True for a, b in zip(first, last)], index=frame.index
    )
    method = frame["rag_method"] if "rag_method" in frame else pd.Series([None] * len(frame), dtype="object")
    polarity = frame["polarity"] if "polarity" in frame else pd.Series([None] * len(frame), dtype="object")
    unit = frame["unit"] if "unit" in frame else pd.Series([None] * len(frame), dtype="object")
    return frame.assign(
        second_figure_same=problem(
            frame["second_figure"].notna() & frame["second_figure"].eq(unit),
            "{v} is already the unit of the main figure",
            v=frame["second_figure"],
        ),
        months_out_of_order=problem(~in_order, "{first} is after {last}", first=first, last=last),
        target_without_polarity=problem(
            method.eq("target") & ~polarity.isin(["high", "low"]),
            "rated against a target, so polarity must be high or low, not {polarity}",
            polarity=polarity.astype("object").where(polarity.notna(), "blank"),
        ),
    )


def catalogue_lookup(prepared: pd.DataFrame) -> pd.DataFrame:
    """The typed columns other inputs need from a prepared catalogue (first row per indicator).

    >>> raw = pd.DataFrame({"indicator": ["a"], "unit": ["count"], "frequency": ["monthly"], "arrears_months": ["1"]})
    >>> catalogue_lookup(prepare_catalogue(raw, [2])).loc[0, ["indicator", "unit", "arrears_months"]].astype(str).tolist()
    ['a', 'count', '1']
    """
    columns = {
        "indicator": prepared.get("indicator"),
        "name": prepared.get("name"),
        "domain": prepared.get("domain"),
        "unit": prepared.get("unit"),
        "frequency": prepared.get("frequency"),
        "year_type": prepared.get("year_type"),
        "rag_method": prepared.get("rag_method"),
        "second_figure": prepared.get("second_figure"),
        "arrears_months": prepared["arrears_months_number"].fillna(0).astype("int64"),
        "first_month": prepared["first_month_month"],
        "last_month": prepared["last_month_month"],
    }
    blank = pd.Series([None] * len(prepared), index=prepared.index, dtype="object")
    frame = pd.DataFrame({k: (blank if v is None else v) for k, v in columns.items()})
    return frame.dropna(subset=["indicator"]).drop_duplicates("indicator").reset_index(drop=True)


def prepare_targets(
    raw: pd.DataFrame, rows: Sequence[int], catalogue: pd.DataFrame | None, file: str = "targets.csv"
) -> pd.DataFrame:
    """Targets with their checks.

    ``unknown_indicator``; ``target_unfit``, ``range_unfit`` and ``baseline_unfit``
    (within the bounds of the unit, a fraction allowed even for a count: a quarterly
    expected range of 1.5 to 3 is real);
    ``range_reversed``; ``method_mismatch`` (a target for rag_method target,
    both range ends for rag_method range). ``period`` is the from_month.

    >>> cat = pd.DataFrame({"indicator": ["eet"], "unit": ["percent"], "rag_method": ["target"]})
    >>> raw = pd.DataFrame({"indicator": ["eet"], "from_month": ["2022-04"], "target": ["120"]})
    >>> prepare_targets(raw, [2], cat).loc[0, ["period", "unknown_indicator", "target_unfit"]].tolist()
    ['2022-04', None, '120 is over 100, the most a percentage can be']
    """
    frame = prepare_table(raw, rows, file, TARGET_COLUMNS)
    unit = _unit_lookup(catalogue, frame["indicator"], "unit")
    method = _unit_lookup(catalogue, frame["indicator"], "rag_method")
    target, lower, upper = frame["target_number"], frame["range_lower_number"], frame["range_upper_number"]
    lower_problem = unit_problem(lower, unit, whole_counts=False)
    upper_problem = unit_problem(upper, unit, whole_counts=False)
    has_range = lower.notna() & upper.notna()
    range_method = method.eq("range") & ~(has_range & target.isna())
    target_method = method.eq("target") & ~(target.notna() & lower.isna() & upper.isna())
    mismatch = _first_problem(
        frame.index,
        problem(range_method, "rated against a range: give range_lower and range_upper and no target"),
        problem(target_method, "rated against a target: give a target and no range"),
    )
    return frame.assign(
        period=frame["from_month_month"],
        unit=unit,
        unknown_indicator=_unknown_indicator(catalogue, frame["indicator"]),
        target_unfit=unit_problem(target, unit, whole_counts=False),
        range_unfit=_first_problem(frame.index, lower_problem, upper_problem),
        baseline_unfit=unit_problem(frame["baseline_number"], unit, whole_counts=False),
        range_reversed=problem(has_range & (lower > upper), "{lower:g} is above {upper:g}", lower=lower, upper=upper),
        method_mismatch=mismatch,
    )


def prepare_benchmarks(
    raw: pd.DataFrame, rows: Sequence[int], catalogue: pd.DataFrame | None, file: str = "benchmarks.csv"
) -> pd.DataFrame:
    """Benchmarks with ``unknown_indicator``, ``bad_year`` and ``value_unfit``; ``period`` is the year label.

    >>> cat = pd.DataFrame({"indicator": ["eet"], "unit": ["percent"]})
    >>> raw = pd.DataFrame({"indicator": ["eet", "x"], "comparator": ["england"] * 2, "year": ["2021-20", "2021-22"], "value": ["55", "1"]})
    >>> prepare_benchmarks(raw, [2, 3], cat)[["unknown_indicator", "bad_year"]].values.tolist()
    [[None, "'2021-20' is not a year label such as 2021-22, 2022 or 2016-19"], ["'x' is not in the indicator catalogue", None]]
    """
    frame = prepare_table(raw, rows, file, BENCHMARK_COLUMNS)
    figure = frame["figure"]
    second = _unit_lookup(catalogue, frame["indicator"], "second_figure")
    unit = _unit_lookup(catalogue, frame["indicator"], "unit")
    main = figure.isna() | figure.eq(unit)
    unit = unit.where(main, figure)
    year = frame["year"] if "year" in frame else pd.Series([None] * len(frame), dtype="object")
    return frame.assign(
        period=year,
        unit=unit,
        figure=figure.where(~main, None),
        unknown_figure=problem(
            ~main & frame["indicator"].notna() & figure.ne(second),
            "{v!r} is not a figure of this indicator (its second_figure is {s})",
            v=figure,
            s=second.astype("object").where(second.notna(), "not set"),
        ),
        unknown_indicator=_unknown_indicator(catalogue, frame["indicator"]),
        bad_year=problem(
            frame["year_ok"].eq(False), "{v!r} is not a year label such as 2021-22, 2022 or 2016-19", v=year
        ),
        value_unfit=unit_problem(frame["value_number"], unit, whole_counts=False),
    )


def prepare_overrides(
    raw: pd.DataFrame,
    rows: Sequence[int],
    catalogue: pd.DataFrame | None,
    month: Month | None,
    file: str = "overrides.csv",
) -> pd.DataFrame:
    """Overrides (an analyst's RAG, heading or both) with ``unknown_indicator``, ``nothing_set`` (neither a
    RAG nor a heading) and ``months_after_report`` (must not be above 0; blank without a report ``month``).

    >>> raw = pd.DataFrame({"month": ["2023-04", "2023-03"], "indicator": ["eet"] * 2, "rag": ["Green", None],
    ...                     "reason": ["x", "y"]})
    >>> frame = prepare_overrides(raw, [2, 3], None, Month(2023, 3))
    >>> frame[["period", "rag", "nothing_set"]].values.tolist()
    [['2023-04', 'green', None], ['2023-03', None, 'both rag and heading are blank']]
    """
    frame = prepare_table(raw, rows, file, OVERRIDE_COLUMNS)
    period = frame["month_month"]
    return frame.assign(
        period=period,
        unknown_indicator=_unknown_indicator(catalogue, frame["indicator"]),
        nothing_set=problem(frame["rag"].isna() & frame["heading"].isna(), "both rag and heading are blank"),
        months_after_report=period_ordinal(period) - (np.nan if month is None else month.ordinal),
    )


def prepare_annotations(
    raw: pd.DataFrame, rows: Sequence[int], catalogue: pd.DataFrame | None, file: str = "annotations.csv"
) -> pd.DataFrame:
    """Chart annotations with ``unknown_indicator``; ``period`` is the month the note is drawn at.

    >>> raw = pd.DataFrame({"month": ["Mar 23"], "indicator": ["eet"], "text": ["New basis"]})
    >>> prepare_annotations(raw, [2], None).loc[0, ["period", "not_a_month", "unknown_indicator"]].tolist()
    ['2023-03', None, None]
    """
    frame = prepare_table(raw, rows, file, ANNOTATION_COLUMNS)
    return frame.assign(
        period=frame["month_month"], unknown_indicator=_unknown_indicator(catalogue, frame["indicator"])
    )


TABLE_COLUMNS: dict[str, tuple[Column, ...]] = {
    "catalogue": INDICATOR_COLUMNS,
    "targets": TARGET_COLUMNS,
    "benchmarks": BENCHMARK_COLUMNS,
    "overrides": OVERRIDE_COLUMNS,
    "annotations": ANNOTATION_COLUMNS,
}
"""The project's tables typed in by the council (suite name -> declared columns)."""


def prepare_input(
    name: str,
    raw: pd.DataFrame,
    rows: Sequence[int],
    file: str,
    catalogue: pd.DataFrame | None = None,
    month: Month | None = None,
) -> pd.DataFrame:
    """The table ``name`` of :data:`TABLE_COLUMNS` prepared for its suite (``catalogue``: typed
    or :func:`catalogue_lookup`; ``month``: the report month, for the overrides).

    >>> raw = pd.DataFrame({"indicator": ["eet"], "comparator": ["england"], "year": ["2022"], "value": ["5"]})
    >>> prepare_input("benchmarks", raw, [2], "benchmarks.csv").loc[0, ["file", "source_row", "value_number"]].astype(str).tolist()
    ['benchmarks.csv', '2', '5.0']
    """
    if name == "catalogue":
        return prepare_catalogue(raw, rows, file)
    if name == "overrides":
        return prepare_overrides(raw, rows, catalogue, month, file)
    prepare = {"targets": prepare_targets, "benchmarks": prepare_benchmarks, "annotations": prepare_annotations}
    return prepare[name](raw, rows, catalogue, file)


def column_suite(columns: Iterable[Column], name: str = "table") -> dict:
    """The rules a table's column declarations imply, as an expectation suite, for a table
    that has no suite of its own (such as ``benchmark_sources.csv``): its columns and no
    others, required cells filled in, ids, codes, numbers, months and year labels well formed.

    >>> suite = column_suite(BENCHMARK_COLUMNS)
    >>> [e["kwargs"].get("column") for e in suite["expectations"]][1:4]
    ['blank_required', 'not_whole', 'not_a_number']
    """
    columns = tuple(columns)
    empty = pd.DataFrame({c.name: pd.Series(dtype="object") for c in columns})
    every = [str(c) for c in prepare_table(empty, [], name, columns).columns]
    declared = ", ".join(c.name for c in columns)

    def rule(type_: str, kwargs: dict, words: str, **meta) -> dict:
        return {"type": type_, "kwargs": kwargs, "meta": {"severity": "error", "rule": words, **meta}}

    expectations = [
        rule(
            "expect_table_columns_to_match_set",
            {"column_set": every, "exact_match": True},
            f"the table has the columns {declared} (required: "
            f"{', '.join(c.name for c in columns if c.required)}) and no others",
        ),
        rule(
            "expect_column_values_to_be_null",
            {"column": "blank_required"},
            "every required column is filled in",
            column_from="blank_required",
        ),
        rule(
            "expect_column_values_to_be_null",
            {"column": "not_whole"},
            "a whole number (0, 1, 2...)",
            column_from="not_whole",
        ),
        rule("expect_column_values_to_be_null", {"column": "not_a_number"}, "a number", column_from="not_a_number"),
        rule(
            "expect_column_values_to_be_null", {"column": "not_a_month"}, "a month (YYYY-MM)", column_from="not_a_month"
        ),
    ]
    for column in columns:
        if column.kind == "slug":
            expectations.append(
                rule(
                    "expect_column_values_to_be_null",
                    {"column": "bad_id"},
                    "an indicator id is lower-case words joined by hyphens (e.g. cic-rate)",
                    column=column.name,
                )
            )
        elif column.kind.startswith("code:") or column.kind == "comparator":
            codes = list(COMPARATORS) if column.kind == "comparator" else list(allowed(column.kind[5:]))
            expectations.append(
                rule(
                    "expect_column_values_to_be_in_set",
                    {"column": column.name, "value_set": codes},
                    f"{column.name!r} is one of {', '.join(codes)}",
                )
            )
        elif column.kind == "year_label":
            expectations.append(
                rule(
                    "expect_column_values_to_be_in_set",
                    {"column": f"{column.name}_ok", "value_set": [True]},
                    "a year label such as 2021-22 or 2022",
                    column=column.name,
                )
            )
    return {"name": name, "expectations": expectations}


def prepared_columns() -> dict[str, tuple[str, ...]]:
    """For each table of :data:`TABLE_COLUMNS`, every column its prepared frame has when the file
    has exactly the declared columns: what a suite's ``columns_<table>`` parameter holds.

    >>> columns = prepared_columns()["targets"]
    >>> "target" in columns, "target_unfit" in columns, "targte" in columns
    (True, True, False)
    """
    out = {}
    for name, columns in TABLE_COLUMNS.items():
        empty = pd.DataFrame({c.name: pd.Series(dtype="object") for c in columns})
        out[name] = tuple(str(c) for c in prepare_input(name, empty, [], name).columns)
    return out


# -- commentary -----------------------------------------------------------------------------------
def prepare_commentary(index: pd.DataFrame, catalogue: pd.DataFrame | None, month: Month) -> pd.DataFrame:
    """The commentary index (month, domain, path, bytes) with its checks.

    ``bad_month_folder`` (the folder is not a real month), ``unknown_domain``
    (the file name matches no domain of the catalogue), ``no_commentary`` (on
    a row added for each domain of the report month's pack with no file).

    >>> index = pd.DataFrame({"month": ["2023-03", "2023-13"], "domain": ["children-in-care", "care-leavers"],
    ...                       "path": ["a.md", "b.md"], "bytes": [120, 0]})
    >>> cat = pd.DataFrame({"indicator": ["a", "b"], "domain": ["Children in care", "Care leavers"]})
    >>> frame = prepare_commentary(index, cat, Month(2023, 3))
    >>> frame[["bad_month_folder", "unknown_domain", "no_commentary"]].values.tolist()
    [[None, None, None], ['2023-13', None, None], [None, None, 'no care-leavers.md']]
    """
    columns = ["month", "domain", "path", "bytes"]
    index = index.reindex(columns=columns) if len(index.columns) else pd.DataFrame(columns=columns)
    domains = (
        sorted({slugify(d) for d in catalogue["domain"].dropna()})
        if catalogue is not None and "domain" in catalogue
        else []
    )
    base = index.assign(has_commentary=True)
    present = set(base.loc[base["month"].eq(month.key), "domain"])
    absent = pd.DataFrame(
        {
            "month": month.key,
            "domain": [d for d in domains if d not in present],
            "path": None,
            "bytes": np.nan,
            "has_commentary": False,
        }
    )
    frame = pd.concat([base, absent], ignore_index=True) if len(absent) else base.reset_index(drop=True)
    frame = frame.assign(bytes=pd.to_numeric(frame["bytes"], errors="coerce").astype("float64"))
    files = frame["path"].map(
        lambda p: (
            None
            if p is None or (isinstance(p, float) and np.isnan(p))
            else str(p).replace("\\", "/").rsplit("/", 1)[-1]
        )
    )
    frame = _with_location(frame, files, None)
    ok = frame["month"].map(lambda v: _period_key_ok(v) if isinstance(v, str) else False)
    written = frame["has_commentary"].astype(bool)
    return frame.assign(
        period=frame["month"].astype("object"),
        bad_month_folder=problem(frame["month"].notna() & ~ok, "{v}", v=frame["month"]),
        unknown_domain=problem(
            frame["domain"].notna() & ~frame["domain"].isin(domains) & bool(domains), "{v}", v=frame["domain"]
        ),
        no_commentary=problem(~written, "no {v}.md", v=frame["domain"]),
        content_bytes=frame["bytes"].where(written),
    ).drop(columns="has_commentary")


# -- the month's values ---------------------------------------------------------------------------
VALUE_COLUMNS = tuple(c for c in VALUES_COLUMNS if not c.startswith("source_"))
"""An extract's value columns, without where each value came from."""


def expected_periods(catalogue: pd.DataFrame, month: Month, calendar: Calendar = DEFAULT_CALENDAR) -> pd.DataFrame:
    """The (indicator, period) each active indicator must have for ``month``.

    Monthly indicators are due every month for the report month minus their
    arrears; quarterly ones only when that month ends a quarter; termly and
    annual ones are never chased (their timing varies).

    >>> cat = pd.DataFrame({"indicator": ["a", "b", "c"], "frequency": ["monthly", "quarterly", "annual"],
    ...                     "arrears_months": [1, 0, 0], "first_month": [None, None, None], "last_month": [None, None, None]})
    >>> expected_periods(cat, Month(2023, 3)).values.tolist()
    [['a', '2023-02'], ['b', '2023-03']]
    >>> expected_periods(cat, Month(2023, 2))["indicator"].tolist()
    ['a']
    """
    reported = reported_periods(catalogue, month, calendar)
    due = reported["frequency"].eq("monthly") | (
        reported["frequency"].eq("quarterly") & reported["period"].eq(reported["unshifted"])
    )
    return reported.loc[due, ["indicator", "period"]].reset_index(drop=True)


def reported_periods(catalogue: pd.DataFrame, month: Month, calendar: Calendar = DEFAULT_CALENDAR) -> pd.DataFrame:
    """Each indicator active in ``month`` with the period the pack reports for it
    (honouring frequency and arrears), its frequency, and the report month minus
    arrears (``unshifted``). Indicators with an unknown frequency are left out.

    >>> cat = pd.DataFrame({"indicator": ["a", "b"], "frequency": ["quarterly", "sometimes"],
    ...                     "arrears_months": [0, 0], "first_month": [None] * 2, "last_month": [None] * 2})
    >>> reported_periods(cat, Month(2023, 2)).values.tolist()
    [['a', '2022-12', 'quarterly', '2023-02']]
    """
    from ..scoring._periods import FREQUENCIES, latest_period

    active = _active(catalogue, month)
    active = active.loc[active["frequency"].isin(FREQUENCIES)].reset_index(drop=True)
    if active.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ("indicator", "period", "frequency", "unshifted")})
    arrears = pd.to_numeric(active["arrears_months"], errors="coerce").fillna(0).astype("int64")
    unshifted = (month.ordinal - arrears).map(lambda o: str(Month.from_ordinal(o)))
    latest = latest_period(active.assign(arrears_months=arrears), month, calendar)
    return pd.DataFrame(
        {"indicator": active["indicator"], "period": latest, "frequency": active["frequency"], "unshifted": unshifted}
    ).astype("object")


def _active(catalogue: pd.DataFrame, month: Month) -> pd.DataFrame:
    current = str(month)
    first = catalogue.get("first_month", pd.Series([None] * len(catalogue), index=catalogue.index))
    last = catalogue.get("last_month", pd.Series([None] * len(catalogue), index=catalogue.index))
    first_ok = first.isna() | (first.astype("string") <= current)
    last_ok = last.isna() | (last.astype("string") >= current)
    return catalogue.loc[(first_ok & last_ok).astype(bool)].reset_index(drop=True)


def _value_frame(values: pd.DataFrame | None) -> pd.DataFrame:
    if values is None:
        values = pd.DataFrame(columns=list(VALUE_COLUMNS))
    out = values.rename(columns={"source_file": "file"}) if "file" not in values else values.copy()
    for column in VALUE_COLUMNS:
        if column not in out:
            out[column] = np.nan if column in ("value", "numerator", "denominator") else None
    for column in ("value", "numerator", "denominator"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    key = series_key(out)
    return out.assign(series=key.where(key != "", None), _series=key)


def prepare_values(
    values: pd.DataFrame,
    catalogue: pd.DataFrame | None,
    month: Month,
    *,
    previous: pd.DataFrame | None = None,
    calendar: Calendar = DEFAULT_CALENDAR,
    anomalies: pd.DataFrame | None = None,
    month_file: str | None = None,
    check_due: bool = True,
) -> pd.DataFrame:
    """The values as published for ``month``, with every check column.

    ``values`` is the store's view (indicator, period, value, numerator,
    denominator, missing_reason; optional ``source_file`` (or ``file``) and
    ``source_row``). ``previous`` is the view published before: a value it
    held that is now blank or absent has disappeared (``disappeared``), one
    that changed is described in ``revision``; ``anomalies``
    is :func:`cpblib.checks.anomalies.anomaly_measures` of the history.
    Rows are added for each due value that is absent (``missing_value``)
    (unless ``check_due`` is False) and each value of the previous view that
    has gone; ``month_file`` names the month's extract for those rows.

    >>> cat = pd.DataFrame({"indicator": ["eet", "cic"], "unit": ["percent", "count"], "frequency": ["monthly"] * 2,
    ...                     "arrears_months": [0, 0], "first_month": [None] * 2, "last_month": [None] * 2})
    >>> values = pd.DataFrame({"indicator": ["eet", "zzz"], "period": ["2023-03", "2023-04"], "value": [104.0, 3.0]})
    >>> frame = prepare_values(values, cat, Month(2023, 3))
    >>> frame[["indicator", "value_unfit", "after_report", "missing_value"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['eet', '104 is over 100, the most a percentage can be', None, None],
     ['zzz', None, 'period 2023-04 is after the report month 2023-03', None],
     ['cic', None, None, 'no value for 2023-03']]
    """
    current = _value_frame(values)
    has_location = "source_row" in current
    keys = ["indicator", "period", "_series"]
    current = current.assign(present=True, still_published=True, previous_value=np.nan, revision=None)
    current_keys = pd.MultiIndex.from_frame(current[keys])
    extra = pd.DataFrame({k: pd.Series(dtype="object") for k in keys})
    if previous is not None and len(previous):
        before = _value_frame(previous)[[*keys, "value"]].rename(columns={"value": "previous_value"})
        before = before.drop_duplicates(keys, keep="last")
        joined = current.drop(columns="previous_value").merge(before, on=keys, how="left", indicator="_seen")
        was = joined["_seen"].eq("both")
        had, has = joined["previous_value"].notna(), joined["value"].notna()
        changed = (was & has & (~had | (joined["value"] != joined["previous_value"]))).to_numpy()
        blanked = (was & had & ~has).to_numpy()
        current = joined.drop(columns="_seen").assign(
            revision=problem(
                pd.Series(changed, index=joined.index),
                "{before} -> {after:g}",
                before=joined["previous_value"]
                .astype("object")
                .where(had, "blank")
                .map(lambda v: v if isinstance(v, str) else f"{v:g}"),
                after=joined["value"],
            ),
            still_published=~blanked,
        )
        gone = before.loc[~pd.MultiIndex.from_frame(before[keys]).isin(current_keys)].assign(still_published=False)
        extra = extra.merge(gone, on=keys, how="outer")
    if check_due and catalogue is not None and "indicator" in catalogue:
        due = expected_periods(catalogue, month, calendar).assign(_series="")
        given = current_keys
        if calendar.cadence == "quarterly":  # a quarterly pack reads a monthly indicator's quarter figure
            quarters = current.loc[current["_series"].eq("quarter"), keys].assign(_series="")
            given = given.append(pd.MultiIndex.from_frame(quarters))
        missing = due.loc[~pd.MultiIndex.from_frame(due).isin(given)].assign(present=False)
        extra = extra.merge(missing, on=keys, how="outer")
        due_keys = pd.MultiIndex.from_frame(due)
    else:
        due_keys = pd.MultiIndex.from_arrays([[], [], []])
    if len(extra):
        extra = extra.assign(
            value=np.nan,
            present=extra.get("present", pd.Series(True, index=extra.index)).astype("object").fillna(True).astype(bool),
            still_published=extra.get("still_published", pd.Series(True, index=extra.index))
            .astype("object")
            .fillna(True)
            .astype(bool),
            revision=None,
        )
        current = pd.concat([current, extra], ignore_index=True)
    added = current["source_row"].isna() if has_location else pd.Series(True, index=current.index)
    files = current["file"].astype("object") if "file" in current else pd.Series([None] * len(current), dtype="object")
    files = files.where(~(added & files.isna()), month_file)
    rows = current["source_row"] if has_location else None
    frame = _with_location(current.drop(columns=[c for c in ("file", "source_row") if c in current]), files, rows)

    figure = frame["figure"].astype("object").where(frame["figure"].notna(), None)
    unit = _unit_lookup(catalogue, frame["indicator"], "unit").where(figure.isna(), figure)
    second = _unit_lookup(catalogue, frame["indicator"], "second_figure")
    value = frame["value"]
    offset = period_ordinal(frame["period"]) - month.ordinal
    numerator, denominator = frame["numerator"], frame["denominator"]
    fraction = _first_problem(
        frame.index,
        problem(numerator < 0, "the numerator {n:g} is negative", n=numerator),
        problem(
            (numerator > denominator) & (denominator >= 0),
            "the numerator {n:g} is above the denominator {d:g}",
            n=numerator,
            d=denominator,
        ),
    )
    frame["_series"] = frame["_series"].astype("object").where(frame["_series"].notna(), "")
    frame["series"] = frame["_series"].where(frame["_series"] != "", None)
    is_due = pd.Series(pd.MultiIndex.from_frame(frame[keys]).isin(due_keys), index=frame.index)
    present, published = frame["present"].astype(bool), frame["still_published"].astype(bool)
    blank_due = is_due & present & published & value.isna()
    period_ok = frame["period"].map(lambda p: isinstance(p, str) and bool(_PERIOD.match(p))) & ~(offset < -600)
    frame = frame.assign(
        unit=unit,
        unknown_indicator=_unknown_indicator(catalogue, frame["indicator"]),
        unknown_figure=problem(
            figure.notna() & frame["indicator"].notna() & figure.ne(second) & (catalogue is not None),
            "{v!r} is not a figure of this indicator (its second_figure is {s})",
            v=figure,
            s=second.astype("object").where(second.notna(), "not set"),
        ),
        bad_period=problem(
            frame["period"].notna() & ~period_ok,
            "{v!r} is not a month written YYYY-MM within 50 years of the report month",
            v=frame["period"],
        ),
        after_report=problem(
            offset > 0, "period {v} is after the report month " + str(month), v=frame["period"].astype("object")
        ),
        value_unfit=unit_problem(value, unit),
        bad_fraction=fraction,
        bad_denominator=problem(denominator < 0, "the denominator {d:g} is negative", d=denominator),
        missing_value=problem(~present, "no value for {v}", v=frame["period"]),
        disappeared=problem(~published, "{v:g} -> withdrawn", v=frame["previous_value"]),
        latest_blank=frame["missing_reason"]
        .astype("object")
        .where(frame["missing_reason"].notna(), "blank")
        .where(blank_due, None),
    )
    frame["present"] = frame["present"].astype("object")
    frame["still_published"] = frame["still_published"].astype("object")
    measure_columns = ["z_score", "history_mean", "percent_change", "value_before", "flat_run"]
    if anomalies is not None and len(anomalies):
        measures = anomalies.reindex(columns=["indicator", "period", *measure_columns]).assign(_series="")
        frame = frame.merge(measures, on=keys, how="left")
        gone = ~frame["present"].astype(bool) | ~frame["still_published"].astype(bool)
        frame.loc[gone, measure_columns] = np.nan
    else:
        frame = frame.assign(**{c: np.nan for c in measure_columns})
    return frame

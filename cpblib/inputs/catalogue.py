"""The indicator catalogue: what each indicator is and how it is judged.

The catalogue is three CSV files in ``data/`` (paths set in ``cpb.toml``):

* ``indicators.csv``: one row per ``indicator`` (see :data:`INDICATOR_COLUMNS`);
* ``targets.csv``: targets or expected ranges, each applying from a month
  (targets change by financial year), see :data:`TARGET_COLUMNS`;
* ``benchmarks.csv``: comparator values typed in by the council, each with its
  year label, see :data:`BENCHMARK_COLUMNS`.

Declaring the columns (the tables below) is separate from reading a file
(:mod:`cpblib.inputs.files`) and from checking its rows (:func:`validate_indicators`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .._vocabulary import allowed
from ..config import COMPARATORS
from ..errors import InputError
from ..limits import MAX_FIGURE
from ..month import Month, MonthError

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YEAR_LABEL = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


@dataclass(frozen=True)
class Column:
    """One column of an input table."""

    name: str
    kind: str  # slug | text | code:<vocabulary kind> | int | float | month | year_label | comparator | rag
    required: bool = False
    description: str = ""


INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column("indicator", "slug", True, "Stable id, lower-case words joined by hyphens"),
    Column("name", "text", True, "Display name"),
    Column("domain", "text", True, "Page of the pack the indicator belongs to"),
    Column("unit", "code:unit", True, "count, percent, rate_per_10000, days, score or ratio"),
    Column("polarity", "code:polarity", True, "high (higher is better), low, or none"),
    Column("decimals", "int", True, "Decimal places for display"),
    Column("frequency", "code:frequency", True, "monthly, quarterly, termly or annual"),
    Column("period_type", "code:period_type", True, "snapshot, rolling_12m, rolling_6m, year_to_date, in_period"),
    Column("arrears_months", "int", False, "Months the figure lags the report month (default 0)"),
    Column("year_type", "code:year_type", False, "financial (default) or academic, for annual and year-to-date"),
    Column("rag_method", "code:rag_method", True, "target, range or none"),
    Column("tolerance", "float", False, "Distance from target still Green (blank: cpb.toml default)"),
    Column("tolerance_type", "code:tolerance_type", False, "relative (% of target) or absolute (points)"),
    Column("red_rule", "code:red_rule", False, "relative, absolute, worse_than_england or none"),
    Column("red_threshold", "float", False, "Threshold for the red rule"),
    Column("dfe_ref", "text", False, "DfE reference, e.g. LAA1.02"),
    Column("definition", "text", False, "What is counted, in plain words"),
    Column("source_system", "text", False, "Where the figure comes from"),
    Column("numerator", "text", False, "What the numerator counts (percentages and rates)"),
    Column("denominator", "text", False, "What the denominator counts (percentages and rates)"),
    Column("first_month", "month", False, "First report month the indicator appears in"),
    Column("last_month", "month", False, "Last report month the indicator appears in"),
    Column("headline", "text", False, "Role in the headline facts, e.g. children_in_care"),
    Column("aliases", "text", False, "Other printed names, separated by |, matched when loading"),
    Column("notes", "text", False, "Anything a reader of the catalogue should know"),
    Column(
        "derivation", "text", False, "Definition cpb computes the figure by, e.g. ssda903:cla-count (docs/ssda903.md)"
    ),
)

TARGET_COLUMNS: tuple[Column, ...] = (
    Column("indicator", "slug", True),
    Column("from_month", "month", True, "First report month the target applies to"),
    Column("target", "float", False, "Point target (rag_method target)"),
    Column("range_lower", "float", False, "Lower end of the expected range (rag_method range)"),
    Column("range_upper", "float", False, "Upper end of the expected range (rag_method range)"),
    Column("source", "text", False, "Where the target was set"),
)

BENCHMARK_COLUMNS: tuple[Column, ...] = (
    Column("indicator", "slug", True),
    Column("comparator", "comparator", True, "england, region, sn or good_sn"),
    Column("year", "year_label", True, "e.g. 2021-22 or 2022"),
    Column("value", "float", True),
    Column("source", "text", False),
)

OVERRIDE_COLUMNS: tuple[Column, ...] = (
    Column("month", "month", True),
    Column("indicator", "slug", True),
    Column("rag", "code:rag", True, "green, amber or red"),
    Column("reason", "text", True),
)

ANNOTATION_COLUMNS: tuple[Column, ...] = (
    Column("month", "month", True, "Month the annotation is drawn at"),
    Column("indicator", "slug", True),
    Column("text", "text", True),
)


def _blank(value: object) -> bool:
    return (
        value is None or (isinstance(value, float) and pd.isna(value)) or (isinstance(value, str) and not value.strip())
    )


def _coerce(column: Column, raw: object, file: str, row: int):
    """Convert one cell, or raise :class:`InputError` naming file, row and column."""
    if _blank(raw):
        if column.required:
            raise InputError(file, "required value is blank", row=row, column=column.name)
        return None
    text = str(raw).strip()
    kind = column.kind
    if kind == "text":
        return text
    if kind == "slug":
        if not SLUG.match(text):
            raise InputError(
                file,
                f"{text!r} is not an indicator id (lower-case words joined by hyphens)",
                row=row,
                column=column.name,
            )
        return text
    if kind.startswith("code:"):
        codes = allowed(kind[5:])
        if text.lower() not in codes:
            raise InputError(
                file, f"{text!r} is not allowed; choose from {', '.join(codes)}", row=row, column=column.name
            )
        return text.lower()
    if kind == "rag":
        return _coerce(Column(column.name, "code:rag", column.required), raw, file, row)
    if kind == "comparator":
        if text not in COMPARATORS:
            raise InputError(
                file, f"{text!r} is not a comparator; choose from {', '.join(COMPARATORS)}", row=row, column=column.name
            )
        return text
    if kind == "int":
        try:
            number = float(text)
        except ValueError:
            number = None
        if number is None or not number.is_integer() or not 0 <= number < MAX_FIGURE:
            raise InputError(file, f"{text!r} is not a whole number", row=row, column=column.name)
        return int(number)
    if kind == "float":
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            raise InputError(file, f"{text!r} is not a number", row=row, column=column.name) from None
        if not abs(number) < MAX_FIGURE:  # also infinity and not-a-number
            raise InputError(
                file,
                f"{text!r} is not a figure (cpb takes figures below {MAX_FIGURE:,.0f})",
                row=row,
                column=column.name,
            )
        return number
    if kind == "month":
        try:
            return str(Month.parse(raw if not isinstance(raw, str) else text))
        except MonthError as exc:
            raise InputError(file, str(exc), row=row, column=column.name) from None
    if kind == "year_label":
        match = YEAR_LABEL.match(text)
        if not match or (match[2] is not None and (int(match[1]) + 1) % 100 != int(match[2])):
            raise InputError(file, f"{text!r} is not a year label (e.g. 2021-22 or 2022)", row=row, column=column.name)
        return text
    raise AssertionError(f"unknown column kind {kind}")


def validate_table(raw: pd.DataFrame, columns: tuple[Column, ...], file: str, header_rows: int = 1) -> pd.DataFrame:
    """Check and type a table read as text; return a new frame with the declared columns.

    Unknown columns are an error (nothing is silently dropped); optional columns
    may be absent. ``raw`` is not modified.

    >>> raw = pd.DataFrame({"indicator": ["cic-rate"], "comparator": ["england"], "year": ["2021-22"], "value": ["70"]})
    >>> validate_table(raw, BENCHMARK_COLUMNS, "benchmarks.csv").loc[0, "value"]
    np.float64(70.0)
    """
    names = [c.name for c in columns]
    present = [str(c).strip() for c in raw.columns]
    unknown = [c for c in present if c not in names]
    if unknown:
        raise InputError(
            file,
            f"unknown column(s) {', '.join(map(repr, unknown))}; expected {', '.join(names)}",
            row=1,
            column=unknown[0],
        )
    missing = [c.name for c in columns if c.required and c.name not in present]
    if missing:
        raise InputError(
            file,
            f"required column is missing (the file has {', '.join(present) or 'no columns'})",
            row=1,
            column=missing[0],
        )
    frame = raw.set_axis(present, axis="columns")
    records = []
    for position, row in enumerate(frame.itertuples(index=False)):
        cells = dict(zip(present, row))
        row_number = position + 1 + header_rows
        records.append({c.name: _coerce(c, cells.get(c.name), file, row_number) for c in columns})
    typed = pd.DataFrame.from_records(records, columns=names)
    for column in columns:
        if column.kind == "float":
            typed[column.name] = pd.to_numeric(typed[column.name], errors="raise").astype("float64")
        elif column.kind == "int":
            typed[column.name] = typed[column.name].astype("Int64")
        else:
            typed[column.name] = typed[column.name].astype("object")
    return typed


def _duplicates(frame: pd.DataFrame, keys: list[str], file: str, header_rows: int = 1) -> None:
    dup = frame.duplicated(subset=keys, keep="first")
    if dup.any():
        position = int(dup.to_numpy().nonzero()[0][0])
        first = frame.loc[dup.index[position], keys].tolist()
        raise InputError(
            file,
            f"duplicate {' and '.join(keys)} {' / '.join(map(str, first))}",
            row=position + 1 + header_rows,
            column=keys[-1],
        )


def validate_indicators(raw: pd.DataFrame, file: str = "indicators.csv") -> pd.DataFrame:
    """Typed, checked indicator catalogue with defaults filled in."""
    frame = validate_table(raw, INDICATOR_COLUMNS, file)
    _duplicates(frame, ["indicator"], file)
    frame["arrears_months"] = frame["arrears_months"].fillna(0)
    frame["year_type"] = frame["year_type"].fillna("financial")
    for position, row in enumerate(frame.itertuples(index=False)):
        if row.rag_method != "none" and row.polarity == "none" and row.rag_method == "target":
            raise InputError(
                file,
                "a point target needs a polarity (high or low) to say which side is good",
                row=position + 2,
                column="polarity",
            )
    return frame


def validate_targets(raw: pd.DataFrame, catalogue: pd.DataFrame, file: str = "targets.csv") -> pd.DataFrame:
    frame = validate_table(raw, TARGET_COLUMNS, file)
    _duplicates(frame, ["indicator", "from_month"], file)
    methods = catalogue.set_index("indicator")["rag_method"]
    for position, row in enumerate(frame.itertuples(index=False)):
        line = position + 2
        if row.indicator not in methods.index:
            raise InputError(file, f"{row.indicator!r} is not in the indicator catalogue", row=line, column="indicator")
        has_range = not (pd.isna(row.range_lower) and pd.isna(row.range_upper))
        if methods[row.indicator] == "range":
            if pd.isna(row.range_lower) or pd.isna(row.range_upper):
                raise InputError(
                    file,
                    "an expected range needs both range_lower and range_upper",
                    row=line,
                    column="range_lower" if pd.isna(row.range_lower) else "range_upper",
                )
            if row.range_lower > row.range_upper:
                raise InputError(file, "range_lower is above range_upper", row=line, column="range_lower")
        elif pd.isna(row.target):
            raise InputError(
                file, f"{row.indicator!r} is rated against a target but the target is blank", row=line, column="target"
            )
        elif has_range:
            raise InputError(
                file, f"{row.indicator!r} is rated against a target, not a range", row=line, column="range_lower"
            )
    return frame


def validate_benchmarks(raw: pd.DataFrame, catalogue: pd.DataFrame, file: str = "benchmarks.csv") -> pd.DataFrame:
    frame = validate_table(raw, BENCHMARK_COLUMNS, file)
    _duplicates(frame, ["indicator", "comparator", "year"], file)
    known = set(catalogue["indicator"])
    for position, indicator in enumerate(frame["indicator"]):
        if indicator not in known:
            raise InputError(
                file, f"{indicator!r} is not in the indicator catalogue", row=position + 2, column="indicator"
            )
    return frame


def validate_overrides(raw: pd.DataFrame, catalogue: pd.DataFrame, file: str = "overrides.csv") -> pd.DataFrame:
    frame = validate_table(raw, OVERRIDE_COLUMNS, file)
    _duplicates(frame, ["month", "indicator"], file)
    known = set(catalogue["indicator"])
    for position, indicator in enumerate(frame["indicator"]):
        if indicator not in known:
            raise InputError(
                file, f"{indicator!r} is not in the indicator catalogue", row=position + 2, column="indicator"
            )
    return frame


def validate_annotations(raw: pd.DataFrame, catalogue: pd.DataFrame, file: str = "annotations.csv") -> pd.DataFrame:
    frame = validate_table(raw, ANNOTATION_COLUMNS, file)
    known = set(catalogue["indicator"])
    for position, indicator in enumerate(frame["indicator"]):
        if indicator not in known:
            raise InputError(
                file, f"{indicator!r} is not in the indicator catalogue", row=position + 2, column="indicator"
            )
    return frame


def active_indicators(catalogue: pd.DataFrame, month: Month) -> pd.DataFrame:
    """Indicators reported in ``month`` (inside their first/last month), in catalogue order."""
    current = str(month)
    first_ok = catalogue["first_month"].isna() | (catalogue["first_month"].astype("string") <= current)
    last_ok = catalogue["last_month"].isna() | (catalogue["last_month"].astype("string") >= current)
    return catalogue.loc[first_ok & last_ok].reset_index(drop=True)


def targets_for(targets: pd.DataFrame, month: Month) -> pd.DataFrame:
    """The target in force for each indicator in ``month``: the latest ``from_month`` not after it."""
    current = targets.loc[targets["from_month"] <= str(month)]
    return (
        current.sort_values(["indicator", "from_month"])
        .drop_duplicates("indicator", keep="last")
        .reset_index(drop=True)
    )

"""The indicator catalogue: what each indicator is and how it is judged.

The catalogue is three CSV files in ``data/`` (paths set in ``cpb.toml``):

* ``indicators.csv``: one row per ``indicator`` (see :data:`INDICATOR_COLUMNS`);
* ``targets.csv``: targets or expected ranges, each applying from a month
  (targets change by financial year), see :data:`TARGET_COLUMNS`;
* ``benchmarks.csv``: comparator values typed in by the council, each with its
  year label, see :data:`BENCHMARK_COLUMNS`; the comparators are those ``cpb.toml``
  declares (the benchmarks suite's ``comparators`` parameter).

Declaring the columns (the tables below) is separate from reading a file
(:mod:`cpblib.inputs.files`) and from checking its rows: the rules about a
table's rows are its expectation suite in ``expectations/``, which
:func:`validated` runs before typing the table (and ``cpb check`` runs too).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..month import Month

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YEAR_LABEL = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
"""A year label as DfE prints it: ``2021-22`` or ``2022`` (see :mod:`cpblib.dfe`)."""

WRITTEN_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*[-/\u2013]\s*(\d{4}|\d{2}))?(?!\d)")
"""A year (``2022``) or a span of years (``2021-22``, ``2016-19``, ``2021/22``) written in a benchmark's year label."""

MAX_YEAR_LABEL = 30
MAX_SPAN_YEARS = 10


def year_label_span(label: object) -> tuple[int, int] | None:
    """First and last year of the last year or span a benchmark's year label names; ``None`` when it names none.

    A span's end may be written in two digits (``2016-19``, ``1999-00``). A span that ends before it starts,
    or lasts more than ten years, is no span (``None``).

    >>> [year_label_span(t) for t in ("2021-22", "2022", "2016-19", "1999-00", "Mar 2022", "2021-20", "latest")]
    [(2021, 2022), (2022, 2022), (2016, 2019), (1999, 2000), (2022, 2022), None, None]
    """
    found = list(WRITTEN_YEAR.finditer(str(label)))
    if not found:
        return None
    first, end = int(found[-1][1]), found[-1][2]
    if end is None:
        return first, first
    last = int(end) if len(end) == 4 else first - first % 100 + int(end) + (100 if int(end) <= first % 100 else 0)
    return (first, last) if 0 < last - first <= MAX_SPAN_YEARS else None


def year_label_ok(text: str) -> bool:
    """A benchmark's year label: free text of at most 30 characters on one line that names a year or a span of
    years (``2021-22``, ``2022``, ``2016-19``, ``Mar 2022``); every span in it must run forwards.

    >>> [year_label_ok(t) for t in ("2021-22", "2016-19", "2022", "Mar 2022", "21-22", "2021-20", "latest")]
    [True, True, True, True, False, False, False]
    """
    text = str(text).strip()
    if not text or len(text) > MAX_YEAR_LABEL or any(ord(c) < 32 or ord(c) == 127 for c in text):
        return False
    found = list(WRITTEN_YEAR.finditer(text))
    return bool(found) and all(year_label_span(m[0]) is not None for m in found)


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
    Column("unit", "code:unit", True, "count, percent, percent_change, rate_per_10000, days, score or ratio"),
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
    Column(
        "second_figure",
        "code:unit",
        False,
        "The unit of a second figure the indicator carries beside its main one (e.g. count beside a rate)",
    ),
)

TARGET_COLUMNS: tuple[Column, ...] = (
    Column("indicator", "slug", True),
    Column("from_month", "month", True, "First report month the target applies to"),
    Column("target", "float", False, "Point target (rag_method target)"),
    Column("range_lower", "float", False, "Lower end of the expected range (rag_method range)"),
    Column("range_upper", "float", False, "Upper end of the expected range (rag_method range)"),
    Column("baseline", "float", False, "The figure progress is measured from when the target was set (optional)"),
    Column("source", "text", False, "Where the target was set"),
)

BENCHMARK_COLUMNS: tuple[Column, ...] = (
    Column("indicator", "slug", True),
    Column("comparator", "comparator", True, "england, region, sn, good_sn or one declared in cpb.toml [comparators]"),
    Column(
        "year", "year_label", True, "The year the figure is for, as the pack prints it: e.g. 2021-22, 2022, 2016-19"
    ),
    Column("value", "float", True),
    Column("source", "text", False),
    Column("figure", "code:unit", False, "Which figure it is for: blank for the main one, or the second figure's unit"),
)

OVERRIDE_COLUMNS: tuple[Column, ...] = (
    Column("month", "month", True),
    Column("indicator", "slug", True),
    Column("rag", "code:rag", False, "green, amber or red (blank: the rule's RAG stands)"),
    Column("heading", "text", False, "An exception heading for the month, or none (blank: the rules decide)"),
    Column("reason", "text", True, "Why, shown on the page with the RAG or heading the analyst set"),
)

ANNOTATION_COLUMNS: tuple[Column, ...] = (
    Column("month", "month", True, "Month the annotation is drawn at"),
    Column("indicator", "slug", True),
    Column("text", "text", True),
)


def type_table(prepared: pd.DataFrame, columns: tuple[Column, ...]) -> pd.DataFrame:
    """The declared columns of a table prepared for its checks
    (:func:`cpblib.checks.prepare.prepare_table`), typed: numbers as float64,
    whole numbers as Int64, months as ``YYYY-MM`` text, codes lower-case, blanks
    as ``None``. Plain conversion: a table that passed its suite converts.

    >>> from cpblib.checks.prepare import prepare_table
    >>> raw = pd.DataFrame({"indicator": ["cic-rate"], "from_month": ["Apr 22"], "target": ["1,234.5"]})
    >>> typed = type_table(prepare_table(raw, [2], "targets.csv", TARGET_COLUMNS), TARGET_COLUMNS)
    >>> typed.loc[0, "from_month"], float(typed.loc[0, "target"]), typed["range_lower"].dtype
    ('2022-04', 1234.5, dtype('float64'))
    """
    typed = {}
    for column in columns:
        if column.kind == "float":
            typed[column.name] = prepared[f"{column.name}_number"].astype("float64")
        elif column.kind == "int":
            typed[column.name] = prepared[f"{column.name}_number"].astype("Int64")
        elif column.kind == "month":
            typed[column.name] = prepared[f"{column.name}_month"].astype("object")
        else:
            typed[column.name] = prepared[column.name].astype("object")
    return pd.DataFrame(typed, index=prepared.index, columns=[c.name for c in columns]).reset_index(drop=True)


def validated(
    name: str,
    raw: pd.DataFrame,
    file: str,
    catalogue: pd.DataFrame | None = None,
    *,
    rows: Sequence[int] | None = None,
    header_row: int = 1,
    suite: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The project table ``name`` (catalogue, targets, benchmarks, overrides or annotations)
    checked by its expectation suite and typed.

    The table is prepared as ``cpb check`` prepares it (:func:`cpblib.checks.prepare.prepare_input`)
    and the suite's first error in reading order is raised as an :class:`InputError`
    (:func:`cpblib.checks.rules.first_error`); the rules are the suite's, declared once.
    ``rows``: each row's number in the file (default: 2, 3, ... under a header in row 1);
    ``suite``: the project's own suite (default: cpb's). ``raw`` is not modified.
    """
    from ..checks.prepare import TABLE_COLUMNS, prepare_input
    from ..checks.rules import parameters, raise_first
    from ..checks.suites import load_suite

    rows = list(range(header_row + 1, header_row + 1 + len(raw))) if rows is None else list(rows)
    prepared = prepare_input(name, raw, rows, file, catalogue)
    raise_first(
        suite if suite is not None else load_suite(name),
        prepared,
        parameters() if params is None else params,
        file=file,
        header_row=header_row,
        headers=[str(c).strip() for c in raw.columns],
    )
    return type_table(prepared, TABLE_COLUMNS[name])


def validate_table(raw: pd.DataFrame, columns: tuple[Column, ...], file: str, header_rows: int = 1) -> pd.DataFrame:
    """Check and type a table that has no expectation suite of its own (such as
    ``benchmark_sources.csv``) against what its column declarations imply
    (:func:`cpblib.checks.prepare.column_suite`): no unknown column, required
    columns present and filled in, each cell of its kind. ``raw`` is not modified.

    >>> raw = pd.DataFrame({"indicator": ["cic-rate"], "comparator": ["england"], "year": ["2021-22"], "value": ["70"]})
    >>> validate_table(raw, BENCHMARK_COLUMNS, "benchmarks.csv").loc[0, "value"]
    np.float64(70.0)
    """
    from ..checks.prepare import column_suite, prepare_table
    from ..checks.rules import raise_first

    rows = list(range(header_rows + 1, header_rows + 1 + len(raw)))
    prepared = prepare_table(raw, rows, file, columns)
    raise_first(column_suite(columns), prepared, file=file, header_row=header_rows, headers=list(raw.columns))
    return type_table(prepared, columns)


def validate_indicators(raw: pd.DataFrame, file: str = "indicators.csv", **where: Any) -> pd.DataFrame:
    """Typed, checked indicator catalogue with defaults filled in (arrears 0, financial years);
    see :func:`validated` for ``where`` (rows, header_row, suite, params)."""
    frame = validated("catalogue", raw, file, **where)
    frame["arrears_months"] = frame["arrears_months"].fillna(0)
    frame["year_type"] = frame["year_type"].astype("object").where(frame["year_type"].notna(), "financial")
    return frame


def validate_targets(
    raw: pd.DataFrame, catalogue: pd.DataFrame, file: str = "targets.csv", **where: Any
) -> pd.DataFrame:
    """Typed, checked targets and expected ranges (see :func:`validated`)."""
    return validated("targets", raw, file, catalogue, **where)


def validate_benchmarks(
    raw: pd.DataFrame, catalogue: pd.DataFrame, file: str = "benchmarks.csv", **where: Any
) -> pd.DataFrame:
    """Typed, checked benchmarks (see :func:`validated`)."""
    return validated("benchmarks", raw, file, catalogue, **where)


def validate_overrides(
    raw: pd.DataFrame, catalogue: pd.DataFrame, file: str = "overrides.csv", **where: Any
) -> pd.DataFrame:
    """Typed, checked RAG overrides (see :func:`validated`)."""
    return validated("overrides", raw, file, catalogue, **where)


def validate_annotations(
    raw: pd.DataFrame, catalogue: pd.DataFrame, file: str = "annotations.csv", **where: Any
) -> pd.DataFrame:
    """Typed, checked chart annotations (see :func:`validated`)."""
    return validated("annotations", raw, file, catalogue, **where)


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

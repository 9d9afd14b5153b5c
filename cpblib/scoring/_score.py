"""Score a report month: the recipe that chains the small steps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..config import BUILT_IN_COMPARATORS, Calendar, RagRules
from ..inputs.catalogue import INDICATOR_COLUMNS, active_indicators, targets_for
from ..month import Month
from ._compare import BENCHMARK_FIELDS, add_comparisons, attach_benchmarks
from ._direction import add_direction, polarity_sign
from ._exceptions import Headings, add_exception, apply_heading_overrides, headings_of
from ._figures import add_figures, figure_columns, main_benchmarks, scoring_series
from ._history import gather
from ._periods import at_cadence, period_ordinals, to_periods
from ._rag import add_rag, apply_overrides, resolve_rules
from ._text import strings, text_column, whole_numbers
from ._trend import TREND_PERIODS, add_trend

if TYPE_CHECKING:
    from ..config import ProjectConfig
    from ..inputs.month_data import MonthInputs

_LEADING_COLUMNS = (
    "indicator",
    "name",
    "domain",
    "unit",
    "polarity",
    "decimals",
    "frequency",
    "period_type",
    "period",
    "due_period",
    "value",
    "missing_reason",
    "previous_period",
    "previous_value",
    "direction",
    "direction_reason",
    "target",
    "range_lower",
    "range_upper",
    "rag",
    "rag_reason",
    "rag_override",
    "distance",
    "distance_percent",
    "exception",
    "exception_reason",
    "exception_override",
    "trend",
    "worsening_periods",
)
"""Leading columns of a scored month; per comparator columns and extras follow."""


def scored_columns(comparators: Sequence[str] = BUILT_IN_COMPARATORS) -> tuple[str, ...]:
    """The columns of a scored month, in the stable order ``cpb score --format csv|json`` prints them: the
    leading columns, then ``<c>_value``, ``<c>_year``, ``<c>_gap``, ``<c>_comparison`` for each comparator
    in the order given (``cpb.toml`` declares them: the built-in ones, then the council's own in file order).
    :data:`EXTRA_COLUMNS` follow in the frame :func:`score` returns.

    >>> scored_columns(["england", "last_year"])[-8:]
    ('england_value', 'england_year', 'england_gap', 'england_comparison', 'last_year_value', 'last_year_year', 'last_year_gap', 'last_year_comparison')
    """
    return _LEADING_COLUMNS + tuple(f"{c}_{part}" for c in comparators for part in BENCHMARK_FIELDS)


SCORED_COLUMNS: tuple[str, ...] = scored_columns()
"""The columns of a month scored against the built-in comparators (see :func:`scored_columns`)."""

EXTRA_COLUMNS = (
    "numerator",
    "denominator",
    "previous_numerator",
    "previous_denominator",
    "arrears_months",
    "rag_method",
    "headline",
    "month",
)
"""Further columns kept after the comparator columns (for suppression, headlines and explanations)."""

_TEXT_DEFAULTS = {"year_type": "financial"}


def complete_catalogue(catalogue: pd.DataFrame) -> pd.DataFrame:
    """Add absent optional catalogue columns (blank), defaulting arrears to 0 and year type to financial.

    Text columns come back as object columns holding ``None`` for blanks.

    >>> complete = complete_catalogue(pd.DataFrame({"indicator": ["x"]}))
    >>> complete[["arrears_months", "year_type", "tolerance"]].values.tolist()
    [[0, 'financial', nan]]
    """
    added = {}
    for column in INDICATOR_COLUMNS:
        if column.name in catalogue:
            continue
        if column.kind == "float":
            added[column.name] = np.full(len(catalogue), np.nan)
        elif column.kind == "int":
            added[column.name] = pd.array(
                [0 if column.name == "arrears_months" else pd.NA] * len(catalogue), dtype="Int64"
            )
        else:
            added[column.name] = text_column(
                np.full(len(catalogue), _TEXT_DEFAULTS.get(column.name), dtype=object), catalogue.index
            )
    complete = catalogue.assign(**added) if added else catalogue
    text = {}
    for column in INDICATOR_COLUMNS:
        if column.kind in ("float", "int"):
            continue
        cells = complete[column.name]
        stored = cells.to_numpy(dtype=object)
        untidy = (pd.isna(stored) | (stored == "")) & np.not_equal(stored, None)  # NaN or "" where None belongs
        if cells.dtype != object or untidy.any():
            text[column.name] = text_column(strings(cells), complete.index)
    year_type = text.get("year_type", complete["year_type"])
    if year_type.isna().any():
        text["year_type"] = text_column(
            np.where(year_type.isna(), "financial", year_type.to_numpy(dtype=object)), complete.index
        )
    return complete.assign(
        **text,
        decimals=pd.array(whole_numbers(complete, "decimals"), dtype="Int64"),
        arrears_months=pd.array(whole_numbers(complete, "arrears_months"), dtype="Int64"),
    ).pipe(plain_column_labels)


def plain_column_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its column labels held as plain Python objects.

    pandas 3 keeps text labels in an Arrow-backed index, which makes every
    added column cost an index rebuild; scoring adds dozens of columns.
    """
    return frame.set_axis(pd.Index(frame.columns, dtype=object), axis="columns")


def _attach_periods(indicators: pd.DataFrame, month: Month, calendar: Calendar) -> pd.DataFrame:
    """Add ``period``, ``previous_period`` and the private step ordinals ``_p0``... (latest first); the frequency
    is the pack's (a monthly indicator is quarterly in a quarterly pack)."""
    indicators = indicators.assign(
        frequency=text_column(at_cadence(indicators["frequency"], calendar), indicators.index)
    )
    ordinals = period_ordinals(indicators, month, calendar, steps=TREND_PERIODS, like_with_like=True)
    periods = to_periods(ordinals)
    return indicators.assign(
        period=text_column(periods[:, 0], indicators.index),
        previous_period=text_column(periods[:, 1], indicators.index),
        **{f"_p{step}": ordinals[:, step] for step in range(TREND_PERIODS)},
    )


def _numeric_codes(indicators: pd.DataFrame) -> pd.DataFrame:
    """Private ``_sign`` (polarity as +1/-1/0) and ``_decimals`` columns, worked out once per indicator."""
    return indicators.assign(
        _sign=polarity_sign(indicators["polarity"]), _decimals=whole_numbers(indicators, "decimals")
    )


_RULE_COLUMNS = ("rag_method", "tolerance", "tolerance_type", "red_rule", "red_threshold")


def _working_columns(indicators: pd.DataFrame, comparators: Sequence[str]) -> pd.DataFrame:
    """Only what scoring and the scored frame need, so repeating rows per key stays cheap."""
    wanted = [
        *_LEADING_COLUMNS[: _LEADING_COLUMNS.index("period_type") + 1],
        "period",
        "previous_period",
        "arrears_months",
        "headline",
        "second_figure",
        *_RULE_COLUMNS,
        "target",
        "range_lower",
        "range_upper",
        *[f"{c}_{f}" for c in comparators for f in ("value", "year")],
        "_sign",
        "_decimals",
        *[c for c in indicators.columns if isinstance(c, str) and c.startswith("_p")],
    ]
    return indicators[list(dict.fromkeys(wanted))]


def _attach_targets(indicators: pd.DataFrame, targets: pd.DataFrame | None, month: Month) -> pd.DataFrame:
    columns = ("target", "range_lower", "range_upper")
    if targets is None or targets.empty:
        return indicators.assign(**{c: np.full(len(indicators), np.nan) for c in columns})
    in_force = targets_for(targets, month)
    row = pd.Index(in_force["indicator"].to_numpy(dtype=object)).get_indexer(
        indicators["indicator"].to_numpy(dtype=object)
    )
    found = row >= 0

    def pick(column: str) -> np.ndarray:
        if column not in in_force or not len(in_force):
            return np.full(len(indicators), np.nan)
        return np.where(
            found,
            pd.to_numeric(in_force[column]).to_numpy(dtype="float64", na_value=np.nan)[np.maximum(row, 0)],
            np.nan,
        )

    return indicators.assign(**{c: pick(c) for c in columns})


def _finish(frame: pd.DataFrame, month: Month, comparators: Sequence[str], keys: tuple[str, ...]) -> pd.DataFrame:
    out = frame.assign(month=text_column(np.full(len(frame), str(month), dtype=object), frame.index))
    return out[[*keys, *scored_columns(comparators), *EXTRA_COLUMNS, *figure_columns(comparators)]].reset_index(
        drop=True
    )


def score(
    values: pd.DataFrame,
    catalogue: pd.DataFrame,
    month: Month | str,
    *,
    targets: pd.DataFrame | None = None,
    benchmarks: pd.DataFrame | None = None,
    overrides: pd.DataFrame | None = None,
    rules: RagRules = RagRules(),
    calendar: Calendar = Calendar(),
    comparators: Sequence[str] = BUILT_IN_COMPARATORS,
    headings: Headings | pd.DataFrame | None = None,
    keys: Sequence[str] = (),
) -> pd.DataFrame:
    """Score the report ``month``: one row per active indicator, in catalogue order.

    ``values`` is the long history (``indicator``, ``period``, ``value``,
    ``missing_reason``, ``numerator``, ``denominator``); ``catalogue`` the
    indicator catalogue; ``targets``, ``benchmarks`` and ``overrides`` the
    frames of ``targets.csv``, ``benchmarks.csv`` and ``overrides.csv``;
    ``comparators`` the comparators to compare with (``cpb.toml`` declares
    them); ``headings`` the exception headings (cpb's own five when None).
    With ``keys`` (e.g. ``("la",)``) the values hold several series told apart
    by those columns and the result has one row per key combination (sorted)
    and indicator. No input is modified.

    >>> catalogue = pd.DataFrame({"indicator": ["cic-rate"], "name": ["Children in care per 10,000"],
    ...     "domain": ["Profile"], "unit": ["rate_per_10000"], "polarity": ["low"], "decimals": [1],
    ...     "frequency": ["monthly"], "period_type": ["snapshot"], "rag_method": ["target"]})
    >>> values = pd.DataFrame({"indicator": "cic-rate", "period": ["2023-01", "2023-02", "2023-03"],
    ...                        "value": [66.0, 65.2, 64.8]})
    >>> targets = pd.DataFrame({"indicator": ["cic-rate"], "from_month": ["2022-04"], "target": [60.0]})
    >>> benchmarks = pd.DataFrame({"indicator": ["cic-rate"], "comparator": ["england"], "year": ["2021-22"],
    ...                            "value": [70.0]})
    >>> row = score(values, catalogue, "2023-03", targets=targets, benchmarks=benchmarks).iloc[0]
    >>> row["period"], row["direction"], row["rag"], row["exception"], row["trend"], row["england_comparison"]
    ('2023-03', 'improving', 'amber', 'Ambers on watching brief', 'down', 'better')
    >>> row["rag_reason"]
    '64.8 against target 60.0: 4.8 off target, within the red threshold (10% of target)'
    """
    month = Month.parse(month)
    keys = tuple(keys)
    comparators = tuple(dict.fromkeys(comparators))
    headings = headings_of(headings)
    series = scoring_series(values, catalogue, calendar, keys)
    return (
        complete_catalogue(catalogue)
        .pipe(active_indicators, month)
        .pipe(resolve_rules, rules)
        .pipe(_attach_periods, month, calendar)
        .pipe(_attach_targets, targets, month)
        .pipe(attach_benchmarks, main_benchmarks(benchmarks), comparators)
        .pipe(_numeric_codes)
        .pipe(_working_columns, comparators)
        .pipe(gather, series, keys)
        .pipe(add_direction)
        .pipe(add_comparisons, comparators)
        .pipe(add_rag, month)
        .pipe(apply_overrides, overrides, month, keys)
        .pipe(add_trend)
        .pipe(add_exception, headings)
        .pipe(apply_heading_overrides, overrides, month, headings, keys)
        .pipe(add_figures, values, series, benchmarks, comparators, keys)
        .pipe(_finish, month, comparators, keys)
    )


def score_month(inputs: MonthInputs, config: ProjectConfig) -> pd.DataFrame:
    """Score a project's month from its typed inputs (:class:`cpblib.inputs.month_data.MonthInputs`):
    :func:`score` with the project's rules, calendar, comparators and exception headings, gaps free of
    binary noise."""
    scored = score(
        inputs.values,
        inputs.catalogue,
        inputs.month,
        targets=inputs.targets,
        benchmarks=inputs.benchmarks,
        overrides=inputs.overrides,
        rules=config.rag,
        calendar=config.calendar,
        comparators=config.comparators.declared,
        headings=inputs.exception_headings,
    )
    return _without_float_noise(scored)


def _without_float_noise(scored: pd.DataFrame) -> pd.DataFrame:
    """Gaps are differences of printed figures: drop binary noise such as -5.450000000000003.

    >>> _without_float_noise(pd.DataFrame({"england_gap": [-5.450000000000003]}))["england_gap"].tolist()
    [-5.45]
    """
    gaps = [c for c in scored.columns if c.endswith("_gap")]
    return scored.assign(**{c: scored[c].astype("float64").round(9) for c in gaps})

"""The trend chart of one indicator: its figures month by month, with target, comparators and notes.

:func:`trend_data` gathers everything the chart shows into small frames (pure,
no drawing); :func:`trend_chart` draws them and :func:`trend_description`
says the same in one sentence, used as the chart's text alternative.

>>> history = pd.DataFrame({"period": ["2023-01", "2023-02", "2023-03"], "value": [66.32, 65.59, 64.55]})
>>> row = {"indicator": "cic-rate", "name": "Children in care per 10,000 children",
...        "unit": "rate_per_10000", "decimals": 1, "target": 60.0, "rag": "amber",
...        "england_value": 70.0, "england_year": "2021-22"}
>>> for part in trend_description(history, row, comparators=("england",)).split("; "):
...     print(part)
Children in care per 10,000 children from Jan 23 to Mar 23: 64.6 in Mar 23 (Amber), down from 65.6 in Feb 23
target 60.0
England 2021-22 70.0. Axis starts at 55.0, not zero.
>>> trend_chart(history.head(1), row) is None
True
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd
from altair.utils.schemapi import debug_mode

from ..._vocabulary import label as vocabulary_label
from ...config import Comparators
from ...month import Month, MonthError
from ...period import Period
from ...scoring import round_half_away, year_end
from ..format import Suppressed, format_value, format_values
from . import _theme as theme

FREQUENCY_STEP = {"monthly": 1, "quarterly": 3, "termly": 5, "annual": 12}
"""Largest expected distance in months between two figures of each frequency; a longer one breaks the line."""

"""What follows a figure of each unit in labels and sentences (``72.5%``)."""

ANNOTATION_WIDTH = 38
"""Characters per line of an annotation drawn on the chart (two lines at most; the description has it all)."""

X_PADDING = 0.4
"""Space before the first and after the last month on the period axis, in months."""

X_LABEL_PIXELS = 64
"""Room one month label takes on the period axis; every k-th month is labelled (always the latest) so that
labels never meet."""


# -- reading the inputs ---------------------------------------------------------------------------


def _field(row: Mapping | pd.Series, key: str) -> object:
    """A cell of the indicator row, or ``None`` when absent, blank or NaN."""
    value = row.get(key) if hasattr(row, "get") else None
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _short(month: Month) -> str:
    return month.short_label


@dataclass(frozen=True)
class Axis:
    """The period axis: a point every ``step`` months (1, or 3 in a quarterly pack), each labelled as the period
    it ends (``Mar 23``, ``Q4 2019/20``)."""

    step: int = 1
    year_start: int = 4

    def at(self, ordinal: int) -> Month:
        month = Month.from_ordinal(int(ordinal))
        if self.step == 1:
            return month
        try:
            return Period.of(month, self.step, self.year_start)
        except MonthError:  # not a period end: the month
            return month

    def positions(self, start: int, end: int) -> list[Month]:
        """The axis from ``start`` to ``end`` (month ordinals), ending at ``end``."""
        return [self.at(o) for o in range(end, start - 1, -self.step)][::-1]


def _span(first: Month, last: Month) -> str:
    return _short(first) if first == last else f"{_short(first)} to {_short(last)}"


def _year_key(year: str) -> tuple[int, str]:
    """Sort key for a benchmark year label: the month it ends (:func:`cpblib.scoring.year_end`), then the label.

    >>> sorted(["2021-22", "2016-19", "2021", "2020-21"], key=_year_key)
    ['2016-19', '2020-21', '2021', '2021-22']
    """
    end = year_end(str(year))
    return (end.ordinal if end is not None else -1), str(year)


# -- the data behind the chart --------------------------------------------------------------------


@dataclass(frozen=True)
class TrendData:
    """Everything a trend chart shows, as small frames (one per layer) plus its wording."""

    indicator: str
    name: str
    unit: str | None
    decimals: int
    months: list[Month]
    points: pd.DataFrame  # period, label, value, text, segment (present figures only)
    latest: pd.DataFrame  # one row: period, label, value, rag, rag_label, shape, colour, text
    previous: pd.DataFrame  # zero or one row: period, label, value, text
    target: pd.DataFrame  # period, label, target, text   (rows with a target)
    band: pd.DataFrame  # period, label, range_lower, range_upper, text
    comparators: pd.DataFrame  # comparator, name, year, value, text, sentence
    annotations: pd.DataFrame  # month, label, text, short, offset
    gaps: list[tuple[Month, Month]] = field(default_factory=list)
    suppressed: list[Month] = field(default_factory=list)  # months whose figure a public pack does not show
    axis: Axis = Axis()

    @property
    def labels(self) -> list[str]:
        return [_short(m) for m in self.months]


@lru_cache(maxsize=8192)
def _ordinal(text: str) -> int:
    """A period's month ordinal (:meth:`Month.parse`, remembered: a pack's charts parse the same periods)."""
    return Month.parse(text).ordinal


@lru_cache(maxsize=8192)
def _month_texts(ordinal: int) -> tuple[str, str]:
    """A month ordinal's ``YYYY-MM`` and short label (remembered, like :func:`_ordinal`)."""
    month = Month.from_ordinal(ordinal)
    return str(month), _short(month)


def _given(number: float | None) -> float:
    return np.nan if number is None else number


def _series(history: pd.DataFrame, indicator: str | None) -> pd.DataFrame:
    frame = history
    if indicator is not None and "indicator" in frame.columns:
        frame = frame.loc[frame["indicator"] == indicator]
    periods = [_ordinal(str(text)) for text in frame["period"]]
    values = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    provisional = (
        frame["provisional"].astype(object).where(frame["provisional"].notna(), False).astype(bool)
        if "provisional" in frame
        else pd.Series(False, index=frame.index)
    )
    notes = frame["note"].astype(object).where(frame["note"].notna(), None) if "note" in frame else None
    return (
        pd.DataFrame(
            {
                "ordinal": np.asarray(periods, dtype="int64"),
                "value": values.to_numpy(),
                "provisional": provisional.to_numpy(dtype=bool),
                "note": notes.to_numpy(dtype=object) if notes is not None else None,
            }
        )
        .sort_values("ordinal", kind="stable")
        .drop_duplicates("ordinal", keep="last")
        .reset_index(drop=True)
    )


def _suppressed_months(history: pd.DataFrame, indicator: str | None, first: int, last: int) -> list[Month]:
    """Months from ``first`` to ``last`` (ordinals) whose figure is a public pack's suppressed one."""
    frame = history
    if indicator is not None and "indicator" in frame.columns:
        frame = frame.loc[frame["indicator"] == indicator]
    hidden = frame.loc[frame["value"].map(lambda value: isinstance(value, Suppressed)), "period"]
    ordinals = sorted({Month.parse(str(period)).ordinal for period in hidden})
    return [Month.from_ordinal(o) for o in ordinals if first <= o <= last]


def _outside(gaps: list[tuple[Month, Month]], hidden: list[Month]) -> list[tuple[Month, Month]]:
    """The gaps without the months whose figure is suppressed (those are said to be suppressed, not missing)."""
    if not hidden:
        return gaps
    kept, hidden_ordinals = [], {m.ordinal for m in hidden}
    for start, end in gaps:
        run: list[int] = []
        for ordinal in [*range(start.ordinal, end.ordinal + 1), None]:
            if ordinal is not None and ordinal not in hidden_ordinals:
                run.append(ordinal)
            elif run:
                kept.append((Month.from_ordinal(run[0]), Month.from_ordinal(run[-1])))
                run = []
    return kept


def _with_labels(frame: pd.DataFrame, axis: Axis = Axis()) -> pd.DataFrame:
    if axis.step == 1:  # a month a point: the remembered texts
        texts = [_month_texts(int(ordinal)) for ordinal in frame["ordinal"]]
        return frame.assign(period=[t[0] for t in texts], label=[t[1] for t in texts]).drop(columns="ordinal")
    months = frame["ordinal"].map(axis.at)
    return frame.assign(period=months.map(str), label=months.map(_short)).drop(columns="ordinal")


def _targets(
    targets: pd.DataFrame | None, row: Mapping | pd.Series, indicator: str, ordinals: np.ndarray, arrears: int
) -> pd.DataFrame:
    """Target (and range) in force for each month's figure: from ``targets`` by ``from_month``, else the row's."""
    columns = ["target", "range_lower", "range_upper"]
    if targets is not None and len(targets):
        own = targets.loc[targets["indicator"] == indicator]
    else:
        own = None
    if own is not None and len(own):
        # the latest target starting on or before each figure's report month (numpy, not a merge: these
        # frames are a few rows long)
        starts = np.array([_ordinal(str(text)) for text in own["from_month"]], dtype="int64")
        order = np.argsort(starts, kind="stable")
        found = np.searchsorted(starts[order], np.asarray(ordinals) + arrears, side="right") - 1
        frame = {"ordinal": np.asarray(ordinals)}
        for column in columns:
            given = (
                pd.to_numeric(own[column], errors="coerce").to_numpy(dtype="float64")[order]
                if column in own
                else np.full(len(own), np.nan)
            )
            frame[column] = np.where(found >= 0, given[np.maximum(found, 0)], np.nan)
        return pd.DataFrame(frame)
    return pd.DataFrame(
        {
            "ordinal": np.asarray(ordinals),
            **{c: np.full(len(ordinals), _given(_number(_field(row, c)))) for c in columns},
        }
    ).astype({c: "float64" for c in columns})


def _comparators(
    benchmarks: pd.DataFrame | None,
    row: Mapping | pd.Series,
    indicator: str,
    comparators: Sequence[str],
    labels: Mapping[str, str],
    decimals: int,
    unit: str | None,
) -> pd.DataFrame:
    """One row per comparator drawn.

    The value and year come from the indicator row's ``<c>_value`` /
    ``<c>_year`` (a scored row) when present, else from the latest year in
    ``benchmarks``.
    """
    records = []
    own = None
    if benchmarks is not None and len(benchmarks):
        own = benchmarks.loc[benchmarks["indicator"] == indicator]
    for comparator in comparators:
        value, year = _number(_field(row, f"{comparator}_value")), _field(row, f"{comparator}_year")
        if value is None and own is not None:
            rows = own.loc[(own["comparator"] == comparator) & pd.to_numeric(own["value"], errors="coerce").notna()]
            if len(rows):
                best = max(rows.itertuples(index=False), key=lambda r: _year_key(r.year))
                value, year = float(best.value), str(best.year)
        if value is None:
            continue
        name = labels.get(comparator) or Comparators().label(comparator)
        year_text = f" {year}" if year else ""
        records.append(
            {
                "comparator": comparator,
                "name": name,
                "year": year,
                "value": value,
                "text": f"{name}{year_text}: {format_value(value, unit, decimals)}",
                "sentence": f"{name}{year_text} {format_value(value, unit, decimals)}",
            }
        )
    return pd.DataFrame.from_records(records, columns=["comparator", "name", "year", "value", "text", "sentence"])


def _annotations(annotations: pd.DataFrame | None, indicator: str, months: list[Month]) -> pd.DataFrame:
    columns = ["month", "label", "text", "short", "offset"]
    if annotations is None or not len(annotations):
        return pd.DataFrame(columns=columns)
    shown = {str(m): m for m in months}
    own = annotations.loc[annotations["indicator"] == indicator]
    if own.empty:
        return pd.DataFrame(columns=columns)
    own = own.assign(month=own["month"].astype(str).map(lambda text: str(Month.parse(text))))
    own = own.loc[own["month"].isin(shown)].sort_values("month", kind="stable").reset_index(drop=True)
    short = (
        own["text"]
        .astype(str)
        .map(lambda text: "\n".join(textwrap.wrap(text, ANNOTATION_WIDTH, max_lines=2, placeholder=" …")))
    )
    return pd.DataFrame(
        {
            "month": own["month"],
            "label": own["month"].map(lambda m: _short(shown[m])),
            "text": own["text"].astype(str),
            "short": short,
            "offset": [6 + 30 * (i % 3) for i in range(len(own))],
        },
        columns=columns,
    )


def _in_window(history: pd.DataFrame, indicator_row: Mapping | pd.Series, periods: int) -> tuple[pd.DataFrame, int]:
    """The figures (``ordinal``, ``value``) of the ``periods`` months ending at the row's period or latest figure."""
    series = _series(history, _field(indicator_row, "indicator"))
    present = series.loc[series["value"].notna()]
    row_period = _field(indicator_row, "period")
    if row_period is not None:
        end = Month.parse(str(row_period)).ordinal
    elif len(present):
        end = int(present["ordinal"].max())
    else:
        return present, 0
    inside = (present["ordinal"] > end - periods) & (present["ordinal"] <= end)
    return present.loc[inside].reset_index(drop=True), end


def trend_data(
    history: pd.DataFrame,
    indicator_row: Mapping | pd.Series,
    *,
    targets: pd.DataFrame | None = None,
    benchmarks: pd.DataFrame | None = None,
    annotations: pd.DataFrame | None = None,
    rag: str | None = None,
    periods: int = 24,
    comparators: Sequence[str] = ("england", "good_sn"),
    labels: Mapping[str, str] | None = None,
    axis: Axis = Axis(),
) -> TrendData | None:
    """The frames behind a trend chart, or ``None`` when fewer than two figures fall in the window.

    ``axis`` puts a point every month (the default) or, in a quarterly pack, every quarter, labelled
    ``Q4 2019/20``. A provisional figure is drawn hollow and its note is said in the text alternative.

    The window is the ``periods`` months ending at the indicator row's
    ``period`` (a scored row) or else at the latest figure, and starting no
    earlier than the first figure. Figures further apart than the
    indicator's frequency allows (a month for monthly ones) are in separate
    line ``segment`` s, so the line breaks where figures are missing.

    >>> history = pd.DataFrame({"period": ["2023-01", "2023-02", "2023-04"], "value": [1.0, 2.0, 3.0]})
    >>> data = trend_data(history, {"indicator": "x", "name": "X", "unit": "count", "decimals": 0})
    >>> data.labels, data.points["segment"].tolist(), data.gaps
    (['Jan 23', 'Feb 23', 'Mar 23', 'Apr 23'], [0, 0, 1], [(Month(2023, 3), Month(2023, 3))])
    """
    if periods < 2:
        raise ValueError(f"periods must be 2 or more, not {periods}")
    indicator = _field(indicator_row, "indicator")
    name = str(_field(indicator_row, "name") or indicator or "Indicator")
    unit = _field(indicator_row, "unit")
    decimals_raw = _number(_field(indicator_row, "decimals"))
    decimals = int(decimals_raw) if decimals_raw is not None else 1
    step = FREQUENCY_STEP.get(str(_field(indicator_row, "frequency") or "monthly"), 1)
    arrears = int(_number(_field(indicator_row, "arrears_months")) or 0)
    labels = dict(labels or {})

    row_period = _field(indicator_row, "period")
    present, end = _in_window(history, indicator_row, periods)
    if len(present) < 2:
        return None
    start = int(present["ordinal"].iloc[0])
    months = axis.positions(start, end)
    start = months[0].ordinal

    # Line segments: a new one starts after a gap longer than the frequency allows.
    distance = present["ordinal"].diff()
    breaks = distance > step
    points = _with_labels(
        present.assign(
            segment=breaks.cumsum().astype("int64"),
            text=format_values(present["value"], decimals, unit),
        ),
        axis,
    )
    gap_ends = present.loc[breaks, "ordinal"].to_numpy()
    gap_starts = (present["ordinal"].shift(1)[breaks] + axis.step).to_numpy()
    gaps = [(axis.at(int(a)), axis.at(int(b) - axis.step)) for a, b in zip(gap_starts, gap_ends)]
    last_present = int(present["ordinal"].iloc[-1])
    if end - last_present >= step:
        gaps.append((axis.at(last_present + axis.step), axis.at(end)))
    hidden = _suppressed_months(history, indicator, start, end)
    gaps = _outside(gaps, hidden)

    # The latest figure and its RAG (the row's RAG belongs to the row's period).
    latest_month = axis.at(last_present)
    code = rag if rag is not None else _field(indicator_row, "rag")
    if rag is None and row_period is not None and Month.parse(str(row_period)).ordinal != latest_month.ordinal:
        code = None
    style = theme.RAG_STYLE.get(str(code).lower()) if code is not None else None
    latest_value = float(present["value"].iloc[-1])
    latest_provisional = bool(present["provisional"].iloc[-1])
    latest_text = f"{_short(latest_month)}: {format_value(latest_value, unit, decimals)}"
    latest_text += " (p)" if latest_provisional else ""
    latest = pd.DataFrame(
        {
            "period": [str(latest_month)],
            "label": [_short(latest_month)],
            "value": [latest_value],
            "rag": [str(code).lower() if style else None],
            "rag_label": [style["label"] if style else None],
            "shape": [(style or theme.NO_RAG_STYLE)["shape"]],
            "colour": [(style or theme.NO_RAG_STYLE)["colour"] if style else theme.SERIES_COLOUR],
            "text": [f"{latest_text} ({style['label']})" if style else latest_text],
            "provisional": [latest_provisional],
        }
    )
    previous = points.iloc[-2:-1][["period", "label", "value", "text"]].reset_index(drop=True)

    # Target steps or expected-range band, one row per point of the axis.
    window = np.array([m.ordinal for m in months], dtype="int64")
    in_force = _with_labels(_targets(targets, indicator_row, str(indicator), window, arrears), axis)
    method = _field(indicator_row, "rag_method")
    has_range = in_force["range_lower"].notna() & in_force["range_upper"].notna()
    if method == "range" or (method is None and has_range.any() and in_force["target"].isna().all()):
        band = in_force.loc[has_range, ["period", "label", "range_lower", "range_upper"]].reset_index(drop=True)
        lower = format_values(band["range_lower"], decimals, unit)
        upper = format_values(band["range_upper"], decimals, unit)
        band = band.assign(text=[f"Expected range {lo} to {hi}" for lo, hi in zip(lower, upper)])
        target = pd.DataFrame(columns=["period", "label", "target", "text"])
    else:
        band = pd.DataFrame(columns=["period", "label", "range_lower", "range_upper", "text"])
        target = in_force.loc[in_force["target"].notna(), ["period", "label", "target"]].reset_index(drop=True)
        target = target.assign(text=[f"Target {t}" for t in format_values(target["target"], decimals, unit)])
    if method == "none":
        band, target = band.iloc[0:0], target.iloc[0:0]

    return TrendData(
        indicator=str(indicator),
        name=name,
        unit=unit,
        decimals=decimals,
        months=months,
        points=points[["period", "label", "value", "text", "segment", "provisional", "note"]],
        latest=latest,
        previous=previous,
        target=target,
        band=band,
        comparators=_comparators(benchmarks, indicator_row, str(indicator), comparators, labels, decimals, unit),
        annotations=_annotations(annotations, str(indicator), months),
        gaps=gaps,
        suppressed=hidden,
        axis=axis,
    )


# -- wording --------------------------------------------------------------------------------------


def describe_trend(data: TrendData) -> str:
    """The one-sentence text alternative of a trend chart (plus one sentence per analyst note, and one
    saying where the value axis starts when it is not zero).

    >>> history = pd.DataFrame({"period": ["2023-02", "2023-03"], "value": [70.0, 70.04]})
    >>> describe_trend(trend_data(history, {"indicator": "x", "name": "Placements", "unit": "percent", "decimals": 1}))
    'Placements from Feb 23 to Mar 23: 70.0% in Mar 23, the same as in Feb 23. Axis starts at 68.5%, not zero.'
    """
    latest = data.latest.iloc[0]
    parts = [f"{data.name} from {_short(data.months[0])} to {_short(data.months[-1])}: "]
    rag = f" ({latest['rag_label']})" if latest["rag_label"] else ""
    parts.append(f"{format_value(latest['value'], data.unit, data.decimals)} in {latest['label']}{rag}")
    if len(data.previous):
        before = data.previous.iloc[0]
        order = np.sign(
            round_half_away([latest["value"]], data.decimals)[0] - round_half_away([before["value"]], data.decimals)[0]
        )
        if order == 0:
            parts.append(f", the same as in {before['label']}")
        else:
            parts.append(f", {'up' if order > 0 else 'down'} from {before['text']} in {before['label']}")
    clauses = []
    if len(data.gaps):
        clauses.append("no figures for " + " and ".join(_span(a, b) for a, b in data.gaps))
    if data.suppressed:
        labels = [_short(m) for m in data.suppressed]
        months = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + f" and {labels[-1]}"
        clauses.append(
            f"{'the figure' if len(data.suppressed) == 1 else 'figures'} for {months} not shown (small numbers)"
        )
    if len(data.target):
        changes = data.target.loc[data.target["target"].ne(data.target["target"].shift())]
        if len(changes) == 1:
            clauses.append(f"target {changes['text'].iloc[0].removeprefix('Target ')}")
        else:
            steps = [t.removeprefix("Target ") for t in changes["text"]]
            later = [f"{t} from {lab}" for t, lab in zip(steps[1:], changes["label"].iloc[1:])]
            clauses.append(f"target {steps[0]}, then " + ", then ".join(later))
    if len(data.band):
        last = data.band.iloc[-1]
        clauses.append(f"expected range {last['text'].removeprefix('Expected range ')}")
    clauses.extend(data.comparators["sentence"])
    text = "".join(parts) + "".join(f"; {clause}" for clause in clauses) + "."
    notes = [f" Note for {lab}: {text.rstrip('.')}." for lab, text in data.annotations[["label", "text"]].values]
    axis = axis_note(data, y_domain(data)[0])
    notes += [f" {axis}."] if axis else []
    provisional = data.points.loc[data.points["provisional"].astype(bool)]
    for lab, note in provisional[["label", "note"]].values:
        said = f": {str(note).rstrip('.')}" if isinstance(note, str) and note.strip() else ""
        notes.append(f" The figure for {lab} is provisional (drawn hollow){said}.")
    return text + "".join(notes)


def trend_description(history: pd.DataFrame, indicator_row: Mapping | pd.Series, **options) -> str:
    """Text alternative for the trend chart of these inputs; says so when there is too little to chart.

    Takes the same arguments as :func:`trend_chart`.

    >>> one = pd.DataFrame({"period": ["2023-03"], "value": [5.0]})
    >>> trend_description(one, {"indicator": "x", "name": "Missing episodes", "unit": "count", "decimals": 0})
    'Missing episodes: not enough data to chart (one figure: 5 in Mar 23).'
    """
    data = trend_data(history, indicator_row, **options)
    if data is not None:
        return describe_trend(data)
    name = str(_field(indicator_row, "name") or _field(indicator_row, "indicator") or "Indicator")
    periods = int(options.get("periods", 24))
    present, end = _in_window(history, indicator_row, periods)
    hidden = _suppressed_months(history, _field(indicator_row, "indicator"), end - periods + 1, end)
    not_shown = f"; {len(hidden)} figure{'s' if len(hidden) > 1 else ''} not shown (small numbers)" if hidden else ""
    if present.empty:
        return f"{name}: not enough data to chart (no figures{' shown' if hidden else ''}{not_shown})."
    last = present.iloc[-1]
    decimals = int(_number(_field(indicator_row, "decimals")) or 0)
    figure = format_value(last["value"], _field(indicator_row, "unit"), decimals)
    when = _short(options.get("axis", Axis()).at(int(last["ordinal"])))
    return f"{name}: not enough data to chart (one figure: {figure} in {when}{not_shown})."


# -- drawing --------------------------------------------------------------------------------------


def _x(labels: list[str], width: int = theme.WIDTH) -> alt.X:
    every = max(1, math.ceil(len(labels) / max(2, width // X_LABEL_PIXELS)))
    shown = labels[::-1][::every][::-1]
    return alt.X(
        "label:O",
        title=None,
        sort=labels,
        scale=alt.Scale(domain=labels, type="point", padding=X_PADDING),
        axis=alt.Axis(values=shown, labelAngle=0, labelOverlap=False),
    )


def records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict]:
    """The columns a layer needs as JSON records: NaN as null, numpy scalars as Python ones.

    >>> records(pd.DataFrame({"a": [1.5, float("nan")], "b": ["x", None]}), ["a", "b"])
    [{'a': 1.5, 'b': 'x'}, {'a': None, 'b': None}]
    """
    names = list(dict.fromkeys(columns))
    values = [[_plain(value) for value in frame[name].to_list()] for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)] if names else [{}] * len(frame)


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


LABEL_HEIGHT = theme.RULES["label_height"]
"""Pixels a one-line label of the small font takes, with its gap from the line."""


def text_width(text: str, size: float) -> float:
    """The width in pixels a label of ``size`` pixels takes (DejaVu Sans averages 0.62 of its size a
    character; a safe estimate for placing labels clear of each other).

    >>> text_width("Target 60.0", 11)
    75.02
    """
    return round(0.62 * size * len(str(text)), 2)


def _nice_step(span: float) -> float:
    """A round tick step for an axis of this span (1, 2 or 5 times a power of ten, about five ticks).

    >>> _nice_step(23.0), _nice_step(0.4)
    (5.0, 0.1)
    """
    raw = max(span, 1e-9) / 5
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if raw <= m * magnitude * (1 + 1e-9))


def y_domain(data: TrendData) -> tuple[float, float]:
    """The value axis range: every figure, target, range and comparator, padded; headroom for notes.

    By the rules of ``charts.toml``: the axis starts at zero unless the lowest figure is more than
    ``zero_unless_lowest_above`` of the highest (then it starts at a round number near the figures, and
    :func:`axis_note` says so); a percentage axis stays within 0 to 100; counts and other
    non-negative series never get a negative axis.

    >>> history = pd.DataFrame({"period": ["2023-02", "2023-03"], "value": [10.0, 20.0]})
    >>> y_domain(trend_data(history, {"indicator": "x", "name": "X", "unit": "count", "decimals": 0}))
    (0.0, 22.5)
    >>> history = pd.DataFrame({"period": ["2023-02", "2023-03"], "value": [96.0, 99.0]})
    >>> y_domain(trend_data(history, {"indicator": "x", "name": "X", "unit": "percent", "decimals": 0}))
    (95.0, 100.0)
    """
    values = np.concatenate(
        [
            data.points["value"].to_numpy(dtype="float64"),
            data.target["target"].to_numpy(dtype="float64"),
            data.band["range_lower"].to_numpy(dtype="float64"),
            data.band["range_upper"].to_numpy(dtype="float64"),
            data.comparators["value"].to_numpy(dtype="float64"),
        ]
    )
    values = values[~np.isnan(values)]
    lo, hi = float(values.min()), float(values.max())
    span = max(hi - lo, 4 * 10.0**-data.decimals, 0.05 * abs(hi))  # a flat series still gets a readable axis
    # Room for the latest figure's label when it is at the edge of the range.
    latest = float(data.latest["value"].iloc[0])
    top = hi + span * ((0.45 if len(data.annotations) else 0.1) + (0.15 if hi - latest < span * 0.1 else 0))
    bottom = lo - span * (0.1 + (0.2 if latest - lo < span * 0.1 else 0))
    if lo >= 0 and (lo <= theme.RULES["zero_unless_lowest_above"] * hi or bottom < 0):
        bottom = 0.0
    elif lo > 0:
        step = _nice_step(top - bottom)
        bottom = math.floor(bottom / step) * step
    if data.unit == "percent":
        ceiling = float(theme.RULES["percent_ceiling"])
        top = min(top, ceiling) if hi <= ceiling else top
        bottom = max(bottom, 0.0)
    return bottom, top


def axis_note(data: TrendData, bottom: float) -> str | None:
    """What the chart says when its value axis starts away from zero (``None`` when it starts at zero).

    >>> history = pd.DataFrame({"period": ["2023-02", "2023-03"], "value": [444.0, 437.0]})
    >>> data = trend_data(history, {"indicator": "x", "name": "X", "unit": "count", "decimals": 0})
    >>> axis_note(data, y_domain(data)[0])
    'Axis starts at 430, not zero'
    """
    if bottom <= 0:
        return None
    return theme.RULES["axis_note"].format(start=format_value(bottom, data.unit, min(data.decimals, 1)))


def place_labels(
    pixels: Sequence[float],
    height: int = LABEL_HEIGHT,
    *,
    widths: Sequence[float] | None = None,
    obstacles: Sequence[tuple[float, float, float, float]] = (),
) -> list[tuple[str, int]]:
    """Baseline and vertical offset for the labels of horizontal lines at these pixel heights.

    The labels all start at the plot's left edge. Each sits just above its line if that space is free of
    other labels, lines and ``obstacles`` (boxes: left, top, right, bottom, such as a target's label at
    the month it changes; ``widths`` says how far each label reaches), else just below it, else in the
    first free space further down (or, failing that, just below the labels placed so far).

    >>> place_labels([100.0, 300.0])
    [('bottom', -3), ('bottom', -3)]
    >>> place_labels([100.0, 104.0])
    [('bottom', -3), ('top', 3)]
    >>> place_labels([100.0], widths=[80.0], obstacles=[(60.0, 80.0, 120.0, 98.0)])
    [('top', 3)]
    """
    gap = theme.RULES["label_gap"]
    taken: list[tuple[float, float]] = []  # pixel spans of labels placed so far
    reach = list(widths) if widths is not None else [float("inf")] * len(pixels)

    def free(top: float, i: int = 0) -> bool:
        bottom = top + height
        clear_of_labels = all(bottom <= t or top >= b for t, b in taken)
        clear_of_lines = all(not (top - 1 < line < bottom + 1) for line in pixels)
        clear_of_others = all(
            bottom <= o_top or top >= o_bottom or 2 + reach[i] <= o_left or o_right <= 2
            for o_left, o_top, o_right, o_bottom in obstacles
        )
        return clear_of_labels and clear_of_lines and clear_of_others

    placed: list[tuple[str, int]] = [("bottom", -gap)] * len(pixels)
    for i in sorted(range(len(pixels)), key=lambda k: pixels[k]):
        y = pixels[i]
        candidates = [y - gap - height, y + gap] + [y + gap + step for step in range(2, 4 * height, 2)]
        top = next((c for c in candidates if free(c, i)), None)
        if top is None:
            top = max([y + gap, *(b for _, b in taken)])
        taken.append((top, top + height))
        placed[i] = ("bottom", -gap) if top == y - gap - height else ("top", round(top - y))
    return placed


Box = tuple[float, float, float, float]
"""A label's box in plot pixels: left, top, right, bottom."""


def latest_label_placement(
    data: TrendData,
    lo: float,
    hi: float,
    *,
    width: int = theme.WIDTH,
    height: int = theme.HEIGHT,
    obstacles: Sequence[Box] = (),
    lines: Sequence[float] = (),
) -> dict[str, object]:
    """Where the latest figure's label goes: above, below or left of its point, whichever crosses least.

    The label reads leftwards from the point. Each place is scored by whether
    its box meets another label (``obstacles``: the reference lines' labels),
    whether it leaves the plot, and how many points of the drawn lines (the
    figures' line sampled along each segment, and the reference lines at these
    pixel heights, ``lines``) fall inside it; ties go to the side away from the
    recent figures.

    >>> history = pd.DataFrame({"period": ["2023-01", "2023-02", "2023-03"], "value": [10.0, 20.0, 5.0]})
    >>> latest_label_placement(trend_data(history, {"indicator": "x", "name": "X", "decimals": 0}), 0.0, 25.0)
    {'align': 'right', 'baseline': 'top', 'dx': -4, 'dy': 12}
    """
    count = len(data.months)
    step = width / (count - 1 + 2 * X_PADDING) if count > 1 else width
    position = {label: step * (X_PADDING + i) for i, label in enumerate(data.labels)}

    def y(value: float) -> float:
        return height * (hi - value) / (hi - lo)

    samples = []
    for _, segment in data.points.groupby("segment", sort=False):
        xs = segment["label"].map(position).to_numpy(dtype="float64")
        ys = np.array([y(v) for v in segment["value"]])
        samples.append(np.column_stack([xs, ys]))
        if len(segment) > 1:
            fractions = np.linspace(0, 1, 12)[:, None]
            for (x0, y0), (x1, y1) in zip(np.column_stack([xs, ys])[:-1], np.column_stack([xs, ys])[1:]):
                samples.append(np.column_stack([x0 + (x1 - x0) * fractions[:, 0], y0 + (y1 - y0) * fractions[:, 0]]))
    across = np.arange(0.0, width, 6.0)
    samples += [np.column_stack([across, np.full(len(across), level)]) for level in lines]
    cloud = np.vstack(samples)
    latest = data.latest.iloc[0]
    px, py = position[latest["label"]], y(latest["value"])
    label_width = text_width(latest["text"], theme.FONT_SIZE["text"])
    text_height = theme.FONT_SIZE["text"] + 2
    before = data.points["value"].iloc[-4:-1]
    below_first = len(before) > 0 and float(before.mean()) > latest["value"]
    left, right, half = px - 4 - label_width, px - 4, text_height / 2
    ahead = px + 4 + label_width  # the right edge of a label reading rightwards from the point
    options = {  # mark properties, and the label's box (left, top, right, bottom) in pixels
        "above": ({"align": "right", "baseline": "bottom", "dx": -4, "dy": -12}, (left, py - 12 - text_height, right, py - 12)),
        "below": ({"align": "right", "baseline": "top", "dx": -4, "dy": 12}, (left, py + 12, right, py + 12 + text_height)),
        "left": ({"align": "right", "baseline": "middle", "dx": -14, "dy": 0}, (left - 10, py - half, right - 10, py + half)),
        "above-right": ({"align": "left", "baseline": "bottom", "dx": 4, "dy": -12}, (px + 4, py - 12 - text_height, ahead, py - 12)),
        "below-right": ({"align": "left", "baseline": "top", "dx": 4, "dy": 12}, (px + 4, py + 12, ahead, py + 12 + text_height)),
    }  # fmt: skip
    order = ["below", "above", "left"] if below_first else ["above", "below", "left"]
    order += ["below-right", "above-right"] if below_first else ["above-right", "below-right"]

    def meets(box: Box, other: Box) -> bool:
        return box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]

    def score(name: str) -> tuple[int, int]:
        box = options[name][1]
        left, top, right, bottom = box
        inside = (cloud[:, 0] >= left) & (cloud[:, 0] <= right) & (cloud[:, 1] >= top) & (cloud[:, 1] <= bottom)
        outside = top < -theme.FONT_SIZE["text"] or bottom > height + 4 or left < 0 or right > width
        crossed = sum(meets(box, other) for other in obstacles)
        return crossed * 10000 + int(outside) * 1000 + int(inside.sum()), order.index(name)

    return options[min(options, key=score)][0]


def trend_chart(
    history: pd.DataFrame,
    indicator_row: Mapping | pd.Series,
    *,
    targets: pd.DataFrame | None = None,
    benchmarks: pd.DataFrame | None = None,
    annotations: pd.DataFrame | None = None,
    rag: str | None = None,
    periods: int = 24,
    comparators: Sequence[str] = ("england", "good_sn"),
    labels: Mapping[str, str] | None = None,
    width: int | None = None,
    height: int | None = None,
    axis: Axis = Axis(),
) -> alt.LayerChart | None:
    """The trend chart of one indicator, or ``None`` when there are fewer than two figures to draw.

    ``history`` is the values frame (``period``, ``value``; other indicators'
    rows are ignored when it has an ``indicator`` column). ``indicator_row`` is
    the indicator's catalogue row or scored-month row (a Series or dict): its
    ``name``, ``unit``, ``decimals``, ``frequency``, ``rag_method``,
    ``arrears_months`` and, from a scored row, ``period``, ``rag``,
    ``target``/``range_lower``/``range_upper`` and ``<comparator>_value`` /
    ``<comparator>_year`` are used when present. ``targets`` (targets.csv
    frame) draws targets that change by ``from_month`` as steps, or the
    expected range as a band; ``benchmarks`` fills comparators the row lacks
    (latest year); ``annotations`` adds analysts' notes at their month;
    ``rag`` overrides the row's RAG for the latest figure; ``labels`` maps
    comparator ids to display names (``cpb.toml`` ``[comparators.labels]``);
    ``width`` and ``height`` size the plot (default: the house size).

    The chart's own title says the unit and which way is better (the page
    heading names the indicator), and where the value axis starts when it is
    not zero. It carries its text alternative as ``description`` (and in
    ``usermeta``); see :func:`cpblib.present.charts.describe`.

    >>> history = pd.DataFrame({"period": ["2023-02", "2023-03"], "value": [65.59, 64.55]})
    >>> chart = trend_chart(history, {"indicator": "cic-rate", "name": "CIC rate", "unit": "rate_per_10000",
    ...                               "decimals": 1, "target": 60.0, "rag": "amber"})
    >>> chart.description
    'CIC rate from Feb 23 to Mar 23: 64.6 in Mar 23 (Amber), down from 65.6 in Feb 23; target 60.0. Axis starts at 58.0, not zero.'
    """
    data = trend_data(
        history,
        indicator_row,
        targets=targets,
        benchmarks=benchmarks,
        annotations=annotations,
        rag=rag,
        periods=periods,
        comparators=comparators,
        labels=labels,
        axis=axis,
    )
    if data is None:
        return None
    # Altair's debug mode validates every object as it is built; the finished spec is valid (see the tests).
    with debug_mode(False):
        return _draw_trend(data, indicator_row, width or theme.WIDTH, height or theme.HEIGHT)


def _draw_trend(data: TrendData, indicator_row: Mapping | pd.Series, width: int, height: int) -> alt.LayerChart:
    description = describe_trend(data)
    datasets: dict[str, list[dict]] = {}

    def dataset(name: str, frame: pd.DataFrame, columns: Sequence[str]) -> alt.Data:
        datasets[name] = records(frame, columns)
        return alt.Data(name=name)

    x = _x(data.labels, width)
    unit_title = vocabulary_label("unit", data.unit) if data.unit else None
    lo, hi = y_domain(data)
    scale = alt.Scale(domain=[lo, hi], nice=False, zero=False)
    ticks = {"tickMinStep": 1} if data.decimals == 0 else {}  # whole numbers get whole-number ticks
    y = alt.Y("value:Q", title=unit_title, scale=scale, axis=alt.Axis(tickCount=5, **ticks))
    small = theme.FONT_SIZE["small"]

    def pixel(value: float) -> float:
        return height * (hi - value) / (hi - lo)

    layers: list[alt.Chart] = []
    boxes: list[Box] = []  # labels placed so far, for the latest figure's label to keep clear of
    references: list[tuple[str, float, str, str]] = []  # dataset, value, field, colour of left-edge labels
    if len(data.band):
        band = dataset("range", data.band, ["period", "label", "range_lower", "range_upper", "text"])
        layers.append(
            alt.Chart(band, name="range-band")
            .mark_area(color=theme.BAND_COLOUR, opacity=theme.BAND_OPACITY, interpolate="step-after")
            .encode(x=x, y=alt.Y("range_lower:Q", title=unit_title, scale=scale), y2=alt.Y2("range_upper"))
        )
        dataset("range-label", data.band.iloc[[-1]], ["range_upper", "text"])
        references.append(("range-label", float(data.band["range_upper"].iloc[-1]), "range_upper", theme.MUTED))
    if len(data.target):
        target = dataset("target", data.target, ["period", "label", "target", "text"])
        layers.append(
            alt.Chart(target, name="target-line")
            .mark_line(color=theme.INK, strokeDash=theme.TARGET_DASH, strokeWidth=1.5, interpolate="step-after")
            .encode(x=x, y=alt.Y("target:Q", title=unit_title, scale=scale))
        )
        steps = data.target.loc[data.target["target"].ne(data.target["target"].shift())]
        # A target in force from the first month is labelled at the left edge; one that starts later, at its month.
        if steps["period"].iloc[0] == str(data.months[0]):
            dataset("target-label", steps.iloc[[0]], ["target", "text"])
            references.append(("target-label", float(steps["target"].iloc[0]), "target", theme.INK))
            steps = steps.iloc[1:]
        if len(steps):
            step_x = width / (len(data.labels) - 1 + 2 * X_PADDING)
            for label, value, text in zip(steps["label"], steps["target"], steps["text"]):
                left = step_x * (X_PADDING + data.labels.index(label)) + 3
                boxes.append((left, pixel(value) - 3 - small, left + text_width(text, small), pixel(value) - 3))
            later = dataset("target-step-label", steps, ["period", "label", "target", "text"])
            layers.append(
                alt.Chart(later, name="target-step-label")
                .mark_text(align="left", baseline="bottom", dx=3, dy=-3, fontSize=small, color=theme.INK)
                .encode(x=x, y=alt.Y("target:Q", scale=scale), text=alt.Text("text:N"))
            )
    for position, comparator in enumerate(data.comparators.itertuples(index=False)):
        name = f"comparator-{comparator.comparator}"
        line = dataset(name, pd.DataFrame([comparator._asdict()]), ["comparator", "name", "year", "value", "text"])
        dash = theme.comparator_dash(comparator.comparator, position)
        layers.append(
            alt.Chart(line, name=f"{name}-line")
            .mark_rule(color=theme.MUTED, strokeDash=dash, strokeWidth=1.5)
            .encode(y=alt.Y("value:Q", title=unit_title, scale=scale))
        )
        references.append((name, float(comparator.value), "value", theme.MUTED))
    # Reference lines are labelled at the left edge, above the line, or below it when labels would overlap.
    if len(data.annotations):  # the analysts' notes, at the top: labels keep clear of them too
        notes = data.annotations
        right = notes["label"].map(data.labels.index) >= len(data.labels) / 2
        step_x = width / (len(data.labels) - 1 + 2 * X_PADDING)
        for label, short, offset, leftwards in zip(notes["label"], notes["short"], notes["offset"], right):
            at = step_x * (X_PADDING + data.labels.index(label))
            reach = max(text_width(line, small) for line in str(short).split("\n"))
            left = at - 4 - reach if leftwards else at + 4
            boxes.append((left, float(offset), left + reach, offset + small * 1.25 * (str(short).count("\n") + 1)))
    texts = [str(datasets[name][0]["text"]) for name, _, _, _ in references]
    placed = place_labels(
        [pixel(value) for _, value, _, _ in references], widths=[text_width(t, small) for t in texts], obstacles=boxes
    )
    for (name, value, column, colour), (baseline, dy) in zip(references, placed):
        text = str(datasets[name][0]["text"])
        top = pixel(value) + dy - (small if baseline == "bottom" else 0)
        boxes.append((2.0, top, 2.0 + text_width(text, small), top + small))
        layers.append(
            alt.Chart(alt.Data(name=name), name=name if name.endswith("-label") else f"{name}-label")
            .mark_text(align="left", baseline=baseline, dx=2, dy=dy, fontSize=small, color=colour)
            .encode(x=alt.XValue(0), y=alt.Y(f"{column}:Q", scale=scale), text=alt.Text("text:N"))
        )
    if len(data.annotations):
        notes = data.annotations
        layers.append(
            alt.Chart(dataset("annotations", notes, ["month", "label", "text", "short"]), name="annotation-rule")
            .mark_rule(color=theme.ANNOTATION_COLOUR, strokeDash=[1, 2], strokeWidth=1.25)
            .encode(x=x)
        )
        # Notes in the right half of the chart read leftwards from their rule, so they stay inside it.
        right = notes["label"].map(data.labels.index) >= len(data.labels) / 2
        for side, chosen in (("left", ~right), ("right", right)):
            if chosen.any():
                layers.append(
                    alt.Chart(
                        dataset(f"annotations-{side}", notes.loc[chosen], ["month", "label", "short", "offset"]),
                        name=f"annotation-label-{side}",
                    )
                    .mark_text(
                        align=side,
                        baseline="top",
                        dx=4 if side == "left" else -4,
                        fontSize=small,
                        color=theme.ANNOTATION_COLOUR,
                        lineBreak="\n",
                    )
                    .encode(x=x, y=alt.Y("offset:Q", scale=None), text=alt.Text("short:N"))
                )
    figures = dataset("figures", data.points, ["period", "label", "value", "text", "segment"])
    layers.append(
        alt.Chart(figures, name="figures-line")
        .mark_line(color=theme.SERIES_COLOUR)
        .encode(x=x, y=y, detail=alt.Detail("segment:N"))
    )
    provisional = data.points["provisional"].astype(bool)
    if provisional.any():  # final figures filled, provisional ones hollow
        final = dataset("final-figures", data.points.loc[~provisional], ["period", "label", "value", "text"])
        hollow = dataset("provisional-figures", data.points.loc[provisional], ["period", "label", "value", "text"])
        layers.append(
            alt.Chart(hollow, name="provisional-points")
            .mark_point(color=theme.SERIES_COLOUR, filled=False, fill="white", size=42, strokeWidth=1.5, opacity=1)
            .encode(x=x, y=y)
        )
    else:
        final = figures
    layers.append(
        alt.Chart(final, name="figures-points")
        .mark_point(color=theme.SERIES_COLOUR, filled=True, size=36, opacity=1)
        .encode(x=x, y=y)
    )
    latest = data.latest.iloc[0]
    latest_columns = ["period", "label", "value", "rag", "rag_label", "shape", "colour", "text"]
    latest_data = dataset("latest", data.latest, latest_columns)
    hollow_latest = bool(latest.get("provisional"))
    layers.append(
        alt.Chart(latest_data, name="latest-point")
        .mark_point(
            shape=latest["shape"],
            fill="white" if hollow_latest else latest["colour"],
            filled=True,
            size=190,
            stroke=latest["colour"] if hollow_latest else theme.MARKER_OUTLINE,
            strokeWidth=2.5 if hollow_latest else 1.25,
            opacity=1,
        )
        .encode(x=x, y=y)
    )
    placement = latest_label_placement(
        data, lo, hi, width=width, height=height, obstacles=boxes, lines=[pixel(v) for _, v, _, _ in references]
    )
    layers.append(
        alt.Chart(latest_data, name="latest-label")
        .mark_text(fontSize=theme.FONT_SIZE["text"], fontWeight="bold", **placement)
        .encode(x=x, y=y, text=alt.Text("text:N"))
    )

    # The page names the indicator: the chart's own title says what its axis counts and which way is better,
    # and its subtitle where the axis starts when that is not zero.
    polarity = _field(indicator_row, "polarity")
    polarity_label = vocabulary_label("polarity", polarity) if polarity not in (None, "none") else None
    heading = " · ".join(part for part in (unit_title, polarity_label) if part) or "Figures"
    note = axis_note(data, lo)
    title = alt.Title(heading, subtitle=note if note else alt.Undefined)
    chart = alt.LayerChart(
        title=title,
        description=description,
        width=width,
        height=height,
        usermeta={"cpb": {"kind": "trend", "indicator": data.indicator, "title": data.name, "alt": description}},
    )
    # The layers and datasets are set afterwards, not passed in: Altair would deep-copy every layer twice
    # to merge their selection parameters and data, and these layers have neither (they name their data).
    chart.layer = layers
    chart.datasets = datasets
    return chart

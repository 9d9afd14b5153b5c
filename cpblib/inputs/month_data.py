"""The monthly pipeline as a recipe: read the month's inputs (all I/O here), then score them (pure).

>>> from cpblib.inputs.month_data import SCORED_COLUMNS
>>> SCORED_COLUMNS[:4]
('indicator', 'name', 'domain', 'unit')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..config import COMPARATORS
from ..month import Month
from ..project import Project
from ..scoring import score
from ..scoring._exceptions import check_exception_rules

_BASE_COLUMNS = (
    "indicator", "name", "domain", "unit", "polarity", "decimals", "frequency", "period_type",
    "period", "value", "missing_reason", "previous_period", "previous_value",
    "direction", "direction_reason", "target", "range_lower", "range_upper",
    "rag", "rag_reason", "rag_override", "exception", "trend", "worsening_periods",
)  # fmt: skip
SCORED_COLUMNS: tuple[str, ...] = _BASE_COLUMNS + tuple(
    f"{comparator}_{part}" for comparator in COMPARATORS for part in ("value", "year", "gap", "comparison")
)
"""Columns of the scored month, in the stable order ``cpb score --format csv|json`` prints."""


@dataclass(frozen=True)
class MonthInputs:
    """Everything scoring needs for one report month, read from the project."""

    month: Month
    catalogue: pd.DataFrame
    values: pd.DataFrame
    targets: pd.DataFrame
    benchmarks: pd.DataFrame
    overrides: pd.DataFrame
    annotations: pd.DataFrame
    exception_rules: pd.DataFrame | None = None
    loads: pd.DataFrame = field(default_factory=pd.DataFrame)


def read_exception_rules(project: Project) -> pd.DataFrame | None:
    """The project's own exception rules (``data/exception_rules.csv``), or None to use cpb's."""
    from .files import read_table

    path = project.path("exception_rules")
    if not path.is_file():
        return None
    table = read_table(path)
    return check_exception_rules(table.frame, file=path.name)


def year_end(label: str) -> Month:
    """The month a benchmark year label ends: ``2021-22`` in March 2022, ``2022`` in December 2022.

    >>> str(year_end("2021-22")), str(year_end("2022"))
    ('2022-03', '2022-12')
    """
    first = int(label[:4])
    return Month(first + 1, 3) if len(label) > 4 else Month(first, 12)


def benchmarks_known_by(benchmarks: pd.DataFrame, month: Month, lag_months: int) -> pd.DataFrame:
    """Only benchmark years a pack for ``month`` could have quoted: ended at least ``lag_months`` before it.

    >>> b = pd.DataFrame({"indicator": ["x", "x"], "comparator": ["england"] * 2, "year": ["2021-22", "2022-23"], "value": [70.0, 71.0]})
    >>> benchmarks_known_by(b, Month(2023, 3), 6)["year"].tolist()
    ['2021-22']
    """
    if benchmarks.empty:
        return benchmarks
    usable = [year_end(str(label)) + lag_months <= month for label in benchmarks["year"]]
    return benchmarks.loc[usable].reset_index(drop=True)


def official_benchmarks(
    project: Project, catalogue: pd.DataFrame, typed: pd.DataFrame, published_at=None
) -> pd.DataFrame:
    """Typed benchmarks, with gaps filled from imported DfE releases when there are any.

    A month already published keeps the releases that were in the store when
    it was first published, so a later DfE release never changes its pack.
    """
    sources = project.path("benchmark_sources")
    if not sources.is_file() or not project.store_path.exists():
        return typed
    from .. import dfe
    from ..errors import StoreError

    try:
        if dfe.releases(project.store_path).empty:
            return typed
    except StoreError:  # nothing imported from DfE yet: the typed figures are all there is
        return typed
    release = None if published_at is None else f"{published_at:%Y-%m-%d}"
    imported = dfe.comparators(project.store_path, project.config, sources, indicators=catalogue, release=release)
    return dfe.fill_benchmarks(typed, imported)


def read_inputs(project: Project, month: Month) -> MonthInputs:
    """Read the catalogue files and the values as published for ``month``.

    The store is brought up to date with ``data/extracts`` first.
    """
    from . import load as loading
    from .store import Store

    loading.ensure_store(project)
    catalogue = loading.read_catalogue(project)
    with Store.open(project.store_path, read_only=True) as store:
        values = store.values(as_at=month, as_published=False)  # a render publishes the latest loads
        loads = store.loads()
        first_published = store.first_published_at(month)
    typed = loading.read_benchmarks(project, catalogue)
    return MonthInputs(
        month=month,
        catalogue=catalogue,
        values=values,
        targets=loading.read_targets(project, catalogue),
        benchmarks=official_benchmarks(project, catalogue, typed, first_published).pipe(
            benchmarks_known_by, month, project.config.comparators.publication_lag_months
        ),
        overrides=loading.read_overrides(project, catalogue),
        annotations=loading.read_annotations(project, catalogue),
        exception_rules=read_exception_rules(project),
        loads=loads,
    )


def score_month(inputs: MonthInputs, project: Project) -> pd.DataFrame:
    """The scored month (pure: no I/O), columns :data:`SCORED_COLUMNS` first."""
    config = project.config
    scored = score(
        inputs.values,
        inputs.catalogue,
        inputs.month,
        targets=inputs.targets,
        benchmarks=inputs.benchmarks,
        overrides=inputs.overrides,
        rules=config.rag,
        calendar=config.calendar,
        comparators=COMPARATORS,
        exception_rules=inputs.exception_rules,
    )
    return scored.pipe(_without_float_noise).pipe(_ordered)


def _without_float_noise(scored: pd.DataFrame) -> pd.DataFrame:
    """Gaps are differences of printed figures: drop binary noise such as -5.450000000000003."""
    gaps = [c for c in scored.columns if c.endswith("_gap")]
    return scored.assign(**{c: scored[c].astype("float64").round(9) for c in gaps})


def _ordered(scored: pd.DataFrame) -> pd.DataFrame:
    rest = [c for c in scored.columns if c not in SCORED_COLUMNS]
    return scored.loc[:, [c for c in SCORED_COLUMNS if c in scored.columns] + rest]


def run_scoring(project_dir: Path | str | None, month: Month | str) -> pd.DataFrame:
    """Open a project and score a month: the one call a notebook or script needs (``run_scoring(".", "2023-03")``)."""
    project = Project.open(project_dir)
    month = Month.parse(month)
    return score_month(read_inputs(project, month), project)
